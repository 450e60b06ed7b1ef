// Renders an analysis (the GET /v1/analyses/{id} body) as readable tables: top pairs with scores
// and insights, clusters, coverage, failed wallets, and the Temporal Web UI link. Used by the CLI
// and the demo.
import Table from 'cli-table3';
import type { AnalysisView } from '../api/analysis-view';
import type { SimilarityCluster, SimilarityPair, WalletCoverage } from '../domain/similarity/types';

export interface RenderOptions {
  /** pairs shown (by combined score) */
  topPairs?: number;
  /** wallet labels (e.g. the simulator world's), shown next to short addresses */
  labels?: Record<string, string>;
}

const plain = { head: [], border: [] };

export const shortAddress = (a: string): string => (a.length > 12 ? `${a.slice(0, 4)}…${a.slice(-4)}` : a);
const score = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : v.toFixed(2));

function tokenName(view: AnalysisView, mint: string): string {
  const t = view.tokens?.[mint];
  return t?.symbol ?? shortAddress(mint);
}

function walletName(a: string, labels?: Record<string, string>): string {
  const label = labels?.[a];
  return label ? `${shortAddress(a)} ${label}` : shortAddress(a);
}

function pairsTable(view: AnalysisView, pairs: SimilarityPair[], opts: RenderOptions): string {
  const table = new Table({
    head: ['#', 'Wallet A', 'Wallet B', 'Combined', 'Capital', 'Binary', 'Traded J', 'Held J', 'Behavior', 'Timing', 'Shared tokens', 'Insights'],
    style: plain,
    wordWrap: true,
    colWidths: [4, null, null, 11, 9, 8, 10, 8, 10, 8, 22, 26],
  });
  pairs.forEach((p, i) => {
    const shared = p.sharedTokens.slice(0, 3).map((t) => tokenName(view, t.mint));
    const more = p.sharedTokenCount - shared.length;
    table.push([
      String(i + 1),
      walletName(p.walletA, opts.labels),
      walletName(p.walletB, opts.labels),
      `${score(p.scores.combined)}${p.strength ? `\n${p.strength}` : ''}`,
      score(p.scores.capital),
      score(p.scores.binary),
      score(p.scores.jaccardTraded),
      score(p.scores.jaccardHeld),
      score(p.scores.behavior),
      score(p.scores.timing),
      `${p.sharedTokenCount}${shared.length ? `: ${shared.join(', ')}${more > 0 ? ` +${more}` : ''}` : ''}`,
      p.insights.map((x) => x.type).join(', ') || '–',
    ]);
  });
  return table.toString();
}

function clustersTable(view: AnalysisView, clusters: SimilarityCluster[], opts: RenderOptions): string {
  const table = new Table({ head: ['Cluster', 'Members', 'Mean combined', 'Binding tokens'], style: plain, wordWrap: true });
  clusters.forEach((c, i) => {
    table.push([
      String(i + 1),
      c.members.map((m) => walletName(m, opts.labels)).join('\n'),
      score(c.meanCombined),
      c.bindingTokens.slice(0, 5).map((t) => `${tokenName(view, t.mint)} (${t.memberCount})`).join(', ') || '–',
    ]);
  });
  return table.toString();
}

const day = (sec: number | null) => (sec === null ? '–' : new Date(sec * 1000).toISOString().slice(0, 10));

function coverageTable(coverage: WalletCoverage[], partial: string[], opts: RenderOptions): string {
  const table = new Table({ head: ['Wallet', 'Swaps used', 'Traded', 'Held', 'SOL spent', 'First trade', 'Last trade', 'History'], style: plain });
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
  lines.push(`Analysis ${view.analysisId}: ${view.status}${took} (${view.wallets.length} wallets)`);
  const failed = (view.failedWallets as Array<{ wallet: string; reason: string }> | null) ?? [];
  if (view.status !== 'completed' || !view.result) {
    if (view.error) lines.push(`Error: ${view.error}`);
    for (const f of failed) lines.push(`  ${f.wallet}: ${f.reason}`);
    lines.push('', `Temporal Web UI: ${view.links.temporalUi}`);
    return lines.join('\n');
  }
  const result = view.result as unknown as { pairs: SimilarityPair[]; clusters: SimilarityCluster[]; coverage: WalletCoverage[]; partialWallets?: string[]; tokenUniverse?: string[]; globalMetrics: { pairCount: number } };
  const ranked = [...result.pairs].sort((a, b) => (b.scores.combined ?? -1) - (a.scores.combined ?? -1));
  const top = ranked.slice(0, opts.topPairs ?? 10);
  lines.push('', `Most similar pairs (top ${top.length} of ${result.pairs.length}; scores 0–1, – = not computable)`);
  lines.push(pairsTable(view, top, opts));
  const why = top.slice(0, 3).filter((p) => p.insights.length > 0);
  if (why.length > 0) {
    lines.push('', 'Why:');
    for (const p of why) {
      lines.push(`  ${shortAddress(p.walletA)} ~ ${shortAddress(p.walletB)}`);
      for (const i of p.insights) lines.push(`    ${i.type}: ${i.reason}`);
    }
  }
  lines.push('', result.clusters.length > 0 ? `Clusters (${result.clusters.length})` : 'Clusters: none (no pair reached the cluster threshold)');
  if (result.clusters.length > 0) lines.push(clustersTable(view, result.clusters, opts));
  lines.push('', 'Coverage');
  lines.push(coverageTable(result.coverage, result.partialWallets ?? [], opts));
  if (failed.length > 0) {
    lines.push('', `Failed wallets (${failed.length}), left out of the comparison:`);
    for (const f of failed) lines.push(`  ${f.wallet}: ${f.reason}`);
  }
  const universe = result.tokenUniverse?.length ?? 0;
  const resolved = Object.values(view.tokens ?? {}).filter((t) => t.status === 'resolved').length;
  lines.push(
    '',
    view.tokens ? `Tokens: ${resolved} of ${universe} resolved by enrichment (${view.enrichment.status})` : `Tokens: ${universe} in the universe; enrichment ${view.enrichment.status}`,
    `Temporal Web UI: ${view.links.temporalUi}`,
  );
  return lines.join('\n');
}
