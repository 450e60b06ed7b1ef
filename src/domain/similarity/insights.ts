// Named findings per pair, each from one documented rule (docs/analytics.md, "Insights").
import type { FundingEvidence, TransferRef } from '../detection/funding';
import { formatLag } from '../detection/timing';
import { coTradingShare } from './metrics';
import type { PairEvidence, PairInsight, PairScores, StrengthLabel } from './types';

export interface InsightFacts {
  scores: PairScores;
  sharedTokenCount: number;
  tradedTokenCountA: number;
  tradedTokenCountB: number;
  sharedHeldCount: number;
  coTradedA: number;
  coTradedB: number;
  /** each wallet's trades (the denominator of the co-traded share); absent: the share is not said */
  tradesA?: number;
  tradesB?: number;
  /** the pair's detection evidence (funding, bundles, timing, rare tokens); null: none */
  evidence: PairEvidence | null;
}

/**
 * Thresholds of the insight rules: the anchor's, Co-trading from its activity correlator, and the
 * rules on detection evidence (a piece of evidence or a signal must reach its threshold).
 */
export const INSIGHT_THRESHOLDS = {
  highBinary: 0.85,
  alignedBinary: 0.6,
  highCapital: 0.6,
  lowCapital: 0.3,
  asymmetryBinary: 0.4,
  asymmetryHighSharePercent: 70,
  asymmetryLowSharePercent: 20,
  coTradesPerSide: 2,
  coTradingShare: 0.1,
  /** strength of a common first funder or top-up source (funding evidence; measured, see docs) */
  commonFunderStrength: 0.4,
  /** strength of a direct transfer between the two, or of one through fresh wallets (funding evidence) */
  directTransferStrength: 0.2,
  /** the bundle signal */
  sameBlockScore: 0.3,
  /** the timing signal, with a named leader */
  copyTradingScore: 0.3,
  /** copied trades at least */
  copyTradingMatches: 3,
  /** the rarity signal */
  rareTokensScore: 0.3,
  /** rare tokens named in the reason */
  rareTokensNamed: 3,
  /** a shared token's rarity weight from which it is called rare (tokenRarityWeight: traded by a few of the database's wallets) */
  rareTokenWeight: 0.5,
} as const;

/** Every rule that holds for the pair, highest score first. Rules needing a null metric do not fire. */
export function pairInsights(f: InsightFacts): PairInsight[] {
  const t = INSIGHT_THRESHOLDS;
  const { binary, capital, timing } = f.scores;
  const out: PairInsight[] = [];
  const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
  if (binary !== null && capital !== null) {
    if (binary >= t.highBinary && capital >= t.highCapital) {
      out.push({ type: 'Behavioral Mirror', score: binary, reason: `trade nearly the same tokens (binary ${pct(binary)}) with similar capital allocation (capital ${pct(capital)})` });
    }
    if (binary >= t.highBinary && capital < t.lowCapital) {
      out.push({ type: 'Capital Divergence', score: binary, reason: `trade nearly the same tokens (binary ${pct(binary)}) but put their capital in different ones (capital ${pct(capital)})` });
    }
    if (binary >= t.alignedBinary && capital >= t.highCapital) {
      out.push({ type: 'Sustained Alignment', score: (binary + capital) / 2, reason: `token overlap ${pct(binary)} and capital similarity ${pct(capital)} are both high` });
    }
  }
  if (binary !== null && binary > t.alignedBinary && f.sharedHeldCount === 0) {
    out.push({ type: 'Shared Zero Holdings', score: binary, reason: `traded much the same tokens (binary ${pct(binary)}) but hold none of them in common now` });
  }
  if (binary !== null && binary >= t.asymmetryBinary && f.tradedTokenCountA > 0 && f.tradedTokenCountB > 0) {
    const shareA = (f.sharedTokenCount / f.tradedTokenCountA) * 100;
    const shareB = (f.sharedTokenCount / f.tradedTokenCountB) * 100;
    const high = Math.max(shareA, shareB);
    const low = Math.min(shareA, shareB);
    if (high >= t.asymmetryHighSharePercent && low <= t.asymmetryLowSharePercent) {
      const who = shareA >= shareB ? 'A' : 'B';
      out.push({ type: 'Significant Asymmetry', score: binary, reason: `${high.toFixed(0)} % of wallet ${who}'s tokens are shared, but only ${low.toFixed(0)} % of the other's` });
    }
  }
  const evidence = f.evidence ?? null;
  if (evidence) out.push(...evidenceInsights(f.scores, evidence));
  const copying = out.some((x) => x.type === 'Copy Trading');
  if (!copying && timing !== null && timing >= t.coTradingShare && f.coTradedA >= t.coTradesPerSide && f.coTradedB >= t.coTradesPerSide) {
    // the share of their trades that were co-traded, not the timing score (which weighs how improbable the matches are)
    const share = f.tradesA === undefined || f.tradesB === undefined ? null : coTradingShare(f.coTradedA, f.coTradedB, f.tradesA, f.tradesB);
    out.push({ type: 'Co-trading', score: timing, reason: `${f.coTradedA} trades of A and ${f.coTradedB} of B were the same token and direction within the co-trade window${share === null ? '' : ` (${pct(share)} of their trades)`}; timing score ${pct(timing)}` });
  }
  return out.sort((x, y) => y.score - x.score);
}

/** Common Funder, Common Collector, Fee Payer, Direct Transfer, Indirect Transfer, Same-Block Buying (or Bought Within Seconds), Copy Trading and Rare Tokens, from the pair's evidence. */
function evidenceInsights(scores: PairScores, e: PairEvidence): PairInsight[] {
  const t = INSIGHT_THRESHOLDS;
  const out: PairInsight[] = [];
  const funder = e.funding.find(
    (x): x is Extract<FundingEvidence, { counterparty: string }> =>
      (x.kind === 'common-first-funder' || x.kind === 'common-source' || x.kind === 'common-upstream-funder') && x.strength >= t.commonFunderStrength,
  );
  if (funder?.kind === 'common-upstream-funder') {
    const chain = (via: readonly string[]): string => (via.length === 0 ? 'directly' : `through ${via.join(' → ')}`);
    out.push({
      type: 'Common Funder',
      score: funder.strength,
      reason: `both were funded by ${funder.counterparty}, A ${chain(funder.viaA)}, B ${chain(funder.viaB)}: fresh wallets between an owner and its wallets${funder.counterpartyActivity?.dedicated ? ` (its whole history on chain is ${funder.counterpartyActivity.transactions} transactions)` : ''}; its two fundings ${funder.secondsApart === 0 ? 'at the same time' : `${formatLag(funder.secondsApart)} apart`}: ${amount(funder.a)} and ${amount(funder.b)}`,
    });
  } else if (funder) {
    const how = funder.kind === 'common-first-funder' ? 'both were first funded by' : 'both were topped up by';
    const apart = funder.secondsApart === 0 ? 'at the same time' : `${formatLag(funder.secondsApart)} apart`;
    out.push({
      type: 'Common Funder',
      score: funder.strength,
      reason: `${how} ${funder.counterparty} (it transferred with ${funder.counterpartyWallets} wallets of the database${funder.counterpartyActivity?.dedicated ? `; its whole history on chain is ${funder.counterpartyActivity.transactions} transactions` : ''}), ${apart}: A received ${amount(funder.a)}, B ${amount(funder.b)}`,
    });
  }
  const collector = e.funding.find((x): x is Extract<FundingEvidence, { kind: 'common-downstream-collector' }> => x.kind === 'common-downstream-collector' && x.strength >= t.commonFunderStrength);
  if (collector !== undefined) {
    const chain = (via: readonly string[]): string => (via.length === 0 ? 'directly' : via.length === 1 ? `through ${via[0]}, a fresh address that forwarded it` : `through ${via.join(' → ')}, fresh addresses that forwarded it in turn`);
    out.push({
      type: 'Common Collector',
      score: collector.strength,
      reason: `both sent SOL to ${collector.counterparty}, A ${chain(collector.viaA)}, B ${chain(collector.viaB)}: fresh deposit addresses between wallets and their owner${collector.counterpartyActivity?.dedicated ? ` (its whole history on chain is ${collector.counterpartyActivity.transactions} transactions)` : ''}; it received ${amount(collector.a)} and ${amount(collector.b)}, ${collector.secondsApart === 0 ? 'at the same time' : `${formatLag(collector.secondsApart)} apart`}`,
    });
  }
  const deposit = collector === undefined ? e.funding.find((x) => x.kind === 'common-destination' && x.depositTo !== undefined && x.strength >= t.commonFunderStrength) : undefined;
  if (deposit !== undefined && deposit.kind === 'common-destination') {
    out.push({
      type: 'Common Collector',
      score: deposit.strength,
      reason: `both sent SOL to ${deposit.counterparty}, an exchange deposit address: it passes what it receives on, within a day, to ${deposit.depositTo} and trades nothing, so it is one account's${deposit.counterpartyActivity?.complete ? ` (its whole history on chain is ${deposit.counterpartyActivity.transactions} transactions)` : ''}; A sent ${amount(deposit.a)}, B ${amount(deposit.b)}, ${deposit.secondsApart === 0 ? 'at the same time' : `${formatLag(deposit.secondsApart)} apart`}`,
    });
  }
  // one of the two paying the other's fees first, else one account paying both's
  const payer =
    e.funding.find((x): x is Extract<FundingEvidence, { kind: 'fee-payer' }> => x.kind === 'fee-payer' && x.strength >= t.directTransferStrength) ??
    e.funding.find((x): x is Extract<FundingEvidence, { kind: 'common-fee-payer' }> => x.kind === 'common-fee-payer' && x.strength >= t.commonFunderStrength);
  if (payer?.kind === 'fee-payer') {
    out.push({
      type: 'Fee Payer',
      score: payer.strength,
      reason: `${payer.payer} paid the fees of ${payer.transactions} transaction${payer.transactions === 1 ? '' : 's'} of ${payer.wallet}'s own, so signed ${payer.transactions === 1 ? 'it' : 'them'} with it, the first on ${when(payer.transaction.timestamp)}`,
    });
  } else if (payer !== undefined) {
    out.push({
      type: 'Fee Payer',
      score: payer.strength,
      reason: `${payer.counterparty} paid the fees of ${payer.transactionsA} transaction${payer.transactionsA === 1 ? '' : 's'} of A's own and ${payer.transactionsB} of B's, so signed them with each (it paid fees of or transferred with ${payer.counterpartyWallets} wallets of the database${payer.counterpartyActivity?.dedicated ? `; its whole history on chain is ${payer.counterpartyActivity.transactions} transactions` : ''}); the closest two ${payer.secondsApart === 0 ? 'at the same time' : `${formatLag(payer.secondsApart)} apart`}`,
    });
  }
  // an NFT sold around the group back to its seller first, else NFTs sold between the two
  const wash =
    e.funding.find((x): x is Extract<FundingEvidence, { kind: 'nft-round-trip' }> => x.kind === 'nft-round-trip' && x.strength >= t.directTransferStrength) ??
    e.funding.find((x): x is Extract<FundingEvidence, { kind: 'nft-sale' }> => x.kind === 'nft-sale' && x.strength >= t.directTransferStrength);
  if (wash?.kind === 'nft-round-trip') {
    out.push({
      type: 'NFT Wash Trading',
      score: wash.strength,
      reason: `NFT ${wash.nft} was sold through a market from ${[...wash.wallets, wash.wallets[0]].join(' to ')}, wallets of this group each, and came back to its first seller ${formatLag(wash.secondsApart)} after it left (${amount(wash.first)} out, ${amount(wash.last)} back): one owner moving it around its own wallets`,
    });
  } else if (wash !== undefined) {
    out.push({
      type: 'NFT Wash Trading',
      score: wash.strength,
      reason: `${wash.seller} sold NFT ${wash.nft} to ${wash.buyer} through a market for ${amount(wash.sale)} on ${when(wash.sale.timestamp)}${wash.sales > 1 ? `, ${wash.sales} NFTs between them on ${wash.occasions} occasion${wash.occasions === 1 ? '' : 's'}${wash.bothWays ? ', each selling to the other' : ''}` : ''}: the market's escrow between them hides it from their transfers`,
    });
  }
  const direct = e.funding.filter((x): x is Extract<FundingEvidence, { kind: 'direct' }> => x.kind === 'direct' && x.strength >= t.directTransferStrength);
  if (direct.length > 0) {
    const first = direct[0];
    // the evidence is capped: past it there may be more (it lists only the strongest)
    const atLeast = e.fundingOmitted > 0 ? 'at least ' : '';
    const more = direct.length > 1 ? ` and ${atLeast}${direct.length - 1} more direct transfer${direct.length > 2 ? 's' : ''} between them` : atLeast ? ' and maybe more between them' : '';
    out.push({
      type: 'Direct Transfer',
      score: Math.max(...direct.map((x) => x.strength)),
      reason: `${first.from} sent ${amount(first.transfer)} to ${first.to} on ${when(first.transfer.timestamp)}${more}`,
    });
  }
  const indirect = e.funding.find((x): x is Extract<FundingEvidence, { kind: 'indirect-transfer' }> => x.kind === 'indirect-transfer' && x.strength >= t.directTransferStrength);
  if (indirect !== undefined) {
    const via = indirect.via.length === 1 ? `a fresh wallet, ${indirect.via[0]}` : `${indirect.via.length} fresh wallets in a row, ${indirect.via.join(' → ')}`;
    out.push({
      type: 'Indirect Transfer',
      score: indirect.strength,
      reason: indirect.sweep
        ? `${indirect.from} swept SOL to ${indirect.to} through ${via}: it sent ${amount(indirect.first)} to ${indirect.via.length === 1 ? 'it' : 'the first'} on ${when(indirect.first.timestamp)}, and ${indirect.to} received ${amount(indirect.last)} from ${indirect.via.length === 1 ? 'it' : 'the last'} ${formatLag(indirect.secondsApart)} later`
        : `${indirect.from} funded ${indirect.to} through ${via}: it sent ${amount(indirect.first)} on ${when(indirect.first.timestamp)} as the first funding of ${indirect.via[0]}, and ${indirect.to} received its own first funding, ${amount(indirect.last)}, ${formatLag(indirect.secondsApart)} later`,
    });
  }
  if (scores.bundle !== null && scores.bundle >= t.sameBlockScore && e.bundles.length > 0) {
    const tokens = e.bundles.length + e.bundlesOmitted;
    const sameSlot = e.bundles.filter((x) => x.sameSlot).length;
    const early = e.bundles.filter((x) => x.early).length;
    const top = e.bundles[0];
    const closeness = top.launchBlock ? `both in its launch block (slot ${top.slotA}, the block of its creation, where snipers rarely land)` : top.sameSlot ? `in the same slot (${top.slotA})` : `${top.secondsApart} s apart`;
    // a block the two shared is what the name says: co-buys seconds apart in other slots are told as such
    const sameBlock = e.bundles.some((x) => x.sameSlot || x.launchBlock === true);
    out.push({
      type: sameBlock ? 'Same-Block Buying' : 'Bought Within Seconds',
      score: scores.bundle,
      reason:
        `bought ${tokens} token${tokens === 1 ? '' : 's'} within seconds of each other (${sameSlot} of those listed in the same slot, ${early} among the token's first buyers); ` +
        `strongest: ${top.mint} ${closeness} on ${when(Math.min(top.timestampA, top.timestampB))}` +
        (e.bundleOdds?.summary ? `; ${e.bundleOdds.summary}` : ''),
    });
  }
  const timing = e.timing;
  if (
    timing &&
    timing.leader !== null &&
    timing.follower !== null &&
    !timing.simultaneous &&
    timing.matched >= t.copyTradingMatches &&
    scores.timing !== null &&
    scores.timing >= t.copyTradingScore
  ) {
    out.push({ type: 'Copy Trading', score: scores.timing, reason: timing.summary });
  }
  // only the shared tokens rare on their own (weight ≥ rareTokenWeight) are called rare: the carriers
  // list every shared token, the popular ones too (7 tokens 90 % of the database trades were "rare")
  const rare = e.rareTokens.filter((x) => x.weight >= t.rareTokenWeight);
  if (scores.rarity !== null && scores.rarity >= t.rareTokensScore && rare.length > 0) {
    const count = e.rareTokens.length + e.rareTokensOmitted;
    const named = rare.slice(0, t.rareTokensNamed).map((x) => `${x.mint} (traded by ${x.walletsTrading} wallet${x.walletsTrading === 1 ? '' : 's'})`);
    const rest = rare.length - named.length;
    const listing = `${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
    // the carriers are listed rarest first: past the list there may be more rare ones only when all listed are
    const rareCount = e.rareTokensOmitted > 0 && rare.length === e.rareTokens.length ? `at least ${rare.length}` : `${rare.length}`;
    out.push({
      type: 'Rare Tokens',
      score: scores.rarity,
      reason: rare.length === count ? `share ${count} rare token${count === 1 ? '' : 's'}: ${listing}` : `share ${count} tokens, ${rareCount} of them rare: ${listing}`,
    });
  }
  return out;
}

function amount(ref: TransferRef): string {
  return `${ref.amount} ${ref.asset === 'SOL' || ref.asset === 'NFT_SALE' ? 'SOL' : `of token ${ref.asset}`}`;
}

/** e.g. "2026-11-19 07:20 UTC" */
function when(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Word for a combined score: ≥ 0.7 Very High, ≥ 0.5 High, ≥ 0.3 Moderate, ≥ 0.15 Low, else Very Low. */
export function strengthOf(combined: number | null): StrengthLabel | null {
  if (combined === null) return null;
  if (combined >= 0.7) return 'Very High';
  if (combined >= 0.5) return 'High';
  if (combined >= 0.3) return 'Moderate';
  if (combined >= 0.15) return 'Low';
  return 'Very Low';
}
