// `wallet-similarity watch …`: watched groups (/v1/watches) as lines: what each watches and how
// often, its webhook, its next run, and its runs with the counts of what changed since the run
// before and how their webhook deliveries went.
import type { SecretRotated, WatchSummary, WatchView } from '../api/schemas/watches';
import { plural, shortAddress } from './evidence';

/** `everyMinutes` as a person says it: "every 90 min", "every 12 h", "every 2 d". */
export function interval(minutes: number): string {
  if (minutes % 1_440 === 0) return `every ${minutes / 1_440} d`;
  if (minutes % 60 === 0) return `every ${minutes / 60} h`;
  return `every ${minutes} min`;
}

/** What a watch analyses: its wallets (short) or its token's holders. */
function target(request: Record<string, unknown>): string {
  if (typeof request.token === 'string') return `the ${String(request.top)} largest holders of ${request.token}`;
  const wallets = Array.isArray(request.wallets) ? (request.wallets as string[]) : [];
  const shown = wallets.slice(0, 4).map(shortAddress).join(', ');
  return `${plural(wallets.length, 'wallet')} (${shown}${wallets.length > 4 ? ', …' : ''})`;
}

type Run = WatchView['runs'][number];

/** Why a run that ended was not compared. */
const UNCOMPARED: Record<string, string> = {
  first: '(the first completed run: nothing to compare with)',
  'engines-not-comparable': '(not compared: an engine before 2.0.0 computed one of the two)',
  timeout: '(not compared: the comparison took PostgreSQL too long; `changes` may still answer)',
};

/** One run: its time, its analysis, and what changed since the run it was compared with. */
function runLine(run: Run): string {
  const head = `  ${run.startedAt.replace(/\.\d+Z$/, 'Z')}  ${run.status.padEnd(9)}  ${run.analysisId}`;
  if (run.status !== 'completed' && run.status !== 'running') return `${head}  ${run.error ?? ''}`.trimEnd();
  const c = run.changes;
  if (run.endedAt === null || run.comparison === null) return `${head}  (under way)`;
  if (c === null) return `${head}  ${UNCOMPARED[run.comparison] ?? `(not compared: ${run.comparison})`}`;
  const wallets = c.walletsAdded + c.walletsRemoved > 0 ? `wallets +${c.walletsAdded} −${c.walletsRemoved}` : 'same wallets';
  const clusters = c.clustersChanged + c.clustersFormed + c.clustersDissolved > 0 ? `clusters ${c.clustersChanged} changed, ${c.clustersFormed} formed, ${c.clustersDissolved} dissolved` : `clusters unchanged (${c.clustersUnchanged})`;
  const links = c.linksFormed + c.linksBroken > 0 ? `links +${c.linksFormed} −${c.linksBroken}` : 'no link formed or broken';
  return `${head}  ${wallets}; ${clusters}; ${links}`;
}

/** How a run's webhook delivery went, when one was due. */
function deliveryLine(run: Run): string | null {
  const n = run.notification;
  if (n === null) return null;
  if (n.state === 'delivered') return `      webhook: delivered ${n.deliveredAt ?? ''}`.trimEnd();
  const tried = n.attempts > 0 ? ` after ${plural(n.attempts, 'attempt')}` : '';
  return n.state === 'failed' ? `      webhook: failed${tried}: ${n.error ?? ''}` : `      webhook: being delivered${n.error ? ` (${plural(n.attempts, 'attempt')} failed so far: ${n.error})` : ''}`;
}

/** A watch's webhook: where (its origin) and which runs; with the secret when the answer carries it (once). */
function notifyLines(notify: WatchView['notify']): string[] {
  if (notify === null) return [];
  const which = notify.on === 'every-run' ? 'every run' : 'runs that changed something';
  const lines = [`Webhook: ${notify.target}, told of ${which}`];
  if (notify.secret) lines.push(`Signing secret (watch show does not print it; keep it to check each delivery's x-wallet-similarity-signature): ${notify.secret}`);
  return lines;
}

export function renderWatch(watch: WatchView): string {
  const out = [`Watch ${watch.watchId}: ${target(watch.request)}, ${interval(watch.everyMinutes)}, since ${watch.createdAt}`];
  const s = watch.schedule;
  out.push(...notifyLines(watch.notify));
  out.push(s === null ? 'Schedule: not known (Temporal did not answer, or the schedule is missing)' : `Next run: ${s.nextRunAt ?? 'none'}${s.running ? ' (a run is under way)' : ''}`);
  if (watch.runs.length === 0) {
    out.push('No run yet.');
    return out.join('\n');
  }
  out.push(`Runs, newest first (${plural(watch.runs.length, 'run')} shown):`);
  for (const run of watch.runs) {
    out.push(runLine(run));
    const delivery = deliveryLine(run);
    if (delivery) out.push(delivery);
  }
  const compared = watch.runs.find((r) => r.since !== null);
  if (compared) out.push(`The whole comparison: wallet-similarity changes ${compared.analysisId} --since ${compared.since}`);
  return out.join('\n');
}

export function renderWatchList(watches: readonly WatchSummary[]): string {
  if (watches.length === 0) return 'No watched group: wallet-similarity watch add <address> <address> … [--every minutes]';
  return watches.map((w) => `${w.watchId}  ${interval(w.everyMinutes).padEnd(12)}  ${target(w.request)}${w.notify ? `  (webhook: ${w.notify.target})` : ''}`).join('\n');
}

/** A secret replaced: the new one (printed this once) and until when the old one signs beside it. */
export function renderSecretRotated(rotated: SecretRotated): string {
  const old = rotated.previousSecretValidUntil === null ? 'The old secret no longer signs.' : `The old secret signs beside it until ${rotated.previousSecretValidUntil}.`;
  return [`Watch ${rotated.watchId}: a new signing secret for its webhook (${rotated.notify.target}). ${old}`, `Signing secret (printed this once): ${rotated.notify.secret ?? ''}`].join('\n');
}
