// `npm run test:chaos [-- scenario ...]`: the chaos suite (docs in README "Chaos suite"). Starts its
// own PostgreSQL cluster, Redis server and Temporal dev server, runs the clean reference run and then
// each scenario (setup, fault schedule, clients), checks each with the one checker, prints the
// table, and exits 0 only when every scenario passed. The last line says `N passed, N failed`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PREBUILT_BUNDLE, WORKFLOWS_PATH } from '../../src/temporal/workers';
import { resolveTemporalCli } from '../../src/temporal/dev-server';
import { ApiClient, startClients } from './client';
import { check, comparable, databaseFacts, renderTable, type Baseline, type DatabaseFacts, type ScenarioRow } from './checker';
import { CLEAN, SCENARIOS, type FaultContext, type Scenario } from './scenarios';
import { PgCluster, RedisServer, TemporalServer, cleanupAll, onCleanup } from './services';
import { openScenarioStack, type SuiteServices } from './stack';
import { CHAOS_SEED, SIM_LATENCY, WORLD } from './world';

const log = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface Reference extends Baseline {
  makespanMs: number;
}

async function buildBundle(): Promise<void> {
  const quiet = () => undefined;
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error } });
  fs.mkdirSync(path.dirname(PREBUILT_BUNDLE), { recursive: true });
  fs.writeFileSync(PREBUILT_BUNDLE, code);
}

/** After a scenario, every service is up again, whatever its fault schedule did. */
async function heal(services: SuiteServices): Promise<void> {
  if (!(await services.pg.isUp())) await services.pg.start();
  services.redis.thaw();
  await services.redis.start();
  await services.temporal.start();
}

async function runScenario(s: Scenario, services: SuiteServices, reference?: Reference): Promise<{ row: ScenarioRow; notes: string[]; baseline?: Reference }> {
  log(`${s.name}: ${s.title}`);
  const stack = await openScenarioStack(s.name, services, { world: WORLD, latencyMs: SIM_LATENCY, ...s.sim }, s.env, s.workers);
  const notes: string[] = [];
  const extraProblems: string[] = [];
  try {
    const api = new ApiClient(stack.apiUrl);
    const plan = s.plan();
    // a clean run that itself stalled does not stretch every other scenario
    const cleanMakespanMs = Math.min(reference?.makespanMs ?? 60_000, 120_000);
    const deadline = Date.now() + cleanMakespanMs + s.graceSeconds * 1000;
    const clients = startClients(api, plan, { scenario: s.name, deadline, pollMs: s.pollMs });
    const t0 = clients.startedAt;
    const ctx: FaultContext = {
      stack,
      api,
      pg: services.pg,
      redis: services.redis,
      temporal: services.temporal,
      t0,
      cleanMakespanMs,
      analysisIds: () => clients.records.flatMap((r) => (r.analysisId ? [r.analysisId] : [])),
      note: (event) => {
        const line = `+${((Date.now() - t0) / 1000).toFixed(1)}s ${event}`;
        notes.push(line);
        log(`${s.name}: ${line}`);
      },
      problem: (text) => extraProblems.push(text),
    };
    const faults = (s.faults?.(ctx) ?? Promise.resolve()).catch((err: Error) => extraProblems.push(`the fault schedule could not run: ${err.message}`));
    const [history] = await Promise.all([clients.finished, faults]);
    await heal(services);

    let db: DatabaseFacts | undefined;
    let dbError: string | undefined;
    try {
      const wallets = [...new Set(plan.flatMap((p) => p.wallets))];
      db = await databaseFacts(stack.pool, stack.sim, wallets, plan.length, s === CLEAN ? undefined : reference);
    } catch (err) {
      dbError = (err as Error).message;
    }
    const row = check({
      scenario: s.name,
      history,
      expectation: s.expect,
      baseline: s.expect.outcome === 'fail-fast' ? undefined : reference,
      db,
      dbError,
      processes: [...stack.workers, stack.api].map((p) => ({ name: p.name, exits: p.exits, tail: p.tail() })),
      extraProblems,
      deadlineSeconds: Math.round((deadline - t0) / 1000),
    });
    const provider401 = stack.sim.requestLog.filter((e) => e.injected === 'invalid-key').length;
    if (provider401 > 0) notes.push(`the simulator refused the key ${provider401} times`);
    log(`${s.name}: ${row.problems.length === 0 ? 'passed' : `FAILED (${row.problems.length} problems)`} after ${row.wallSeconds}s`);

    let baseline: Reference | undefined;
    if (s === CLEAN) {
      baseline = {
        results: new Map(history.records.map((r) => [r.index, comparable(r.result)])),
        durationsMs: new Map(history.records.flatMap((r) => (r.endedAt !== undefined ? [[r.index, r.endedAt - r.requestedAt] as const] : []))),
        legsByWallet: db?.legsByWallet ?? new Map(),
        makespanMs: Math.max(...history.records.map((r) => (r.endedAt ?? Date.now()) - history.startedAt)),
      };
    }
    return { row, notes, baseline };
  } finally {
    await stack.close();
  }
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(', ')}; the scenarios are: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const selected = SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.name));
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-chaos-'));
  let keepLogs = false;
  onCleanup('temporary directory', () => {
    for (const dir of keepLogs ? ['pg', 'temporal.db', 'redis'] : ['.']) fs.rmSync(path.join(tmp, dir), { recursive: true, force: true });
  });

  log(`seed ${CHAOS_SEED}; scenarios: clean, ${selected.map((s) => s.name).join(', ')}; logs in ${tmp}`);
  log('building the workflow bundle and starting PostgreSQL, Redis and the Temporal dev server of the suite...');
  const cliPath = await resolveTemporalCli();
  const namespaces = [CLEAN, ...selected].map((s) => `chaos-${s.name}`);
  const [pg, redis, temporal] = await Promise.all([PgCluster.create(tmp), RedisServer.create(tmp), TemporalServer.create(tmp, cliPath, namespaces), buildBundle()]);
  const services: SuiteServices = { pg, redis, temporal, tmp };
  log(`PostgreSQL on ${pg.port}, Redis on ${redis.port}, Temporal on ${temporal.address}`);

  const results: Array<{ scenario: Scenario; row: ScenarioRow; notes: string[] }> = [];
  const clean = await runScenario(CLEAN, services);
  results.push({ scenario: CLEAN, ...clean });
  for (const s of selected) {
    try {
      results.push({ scenario: s, ...(await runScenario(s, services, clean.baseline)) });
    } catch (err) {
      const row: ScenarioRow = { scenario: s.name, run: 0, completed: 0, identical: null, duplicates: null, extraSeconds: null, failedWithReason: 0, problems: [`the scenario could not run: ${(err as Error).stack ?? String(err)}`], wallSeconds: 0 };
      results.push({ scenario: s, row, notes: [] });
      await heal(services).catch(() => undefined);
    }
  }

  console.log('\n== Chaos suite');
  for (const { scenario, row, notes } of results) {
    console.log(`\n${row.problems.length === 0 ? 'PASS' : 'FAIL'} ${scenario.name}: ${scenario.title}`);
    for (const n of notes) console.log(`  fault: ${n}`);
    for (const p of row.problems) console.log(`  problem: ${p}`);
  }
  console.log(`\n${renderTable(results.map((r) => r.row))}\n`);
  const failed = results.filter((r) => r.row.problems.length > 0).length;
  keepLogs = failed > 0;
  if (keepLogs) console.log(`worker and API logs kept in ${tmp}`);
  console.log(`suite took ${Math.round((Date.now() - started) / 1000)}s`);
  console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await cleanupAll();
  process.exit(code);
};
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));

main().then(
  (code) => stop(code),
  async (err: Error) => {
    if (stopping) return; // interrupted: the cleanup is under way
    console.error(`chaos suite: ${err.stack ?? err.message}`);
    console.log('0 passed, 1 failed');
    await stop(1);
  },
);
