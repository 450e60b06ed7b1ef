// Realistic detection v2 evidence for the renderer and API tests: a common first funder, a direct
// transfer, a launch bundle, a slow copier and rare tokens, with full-length signatures and
// addresses, in the shapes computeSimilarity stores (src/domain/similarity/types.ts).
import type { PairEvidence, PairScores, SimilarityCluster } from '../../../src/domain/similarity/types';
import { derivedAddress, encodeSignature } from '../../../src/simulator/keys';

export const sig = (wallet: string, i: number): string => encodeSignature('fixture', wallet, 1, i);
export const FUNDER = derivedAddress('fixture', 'bundle-funder');
export const EXCHANGE = derivedAddress('fixture', 'exchange-hot-wallet');
export const LAUNCH_MINT = derivedAddress('fixture', 'launch-mint');
export const RARE_MINTS = [derivedAddress('fixture', 'rare-1'), derivedAddress('fixture', 'rare-2'), derivedAddress('fixture', 'rare-3')];

const T0 = 1_732_000_000;
const ZERO = { funding: 0, bundle: 0, timing: 0, rarity: 0, behavior: 0 };

/** A pair of a launch bundle: same first funder, bought the launch token in the same slot. */
export function bundleEvidence(a: string, b: string): PairEvidence {
  return {
    contributions: { ...ZERO, funding: 0.52, bundle: 0.41, rarity: 0.03 },
    strongest: 'funding',
    funding: [
      {
        kind: 'common-first-funder',
        counterparty: FUNDER,
        counterpartyWallets: 3,
        counterpartyWeight: 0.81,
        a: { asset: 'SOL', amount: '2.5', signature: sig(a, 1), slot: 301_000_120, timestamp: T0 },
        b: { asset: 'SOL', amount: '1.75', signature: sig(b, 1), slot: 301_000_131, timestamp: T0 + 41 },
        secondsApart: 41,
        strength: 0.8,
      },
      {
        kind: 'common-destination',
        counterparty: FUNDER,
        counterpartyWallets: 3,
        counterpartyWeight: 0.81,
        a: { asset: 'SOL', amount: '4.1', signature: sig(a, 9), slot: 301_900_000, timestamp: T0 + 90_000 },
        b: { asset: 'SOL', amount: '3.9', signature: sig(b, 9), slot: 301_900_040, timestamp: T0 + 90_200 },
        secondsApart: 200,
        strength: 0.47,
      },
    ],
    fundingOmitted: 1,
    bundles: [
      {
        mint: LAUNCH_MINT,
        signatureA: sig(a, 2),
        signatureB: sig(b, 2),
        slotA: 301_500_000,
        slotB: 301_500_000,
        timestampA: T0 + 50_000,
        timestampB: T0 + 50_000,
        secondsApart: 0,
        sameSlot: true,
        early: true,
        tokenWeight: 0.9,
        crowd: 4,
        tight: 4,
        strength: 0.94,
      },
    ],
    bundlesOmitted: 0,
    timing: null,
    rareTokens: [{ mint: LAUNCH_MINT, weight: 0.9, walletsTrading: 5 }],
    rareTokensOmitted: 0,
  };
}

/** A copy-trader pair: `follower` copies `leader` about 40 s later. */
export function copyEvidence(leader: string, follower: string): PairEvidence {
  const matches = [0, 1, 2, 3, 4].map((i) => ({
    mint: RARE_MINTS[i % 3],
    direction: (i % 2 === 0 ? 'buy' : 'sell') as 'buy' | 'sell',
    leaderSignature: sig(leader, 20 + i),
    followerSignature: sig(follower, 20 + i),
    leaderTime: T0 + 3600 * i,
    followerTime: T0 + 3600 * i + 38 + i,
    lagSeconds: 38 + i,
  }));
  return {
    contributions: { ...ZERO, timing: 0.71, rarity: 0.1, behavior: 0.02 },
    strongest: 'timing',
    funding: [],
    fundingOmitted: 0,
    bundles: [],
    bundlesOmitted: 0,
    timing: {
      leader,
      follower,
      simultaneous: false,
      summary: `${follower} follows ${leader} by about 40 s on 17 of 22 trades`,
      medianLagSeconds: 40,
      matched: 17,
      leaderTrades: 22,
      followerTrades: 26,
      matches,
      matchesOmitted: 12,
    },
    rareTokens: RARE_MINTS.map((mint, i) => ({ mint, weight: 0.8 - i * 0.1, walletsTrading: 3 + i })),
    rareTokensOmitted: 2,
  };
}

/** Two wallets, one of which sent the other SOL directly. */
export function directEvidence(a: string, b: string): PairEvidence {
  return {
    contributions: { ...ZERO, funding: 0.6 },
    strongest: 'funding',
    funding: [{ kind: 'direct', from: a, to: b, transfer: { asset: 'SOL', amount: '12.5', signature: sig(a, 40), slot: 302_000_000, timestamp: T0 + 7200 }, strength: 0.77 }],
    fundingOmitted: 0,
    bundles: [],
    bundlesOmitted: 0,
    timing: null,
    rareTokens: [],
    rareTokensOmitted: 0,
  };
}

/** Scores consistent with the evidence (combined = Σ contributions). */
export function scoresFor(e: PairEvidence | null, base: Partial<PairScores> = {}): PairScores {
  const combined = e ? Object.values(e.contributions).reduce((s, x) => s + x, 0) : (base.combined ?? null);
  return {
    capital: 0.41,
    binary: 0.55,
    jaccardTraded: 0.38,
    jaccardHeld: 0.2,
    behavior: 0.62,
    timing: e?.timing ? 0.79 : 0.04,
    funding: e?.funding.length ? 0.86 : 0,
    bundle: e?.bundles.length ? 0.94 : 0,
    rarity: e?.rareTokens.length ? 0.58 : 0.02,
    similarity: 0.47,
    ...base,
    combined: Math.round(combined! * 1000) / 1000,
  };
}

/** A cluster bound by a common funder and a same-slot launch buy. */
export function clusterOf(members: string[], extra: Partial<SimilarityCluster> = {}): SimilarityCluster {
  return {
    members,
    edgeCount: (members.length * (members.length - 1)) / 2,
    meanCombined: 0.93,
    bindingTokens: [{ mint: LAUNCH_MINT, memberCount: members.length, totalWeight: 1 }],
    confidence: 0.91,
    density: 1,
    weakestMemberLink: 0.88,
    evidence: {
      bindingPairs: [
        { walletA: members[0], walletB: members[1], combined: 0.96, strongest: 'funding', summary: `common first funder ${FUNDER} (3 wallets), 41 s apart` },
        { walletA: members[0], walletB: members[2] ?? members[1], combined: 0.94, strongest: 'bundle', summary: `bought ${LAUNCH_MINT} in the same slot` },
      ],
      commonCounterparties: [
        { counterparty: FUNDER, kind: 'first-funder', memberCount: members.length },
        { counterparty: FUNDER, kind: 'destination', memberCount: members.length - 1 },
      ],
      signalPairs: { funding: 3, bundle: 3, timing: 0, rarity: 1, behavior: 0 },
    },
    ...extra,
  };
}
