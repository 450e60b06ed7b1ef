// Groups of related wallets: Louvain communities on the graph of pairs whose `combined`
// (relatedness) reaches the cluster threshold, weak members let go (detection/cluster), each with
// its confidence and the evidence that binds it.
import { CLUSTER_DEFAULTS, clusterPairs, type ClusterOptions } from '../detection/cluster';
import { relatedness, type SignalName } from '../detection/combine';
import { FUNDING_DEFAULTS, KNOWN_ADDRESSES, commonDownstreamCollectors, commonUpstreamFunders, counterpartyLinkWeight, feeTransfer, fundingTransfer, type FundingProfile, type GroupFunding } from '../detection/funding';
import { evidenceSummary } from './evidence';
import { pairIndex } from './signals';
import type { ClusterEvidence, CommonCounterpartyKind, ScoreName, SimilarityCluster, SimilarityPair } from './types';
import type { WalletVector } from './vectors';

/**
 * Pairs with `combined` at or above this are edges of the cluster graph (`CLUSTER_DEFAULTS.minEdge`,
 * tuned with bench:detection, docs/analytics.md §6): related pairs of the generator's worlds score
 * 0.5 and up, unrelated ones under 0.3.
 */
export const DEFAULT_CLUSTER_THRESHOLD: number = CLUSTER_DEFAULTS.minEdge;
const BINDING_TOKENS_PER_CLUSTER = 10;
const COMMON_COUNTERPARTIES_PER_CLUSTER = 10;
/** a signal links a member pair when its contribution is the pair's largest or at least this */
const SIGNAL_PAIR_MIN_CONTRIBUTION = 0.1;
const SIGNALS: readonly SignalName[] = ['funding', 'bundle', 'timing', 'rarity', 'behavior'];

export interface ClusterInputs {
  vectors: readonly WalletVector[];
  /**
   * The pair of a pair index (`pairIndex`). It must give every edge (combined ≥ minEdge); any other
   * pair may be missing (a streamed run keeps only the edges), and is then
   * described from `columns`, which is what its evidence's contributions are made of.
   */
  pairAt: (index: number) => SimilarityPair | undefined;
  /** every score by pair index, NaN when null */
  columns: Readonly<Record<ScoreName, Float64Array>>;
  options: Required<ClusterOptions>;
  funding: ReadonlyArray<FundingProfile | null>;
  universeMints: readonly string[];
  /** counterparties the chain shows are busy services (counterpartyActivityClass): not cited as common */
  services?: ReadonlySet<string>;
  /** the group's funding chains (`groupFunding`): members' common upstream funders are cited too */
  fundingGroup?: GroupFunding;
}

/** Clusters sorted by confidence, then first member. */
export function findClusters(inp: ClusterInputs): SimilarityCluster[] {
  const { vectors, pairAt, columns, options } = inp;
  const combined = columns.combined;
  const edgePair = (k: number): SimilarityPair => {
    const pair = pairAt(k);
    if (pair === undefined) throw new Error(`findClusters: the pair of edge ${k} is missing`);
    return pair;
  };
  const n = vectors.length;
  const position = new Map(vectors.map((v, i) => [v.address, i]));
  const indexOf = (x: string, y: string): number => {
    const a = position.get(x)!;
    const b = position.get(y)!;
    return a < b ? pairIndex(a, b, n) : pairIndex(b, a, n);
  };
  const score = (k: number): number => (Number.isNaN(combined[k]) ? 0 : combined[k]);
  // only the edges go into the graph; every other pair's score is looked up (missing = 0 would
  // undercount the mean links that decide which weak members leave)
  const edges: Array<{ a: string; b: string; score: number; index: number }> = [];
  for (let k = 0; k < combined.length; k++) {
    if (!(combined[k] >= options.minEdge)) continue;
    // in address order, so ties and the binding pairs do not depend on the input order
    const { walletA, walletB } = edgePair(k);
    edges.push(walletA < walletB ? { a: walletA, b: walletB, score: combined[k], index: k } : { a: walletB, b: walletA, score: combined[k], index: k });
  }
  const detected = clusterPairs(
    vectors.map((v) => v.address),
    edges,
    options,
    (x, y) => score(indexOf(x, y)),
  );
  return detected.map((c) => {
    const members = c.members.map((m) => position.get(m)!);
    let edgeCount = 0;
    let sum = 0;
    let scored = 0;
    const signalPairs: Record<SignalName, number> = { funding: 0, bundle: 0, timing: 0, rarity: 0, behavior: 0 };
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const k = indexOf(c.members[x], c.members[y]);
        const v = combined[k];
        if (Number.isNaN(v)) continue;
        scored++;
        sum += v;
        if (v >= options.minEdge) edgeCount++;
        // evidence's contributions are relatedness() of the pair's scores: the columns hold the same values
        const parts = pairAt(k)?.evidence ?? relatedness({ funding: scoreAt(columns.funding, k), bundle: scoreAt(columns.bundle, k), timing: scoreAt(columns.timing, k), rarity: scoreAt(columns.rarity, k), behavior: scoreAt(columns.behavior, k) });
        for (const name of SIGNALS) {
          const share = parts.contributions[name];
          if (share > 0 && (name === parts.strongest || share >= SIGNAL_PAIR_MIN_CONTRIBUTION)) signalPairs[name]++;
        }
      }
    }
    const evidence: ClusterEvidence = {
      bindingPairs: c.binding.map((b) => {
        const pair = edgePair(b.index);
        return {
          walletA: b.a,
          walletB: b.b,
          combined: b.score,
          strongest: pair.evidence?.strongest ?? null,
          summary: evidenceSummary(pair.evidence),
        };
      }),
      commonCounterparties: commonCounterparties(members.map((m) => inp.funding[m]), new Set(c.members), inp.services, inp.fundingGroup),
      signalPairs,
    };
    return {
      members: c.members,
      edgeCount,
      meanCombined: scored > 0 ? sum / scored : null,
      bindingTokens: bindingTokens(members.map((i) => vectors[i]), inp.universeMints),
      confidence: c.confidence,
      density: c.density,
      weakestMemberLink: c.weakestMemberLink,
      evidence,
    };
  });
}

/** A score column's value as the pair holds it: null for NaN. */
function scoreAt(column: Float64Array, k: number): number | null {
  const v = column[k];
  return Number.isNaN(v) ? null : v;
}

/**
 * Counterparties (not members, not known exchanges or bridges, not `services`, and, with the
 * group's stats, not weighing under `minCounterpartyWeight` where the pairs' evidence would ignore
 * them: a spam airdropper known to thousands of wallets; engine 2.12.0) that were the first
 * funder of, sent to, received from, or paid the fees of (engine 2.8.0) two or more members, or
 * where two or more members' funding chains meet above a first funder and that weigh there as the
 * engine weighs them (`commonUpstreamFunders`: not unread, not a service); most members first.
 */
function commonCounterparties(
  profiles: ReadonlyArray<FundingProfile | null>,
  members: ReadonlySet<string>,
  services: ReadonlySet<string> = new Set(),
  group?: GroupFunding,
): ClusterEvidence['commonCounterparties'] {
  const counts = new Map<string, { counterparty: string; kind: CommonCounterpartyKind; memberCount: number }>();
  const add = (counterparty: string, kind: CommonCounterpartyKind): void => {
    if (members.has(counterparty) || KNOWN_ADDRESSES.has(counterparty) || services.has(counterparty)) return;
    // the largest weight the pairs' evidence can give it (SOL): under the minimum, no pair cites it
    if (group !== undefined && counterpartyLinkWeight(counterparty, group.scored, KNOWN_ADDRESSES, FUNDING_DEFAULTS.halfWeightDegree) < FUNDING_DEFAULTS.minCounterpartyWeight) return;
    const id = `${kind}\u0000${counterparty}`;
    const c = counts.get(id);
    if (c) c.memberCount++;
    else counts.set(id, { counterparty, kind, memberCount: 1 });
  };
  for (const p of profiles) {
    if (p === null) continue;
    const first = p.firstFunding?.counterparty ?? null;
    if (first !== null) add(first, 'first-funder');
    for (const [counterparty, list] of p.byCounterparty) {
      // paying a member's fees is cited besides funding it first, as the pairs cite it
      if (list.some(feeTransfer)) add(counterparty, 'fee-payer');
      // a member's first funder is also a source of its SOL, as a pair cites it with a member it
      // only topped up (it funded one first and the others later: a source of all of them)
      if (list.some((t) => t.direction === 'in' && fundingTransfer(t))) add(counterparty, 'source');
      if (counterparty === first) continue;
      if (list.some((t) => t.direction === 'out' && fundingTransfer(t))) add(counterparty, 'destination');
    }
  }
  // ... but one that first funded as many members as it sent SOL to is cited as their first funder alone
  for (const [id, c] of counts) {
    if (c.kind !== 'source') continue;
    const asFirst = counts.get(`first-funder\u0000${c.counterparty}`);
    if (asFirst !== undefined && asFirst.memberCount >= c.memberCount) counts.delete(id);
  }
  const upstream = group === undefined ? [] : commonUpstreamFunders(group, members);
  for (const u of upstream) counts.set(`upstream-funder\u0000${u.address}`, { counterparty: u.address, kind: 'upstream-funder', memberCount: u.wallets.length });
  const downstream = group === undefined ? [] : commonDownstreamCollectors(group, members);
  for (const d of downstream) counts.set(`downstream-collector\u0000${d.address}`, { counterparty: d.address, kind: 'downstream-collector', memberCount: d.wallets.length });
  return [...counts.values()]
    .filter((c) => c.memberCount >= 2)
    .sort((x, y) => y.memberCount - x.memberCount || (x.counterparty < y.counterparty ? -1 : x.counterparty > y.counterparty ? 1 : x.kind < y.kind ? -1 : 1))
    .slice(0, COMMON_COUNTERPARTIES_PER_CLUSTER);
}

/** Tokens traded by at least two members; most members first, then total capital weight. */
function bindingTokens(members: WalletVector[], universeMints: readonly string[]) {
  const count = new Map<number, { members: number; weight: number }>();
  for (const m of members) {
    for (let k = 0; k < m.tokens.length; k++) {
      const c = count.get(m.tokens[k]) ?? { members: 0, weight: 0 };
      c.members++;
      c.weight += m.weights[k];
      count.set(m.tokens[k], c);
    }
  }
  return [...count.entries()]
    .filter(([, c]) => c.members >= 2)
    .map(([token, c]) => ({ mint: universeMints[token], memberCount: c.members, totalWeight: c.weight }))
    .sort((x, y) => y.memberCount - x.memberCount || y.totalWeight - x.totalWeight || (x.mint < y.mint ? -1 : 1))
    .slice(0, BINDING_TOKENS_PER_CLUSTER);
}
