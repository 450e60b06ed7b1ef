// The detection benchmark's plain-text report. The layout is stable (other tools and docs quote
// it): a header, one block per seed, then the overall block; numbers with three decimals, "-" for
// a figure that is not defined (no related pair, no pair clustered).
import type { DetectionBenchReport, KindEvaluation, SeedReport } from './detection-pipeline';
import type { ScoreEvaluation } from '../../src/domain/evaluation';

const f3 = (x: number | null): string => (x === null ? '-' : x.toFixed(3));
const row = (cells: readonly string[], widths: readonly number[]): string =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();

const SCORE_WIDTHS = [14, 7, 7, 13, 11];
const SCORE_HEADER = row(['score', 'ROC-AUC', 'AP', 'above-median', 'null r/u'], SCORE_WIDTHS);
const KIND_WIDTHS = [16, 9, 6, 10, 13];
const KIND_HEADER = row(['kind', 'truth', 'pairs', 'clustered', 'above-median'], KIND_WIDTHS);

function scoreRow(name: string, s: ScoreEvaluation): string {
  return row([name, f3(s.rocAuc), f3(s.averagePrecision), `${s.aboveMedian.count}/${s.aboveMedian.unrelated}`, `${s.nullRelated}/${s.nullUnrelated}`], SCORE_WIDTHS);
}

function kindRows(kinds: readonly KindEvaluation[]): string[] {
  if (kinds.length === 0) return [];
  return ['  ' + KIND_HEADER, ...kinds.map((k) => '  ' + row([k.kind, k.related ? 'related' : 'decoy', String(k.pairs), String(k.clustered), String(k.aboveMedianCombined)], KIND_WIDTHS))];
}

function seedBlock(r: SeedReport): string[] {
  const groups = Object.entries(r.groups).map(([k, n]) => `${n} ${k}`).join(', ');
  const c = r.clusters;
  return [
    `seed ${r.seed}: ${r.wallets} wallets, ${r.transactions} transactions (${r.rejectedTransactions} rejected), groups: ${groups || 'none'}; ${r.pairs} pairs, ${r.relatedPairs} related`,
    `  clusters ${r.clusterCount}: precision ${f3(c.precision)}  recall ${f3(c.recall)}  F1 ${f3(c.f1)}  (pairs clustered ${c.predictedPairs}, of them related ${c.truePositives})`,
    '  ' + SCORE_HEADER,
    ...Object.entries(r.scores).map(([name, s]) => '  ' + scoreRow(name, s)),
    ...kindRows(r.kinds),
  ];
}

export function formatDetectionReport(report: DetectionBenchReport): string {
  const o = report.options;
  const all = report.overall;
  const lines = [
    `detection benchmark: ${o.scenario} worlds, seeds ${o.seeds.join(',')}, ${o.wallets} wallets, ~${o.txPerWallet} transactions per wallet, engine ${report.engineVersion}${o.counterpartyActivity ? "" : ", counterparties' activity not read"}${o.databaseWallets ? `, ${o.databaseWallets} more wallets in the database` : ''}`,
    'clusters: pairwise precision / recall / F1 against ground-truth groups.',
    'scores: ROC-AUC and average precision of related vs unrelated pairs (null ranks below every number);',
    '  above-median = unrelated pairs scoring above the median related pair / unrelated pairs; null r/u = null scores among related / unrelated pairs.',
    'kinds: pairs inside the ground-truth groups (related) and decoy sets (unrelated look-alikes) of each kind: how many are clustered',
    '  together, how many have combined above the median related pair.',
    'engine: transfers and database counts from the world; combined = relatedness; clusters = Louvain on combined (docs/analytics.md §5, §6).',
    '',
  ];
  for (const r of report.seeds) lines.push(...seedBlock(r), '');
  lines.push(
    `overall (${all.seeds} seeds; means over seeds, counts summed):`,
    `  clusters: precision ${f3(all.precision)}  recall ${f3(all.recall)}  F1 ${f3(all.f1)}`,
    '  ' + row(['score', 'ROC-AUC', 'AP', 'above-median'], SCORE_WIDTHS),
    ...Object.entries(all.scores).map(([name, s]) => '  ' + row([name, f3(s.rocAuc), f3(s.averagePrecision), `${s.aboveMedian}/${s.unrelated}`], SCORE_WIDTHS)),
    ...kindRows(all.kinds),
  );
  return lines.join('\n');
}
