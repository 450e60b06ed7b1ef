// The /__sim admin endpoints: health, request log, metrics, knobs, reset, ground truth, wallets.
import { json, type Reply } from './helius-routes';
import type { DeepPartial, SimulatorKnobs } from './knobs';
import type { SimWorld } from './model';
import type { RequestLog, SimulatorMetrics } from './request-log';

export interface AdminTarget {
  world: SimWorld;
  log: RequestLog;
  metrics(): SimulatorMetrics;
  knobs(): SimulatorKnobs;
  configure(patch: DeepPartial<SimulatorKnobs>): SimulatorKnobs;
  reset(options?: { knobs?: boolean }): void;
}

export function handleAdmin(sim: AdminTarget, method: string | undefined, url: URL, body: string): Reply {
  const { world, log } = sim;
  const path = url.pathname;
  if (path === '/__sim/health') return json(200, { ok: true, wallets: world.wallets.length, tokens: world.tokens.size });
  if (path === '/__sim/requests' && method === 'GET') {
    const since = Number(url.searchParams.get('since') ?? 0);
    const requests = log.query(since, url.searchParams.get('provider'), url.searchParams.get('wallet'));
    return json(200, { requests, lastSeq: log.lastSeq });
  }
  if (path === '/__sim/requests' && method === 'DELETE') {
    sim.reset();
    return json(200, { ok: true });
  }
  if (path === '/__sim/metrics') return json(200, sim.metrics());
  if (path === '/__sim/config' && method === 'GET') return json(200, sim.knobs());
  if (path === '/__sim/config' && method === 'POST') {
    try {
      const patch = JSON.parse(body || '{}') as unknown;
      if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new Error('the body must be a JSON object of knobs');
      return json(200, sim.configure(patch as DeepPartial<SimulatorKnobs>));
    } catch (err) {
      return json(400, { error: `invalid config: ${(err as Error).message}` });
    }
  }
  if (path === '/__sim/reset' && method === 'POST') {
    sim.reset({ knobs: url.searchParams.get('knobs') === 'true' });
    return json(200, { ok: true });
  }
  if (path === '/__sim/ground-truth') return json(200, world.world.groundTruth ?? null);
  if (path === '/__sim/wallets') return json(200, world.wallets.map((w, i) => ({ address: w.address, label: w.label ?? null, transactions: world.historyLength(i) })));
  return json(404, { error: `unknown simulator endpoint ${path}` });
}
