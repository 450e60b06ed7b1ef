// Renders an analysis (the GET /v1/analyses/{id} body) as readable tables that fit 120 columns:
// top pairs by relatedness with their signals and strongest evidence, then their other evidence,
// similarity metrics, shared tokens and insights, clusters with their confidence and what binds
// them, coverage, failed wallets, and the Temporal Web UI link. Addresses are abbreviated; one
// pair's full evidence is `show <id> --pair <A> <B>` (pair-detail.ts); --json has every detail.
// Used by the CLI and the demo.
import Table from 'cli-table3';
import type { AnalysisView } from '../api/schemas/analyses';
import type { ClusterEvidence, SimilarityCluster, SimilarityPair, WalletCoverage } from '../domain/similarity/types';
import { clusterBindingPhrases, otherPhrases, plural, printable, shortAddress, shortSymbol, strongestPhrase, utc, type Names } from './evidence';

export { shortAddress };

export interface RenderOptions {
  /** pairs shown (by combined score) */
  topPairs?: number;
  /** wallet labels (e.g. the simulator world's), shown next to short addresses */
  labels?: Record<string, string>;
}

/** The result of a completed analysis, as the renderer reads it. */
export interface ServedResult {
  pairs: SimilarityPair[];
  clusters: ServedCluster[];
  coverage: WalletCoverage[];
  partialWallets?: string[];
  tokenUniverse?: string[];
  globalMetrics: { pairCount: number };
  /** pairs of the whole analysis (results since topPairs); `pairs` may list only the strongest */
  pairCount?: number;
  /** false: `pairs` lists only the strongest; GET /v1/analyses/{id}/pairs serves them all */
  pairsComplete?: boolean;
}

/** How many pairs the analysis has, how many its result lists, and whether that is all of them. */
export function pairTotals(result: ServedResult): { listed: number; total: number; complete: boolean } {
  const listed = result.pairs.length;
  const total = Math.max(listed, result.pairCount ?? result.globalMetrics?.pairCount ?? listed);
  return { listed, total, complete: result.pairsComplete !== false && total <= listed };
}

export function servedResult(view: AnalysisView): ServedResult {
  // the API's schema describes it; the domain's types read it more easily
  return view.result as unknown as ServedResult;
}

/** Pairs by relatedness (combined), strongest first; pairs without a score last. */
export function rankedPairs(pairs: SimilarityPair[]): SimilarityPair[] {
  return [...pairs].sort((a, b) => (b.scores.combined ?? -1) - (a.scores.combined ?? -1));
}

/** Every line fits a terminal this wide; --json has the full detail. */
export const RENDER_WIDTH = 120;

const plain = { head: [], border: [] };

export const score = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : v.toFixed(2));

/** Word-wraps text: the first line to `first` columns, the others to `rest`. Longer words are cut. */
export function wrapWords(text: string, first: number, rest = first): string[] {
  const lines: string[] = [];
  let line = '';
  const room = () => Math.max(1, lines.length === 0 ? first : rest);
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!line) line = word;
    else if (line.length + 1 + word.length <= room()) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
    while (line.length > room()) {
      lines.push(line.slice(0, room()));
      line = line.slice(room());
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** `prefix` then the text wrapped to the render width, continuation lines indented by `hang`. */
export function wrapped(prefix: string, text: string, hang = prefix.length): string[] {
  return wrapWords(text, RENDER_WIDTH - prefix.length, RENDER_WIDTH - hang).map((l, i) => (i === 0 ? `${prefix}${l}` : `${' '.repeat(hang)}${l}`));
}

/** A link is never cut: it moves to a line of its own when it does not fit after its label. */
const link = (label: string, url: string): string[] => (label.length + 1 + url.length <= RENDER_WIDTH ? [`${label} ${url}`] : [label, `  ${url}`]);

/** A token by its symbol (without control characters, cut: see shortSymbol), else its short mint. */
export function tokenName(view: AnalysisView, mint: string): string {
  const symbol = view.tokens?.[mint]?.symbol;
  return (symbol == null ? '' : shortSymbol(symbol)) || shortAddress(mint);
}

function walletName(a: string, labels?: Record<string, string>): string {
  const label = labels?.[a];
  return label ? `${shortAddress(a)} ${label}` : shortAddress(a);
}

/** Content width of a wallet column: its longest name, within [min, max]. */
const walletWidth = (names: string[], min: number, max: number): number => Math.min(max, Math.max(min, ...names.map((n) => n.length)));

/** How the tables name wallets, counterparties and tokens. */
export function namesOf(view: AnalysisView): Names {
  return { address: shortAddress, token: (mint) => tokenName(view, mint) };
}

/** The pair table; rows are numbered from `first` (a page of `pairs <id>` starts further down). */
export function pairsTable(view: AnalysisView, pairs: SimilarityPair[], opts: RenderOptions, first = 1): string {
  // One column stacks both wallets (A over B, a label under its address); the other evidence,
  // similarity metrics, shared tokens and insights follow the table (see "Why").
  const stacked = (a: string): string => (opts.labels?.[a] ? `${shortAddress(a)}\n  ${opts.labels[a]}` : shortAddress(a));
  const names = pairs.flatMap((p) => [p.walletA, p.walletB]).flatMap((a) => `A ${stacked(a)}`.split('\n'));
  const wallets = walletWidth(names, 11, 26) + 2;
  const fixed = [4, wallets, 11, 6, 8, 8, 6, 7];
  // the evidence takes the rest of the width, borders included (one per column and the last)
  const evidence = RENDER_WIDTH - fixed.reduce((x, y) => x + y, 0) - (fixed.length + 2);
  const table = new Table({
    head: ['#', 'Wallets', 'Related', 'Fund', 'Bundle', 'Timing', 'Rare', 'Simil', 'Strongest signal: evidence'],
    style: plain,
    wordWrap: true,
    colWidths: [...fixed, evidence],
  });
  const nameOf = namesOf(view);
  pairs.forEach((p, i) => {
    table.push([
      String(first + i),
      `A ${stacked(p.walletA)}\nB ${stacked(p.walletB)}`,
      `${score(p.scores.combined)}${p.strength ? `\n${p.strength}` : ''}`,
      score(p.scores.funding),
      score(p.scores.bundle),
      score(p.scores.timing),
      score(p.scores.rarity),
      score(p.scores.similarity),
      strongestPhrase(p, nameOf),
    ]);
  });
  return table.toString();
}

/** Per pair of the table: its other evidence, similarity metrics, shared tokens and insights (with their reasons for the first three). */
function whyLines(view: AnalysisView, pairs: SimilarityPair[]): string[] {
  const lines: string[] = [];
  const names = namesOf(view);
  pairs.forEach((p, i) => {
    const s = p.scores;
    const head = `  ${`#${i + 1}`.padEnd(4)}${shortAddress(p.walletA)} ~ ${shortAddress(p.walletB)}  `;
    const others = otherPhrases(p, names);
    if (others.length > 0) lines.push(...wrapped(head, `also ${others.join('; ')}`, 6));
    const first = others.length > 0 ? '      ' : head;
    const shared = p.sharedTokens.slice(0, 5).map((t) => tokenName(view, t.mint));
    const more = p.sharedTokenCount - shared.length;
    const tokens = p.sharedTokenCount > 0 ? `shared ${p.sharedTokenCount}: ${shared.join(', ')}${more > 0 ? ` +${more}` : ''}` : 'no shared tokens';
    const metrics = `capital ${score(s.capital)}, binary ${score(s.binary)}, traded J ${score(s.jaccardTraded)}, held J ${score(s.jaccardHeld)}, behavior ${score(s.behavior)}`;
    lines.push(...wrapped(first, `${metrics}; ${tokens}`, 6));
    if (i < 3) for (const x of p.insights) lines.push(...wrapped(`       ${x.type}: `, x.reason, 9));
    else if (p.insights.length > 0) lines.push(...wrapped('       ', p.insights.map((x) => x.type).join(', ')));
  });
  return lines;
}

/** A cluster as the API serves it: results of engine 1.x have no confidence or evidence (null). */
type ServedCluster = Omit<SimilarityCluster, 'confidence' | 'density' | 'weakestMemberLink' | 'evidence'> & {
  confidence: number | null;
  density: number | null;
  weakestMemberLink: number | null;
  evidence: ClusterEvidence | null;
};

function clustersTable(view: AnalysisView, clusters: ServedCluster[], opts: RenderOptions): string {
  const members = walletWidth(clusters.flatMap((c) => c.members.map((m) => walletName(m, opts.labels))), 9, 40);
  // # (3) + members + confidence (12) + what binds them takes the rest of the width, borders included
  const binding = RENDER_WIDTH - 5 - (3 + 2) - (members + 2) - (12 + 2) - 2;
  const table = new Table({ head: ['#', 'Members', 'Confidence', 'What binds them'], style: plain, wordWrap: true, colWidths: [5, members + 2, 14, binding + 2] });
  const names = namesOf(view);
  // the strongest pair of each cluster, to name its evidence
  const wanted = new Set(clusters.flatMap((c) => (c.evidence?.bindingPairs[0] ? [`${c.evidence.bindingPairs[0].walletA} ${c.evidence.bindingPairs[0].walletB}`] : [])));
  const strongest = new Map(servedResult(view).pairs.filter((p) => wanted.has(`${p.walletA} ${p.walletB}`)).map((p) => [`${p.walletA} ${p.walletB}`, p]));
  const pairOf = (a: string, b: string) => strongest.get(`${a} ${b}`) ?? strongest.get(`${b} ${a}`);
  clusters.forEach((c, i) => {
    const pairsTotal = (c.members.length * (c.members.length - 1)) / 2;
    const confidence =
      c.confidence === null
        ? `${score(c.meanCombined)} mean\n${c.edgeCount}/${pairsTotal} linked`
        : `${score(c.confidence)}\n${c.edgeCount}/${pairsTotal} linked${c.weakestMemberLink === null ? '' : `\nweakest ${score(c.weakestMemberLink)}`}`;
    const tokens = c.bindingTokens.slice(0, 6).map((t) => `${tokenName(view, t.mint)} (${t.memberCount})`).join(', ');
    const binds = [...clusterBindingPhrases(c.evidence, names, pairOf), ...(tokens ? [`tokens ${tokens}`] : [])];
    table.push([String(i + 1), c.members.map((m) => walletName(m, opts.labels)).join('\n'), confidence, binds.join('; ') || '–']);
  });
  return table.toString();
}

const day = (sec: number | null) => (sec === null ? '–' : new Date(sec * 1000).toISOString().slice(0, 10));

function coverageTable(coverage: WalletCoverage[], partial: string[], opts: RenderOptions): string {
  const wallet = walletWidth(coverage.map((c) => walletName(c.address, opts.labels)), 9, 29);
  const table = new Table({
    head: ['Wallet', 'Swaps used', 'Traded', 'Held', 'SOL spent', 'First trade', 'Last trade', 'History'],
    style: plain,
    wordWrap: true,
    colWidths: [wallet + 2, 15, 8, 7, 11, 12, 12, 12],
  });
  for (const c of coverage) {
    table.push([
      walletName(c.address, opts.labels),
      `${c.legsUsed} of ${c.swapLegs}`,
      String(c.tradedTokenCount),
      String(c.heldTokenCount),
      c.capitalSolSpent.toFixed(2),
      day(c.firstTradeAt),
      day(c.lastTradeAt),
      partial.includes(c.address) ? 'partial (proceeded early)' : c.truncated ? 'truncated' : 'complete',
    ]);
  }
  return table.toString();
}

export function renderAnalysis(view: AnalysisView, opts: RenderOptions = {}): string {
  const lines: string[] = [];
  const took = view.completedAt ? ` in ${((Date.parse(view.completedAt) - Date.parse(view.createdAt)) / 1000).toFixed(1)} s` : '';
  lines.push(`Analysis ${view.analysisId}: ${view.status}${took} (${plural(view.wallets.length, 'wallet')})`);
  if (view.holders) lines.push(...holderLines(view.holders, view.status));
  const failed = (view.failedWallets as Array<{ wallet: string; reason: string }> | null) ?? [];
  if (view.status !== 'completed' || !view.result) {
    if (view.error) lines.push(...wrapped('Error: ', view.error, 2));
    for (const f of failed) lines.push(...wrapped(`  ${f.wallet}: `, f.reason, 4));
    lines.push('', ...link('Temporal Web UI:', view.links.temporalUi));
    return lines.join('\n');
  }
  const result = servedResult(view);
  const ranked = rankedPairs(result.pairs);
  const top = ranked.slice(0, opts.topPairs ?? 10);
  const totals = pairTotals(result);
  lines.push(
    '',
    ...wrapped('', `Most similar pairs (top ${top.length} of ${totals.total}) by relatedness, where evidence of coordination dominates and similarity only supports; scores 0–1, – = not computable`),
  );
  if (!totals.complete) lines.push(`The result lists the top ${totals.listed} of ${totals.total} pairs; every pair, a page at a time:`, `  wallet-similarity pairs ${view.analysisId} [--all]`);
  lines.push(pairsTable(view, top, opts));
  const why = whyLines(view, top);
  if (why.length > 0) lines.push('', 'Why (other evidence; similarity metrics, J = Jaccard; shared tokens; insights):', ...why);
  if (top.length > 0) lines.push(...wrapped('', `One pair's full evidence, signatures included: wallet-similarity show ${view.analysisId} --pair <A> <B>`, 2));
  lines.push('', result.clusters.length > 0 ? `Clusters (${result.clusters.length})` : 'Clusters: none (no pair reached the cluster threshold)');
  if (result.clusters.length > 0) lines.push(clustersTable(view, result.clusters, opts));
  lines.push('', 'Coverage');
  lines.push(coverageTable(result.coverage, result.partialWallets ?? [], opts));
  if (failed.length > 0) {
    lines.push('', `Failed wallets (${failed.length}), left out of the comparison:`);
    for (const f of failed) lines.push(...wrapped(`  ${f.wallet}: `, f.reason, 4));
  }
  const universe = result.tokenUniverse?.length ?? 0;
  const resolved = Object.values(view.tokens ?? {}).filter((t) => t.status === 'resolved').length;
  lines.push(
    '',
    view.tokens ? `Tokens: ${resolved} of ${universe} resolved by enrichment (${view.enrichment.status})` : `Tokens: ${universe} in the universe; enrichment ${view.enrichment.status}`,
    ...link('Temporal Web UI:', view.links.temporalUi),
  );
  return lines.join('\n');
}

/** Excluded holders named under a token analysis's heading (the rest are counted). */
const EXCLUDED_SHOWN = 5;

/** How an analysis is, as a phrase ("the analysis failed"): every status the API knows. */
const STATUS_PHRASES: Record<AnalysisView['status'], string> = { running: 'is running', completed: 'completed', failed: 'failed', cancelled: 'was cancelled', terminated: 'was terminated', timed_out: 'timed out' };

/** A scan stopped at its page cap: the mint's largest accounts read besides (", and its 20 largest accounts, 3 of them past those pages"), or why not. */
export function largestPhrase(largest: NonNullable<AnalysisView['holders']>['largestAccounts']): string {
  if (!largest) return '';
  if (typeof largest.unread === 'string') return `; its largest accounts could not be read (${printable(largest.unread)})`;
  return `, and its ${largest.read} largest accounts, ${largest.added} of them past those pages`;
}

/** A token analysis: which holders became the group and which were left out, and why. */
export function holderLines(h: NonNullable<AnalysisView['holders']>, status: AnalysisView['status'] = 'running'): string[] {
  if (!h.resolved) return [status === 'running' ? `Token ${h.token}: resolving its top ${h.top} holders` : `Token ${h.token}: its top ${h.top} holders were not resolved (the analysis ${STATUS_PHRASES[status]})`];
  const counts = Object.entries(h.excludedCounts ?? {}).filter(([, n]) => typeof n === 'number' && n > 0).map(([reason, n]) => `${String(n)} ${reason}`);
  const lines = [
    `Token ${h.token}: the top ${h.selected} of ${plural(h.eligible ?? 0, 'eligible holder')}${h.ownersTested === undefined ? '' : ` among the largest ${h.ownersTested} owners tested`} (${plural(h.ownersSeen ?? 0, 'owner')}, ${plural(h.accountsSeen ?? 0, 'token account')}${h.complete ? '' : `, first ${h.pages} pages only${largestPhrase(h.largestAccounts)}`})`,
    `  left out: ${counts.length > 0 ? counts.join(', ') : 'none'}`,
  ];
  for (const e of (h.excluded ?? []).slice(0, EXCLUDED_SHOWN)) lines.push(`    ${e.owner}  ${e.reason}${e.label ? ` (${e.label})` : ''}`);
  if (h.launch) lines.push(`  launch: slot ${h.launch.slot} on ${utc(h.launch.timestamp)} (${h.launch.signature}): buys in its block are a launch-block co-buy`);
  else if (h.launchUnread) lines.push(`  launch: not read (${h.launchUnread}); a bundle among its snipers may not show`);
  if (h.scannedAt && Number.isFinite(Date.parse(h.scannedAt))) lines.push(`  holders as read at ${utc(Date.parse(h.scannedAt) / 1000)} (an earlier analysis's by the same API key, when within HOLDER_CACHE_SECONDS; --sync force reads them afresh)`);
  return lines;
}
