// The evidence behind a pair's `combined` (docs/analytics.md, "Evidence"): each signal's share and
// its strongest items, capped, oriented to the pair's walletA / walletB.
import type { BundleLink } from '../detection/bundles';
import type { Relatedness } from '../detection/combine';
import { formatLag, type TimingResult } from '../detection/timing';
import { oneHopUp, type FundingEvidence } from '../detection/funding';
import type { RarityOverlap } from '../detection/rarity';
import type { SignalResult } from '../detection/types';
import type { PairEvidence, PairTimingEvidence } from './types';

/** A pair shows evidence when a coordination signal scores, or rare tokens carry this much overlap. */
export const RARE_EVIDENCE_MIN = 0.2;
/** A pair's evidence lists the rare tokens it shares when its rarity overlap is at least this. */
export const RARE_TOKENS_MIN = 0.05;

export interface PairSignalParts {
  walletA: string;
  walletB: string;
  related: Relatedness;
  funding: SignalResult<FundingEvidence> | undefined;
  bundle: BundleLink | undefined;
  timing: TimingResult | undefined;
  rarity: RarityOverlap | null;
}

export function pairEvidence(p: PairSignalParts): PairEvidence {
  // the signals list their pair with a < b by address; the result's walletA may be either
  const flipped = p.walletA > p.walletB;
  const funding = p.funding?.evidence ?? [];
  const bundles = p.bundle?.evidence ?? [];
  return {
    contributions: p.related.contributions,
    strongest: p.related.strongest,
    funding: flipped ? funding.map(flipFunding) : funding,
    fundingOmitted: p.funding?.evidenceOmitted ?? 0,
    bundles: flipped
      ? bundles.map((e) => ({ ...e, signatureA: e.signatureB, signatureB: e.signatureA, slotA: e.slotB, slotB: e.slotA, timestampA: e.timestampB, timestampB: e.timestampA }))
      : bundles,
    bundlesOmitted: p.bundle?.evidenceOmitted ?? 0,
    ...(p.bundle !== undefined && p.bundle.evidence.length > 0 ? { bundleOdds: p.bundle.odds } : {}),
    timing: p.timing !== undefined && p.timing.forward.matched + p.timing.backward.matched > 0 ? timingEvidence(p.timing) : null,
    rareTokens: p.rarity?.evidence ?? [],
    rareTokensOmitted: p.rarity?.evidenceOmitted ?? 0,
  };
}

function flipFunding(e: FundingEvidence): FundingEvidence {
  if (e.kind === 'direct' || e.kind === 'indirect-transfer' || e.kind === 'fee-payer' || e.kind === 'nft-sale' || e.kind === 'nft-round-trip') return e;
  if (e.kind === 'common-fee-payer') return { ...e, a: e.b, b: e.a, transactionsA: e.transactionsB, transactionsB: e.transactionsA };
  if (e.kind === 'common-upstream-funder' || e.kind === 'common-downstream-collector') return { ...e, a: e.b, b: e.a, viaA: e.viaB, viaB: e.viaA };
  if (e.kind === 'same-amount-funding') return { ...e, a: e.b, b: e.a, funderA: e.funderB, funderB: e.funderA, ...(oneHopUp(e) ? { viaA: e.viaB, viaB: e.viaA } : {}) };
  return { ...e, a: e.b, b: e.a };
}

function timingEvidence(r: TimingResult): PairTimingEvidence {
  const d = r.forward.score >= r.backward.score ? r.forward : r.backward;
  return {
    leader: r.leader,
    follower: r.follower,
    simultaneous: r.simultaneous,
    // the matches are the scoring direction's (timingForPair picks it as here), named or not
    matchedWallets: { leader: d.leader, follower: d.follower },
    summary: r.summary,
    medianLagSeconds: d.medianLagSeconds,
    typicalLagSeconds: d.typicalLagSeconds,
    typicalSellLagSeconds: d.typicalSellLagSeconds,
    matched: d.matched,
    leaderTrades: d.leaderTrades,
    followerTrades: d.followerTrades,
    matches: r.evidence,
    matchesOmitted: r.evidenceOmitted,
  };
}

/** One line on what links the pair most, from its strongest signal. */
export function evidenceSummary(e: PairEvidence | null): string {
  if (e === null || e.strongest === null) return 'similar trading style';
  switch (e.strongest) {
    case 'funding': {
      const f = e.funding[0];
      if (f === undefined) return 'funding links';
      if (f.kind === 'direct') return `direct transfer of ${f.transfer.amount} ${f.transfer.asset}`;
      if (f.kind === 'nft-sale') return `${f.seller} sold ${f.sales === 1 ? 'an NFT' : `NFTs (${f.sales})`} to ${f.buyer}${f.bothWays ? ' and bought some back' : ''} through a market`;
      if (f.kind === 'nft-round-trip') return `an NFT sold around ${f.wallets.length} wallets of the group back to ${f.wallets[0]} (${formatLag(f.secondsApart)} away)`;
      if (f.kind === 'fee-payer') return `${f.payer} paid the fees of ${f.transactions} transaction${f.transactions === 1 ? '' : 's'} of ${f.wallet}'s own`;
      if (f.kind === 'common-fee-payer') return `fees paid by the same ${f.counterparty} (${formatLag(f.secondsApart)} apart)`;
      if (f.kind === 'indirect-transfer') return `${f.from} ${f.sweep ? 'swept SOL to' : 'funded'} ${f.to} through ${hops(f.via.length)}`;
      if (f.kind === 'common-downstream-collector') return `swept SOL through ${hops(f.viaA.length + f.viaB.length)} to the same ${f.counterparty}`;
      if (f.kind === 'same-amount-funding') return `${oneHopUp(f) ? 'first funded through fresh wallets first funded' : 'first funded'} with the same ${f.a.amount} SOL (${formatLag(f.secondsApart)} apart)`;
      if (f.kind === 'common-upstream-funder') return `funded through ${hops(f.viaA.length + f.viaB.length)} by the same ${f.counterparty}`;
      if (f.kind === 'common-destination' && f.depositTo !== undefined) return `sent SOL to the same exchange deposit address ${f.counterparty} (${formatLag(f.secondsApart)} apart)`;
      const what = f.kind === 'common-first-funder' ? 'same first funder' : f.kind === 'common-source' ? 'same top-up source' : 'same sweep destination';
      return `${what} ${f.counterparty} (${formatLag(f.secondsApart)} apart)`;
    }
    case 'bundle': {
      const b = e.bundles[0];
      const tokens = e.bundles.length + e.bundlesOmitted;
      return b === undefined ? 'bought together' : `bought ${tokens} token${tokens > 1 ? 's' : ''} within seconds (${b.launchBlock ? 'both in its launch block' : b.sameSlot ? 'same slot' : `${b.secondsApart} s apart`})`;
    }
    case 'timing':
      return e.timing?.summary ?? 'trade the same tokens in step';
    case 'rarity': {
      // every shared token carries the overlap by its rarity; the rarest leads the list
      const n = e.rareTokens.length + e.rareTokensOmitted;
      const rarest = e.rareTokens[0];
      return `${n} token${n > 1 ? 's' : ''} in common, weighed by rarity${rarest === undefined ? '' : ` (the rarest traded by ${rarest.walletsTrading} wallet${rarest.walletsTrading === 1 ? '' : 's'})`}`;
    }
    default:
      return 'similar trading style';
  }
}

/** `1 fresh wallet`, `2 fresh wallets`. */
function hops(n: number): string {
  return `${n} fresh wallet${n === 1 ? '' : 's'}`;
}
