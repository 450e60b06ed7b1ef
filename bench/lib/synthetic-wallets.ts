// A large synthetic group for the similarity benchmark: heavy-tailed token popularity.
import type { SimilarityWalletInput, SwapLeg } from '../../src/domain';
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
