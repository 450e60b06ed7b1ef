// Sliding-window rate limits per provider (requests per second for Helius and RPC, per minute for DexScreener).
import type { SimProvider, SimulatorKnobs } from './knobs';

export class RateWindows {
  private readonly windows: Record<SimProvider, number[]> = { helius: [], 'solana-rpc': [], dexscreener: [] };

  /** null: within the limit (the request is counted); else the seconds until the window has room */
  overBudget(limits: SimulatorKnobs['rateLimits'], provider: SimProvider, now: number): number | null {
    const r = limits;
    const [limit, windowMs] = provider === 'helius' ? [r.heliusRps, 1000] : provider === 'solana-rpc' ? [r.rpcRps, 1000] : [r.dexscreenerRpm, 60_000];
    const w = this.windows[provider];
    while (w.length && now - w[0] >= windowMs) w.shift();
    if (limit !== null && limit !== undefined && w.length >= limit) {
      const freeAt = w.length > 0 && limit > 0 ? w[w.length - limit] + windowMs : now + windowMs;
      return Math.max(1, Math.ceil((freeAt - now) / 1000));
    }
    w.push(now);
    return null;
  }

  clear(): void {
    for (const w of Object.values(this.windows)) w.length = 0;
  }
}
