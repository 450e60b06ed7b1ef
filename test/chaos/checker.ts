// The one checker every scenario goes through: it compares what the clients saw, and what the
// database holds, with the clean run. A scenario passes when the list of problems is empty.
import { canonicalJson } from '../../src/canonical-json';
import type { Pool } from 'pg';
import type { SimulatorHandle } from '../../src/simulator';
import type { ClientRecord, History } from './client';
import type { ProcessExit } from './stack';

/**
 * Everything of a result that must not depend on how the run went (ids and times left out). Since
 * engine 2.0.0 some scores weigh tokens and counterparties by how many wallets of the whole database
 * traded or paid them (docs/analytics.md §6): with 20 analyses overlapping, which other wallets are
 * stored when one of them computes depends on timing, in the clean run too. So the comparison keeps
 * each pair's measurements that depend only on the two wallets' stored data (capital, overlap,
 * behavior, timing, the similarity blend, shared tokens and co-trading counts) and leaves out the
 * database-weighted ones (funding, bundle, rarity, combined) and what is derived from them
 * (strength, insights, evidence, clusters).
 */
export function comparable(result: Record<string, unknown> | null | undefined): string {
  if (!result) return 'null';
  // result.pairs are in rank order (combined, database-weighted): compared in wallet order
  const pairs = ((result.pairs ?? []) as Array<Record<string, unknown>>).map((p) => {
    const { funding: _funding, bundle: _bundle, rarity: _rarity, combined: _combined, ...own } = (p.scores ?? {}) as Record<string, unknown>;
    return {
      walletA: p.walletA,
      walletB: p.walletB,
      scores: own,
      sharedTokens: p.sharedTokens,
      coTrading: p.coTrading,
    };
  });
  const key = (p: { walletA: unknown; walletB: unknown }): string => `${String(p.walletA)}\u0000${String(p.walletB)}`;
  pairs.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  return canonicalJson({ pairs, tokenUniverse: result.tokenUniverse });
}

/** What the clean run established: each analysis's result and duration, each wallet's leg count. */
export interface Baseline {
  results: Map<number, string>;
  durationsMs: Map<number, number>;
  legsByWallet: Map<string, number>;
}

export interface Expectation {
  /**
   * complete: every analysis completes with no failed wallet (and, with a baseline, equal to it);
   * complete-or-fail-with-reason: each either completes (equal to the baseline) or fails with an
   *   error naming the reason (`reason`), never stays running;
   * fail-fast: each fails within `failWithinSeconds` with an error naming `reason` exactly once.
   */
  outcome: 'complete' | 'complete-or-fail-with-reason' | 'fail-fast';
  /** at most this many seconds longer than the same analysis in the clean run */
  maxExtraSeconds?: number;
  reason?: RegExp;
  failWithinSeconds?: number;
}

export interface DatabaseFacts {
  /** rows stored twice or counted twice, over every wallet of the scenario */
  duplicates: number;
  details: string[];
  /** analyses rows still `running` after the clients stopped */
  stuckRunning: number;
  /** analyses rows beyond the ones the clients asked for */
  extraAnalysisRows: number;
  legsByWallet: Map<string, number>;
}

/**
 * Duplicates, by SQL: a wallet's stored transactions beyond the provider's history, legs beyond the
 * clean run's, and the sync's own counters disagreeing with the rows.
 */
export async function databaseFacts(pool: Pool, sim: SimulatorHandle, wallets: string[], asked: number, baseline?: Baseline): Promise<DatabaseFacts> {
  const { rows } = await pool.query<{ address: string; transaction_count: number; leg_count: number; tx_rows: number; leg_rows: number }>(
    `SELECT w.address, w.transaction_count, w.leg_count,
            (SELECT count(*)::int FROM wallet_transactions t WHERE t.wallet = w.address) AS tx_rows,
            (SELECT count(*)::int FROM swap_legs l WHERE l.wallet = w.address) AS leg_rows
       FROM wallets w WHERE w.address = ANY($1::text[]) ORDER BY w.address`,
    [wallets],
  );
  let duplicates = 0;
  const details: string[] = [];
  const legsByWallet = new Map<string, number>();
  for (const r of rows) {
    legsByWallet.set(r.address, r.leg_rows);
    const history = sim.world.historyLength(sim.world.indexOf(r.address)!);
    const add = (n: number, what: string) => {
      if (n <= 0) return;
      duplicates += n;
      details.push(`${r.address.slice(0, 8)}…: ${what}`);
    };
    add(r.tx_rows - history, `${r.tx_rows} transactions stored, the provider has ${history}`);
    add(Math.abs(r.transaction_count - r.tx_rows), `transaction_count ${r.transaction_count} but ${r.tx_rows} rows`);
    add(Math.abs(r.leg_count - r.leg_rows), `leg_count ${r.leg_count} but ${r.leg_rows} rows`);
    const cleanLegs = baseline?.legsByWallet.get(r.address);
    if (cleanLegs !== undefined) add(r.leg_rows - cleanLegs, `${r.leg_rows} legs, the clean run stored ${cleanLegs}`);
  }
  const analyses = await pool.query<{ running: number; total: number }>(`SELECT count(*) FILTER (WHERE status = 'running')::int AS running, count(*)::int AS total FROM analyses`);
  return { duplicates, details, stuckRunning: analyses.rows[0].running, extraAnalysisRows: Math.max(0, analyses.rows[0].total - asked), legsByWallet };
}

export interface ScenarioRow {
  scenario: string;
  run: number;
  completed: number;
  /** null: nothing to compare (the clean run itself) */
  identical: number | null;
  duplicates: number | null;
  /** the largest delay over the clean run, in seconds (null without a baseline) */
  extraSeconds: number | null;
  failedWithReason: number;
  problems: string[];
  wallSeconds: number;
}

export interface CheckInput {
  scenario: string;
  history: History;
  expectation: Expectation;
  baseline?: Baseline;
  db?: DatabaseFacts;
  /** why the database could not be checked */
  dbError?: string;
  processes: Array<{ name: string; exits: ProcessExit[]; tail: string }>;
  /** what the scenario itself found (e.g. the API answering 500 while the database is away) */
  extraProblems: string[];
  deadlineSeconds: number;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

export function check(input: CheckInput): ScenarioRow {
  const { history, expectation, baseline } = input;
  const problems: string[] = [];
  const records = history.records;
  const ended = (r: ClientRecord) => r.endedAt !== undefined;
  const duration = (r: ClientRecord) => (r.endedAt ?? Date.now()) - r.requestedAt;
  const completed = records.filter((r) => r.status === 'completed' && ended(r));
  const label = (r: ClientRecord) => `analysis #${r.index}${r.analysisId ? ` (${r.analysisId})` : ''}`;

  for (const r of records) {
    if (r.startError) problems.push(`${label(r)} could not be started: ${r.startError}`);
    else if (!ended(r)) problems.push(`${label(r)} did not end within ${input.deadlineSeconds}s (API says ${r.status ?? 'nothing'})`);
  }

  let identical: number | null = null;
  if (expectation.outcome !== 'fail-fast') {
    for (const r of records.filter(ended)) {
      if (r.status === 'completed') {
        if (r.failedWallets && r.failedWallets.length > 0) problems.push(`${label(r)} completed without ${r.failedWallets.length} wallet(s): ${JSON.stringify(r.failedWallets).slice(0, 300)}`);
      } else if (expectation.outcome === 'complete') {
        problems.push(`${label(r)} ended ${r.status}: ${r.error ?? '(no reason given)'}`);
      } else if (r.status !== 'failed' || !r.error || !(expectation.reason ?? /./).test(r.error)) {
        problems.push(`${label(r)} ended ${r.status} without a clear reason: ${r.error ?? '(none)'}`);
      }
    }
    if (baseline) {
      identical = 0;
      for (const r of completed) {
        const clean = baseline.results.get(r.index);
        if (comparable(r.result) === clean) identical++;
        else if (clean === undefined || clean === 'null') problems.push(`${label(r)}: the clean run has no result to compare it with`);
        else problems.push(`${label(r)}: the result differs from the clean run's`);
      }
    }
  } else {
    for (const r of records.filter(ended)) {
      const took = seconds(duration(r));
      if (r.status !== 'failed') problems.push(`${label(r)} ended ${r.status}; expected it to fail`);
      else if (took > (expectation.failWithinSeconds ?? 5)) problems.push(`${label(r)} failed after ${took}s; expected within ${expectation.failWithinSeconds ?? 5}s`);
      const mentions = (r.error ?? '').match(new RegExp(expectation.reason?.source ?? '.', 'gi'))?.length ?? 0;
      if (r.status === 'failed' && mentions !== 1) problems.push(`${label(r)} states the reason ${mentions} times (expected once, not once per wallet): ${(r.error ?? '(none)').slice(0, 400)}`);
    }
  }

  let extraSeconds: number | null = null;
  if (baseline) {
    // only analyses the clean run finished have a duration to compare with
    const comparableRecords = records.filter((r) => !r.startError && baseline.durationsMs.has(r.index));
    const extras = comparableRecords.map((r) => duration(r) - baseline.durationsMs.get(r.index)!);
    extraSeconds = extras.length ? Math.max(0, seconds(Math.max(...extras))) : null;
    if (expectation.maxExtraSeconds !== undefined) {
      for (const r of comparableRecords) {
        const extra = seconds(duration(r) - baseline.durationsMs.get(r.index)!);
        if (extra > expectation.maxExtraSeconds) problems.push(`${label(r)} took ${extra}s longer than in the clean run (at most ${expectation.maxExtraSeconds}s)`);
      }
    }
  }

  if (input.dbError) problems.push(`the database could not be checked: ${input.dbError}`);
  if (input.db) {
    if (input.db.duplicates > 0) problems.push(`${input.db.duplicates} rows stored or counted twice: ${input.db.details.slice(0, 5).join('; ')}`);
    if (input.db.stuckRunning > 0) problems.push(`${input.db.stuckRunning} analyses rows still say running`);
    if (input.db.extraAnalysisRows > 0) problems.push(`${input.db.extraAnalysisRows} analyses rows more than the clients asked for`);
  }
  for (const p of input.processes) {
    for (const e of p.exits.filter((x) => !x.expected)) {
      problems.push(`the ${p.name} process exited on its own (${e.signal ?? `code ${e.code}`}) at +${seconds(e.at - history.startedAt)}s; its last output:\n${indent(p.tail)}`);
    }
  }
  problems.push(...input.extraProblems);

  return {
    scenario: input.scenario,
    run: records.length,
    completed: completed.length,
    identical,
    duplicates: input.db ? input.db.duplicates : null,
    extraSeconds,
    failedWithReason: records.filter((r) => r.status === 'failed' && !!r.error).length,
    problems,
    wallSeconds: seconds(Math.max(...records.map((r) => (r.endedAt ?? Date.now()) - history.startedAt), 0)),
  };
}

function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .slice(-12)
    .map((l) => `      ${l.slice(0, 300)}`)
    .join('\n');
}

/** The summary table, one row per scenario. */
export function renderTable(rows: ScenarioRow[]): string {
  const header = ['scenario', 'analyses run', 'completed', 'identical to clean', 'duplicates found', 'extra seconds', 'result'];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.run),
    r.failedWithReason > 0 ? `${r.completed} (+${r.failedWithReason} failed with reason)` : String(r.completed),
    r.identical === null ? '-' : String(r.identical),
    r.duplicates === null ? '-' : String(r.duplicates),
    r.extraSeconds === null ? '-' : r.extraSeconds.toFixed(1),
    r.problems.length === 0 ? 'passed' : 'FAILED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
