// A large synthetic group for the similarity benchmark: heavy-tailed token popularity.
import type { SimilarityWalletInput, SwapLeg } from '../../src/domain';
import type { WalletTransfer } from '../../src/domain/detection';
import { buy, sell } from '../../src/domain/testing/legs';
import { base58, logNormal, seededRandom, zipfSampler } from './random';

export interface GroupSpec {
  wallets: number;
  tokens: number;
  tokensPerWallet: number;
  seed: number;
}

/**
 * Each wallet draws most of its tokens from a Zipf(1.0) popularity law and a small private slice of
 * the long tail (so the universe holds every one of `tokens` mints). Per token: one buy, usually a
 * sale later, sometimes a second buy; popular tokens are traded near their "launch" time, so some
 * trades of different wallets fall within the co-trade window.
 */
export function syntheticGroup(spec: GroupSpec): SimilarityWalletInput[] {
  const random = seededRandom(spec.seed);
  const mints = Array.from({ length: spec.tokens }, () => base58(random, 44));
  const launch = Float64Array.from({ length: spec.tokens }, () => 1_700_000_000 + Math.floor(random() * 90 * 86_400));
  const popular = zipfSampler(spec.tokens, 1.0, random);
  const tailSlice = Math.ceil(spec.tokens / spec.wallets);
  const wallets: SimilarityWalletInput[] = [];
  for (let w = 0; w < spec.wallets; w++) {
    const address = base58(random, 44);
    const chosen = new Set<number>();
    for (let k = 0; k < tailSlice && w * tailSlice + k < spec.tokens; k++) chosen.add(w * tailSlice + k);
    while (chosen.size < spec.tokensPerWallet) chosen.add(popular());
    const legs: SwapLeg[] = [];
    const holdings: Record<string, { uiAmount: string }> = {};
    for (const token of chosen) {
      const mint = mints[token];
      const t = launch[token] + Math.floor(logNormal(random, 600, 2));
      const raw = Math.floor(logNormal(random, 1e9, 1)) + 1;
      legs.push(buy({ wallet: address, mint, t, raw, sol: logNormal(random, 0.5, 1), decimals: 6 }));
      if (random() < 0.25) {
        legs.push(buy({ wallet: address, mint, t: t + Math.floor(logNormal(random, 1800, 1.5)), raw, sol: logNormal(random, 0.5, 1), decimals: 6 }));
      }
      if (random() < 0.7) {
        legs.push(sell({ wallet: address, mint, t: t + Math.floor(logNormal(random, 7200, 2)), raw, sol: logNormal(random, 0.6, 1.2), decimals: 6 }));
      } else {
        holdings[mint] = { uiAmount: (raw / 1e6).toFixed(6) };
      }
    }
    wallets.push({ address, legs, holdings });
  }
  return wallets;
}

/**
 * Plain transfers for a synthetic group: each wallet's first funding from one of wallets / 5
 * funders (so funders fund about five wallets each), two top-ups from a pool of wallets / 2
 * sources, and a sweep to one of 3 exchange-like destinations that every wallet uses.
 */
export function syntheticTransfers(group: readonly SimilarityWalletInput[], seed: number): WalletTransfer[][] {
  const random = seededRandom(seed);
  const funders = Array.from({ length: Math.max(1, Math.floor(group.length / 5)) }, () => base58(random, 44));
  const sources = Array.from({ length: Math.max(1, Math.floor(group.length / 2)) }, () => base58(random, 44));
  const sinks = Array.from({ length: 3 }, () => base58(random, 44));
  const pick = (list: readonly string[]): string => list[Math.floor(random() * list.length)];
  return group.map((w) => {
    const start = w.legs.reduce((m, l) => Math.min(m, l.timestamp), Infinity);
    const at = Number.isFinite(start) ? start : 1_700_000_000;
    const out: WalletTransfer[] = [];
    const add = (counterparty: string, direction: 'in' | 'out', t: number): void => {
      const lamports = Math.floor(logNormal(random, 2e9, 1)) + 1;
      out.push({
        wallet: w.address,
        counterparty,
        direction,
        asset: 'SOL',
        amount: (lamports / 1e9).toFixed(9),
        rawAmount: String(lamports),
        decimals: 9,
        amountExact: true,
        signature: base58(random, 88),
        slot: Math.floor(t * 2.5),
        timestamp: t,
      });
    };
    add(pick(funders), 'in', at - 3600 - Math.floor(random() * 86_400));
    add(pick(sources), 'in', at + Math.floor(random() * 30 * 86_400));
    add(pick(sources), 'in', at + Math.floor(random() * 30 * 86_400));
    add(pick(sinks), 'out', at + Math.floor(random() * 60 * 86_400));
    return out;
  });
}
