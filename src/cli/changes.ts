// `wallet-similarity changes <id> --since <earlier-id>`: what changed between two analyses
// (GET /v1/analyses/{id}/changes) as lines: the wallets, the clusters matched, the links formed and
// broken. Addresses in full where a line names one or two; clusters by their members' short form.
import type { AnalysisChanges } from '../api/schemas/changes';
import { plural, shortAddress } from './evidence';
import { score } from './render';

type Cluster = AnalysisChanges['clusters']['formed'][number];

const members = (c: Cluster): string => `${c.members.map(shortAddress).join(', ')} (${plural(c.members.length, 'member')}, confidence ${score(c.confidence)})`;
const listed = (wallets: readonly string[]): string => wallets.map(shortAddress).join(', ');

export function renderChanges(changes: AnalysisChanges): string {
  const { analysis, since, wallets, clusters, links } = changes;
  const when = (s: AnalysisChanges['analysis']) => `${s.analysisId} (completed ${s.completedAt ?? 'at an unknown time'}, engine ${s.engineVersion ?? 'unknown'})`;
  const out = [`Changes from ${when(since)}`, `        to ${when(analysis)}`, ''];
  const moved = [wallets.added.length > 0 ? `${wallets.added.length} added (${listed(wallets.added)})` : '', wallets.removed.length > 0 ? `${wallets.removed.length} removed (${listed(wallets.removed)})` : '']
    .filter(Boolean)
    .join(', ');
  out.push(`Wallets: ${plural(wallets.compared, 'wallet')} compared${moved ? `; ${moved}` : ''}.`);

  out.push(
    `Clusters: ${clusters.changed.length} changed, ${clusters.unchanged.length} unchanged, ${clusters.formed.length} formed, ${clusters.dissolved.length} dissolved.`,
  );
  for (const c of clusters.changed) {
    const moves = [c.joined.length > 0 ? `joined ${listed(c.joined)}` : '', c.left.length > 0 ? `left ${listed(c.left)}` : ''].filter(Boolean).join('; ');
    out.push(`  changed    ${members(c.after)}: ${moves}; confidence ${score(c.before.confidence)} → ${score(c.after.confidence)}`);
  }
  for (const c of clusters.formed) out.push(`  formed     ${members(c)}`);
  for (const c of clusters.dissolved) out.push(`  dissolved  ${members(c)}`);
  for (const c of clusters.unchanged) out.push(`  unchanged  ${members(c)}`);

  const thresholds = since.clusterThreshold === analysis.clusterThreshold ? `at or above ${score(analysis.clusterThreshold)}` : `at or above ${score(since.clusterThreshold)} then, ${score(analysis.clusterThreshold)} now`;
  out.push(`Links (relatedness ${thresholds}): ${links.formedCount} formed, ${links.brokenCount} broken.`);
  for (const [kind, list, count] of [['formed', links.formed, links.formedCount], ['broken', links.broken, links.brokenCount]] as const) {
    for (const l of list) out.push(`  ${kind}  ${l.walletA} ~ ${l.walletB}  ${score(l.before)} → ${score(l.combined)}`);
    if (count > list.length) out.push(`  … and ${count - list.length} more ${kind} (--limit lists more)`);
  }
  return out.join('\n');
}
