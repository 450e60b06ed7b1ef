// The detection benchmark's pipeline, end to end through the pure engine with no stack:
// generated world → the simulator's own rendered Enhanced Transactions (in process, no HTTP) →
// the provider's validation and the sync's extraction (legs and plain transfers) → computeSimilarity
// with the world as the database (counterparty and token counts) → scores and clusters, scored
// against the world's ground truth.
import { ENGINE_VERSION, computeSimilarity, extractMany, formatUnits } from '../../src/domain';
import type { EnhancedTransaction, SimilarityDatabaseStats, SimilarityResult, SimilarityWalletInput } from '../../src/domain';
import { FUNDING_DEFAULTS, KNOWN_ADDRESSES, counterpartyActivityClass, extractTransfersMany, freshActivity, fundingOriginOf, fundingProfile, summariseSignatures, sweepCollectors, sweepTargetOf, sweepTransfer } from '../../src/domain/detection';
import type { CounterpartyActivity, FundingOrigin, SweepTarget, TokenLaunch } from '../../src/domain/detection';
import { DEFAULT_LAUNCH_LOOKUPS, LAUNCH_PAGE_LIMIT } from '../../src/activities/token-launch';
import { BUNDLE_DEFAULTS } from '../../src/domain/detection/bundles';
import { isExcludedFromUniverse } from '../../src/domain/tokens';
import { clusterAgreement, evaluateScore, pairKey, pairsWithin, type ClusterAgreement, type ScoreEvaluation } from '../../src/domain/evaluation';
import { EnhancedTransactionSchema } from '../../src/providers/schemas';
import { generateWorld, type GenerateOptions } from '../../src/simulator/generator';
import { SimWorld } from '../../src/simulator/model';
import { parseWorld, type GroundTruth } from '../../src/simulator/world';

export interface DetectionBenchOptions {
  seeds: number[];
  wallets: number;
  txPerWallet: number;
  scenario: NonNullable<GenerateOptions['scenario']>;
  /** read the shared counterparties' activity from the world, as the analysis activity reads it from the chain */
  counterpartyActivity: boolean;
  /**
   * a holder analysis: the world gets a holder token (generator option holderToken) with this many
   * world wallets among its holders, and the group is those wallets only (null: the whole world)
   */
  holders?: number | null;
  /**
   * read launches from the world as the stack reads them (default true): a holder analysis's token
   * (resolveTokenHolders) and the tokens the group crowds around (readCrowdedLaunches)
   */
  launchRead?: boolean;
  /**
   * wallets of the database besides the world's (default 0): strangers who traded none of the
   * group's tokens and transferred with none of its counterparties, as a production database of
   * thousands of synced wallets holds. Every token and counterparty of the group is then rarer in
   * the database-wide counts, which the rarity, bundle and common-funder weights read: the
   * direction in which false links appear (the snipers' rush was found so, by hand)
   */
  databaseWallets?: number;
}

export const DEFAULT_DETECTION_BENCH: DetectionBenchOptions = { seeds: [1, 2, 3, 4, 5], wallets: 40, txPerWallet: 40, scenario: 'hard', counterpartyActivity: true };

/** Wallets of a world by default, per scenario: at 172, every adversarial case appears whole (a quarter of them the large operator; the NFT wash operator, collectors and ring too) and 4 independents are left. */
export const DEFAULT_BENCH_WALLETS: Readonly<Record<DetectionBenchOptions['scenario'], number>> = { classic: 40, hard: 40, adversarial: 172 };

/**
 * Everything the engine gets about one wallet, built the way the stack builds it: the wallet's
 * history as the Helius route serves it, validated like HeliusClient does (a transaction failing the
 * schema is kept out), legs extracted like the sync activity, holdings like the RPC balance read
 * (non-zero accounts summed per mint) and the analysis activity. New per-wallet inputs go here.
 */
export function walletEngineInput(sim: SimWorld, walletIndex: number): { input: SimilarityWalletInput; history: EnhancedTransaction[]; transactions: number; rejected: number } {
  const address = sim.wallets[walletIndex].address;
  const transactions: EnhancedTransaction[] = [];
  let rejected = 0;
  for (let e = sim.historyLength(walletIndex) - 1; e >= 0; e--) {
    const wire: unknown = JSON.parse(JSON.stringify(sim.transaction(walletIndex, e)));
    const parsed = EnhancedTransactionSchema.safeParse(wire);
    if (parsed.success) transactions.push(parsed.data as EnhancedTransaction);
    else rejected += 1;
  }
  const { legs } = extractMany(transactions, address, { solPriceUsd: sim.world.solPriceUsd });
  const held = new Map<string, { raw: bigint; decimals: number }>();
  for (const account of sim.tokenAccounts(address)) {
    if (account.raw === 0n) continue;
    const h = held.get(account.mint) ?? { raw: 0n, decimals: account.decimals };
    h.raw += account.raw;
    held.set(account.mint, h);
  }
  const holdings = Object.fromEntries([...held].map(([mint, h]) => [mint, { uiAmount: formatUnits(h.raw, h.decimals) }]));
  return {
    // a new per-wallet input is one more field here
    input: {
      address,
      legs,
      holdings,
      transfers: extractTransfersMany(transactions, address),
      coverage: { truncated: false, transactionsFetched: transactions.length, transactionsRejected: rejected },
    },
    history: transactions,
    transactions: transactions.length,
    rejected,
  };
}

/** The pairs of one kind of ground-truth set: a related group kind, or a decoy kind. */
export interface KindEvaluation {
  kind: string;
  /** true for group kinds (copy-traders, launch-bundle, ...), false for decoys */
  related: boolean;
  /** pairs inside sets of this kind (for decoys: only pairs that are not related for another reason) */
  pairs: number;
  /** of those, put in one cluster */
  clustered: number;
  /** of those, with `combined` above the median related pair */
  aboveMedianCombined: number;
}

export interface SeedReport {
  seed: number;
  wallets: number;
  transactions: number;
  rejectedTransactions: number;
  /** ground-truth groups by kind, e.g. { 'copy-traders': 3, 'launch-bundle': 2 } */
  groups: Record<string, number>;
  pairs: number;
  relatedPairs: number;
  clusterCount: number;
  clusters: ClusterAgreement;
  /** per score the result carries (capital, …, combined), in the result's order */
  scores: Record<string, ScoreEvaluation>;
  /** per group kind, then per decoy kind */
  kinds: KindEvaluation[];
}

/** Every score name the result's pairs carry, in their order: new signals show up by themselves. */
export function scoreNames(result: SimilarityResult): string[] {
  const names: string[] = [];
  for (const pair of result.pairs) for (const name of Object.keys(pair.scores)) if (!names.includes(name)) names.push(name);
  return names;
}

/** Scores the result against the ground truth; pairs the result does not list have null scores. */
export function evaluateResult(
  result: SimilarityResult,
  addresses: readonly string[],
  truth: GroundTruth,
): Omit<SeedReport, 'seed' | 'transactions' | 'rejectedTransactions'> {
  const related = pairsWithin(truth.clusters);
  const byKey = new Map(result.pairs.map((p) => [pairKey(p.walletA, p.walletB), p.scores as unknown as Record<string, number | null>]));
  const names = scoreNames(result);
  const keys: string[] = [];
  for (let i = 0; i < addresses.length; i++) for (let j = i + 1; j < addresses.length; j++) keys.push(pairKey(addresses[i], addresses[j]));
  const labelled = (name: string) => keys.map((k) => ({ score: byKey.get(k)?.[name] ?? null, related: related.has(k) }));
  const scores = Object.fromEntries(names.map((name) => [name, evaluateScore(labelled(name))]));

  const clustered = pairsWithin(result.clusters.map((c) => c.members));
  const median = scores.combined?.aboveMedian.medianRelated ?? null;
  const kinds = new Map<string, KindEvaluation>();
  const count = (kind: string, isRelated: boolean, members: readonly string[]) => {
    const id = `${isRelated}:${kind}`;
    const k = kinds.get(id) ?? { kind, related: isRelated, pairs: 0, clustered: 0, aboveMedianCombined: 0 };
    for (const key of pairsWithin([members])) {
      if (!isRelated && related.has(key)) continue;
      k.pairs += 1;
      if (clustered.has(key)) k.clustered += 1;
      const combined = byKey.get(key)?.combined ?? null;
      if (combined !== null && (median === null || combined > median)) k.aboveMedianCombined += 1;
    }
    kinds.set(id, k);
  };
  truth.clusters.forEach((members, i) => count(truth.clusterKinds?.[i] ?? 'group', true, members));
  for (const decoy of truth.decoys ?? []) count(decoy.kind, false, decoy.members);
  const groups: Record<string, number> = {};
  truth.clusters.forEach((_, i) => {
    const kind = truth.clusterKinds?.[i] ?? 'group';
    groups[kind] = (groups[kind] ?? 0) + 1;
  });
  return {
    wallets: addresses.length,
    groups,
    pairs: keys.length,
    relatedPairs: related.size,
    clusterCount: result.clusters.length,
    clusters: clusterAgreement(result.clusters.map((c) => c.members), truth.clusters),
    scores,
    kinds: [...kinds.values()],
  };
}

/** The engine as the analysis activity calls it (its defaults): the one place to pass new options. */
export function detect(wallets: SimilarityWalletInput[], database?: SimilarityDatabaseStats): SimilarityResult {
  return computeSimilarity({ wallets, database });
}

/**
 * Database-wide counts as the store gives them, with the world's wallets as the database: per
 * counterparty the wallets it transferred with, per mint the wallets that traded it and its first buy.
 * With `sim`, also the activity of the counterparties two or more wallets share, read from the
 * world's getSignaturesForAddress as the analysis activity reads it (refreshCounterpartyActivity).
 */
export function worldStats(wallets: readonly SimilarityWalletInput[], sim?: SimWorld, databaseWallets = 0): SimilarityDatabaseStats {
  const counterparty = new Map<string, Set<string>>();
  const holders = new Map<string, Set<string>>();
  const firstBuy = new Map<string, number>();
  for (const w of wallets) {
    for (const t of w.transfers ?? []) {
      let s = counterparty.get(t.counterparty);
      if (!s) counterparty.set(t.counterparty, (s = new Set()));
      s.add(w.address);
    }
    for (const leg of w.legs) {
      if (leg.kind !== 'swap' || isExcludedFromUniverse(leg.mint)) continue;
      let s = holders.get(leg.mint);
      if (!s) holders.set(leg.mint, (s = new Set()));
      s.add(w.address);
      if (leg.direction === 'buy') firstBuy.set(leg.mint, Math.min(firstBuy.get(leg.mint) ?? Infinity, leg.timestamp));
    }
  }
  const activity = new Map<string, CounterpartyActivity>();
  if (sim) {
    const limit = FUNDING_DEFAULTS.activityPageLimit;
    const members = new Set(wallets.map((w) => w.address));
    for (const [c, s] of counterparty) {
      if (s.size < 2 || members.has(c) || KNOWN_ADDRESSES.has(c)) continue;
      activity.set(c, summariseSignatures(sim.addressSignatures(c, limit).map((x) => ({ blockTime: x.ts })), limit));
    }
  }
  const { origins, tops } = sim ? traceChains(wallets, sim, activity) : { origins: new Map<string, FundingOrigin>(), tops: new Map<string, CounterpartyActivity>() };
  const { sweeps, groupCollectors } = sim ? traceSweeps(wallets, sim, activity) : { sweeps: new Map<string, SweepTarget>(), groupCollectors: [] };
  const deposits = sim ? traceDeposits(wallets, sim, activity) : new Map<string, SweepTarget>();
  // a group wallet that collects weighs by its own page there, as the chains' top
  for (const a of groupCollectors) if (!tops.has(a)) tops.set(a, groupWalletActivity(sim!, a));
  // each group wallet's whole history, as the analysis loads it from its stored sync (ownActivity)
  if (sim) for (const w of wallets) activity.set(w.address, wholeHistoryActivity(sim, w.address));
  return {
    counterparties: { walletsPerCounterparty: new Map([...counterparty].map(([c, s]) => [c, s.size])), totalWallets: wallets.length + databaseWallets, ...(sim ? { activity, origins, tops, sweeps, deposits } : {}) },
    tokens: { walletsPerMint: new Map([...holders].map(([m, s]) => [m, s.size])), totalWallets: wallets.length + databaseWallets, firstBuyTime: firstBuy },
  };
}

/** An address's activity page as getSignaturesForAddress serves it, its summary kept in `activity` (the first read's). */
function readActivityPage(sim: SimWorld, activity: Map<string, CounterpartyActivity>, address: string): ReturnType<SimWorld['addressSignatures']> {
  const limit = FUNDING_DEFAULTS.activityPageLimit;
  const page = sim.addressSignatures(address, limit);
  if (!activity.has(address)) activity.set(address, summariseSignatures(page.map((x) => ({ blockTime: x.ts })), limit));
  return page;
}

/**
 * The sweep chains as the analysis activity follows them (traceSweeps), level by level: each
 * wallet's largest SOL destination (sweepDestinations), its activity read; a fresh one's target from
 * its newest transactions; the collectors of those a group wallet funded first (sweepCollectors)
 * read (a group wallet's apart), and the fresh ones among them followed in turn where the address
 * before funded them first, up to downstreamHops fresh addresses in a row.
 */
function traceSweeps(wallets: readonly SimilarityWalletInput[], sim: SimWorld, activity: Map<string, CounterpartyActivity>): { sweeps: Map<string, SweepTarget>; groupCollectors: string[] } {
  const members = new Set(wallets.map((w) => w.address));
  const read = (a: string) => readActivityPage(sim, activity, a);
  const destinations = new Set<string>();
  for (const w of wallets) {
    const totals = new Map<string, bigint>();
    for (const t of w.transfers ?? []) {
      if (!sweepTransfer(t) || members.has(t.counterparty) || KNOWN_ADDRESSES.has(t.counterparty)) continue;
      totals.set(t.counterparty, (totals.get(t.counterparty) ?? 0n) + BigInt(t.rawAmount));
    }
    const largest = [...totals].sort((x, y) => (y[1] > x[1] ? 1 : y[1] < x[1] ? -1 : x[0] < y[0] ? -1 : 1))[0]?.[0];
    if (largest !== undefined) destinations.add(largest);
  }
  const sweeps = new Map<string, SweepTarget>();
  const groupCollectors = new Set<string>();
  let level = [...destinations];
  const seen = new Set([...members, ...KNOWN_ADDRESSES.keys(), ...level]);
  let fundedBy = (_address: string, funder: string): boolean => members.has(funder);
  for (let depth = 0; level.length > 0; depth++) {
    const targets = new Map<string, SweepTarget | null>();
    for (const address of level) {
      const page = read(address);
      if (!freshActivity(activity.get(address))) continue;
      // its whole history: the page's newest signatures, as many as a fresh address has
      const txs = page.slice(0, FUNDING_DEFAULTS.freshMaxTransactions).map((x) => sim.transactionBySignature(x.signature)).filter((tx): tx is EnhancedTransaction => tx !== null);
      const target = sweepTargetOf(address, txs);
      targets.set(address, target);
      if (target !== null) sweeps.set(address, target);
    }
    const reached = sweepCollectors(targets, fundedBy);
    for (const c of reached.keys()) {
      if (members.has(c)) groupCollectors.add(c);
      else if (!KNOWN_ADDRESSES.has(c)) read(c);
    }
    if (depth + 1 >= FUNDING_DEFAULTS.downstreamHops) break;
    level = [...reached.keys()].filter((c) => !seen.has(c));
    for (const c of level) seen.add(c);
    fundedBy = (address, funder) => reached.get(address)?.includes(funder) ?? false;
  }
  return { sweeps, groupCollectors: [...groupCollectors] };
}

/**
 * The shared SOL destinations as the analysis activity reads them for an exchange's deposit address
 * (traceDeposits): those two wallets or more sent SOL to, wallets of one owner by their activity
 * (read), their newest transactions parsed; where those passing their SOL on send it, read.
 */
function traceDeposits(wallets: readonly SimilarityWalletInput[], sim: SimWorld, activity: Map<string, CounterpartyActivity>): Map<string, SweepTarget> {
  const members = new Set(wallets.map((w) => w.address));
  const senders = new Map<string, Set<string>>();
  for (const w of wallets) {
    for (const t of w.transfers ?? []) {
      if (!sweepTransfer(t) || members.has(t.counterparty) || KNOWN_ADDRESSES.has(t.counterparty)) continue;
      const set = senders.get(t.counterparty) ?? new Set<string>();
      set.add(w.address);
      senders.set(t.counterparty, set);
    }
  }
  const read = (a: string) => readActivityPage(sim, activity, a);
  const deposits = new Map<string, SweepTarget>();
  for (const [address, set] of senders) {
    if (set.size < 2) continue;
    const page = read(address);
    if (counterpartyActivityClass(activity.get(address)) !== 'dedicated') continue;
    const txs = page.slice(0, FUNDING_DEFAULTS.freshMaxTransactions).map((x) => sim.transactionBySignature(x.signature)).filter((tx): tx is EnhancedTransaction => tx !== null);
    const target = sweepTargetOf(address, txs, { wholeHistory: freshActivity(activity.get(address)) });
    if (target === null) continue;
    deposits.set(address, target);
    if (target.passThrough && !members.has(target.collector) && !KNOWN_ADDRESSES.has(target.collector)) read(target.collector);
  }
  return deposits;
}

/** A group wallet's activity page: its own history, newest first, as getSignaturesForAddress serves it. */
function groupWalletActivity(sim: SimWorld, address: string): CounterpartyActivity {
  const limit = FUNDING_DEFAULTS.activityPageLimit;
  const w = sim.indexOf(address)!;
  const n = sim.historyLength(w);
  return summariseSignatures(Array.from({ length: Math.min(limit, n) }, (_, j) => ({ blockTime: sim.meta(w, n - 1 - j).ts })), limit);
}

/** A group wallet's whole served history summarised as its stored sync is (similarity-inputs, ownActivity). */
function wholeHistoryActivity(sim: SimWorld, address: string): CounterpartyActivity {
  const w = sim.indexOf(address)!;
  const n = sim.historyLength(w);
  const times = Array.from({ length: n }, (_, j) => sim.meta(w, j).ts);
  return { transactions: n, complete: true, oldestTime: n === 0 ? null : Math.min(...times), newestTime: n === 0 ? null : Math.max(...times) };
}

/**
 * The funding chains as the analysis activity follows them (traceFundingChains): each wallet's first
 * funder, its activity read; a wallet of one owner's first funding from its oldest transactions; its
 * funder the next level, up to `upstreamHops` above the first funders; a group wallet reached ends
 * the chain, its activity read apart (`tops`).
 */
function traceChains(wallets: readonly SimilarityWalletInput[], sim: SimWorld, activity: Map<string, CounterpartyActivity>): { origins: Map<string, FundingOrigin>; tops: Map<string, CounterpartyActivity> } {
  const limit = FUNDING_DEFAULTS.activityPageLimit;
  const members = new Set(wallets.map((w) => w.address));
  const skip = new Set([...members, ...KNOWN_ADDRESSES.keys()]);
  const origins = new Map<string, FundingOrigin>();
  const reached = new Set<string>();
  let level = [...new Set(wallets.map((w) => fundingProfile(w.address, w.transfers ?? []).firstFunding?.counterparty).filter((c): c is string => c !== undefined && !skip.has(c)))];
  for (let depth = 0; level.length > 0; depth++) {
    const pages = new Map(level.map((a) => [a, sim.addressSignatures(a, limit)]));
    for (const [a, page] of pages) {
      skip.add(a);
      if (!activity.has(a)) activity.set(a, summariseSignatures(page.map((x) => ({ blockTime: x.ts })), limit));
    }
    if (depth >= FUNDING_DEFAULTS.upstreamHops) break;
    const next = new Set<string>();
    for (const [a, page] of pages) {
      if (counterpartyActivityClass(activity.get(a)) !== 'dedicated' || page.length >= limit) continue;
      const oldest = page.slice(-FUNDING_DEFAULTS.originSignatures).map((x) => sim.transactionBySignature(x.signature)).filter((tx): tx is EnhancedTransaction => tx !== null);
      const origin = fundingOriginOf(a, oldest);
      if (origin === null) continue;
      origins.set(a, origin);
      if (!skip.has(origin.funder)) next.add(origin.funder);
      else if (members.has(origin.funder)) reached.add(origin.funder);
    }
    level = [...next];
  }
  const tops = new Map<string, CounterpartyActivity>();
  for (const a of reached) tops.set(a, groupWalletActivity(sim, a));
  return { origins, tops };
}

/**
 * A token's launch as readTokenLaunch reads it (src/activities/token-launch.ts): the oldest
 * successful transaction of the mint's history; null when it has none.
 */
export function launchOf(sim: SimWorld, mint: string): TokenLaunch | null {
  const history = sim.history(mint);
  for (let k = 0; history !== null && k < Math.min(history.length, LAUNCH_PAGE_LIMIT); k++) {
    const meta = history.meta(k);
    if (!meta.failed) return { slot: meta.slot, timestamp: meta.ts };
  }
  return null;
}

/**
 * The tokens a group crowds around at their launch, as crowdedLaunchCandidates selects them
 * (src/store/token-launches.ts): more than `crowdFreeSize` wallets bought within `earlyWindowSeconds`
 * of the first buy (the world's wallets are the database), two of them in one slot, launch not read
 * yet; the most crowded first, at most `limit`.
 */
export function crowdedMints(wallets: readonly SimilarityWalletInput[], firstBuy: ReadonlyMap<string, number>, limit: number, read: ReadonlySet<string> = new Set()): string[] {
  const early = new Map<string, { wallets: Set<string>; slots: Map<number, Set<string>> }>();
  for (const w of wallets) {
    for (const leg of w.legs) {
      const first = firstBuy.get(leg.mint);
      if (leg.kind !== 'swap' || leg.direction !== 'buy' || isExcludedFromUniverse(leg.mint) || first === undefined || leg.timestamp > first + BUNDLE_DEFAULTS.earlyWindowSeconds) continue;
      const e = early.get(leg.mint) ?? { wallets: new Set<string>(), slots: new Map<number, Set<string>>() };
      e.wallets.add(w.address);
      e.slots.set(leg.slot, (e.slots.get(leg.slot) ?? new Set<string>()).add(w.address));
      early.set(leg.mint, e);
    }
  }
  return [...early]
    .filter(([m, e]) => !read.has(m) && e.wallets.size > BUNDLE_DEFAULTS.crowdFreeSize && [...e.slots.values()].some((s) => s.size >= 2))
    .sort(([ma, a], [mb, b]) => b.wallets.size - a.wallets.size || (ma < mb ? -1 : 1))
    .slice(0, limit)
    .map(([m]) => m);
}

/** The ground truth of a group that is part of the world: its clusters and decoys within the group. */
export function truthWithin(truth: GroundTruth, group: ReadonlySet<string>): GroundTruth {
  const kinds: string[] = [];
  const clusters = truth.clusters.filter((members, i) => {
    const inside = members.every((m) => group.has(m));
    if (inside) kinds.push(truth.clusterKinds?.[i] ?? 'group');
    return inside;
  });
  const decoys = (truth.decoys ?? []).map((d) => ({ ...d, members: d.members.filter((m) => group.has(m)) })).filter((d) => d.members.length >= 2);
  return { clusters, clusterKinds: kinds, decoys };
}

/** One seed end to end. */
export function runSeed(seed: number, options: Omit<DetectionBenchOptions, 'seeds'>): SeedReport {
  const holders = options.holders ?? null;
  const world = parseWorld(
    generateWorld({ seed, wallets: options.wallets, txPerWallet: options.txPerWallet, scenario: options.scenario, largeWallet: false, ...(holders !== null ? { holderToken: { holders: holders * 4, wallets: holders } } : {}) }),
  );
  const sim = new SimWorld(world);
  // a holder analysis's group: the holder token's world wallets (its top holders)
  const mint = world.groundTruth?.holderToken?.mint;
  const indexes = world.wallets.map((_, i) => i).filter((i) => holders === null || world.wallets[i].label?.startsWith('holder of the holder token'));
  const built = indexes.map((i) => walletEngineInput(sim, i));
  const wallets = built.map((b) => b.input);
  const stats = worldStats(wallets, options.counterpartyActivity ? sim : undefined, options.databaseWallets ?? 0);
  if (options.launchRead !== false) {
    // the holder analysis's token (resolveTokenHolders), then those the group crowds around (readCrowdedLaunches)
    const launches = new Map<string, TokenLaunch>();
    const read = (m: string) => {
      const launch = launchOf(sim, m);
      if (launch !== null) launches.set(m, launch);
    };
    if (holders !== null && mint !== undefined) read(mint);
    for (const m of crowdedMints(wallets, stats.tokens?.firstBuyTime ?? new Map(), DEFAULT_LAUNCH_LOOKUPS, new Set(launches.keys()))) read(m);
    if (launches.size > 0) stats.tokens = { ...stats.tokens!, launches };
  }
  const result = detect(wallets, stats);
  const addresses = wallets.map((w) => w.address);
  const truth = world.groundTruth ?? { clusters: [] };
  return {
    seed,
    transactions: built.reduce((s, b) => s + b.transactions, 0),
    rejectedTransactions: built.reduce((s, b) => s + b.rejected, 0),
    ...evaluateResult(result, addresses, holders === null ? truth : truthWithin(truth, new Set(addresses))),
  };
}

export interface OverallReport {
  seeds: number;
  /** means over the seeds where the figure is defined */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  scores: Record<string, { rocAuc: number | null; averagePrecision: number | null; aboveMedian: number; unrelated: number }>;
  /** summed over seeds */
  kinds: KindEvaluation[];
}

const meanOf = (values: readonly (number | null)[]): number | null => {
  const v = values.filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((s, x) => s + x, 0) / v.length;
};

export function overall(reports: readonly SeedReport[]): OverallReport {
  const names: string[] = [];
  for (const r of reports) for (const n of Object.keys(r.scores)) if (!names.includes(n)) names.push(n);
  const kinds = new Map<string, KindEvaluation>();
  for (const r of reports) {
    for (const k of r.kinds) {
      const id = `${k.related}:${k.kind}`;
      const sum = kinds.get(id) ?? { ...k, pairs: 0, clustered: 0, aboveMedianCombined: 0 };
      sum.pairs += k.pairs;
      sum.clustered += k.clustered;
      sum.aboveMedianCombined += k.aboveMedianCombined;
      kinds.set(id, sum);
    }
  }
  return {
    seeds: reports.length,
    precision: meanOf(reports.map((r) => r.clusters.precision)),
    recall: meanOf(reports.map((r) => r.clusters.recall)),
    f1: meanOf(reports.map((r) => r.clusters.f1)),
    scores: Object.fromEntries(
      names.map((n) => {
        const per = reports.map((r) => r.scores[n]).filter((s): s is ScoreEvaluation => s !== undefined);
        return [
          n,
          {
            rocAuc: meanOf(per.map((s) => s.rocAuc)),
            averagePrecision: meanOf(per.map((s) => s.averagePrecision)),
            aboveMedian: per.reduce((s, x) => s + x.aboveMedian.count, 0),
            unrelated: per.reduce((s, x) => s + x.aboveMedian.unrelated, 0),
          },
        ];
      }),
    ),
    kinds: [...kinds.values()],
  };
}

export interface DetectionBenchReport {
  engineVersion: string;
  options: DetectionBenchOptions;
  seeds: SeedReport[];
  overall: OverallReport;
}

export function runDetectionBench(options: DetectionBenchOptions): DetectionBenchReport {
  const seeds = options.seeds.map((seed) => runSeed(seed, options));
  return { engineVersion: ENGINE_VERSION, options, seeds, overall: overall(seeds) };
}
