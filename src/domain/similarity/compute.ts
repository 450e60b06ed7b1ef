// Similarity of a group of wallets: all metrics over one token universe, explained per pair.
import { counterpartyActivityClass } from '../detection/funding';
import { CLUSTER_DEFAULTS } from '../detection/cluster';
import { RELATEDNESS_WEIGHTS, relatedness, relatednessScore } from '../detection/combine';
import { TIMING_DEFAULTS } from '../detection/timing';
import { SHARED_WEIGHT_SCALE, clamp01, type RarityOverlap } from '../detection/rarity';
import { ENGINE_VERSION } from '../version';
import { DEFAULT_CLUSTER_THRESHOLD, findClusters } from './clusters';
import { RARE_EVIDENCE_MIN, RARE_TOKENS_MIN, pairEvidence } from './evidence';
import { INSIGHT_THRESHOLDS, pairInsights, strengthOf } from './insights';
import { behaviorSimilarity, cosine, jaccard, ochiai } from './metrics';
import type { PairRow } from './pairs';
import {
  ACC,
  ACC_DOT,
  ACC_MIN_WEIGHT_SUM,
  ACC_RARITY,
  ACC_SHARED_WEIGHT_A,
  ACC_SHARED_WEIGHT_B,
  CNT,
  CNT_CO_TRADED_A,
  CNT_CO_TRADED_B,
  CNT_NEAR_A,
  CNT_NEAR_B,
  CNT_PEAK_A,
  CNT_PEAK_B,
  CNT_SHARED,
  CNT_TOP_COUNT,
} from './kernel';
import { forEachPairRow, helperThreadCount, startPairHelpers, stopPairHelpers } from './pairs';
import { rowStart } from './row-states';
import { TIMING_MIN_SCORE, groupSignals, pairTiming, rarityOverlapOf, timingBound, tokenWeights, type GroupSignals, type TokenWeights } from './signals';
import type {
  MetricName,
  MetricSummary,
  PairScores,
  ScoreName,
  SharedToken,
  SimilarityInput,
  SimilarityPair,
  SimilarityResult,
  SimilarityRunOptions,
  WalletCoverage,
} from './types';
import { DEFAULT_WEIGHTS, METRIC_NAMES, SCORE_NAMES } from './types';

export { DEFAULT_WEIGHTS };
import type { TokenUniverse, WalletVector } from './vectors';
import { buildUniverse, buildWalletVector, vectorScratch } from './vectors';

/** Shared tokens listed per pair by default; large groups list fewer to keep the result bounded. */
export const DEFAULT_MAX_SHARED_TOKENS = 10;
export const LARGE_GROUP_PAIRS = 20_000;
export const LARGE_GROUP_MAX_SHARED_TOKENS = 3;
const NO_REASONS: SimilarityPair['nullReasons'] = Object.freeze({});
const NO_INSIGHTS: SimilarityPair['insights'] = Object.freeze([]) as unknown as SimilarityPair['insights'];
export const DEFAULT_HELD_DUST_UI_AMOUNT = '0.001';
export const DEFAULT_CO_TRADE_WINDOW_SECONDS = 300;
const MOST_COMMON_TOKENS = 20;
const MOST_SIMILAR_PAIRS = 5;

export class SimilarityInputError extends Error {
  override name = 'SimilarityInputError';
}

/**
 * Computes every pair of the group (input order: i < j) plus clusters, global metrics and coverage.
 * `options` only decide how the work is spread over threads; the result is the same.
 *
 * Streamed (`options.pairSink`): the run scores every pair first (its scores only), ranks them, and
 * then builds each pair again and hands it to the sink in rank order (`rankOrder`: strongest first),
 * keeping only the pairs the clusters read (the edges, a prefix of that order) and the strongest
 * `topPairs`, so a group of 1,000 wallets (499,500 pairs) never holds every pair, and a store can
 * take the pairs as they come, in its key's order. The result's `pairs` are then those strongest
 * pairs, with `pairCount` and `pairsComplete`; `onRanks` gets the rank of every pair index. Clusters,
 * global metrics and the rest are the same as unstreamed.
 */
export function computeSimilarity(input: SimilarityInput, options: SimilarityRunOptions = {}): SimilarityResult {
  checkRunOptions(options);
  const weights = resolveWeights(input.weights);
  const clusterThreshold = input.clusterThreshold ?? DEFAULT_CLUSTER_THRESHOLD;
  if (!(clusterThreshold >= 0 && clusterThreshold <= 1)) throw new SimilarityInputError(`clusterThreshold must be within [0, 1], got ${clusterThreshold}`);
  const dust = input.heldDustUiAmount ?? DEFAULT_HELD_DUST_UI_AMOUNT;
  const window = input.coTradeWindowSeconds ?? DEFAULT_CO_TRADE_WINDOW_SECONDS;
  const seen = new Set<string>();
  for (const w of input.wallets) {
    if (seen.has(w.address)) throw new SimilarityInputError(`wallet listed twice in the group: '${w.address}'`);
    seen.add(w.address);
  }
  const ms: Record<string, number> = {};
  let t = performance.now();

  // helper threads load their module while the vectors are built; forEachPairRow stops them
  const helpers = startPairHelpers(helperThreadCount(input.wallets.length, options), options.helpersOnly);
  let universe: TokenUniverse;
  let vectors: WalletVector[];
  let weightsOfTokens: TokenWeights;
  try {
    universe = buildUniverse(input.wallets);
    const scratch = vectorScratch(universe);
    vectors = input.wallets.map((w, i) => buildWalletVector(w, i, universe, dust, scratch));
    weightsOfTokens = tokenWeights(input, universe, vectors);
  } catch (error) {
    stopPairHelpers(helpers);
    throw error;
  }
  ms.vectors = performance.now() - t;
  const n = vectors.length;
  const pairCount = (n * (n - 1)) / 2;
  const maxShared =
    input.maxSharedTokensPerPair ?? (pairCount > LARGE_GROUP_PAIRS ? LARGE_GROUP_MAX_SHARED_TOKENS : DEFAULT_MAX_SHARED_TOKENS);
  const sink = options.pairSink ?? null;
  // unstreamed: every pair, built as its row finishes; streamed: only the scores on this first pass
  // (the pairs are built again, in rank order, below)
  const pairs: SimilarityPair[] = sink === null ? new Array<SimilarityPair>(pairCount) : [];
  const columns = Object.fromEntries(SCORE_NAMES.map((name) => [name, new Float64Array(pairCount)])) as Record<ScoreName, Float64Array>;
  const record = (p: number, s: PairScores): void => {
    columns.capital[p] = s.capital ?? NaN;
    columns.binary[p] = s.binary ?? NaN;
    columns.jaccardTraded[p] = s.jaccardTraded ?? NaN;
    columns.jaccardHeld[p] = s.jaccardHeld ?? NaN;
    columns.behavior[p] = s.behavior ?? NaN;
    columns.timing[p] = s.timing ?? NaN;
    columns.funding[p] = s.funding ?? NaN;
    columns.bundle[p] = s.bundle ?? NaN;
    columns.rarity[p] = s.rarity ?? NaN;
    columns.similarity[p] = s.similarity ?? NaN;
    columns.combined[p] = s.combined ?? NaN;
  };
  let signals: GroupSignals | null = null;
  let context: PairContext | null = null;
  let p = 0;
  t = performance.now();
  const rows = forEachPairRow(
    vectors,
    universe.mints.length,
    weightsOfTokens.tokenRarity,
    window,
    TIMING_DEFAULTS.windowSeconds,
    maxShared,
    helpers,
    (i, row) => {
      if (context === null) {
        // the sparse signals run here, on the first finished row, while helper threads go on with rows
        signals = groupSignals(input, universe, vectors, weightsOfTokens);
        context = { universe, weights, signals, rarityOverlap: rarityOverlapOf(input, weightsOfTokens.tokens), n };
      }
      for (let j = i + 1; j < n; j++) {
        if (sink === null) {
          const pair = scorePair(vectors[i], vectors[j], i, j, row, context, pairFacts(vectors[i], vectors[j], i, j, p, row, context));
          record(p, pair.scores);
          pairs[p] = pair;
        } else record(p, pairFacts(vectors[i], vectors[j], i, j, p, row, context).scores);
        p++;
      }
    },
    sink !== null,
  );
  options.onRowStats?.(rows.stats);
  const sig = (signals ?? groupSignals(input, universe, vectors, weightsOfTokens)) as GroupSignals;
  ms.pairs = performance.now() - t - sig.ms.timing - sig.ms.bundle - sig.ms.funding;
  ms.timing = sig.ms.timing;
  ms.bundle = sig.ms.bundle;
  ms.funding = sig.ms.funding;
  ms.rarityWeights = weightsOfTokens.ms;

  // streamed: every pair built again from its retained row and handed to the sink in rank order (a
  // store takes them in its key's order); the edges (what findClusters reads) and the strongest
  // `topPairs` are a prefix of that order, and only they are kept
  let listed = pairs;
  const edges = new Map<number, SimilarityPair>();
  if (sink !== null) {
    t = performance.now();
    const { order, ranks } = rankOrder(columns.combined);
    ms.ranks = performance.now() - t;
    t = performance.now();
    const topPairs = Math.min(options.topPairs ?? pairCount, pairCount);
    listed = [];
    const rowOfPair = new Int32Array(pairCount);
    for (let i = 0, k = 0; i < n; i++) for (let j = i + 1; j < n; j++) rowOfPair[k++] = i;
    const rowAt = rows.rowAt as (i: number) => PairRow;
    const ctx = context as unknown as PairContext;
    for (let r = 0; r < pairCount; r++) {
      const k = order[r];
      const i = rowOfPair[k];
      const j = k - rowStart(i, n) + i + 1;
      // its facts again from its row (the columns hold its scores, but eleven of them far apart: slower to gather)
      const row = rowAt(i);
      const pair = scorePair(vectors[i], vectors[j], i, j, row, ctx, pairFacts(vectors[i], vectors[j], i, j, k, row, ctx));
      sink(pair, k, r);
      if (r < topPairs) listed.push(pair);
      const combined = pair.scores.combined;
      if (combined !== null && combined >= clusterThreshold) edges.set(k, pair);
    }
    options.onRanks?.(ranks);
    ms.streamed = performance.now() - t;
  }

  t = performance.now();
  const clusterOptions = { ...CLUSTER_DEFAULTS, minEdge: clusterThreshold };
  const pairAt = sink === null ? (k: number) => pairs[k] : (k: number) => edges.get(k);
  const services = new Set([...(input.database?.counterparties?.activity ?? [])].filter(([, a]) => counterpartyActivityClass(a) === 'service').map(([c]) => c));
  const clusters = findClusters({ vectors, pairAt, columns, options: clusterOptions, funding: sig.funding, universeMints: universe.mints, services, fundingGroup: sig.fundingGroup });
  ms.clusters = performance.now() - t;
  t = performance.now();
  const globalMetrics = {
    walletCount: n,
    pairCount,
    metrics: Object.fromEntries(SCORE_NAMES.map((m) => [m, summarize(columns[m])])) as Record<ScoreName, MetricSummary>,
    combinedHistogram: histogram(columns.combined),
    histograms: Object.fromEntries(SCORE_NAMES.map((m) => [m, histogram(columns[m])])) as Record<ScoreName, number[]>,
    mostSimilarPairs: mostSimilar(vectors, columns.combined),
  };
  ms.globalMetrics = performance.now() - t;
  options.onStageTimes?.(ms);

  return {
    engineVersion: ENGINE_VERSION,
    parameters: {
      weights,
      clusterThreshold,
      maxSharedTokensPerPair: maxShared,
      heldDustUiAmount: dust,
      coTradeWindowSeconds: window,
      relatednessWeights: { ...RELATEDNESS_WEIGHTS },
      cluster: clusterOptions,
    },
    universe: { size: universe.mints.length, excludedSeen: universe.excludedSeen },
    coverage: input.wallets.map((w, i) => coverageOf(w, vectors[i])),
    pairs: listed,
    clusters,
    globalMetrics,
    mostCommonTokens: mostCommonTokens(vectors, universe),
    ...(sink === null ? {} : { pairCount, pairsComplete: listed.length === pairCount }),
  };
}

function checkRunOptions({ threads, minPairsForThreads, topPairs, pairSink }: SimilarityRunOptions): void {
  if (topPairs !== undefined && !(Number.isInteger(topPairs) && topPairs >= 0)) {
    throw new SimilarityInputError(`topPairs must be a whole number ≥ 0, got ${String(topPairs)}`);
  }
  if (topPairs !== undefined && pairSink === undefined) throw new SimilarityInputError('topPairs needs a pairSink: an unstreamed run lists every pair');
  if (threads !== undefined && threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1)) {
    throw new SimilarityInputError(`threads must be 'auto' or a whole number ≥ 1, got ${String(threads)}`);
  }
  if (minPairsForThreads !== undefined && !(Number.isInteger(minPairsForThreads) && minPairsForThreads >= 0)) {
    throw new SimilarityInputError(`minPairsForThreads must be a whole number ≥ 0, got ${String(minPairsForThreads)}`);
  }
}

export function resolveWeights(overrides: Partial<Record<MetricName, number>> = {}): Record<MetricName, number> {
  const weights = { ...DEFAULT_WEIGHTS };
  for (const m of METRIC_NAMES) {
    const w = overrides[m];
    if (w === undefined) continue;
    if (!Number.isFinite(w) || w < 0) throw new SimilarityInputError(`weight of '${m}' must be a finite number ≥ 0, got ${w}`);
    weights[m] = w;
  }
  return weights;
}

interface PairContext {
  universe: TokenUniverse;
  weights: Record<MetricName, number>;
  signals: GroupSignals;
  rarityOverlap: (i: number, j: number) => RarityOverlap | null;
  n: number;
}

/** A pair's scores, and what its details are built from (scorePair). */
interface PairFacts {
  scores: PairScores;
  timingResult: ReturnType<typeof pairTiming> | null;
  bundleLink: ReturnType<GroupSignals['bundle']['get']>;
  fundingLink: ReturnType<GroupSignals['fundingLinks']['get']>;
  /** the pair's entry in its row's store, and the figures of it the scores read */
  entry: number;
  shared: number;
  sharedHeld: number;
  dot: number;
}

/** The scores of pair `index` (wallets i < j) from its entry in `row`: a streamed run's first pass reads only these. */
function pairFacts(a: WalletVector, b: WalletVector, i: number, j: number, index: number, row: PairRow, ctx: PairContext): PairFacts {
  const { weights, signals } = ctx;
  const nA = a.tokens.length;
  const nB = b.tokens.length;
  const e = j + row.shift; // this pair's entry in the row's store
  const x = e * ACC;
  const c = e * CNT;
  const { acc, counts } = row;
  const shared = counts[c + CNT_SHARED];
  const sharedHeld = row.sharedHeld[e];
  const dot = acc[x + ACC_DOT];
  const capital = cosine(dot, a.norm, b.norm);
  const binary = ochiai(nA, nB, shared);
  const jaccardTraded = jaccard(nA, nB, shared);
  const jaccardHeld = jaccard(a.held.length, b.held.length, sharedHeld);
  const behavior = behaviorSimilarity(a.behavior, b.behavior);
  // detection v2: sparse signals looked up by pair, rarity from the row's shared rarity weight
  const traded = signals.trades[i] > 0 && signals.trades[j] > 0;
  const timingResult =
    traded && timingBound(counts[c + CNT_NEAR_A], counts[c + CNT_NEAR_B], counts[c + CNT_PEAK_A], counts[c + CNT_PEAK_B], signals.trades[i], signals.trades[j]) >= TIMING_MIN_SCORE
      ? pairTiming(signals, i, j)
      : null;
  const timing = traded ? (timingResult !== null && timingResult.score >= TIMING_MIN_SCORE ? timingResult.score : 0) : null;
  const bundleLink = traded ? signals.bundle.get(index) : undefined;
  const bundle = traded ? (bundleLink?.score ?? 0) : null;
  const fundingKnown = signals.funding[i] !== null && signals.funding[j] !== null;
  const fundingLink = fundingKnown ? signals.fundingLinks.get(index) : undefined;
  const funding = fundingKnown ? (fundingLink?.score ?? 0) : null;
  const rarity = nA > 0 && nB > 0 ? rarityScore(acc[x + ACC_RARITY], signals.rarityTotal[i], signals.rarityTotal[j]) : null;
  // Σ weight·value over the defined metrics with weight > 0, in metric order
  let weighted = 0;
  let weightSum = 0;
  if (capital !== null && weights.capital > 0) {
    weighted += weights.capital * capital;
    weightSum += weights.capital;
  }
  if (binary !== null && weights.binary > 0) {
    weighted += weights.binary * binary;
    weightSum += weights.binary;
  }
  if (jaccardTraded !== null && weights.jaccardTraded > 0) {
    weighted += weights.jaccardTraded * jaccardTraded;
    weightSum += weights.jaccardTraded;
  }
  if (jaccardHeld !== null && weights.jaccardHeld > 0) {
    weighted += weights.jaccardHeld * jaccardHeld;
    weightSum += weights.jaccardHeld;
  }
  if (behavior !== null && weights.behavior > 0) {
    weighted += weights.behavior * behavior;
    weightSum += weights.behavior;
  }
  if (timing !== null && weights.timing > 0) {
    weighted += weights.timing * timing;
    weightSum += weights.timing;
  }
  const similarity = weightSum > 0 ? Math.min(1, weighted / weightSum) : null;
  const anySignal = funding !== null || bundle !== null || timing !== null || rarity !== null || behavior !== null;
  const combined = anySignal ? relatednessScore(funding ?? NaN, bundle ?? NaN, timing ?? NaN, rarity ?? NaN, behavior ?? NaN) : null;
  const scores: PairScores = { capital, binary, jaccardTraded, jaccardHeld, behavior, timing, funding, bundle, rarity, similarity, combined };
  return { scores, timingResult, bundleLink, fundingLink, entry: e, shared, sharedHeld, dot };
}

/** The pair (wallets i < j) from its entry in `row` and its facts (pairFacts). */
function scorePair(a: WalletVector, b: WalletVector, i: number, j: number, row: PairRow, ctx: PairContext, facts: PairFacts): SimilarityPair {
  const { universe, signals } = ctx;
  const { scores, timingResult, bundleLink, fundingLink, entry: e, shared, sharedHeld, dot } = facts;
  const { capital, binary, jaccardTraded, jaccardHeld, behavior, timing, funding, bundle, rarity, similarity, combined } = scores;
  const nA = a.tokens.length;
  const nB = b.tokens.length;
  const x = e * ACC;
  const c = e * CNT;
  const { acc, counts } = row;
  const coTradedA = counts[c + CNT_CO_TRADED_A];
  const coTradedB = counts[c + CNT_CO_TRADED_B];
  const anyNull =
    capital === null ||
    binary === null ||
    jaccardTraded === null ||
    jaccardHeld === null ||
    behavior === null ||
    timing === null ||
    funding === null ||
    bundle === null ||
    rarity === null ||
    similarity === null ||
    combined === null;
  // evidence only for pairs with coordination evidence or rare tokens in common (a bounded result)
  const evidence =
    (funding !== null && funding > 0) || (bundle !== null && bundle > 0) || (timing !== null && timing > 0) || (rarity !== null && rarity >= RARE_EVIDENCE_MIN)
      ? pairEvidence({
          walletA: a.address,
          walletB: b.address,
          related: relatedness({ funding, bundle, timing, rarity, behavior }),
          funding: fundingLink,
          bundle: bundleLink,
          timing: timing !== null && timing > 0 ? (timingResult ?? undefined) : undefined,
          rarity: rarity !== null && rarity >= RARE_TOKENS_MIN ? ctx.rarityOverlap(i, j) : null,
        })
      : null;
  const hasCapital = capital !== null;
  const normProduct = a.norm * b.norm;
  const base = e * row.maxTop;
  const topCount = counts[c + CNT_TOP_COUNT];
  const topValues = row.topValues;
  const sharedTokens: SharedToken[] = new Array<SharedToken>(topCount);
  let listed = 0;
  for (let t = 0; t < topCount; t++) {
    const v = (base + t) * 3;
    const product = topValues[v];
    listed += product;
    sharedTokens[t] = {
      mint: universe.mints[row.topToken[base + t]],
      weightA: topValues[v + 1],
      weightB: topValues[v + 2],
      contribution: hasCapital ? product / normProduct : 0,
    };
  }
  // the similarity rules need binary ≥ 0.4 or timing ≥ 0.1, the evidence rules evidence: skip the
  // rule list for the many weak pairs
  const insights =
    evidence === null && (binary === null || binary < INSIGHT_THRESHOLDS.asymmetryBinary) && (timing === null || timing < INSIGHT_THRESHOLDS.coTradingShare)
      ? NO_INSIGHTS
      : insightsOf({ scores, sharedTokenCount: shared, tradedTokenCountA: nA, tradedTokenCountB: nB, sharedHeldCount: sharedHeld, coTradedA, coTradedB, tradesA: a.trades, tradesB: b.trades, evidence });
  return {
    walletA: a.address,
    walletB: b.address,
    scores,
    nullReasons: anyNull ? nullReasonsOf(scores, a, b, signals, i) : NO_REASONS,
    strength: strengthOf(combined),
    sharedTokenCount: shared,
    tradedTokenCountA: nA,
    tradedTokenCountB: nB,
    unionTokenCount: nA + nB - shared,
    sharedHeldCount: sharedHeld,
    heldTokenCountA: a.held.length,
    heldTokenCountB: b.held.length,
    capitalOverlapPercent: hasCapital ? Math.min(100, acc[x + ACC_MIN_WEIGHT_SUM] * 100) : null,
    capitalInSharedPercentA: a.norm > 0 ? Math.min(100, acc[x + ACC_SHARED_WEIGHT_A] * 100) : null,
    capitalInSharedPercentB: b.norm > 0 ? Math.min(100, acc[x + ACC_SHARED_WEIGHT_B] * 100) : null,
    sharedTokens,
    sharedTokensOmitted: shared - topCount,
    omittedContribution: hasCapital ? Math.max(0, dot - listed) / normProduct : 0,
    coTrading: { coTradedA, coTradedB, tradesA: a.trades, tradesB: b.trades },
    insights,
    evidence,
  };
}

/** detection/rarity `rarityOverlap` score from the shared and total rarity weights. */
function rarityScore(sharedWeight: number, totalA: number, totalB: number): number {
  const union = totalA + totalB - sharedWeight;
  const weightedJaccard = union > 0 ? clamp01(sharedWeight / union) : 0;
  return weightedJaccard * (1 - Math.exp(-sharedWeight / SHARED_WEIGHT_SCALE));
}

function insightsOf(facts: Parameters<typeof pairInsights>[0]): SimilarityPair['insights'] {
  const found = pairInsights(facts);
  return found.length > 0 ? found : NO_INSIGHTS;
}

/** Why each null score is null, in words a user can act on. */
function nullReasonsOf(s: PairScores, a: WalletVector, b: WalletVector, signals: GroupSignals, i: number): SimilarityPair['nullReasons'] {
  const side = (x: boolean): string => (x ? 'wallet A' : 'wallet B');
  const r: SimilarityPair['nullReasons'] = {};
  if (s.capital === null) r.capital = `${side(a.norm === 0)} spent no SOL on universe tokens`;
  if (s.binary === null) r.binary = `${side(a.tokens.length === 0)} traded no universe token`;
  if (s.jaccardTraded === null) r.jaccardTraded = 'neither wallet traded a universe token';
  if (s.jaccardHeld === null) r.jaccardHeld = 'neither wallet holds a universe token above the dust threshold';
  if (s.behavior === null) {
    r.behavior = a.behavior === null ? `wallet A: ${a.behaviorReason}` : `wallet B: ${b.behaviorReason}`;
  }
  const noTrades = `${side(signals.trades[i] === 0)} has no trades in universe tokens`;
  if (s.timing === null) r.timing = noTrades;
  if (s.bundle === null) r.bundle = noTrades;
  if (s.funding === null) r.funding = `${side(signals.funding[i] === null)}'s transfers are not known`;
  if (s.rarity === null) r.rarity = `${side(a.tokens.length === 0)} traded no universe token`;
  if (s.similarity === null) r.similarity = 'no weighted metric is defined for this pair';
  if (s.combined === null) r.combined = 'no signal is defined for this pair';
  return r;
}

function coverageOf(w: SimilarityInput['wallets'][number], v: WalletVector): WalletCoverage {
  let first: number | null = null;
  let last: number | null = null;
  let swaps = 0;
  for (const leg of w.legs) {
    if (first === null || leg.timestamp < first) first = leg.timestamp;
    if (last === null || leg.timestamp > last) last = leg.timestamp;
    if (leg.kind === 'swap') swaps++;
  }
  const c = w.coverage ?? {};
  return {
    address: w.address,
    firstTradeAt: first,
    lastTradeAt: last,
    legsTotal: w.legs.length,
    swapLegs: swaps,
    transferLegs: w.legs.length - swaps,
    legsUsed: v.trades, // swap legs in universe tokens, counted while building the vector
    tradedTokenCount: v.tokens.length,
    heldTokenCount: v.held.length,
    capitalSolSpent: v.capitalSolSpent,
    behaviorAvailable: v.behavior !== null,
    truncated: c.truncated ?? null,
    signaturesFetched: c.signaturesFetched ?? null,
    transactionsFetched: c.transactionsFetched ?? null,
    transactionsRejected: c.transactionsRejected ?? null,
    windowStartSec: c.windowStartSec ?? null,
    windowEndSec: c.windowEndSec ?? null,
  };
}

function summarize(column: Float64Array): MetricSummary {
  let count = 0;
  for (let i = 0; i < column.length; i++) if (!Number.isNaN(column[i])) count++;
  const values = new Float64Array(count);
  let k = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (Number.isNaN(v)) continue;
    values[k++] = v;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mid = count >> 1;
  let median: number | null = null;
  if (count > 0) {
    // order statistics by selection (no full sort): values[mid] is the mid-th smallest, and every
    // value before it is at most that, so the largest of them is the (mid − 1)-th
    const upper = selectKth(values, mid);
    if (count % 2 === 1) median = upper;
    else {
      let lower = values[0];
      for (let i = 1; i < mid; i++) if (values[i] > lower) lower = values[i];
      median = (lower + upper) / 2;
    }
  }
  return {
    count,
    nullCount: column.length - count,
    mean: count > 0 ? sum / count : null,
    median,
    min: count > 0 ? min : null,
    max: count > 0 ? max : null,
  };
}

/**
 * Rearranges `a` so that a[k] holds the value a sort would put there, smaller-or-equal values before
 * it and larger-or-equal after (Hoare selection with median-of-three pivots), and returns a[k].
 */
export function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const m = (lo + hi) >> 1;
    // median of three as the pivot value
    const x = a[lo];
    const y = a[m];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    // now a[lo..j] ≤ pivot ≤ a[i..hi], and lo ≤ j < i ≤ hi (or the values between are all = pivot)
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function histogram(column: Float64Array): number[] {
  const bins = new Array<number>(10).fill(0);
  for (const v of column) if (!Number.isNaN(v)) bins[Math.min(9, Math.floor(v * 10))]++;
  return bins;
}

/**
 * The pairs' ranking both ways: order[r] is the pair index at rank r, ranks[k] the rank of pair index
 * k. Pairs are ordered by `combined` descending, pairs without one (NaN) last, ties by pair index;
 * analysis_pairs.rank (migrations/) is this order.
 */
export function rankOrder(combined: Float64Array): { order: Int32Array; ranks: Int32Array } {
  const count = combined.length;
  // NaN (no combined) sorts below every score, which lies in [0, 1]
  const key = new Float64Array(count);
  for (let k = 0; k < count; k++) key[k] = Number.isNaN(combined[k]) ? -1 : combined[k];
  const order = new Int32Array(count);
  for (let k = 0; k < count; k++) order[k] = k;
  order.sort((x, y) => key[y] - key[x] || x - y);
  const ranks = new Int32Array(count);
  for (let r = 0; r < count; r++) ranks[order[r]] = r;
  return { order, ranks };
}

/** The two wallets of pair index k (row i holds pairs (i, j > i), see pairIndex). */
function walletsOfPair(vectors: readonly WalletVector[], k: number): { walletA: string; walletB: string } {
  const n = vectors.length;
  let i = 0;
  let start = 0;
  while (start + (n - i - 1) <= k) {
    start += n - i - 1;
    i++;
  }
  return { walletA: vectors[i].address, walletB: vectors[i + 1 + k - start].address };
}

function mostSimilar(vectors: readonly WalletVector[], combined: Float64Array) {
  const order: number[] = [];
  for (let i = 0; i < combined.length; i++) {
    if (Number.isNaN(combined[i])) continue;
    if (order.length === MOST_SIMILAR_PAIRS && combined[i] <= combined[order[order.length - 1]]) continue;
    order.push(i);
    order.sort((x, y) => combined[y] - combined[x]);
    if (order.length > MOST_SIMILAR_PAIRS) order.pop();
  }
  return order.map((i) => ({ ...walletsOfPair(vectors, i), combined: combined[i] }));
}

function mostCommonTokens(vectors: WalletVector[], universe: TokenUniverse) {
  const traded = new Int32Array(universe.mints.length);
  const held = new Int32Array(universe.mints.length);
  for (const v of vectors) {
    for (const t of v.tokens) traded[t]++;
    for (const t of v.held) held[t]++;
  }
  const order = Array.from(traded.keys()).filter((t) => traded[t] > 0);
  order.sort((x, y) => traded[y] - traded[x] || held[y] - held[x] || x - y);
  return order.slice(0, MOST_COMMON_TOKENS).map((t) => ({ mint: universe.mints[t], tradedBy: traded[t], heldBy: held[t] }));
}
