// Every `npm run` script names files that exist (a renamed or deleted entry point fails here, not in a
// user's shell), and each one runs: cheaply (--help, a configuration it refuses, a tiny input), or,
// where that cannot be cheap, with the reason written down below.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..');
const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The project files a script runs: arguments of tsx, node and bash that look like paths. */
function filesOf(command: string): string[] {
  return command.split(/\s*&&\s*/).flatMap((step) => {
    const [runner, ...args] = step.trim().split(/\s+/);
    if (!['tsx', 'node', 'bash'].includes(runner)) return [];
    return args.filter((a) => !a.startsWith('-') && /\.(ts|js|mjs|cjs|sh)$/.test(a));
  });
}

describe('npm run scripts', () => {
  it.each(Object.entries(scripts))('%s points at files that exist', (_name, command) => {
    const missing = filesOf(command).filter((f) => !fs.existsSync(path.join(ROOT, f)));
    expect(missing).toEqual([]);
  });

  it('every script that runs a project file names at least one (so the check above is not vacuous)', () => {
    const runners = Object.entries(scripts).filter(([, c]) => /^(tsx|node|bash) /.test(c));
    expect(runners.length).toBeGreaterThan(0);
    expect(runners.filter(([, c]) => filesOf(c).length === 0).map(([name]) => name)).toEqual([]);
  });

  it('npm run migrate names scripts/migrate.ts', () => {
    expect(filesOf(scripts.migrate)).toEqual(['scripts/migrate.ts']);
  });
});

/** A cheap run of a script: `npm run <name> -- <args>` with `env`, and what it must answer. */
interface Exercise {
  args?: string[];
  env?: Record<string, string>;
  code: number;
  /** matched against stdout + stderr */
  output: RegExp;
}

/** Every entry point reads its configuration first: a bad one proves the script starts, loads all its modules and refuses it in one line. */
const BAD_CONFIG: Pick<Exercise, 'env' | 'code' | 'output'> = { env: { API_PORT: 'eighty' }, code: 1, output: /^error: invalid configuration: API_PORT .*\(got 'eighty'\)$/m };

/** A start script of the compiled code: BAD_CONFIG's one line once built, else the one line that says to build. */
const BUILT_OR_NOT = (entry: string) => new RegExp(`${BAD_CONFIG.output.source}|^error: ${entry.replace(/[./]/g, (c) => `\\${c}`)} is missing: run npm run build first`, 'm');

const EXERCISES: Record<string, Exercise | { notRunHere: string }> = {
  test: { notRunHere: 'it is the whole suite (lint, typecheck, jest) that runs this file' },
  lint: { notRunHere: '`npm test` runs it first, on every run of the suite' },
  typecheck: { notRunHere: '`npm test` runs it second, on every run of the suite' },
  'test:unit': { args: ['--listTests'], code: 0, output: /test\/unit\/npm-scripts\.test\.ts/ },
  'test:integration': { args: ['--listTests'], code: 0, output: /test\/integration\/api\.test\.ts/ },
  'test:chaos': { notRunHere: 'its first step installs PostgreSQL and Redis server packages when they are missing; its runner is exercised below with an unknown scenario' },
  dev: BAD_CONFIG,
  worker: BAD_CONFIG,
  api: BAD_CONFIG,
  migrate: BAD_CONFIG,
  smoke: BAD_CONFIG,
  'temporal:cli': { env: { TEMPORAL_CLI: '/nonexistent/temporal' }, code: 1, output: /TEMPORAL_CLI is set to '\/nonexistent\/temporal', but that is not a working temporal binary/ },
  'temporal:server': { code: 1, output: /usage: scripts\/temporal-server\.sh start\|stop\|status\|build/ },
  simulator: { args: ['--help'], code: 0, output: /usage/i },
  'bench:similarity': { env: { BENCH_WALLETS: '6', BENCH_TOKENS: '1000', BENCH_DENSE_SAMPLE: '4' }, code: 0, output: /"bench":"similarity","wallets":6,"tokens":\d+,"pairs":15,/ },
  'bench:detection': { args: ['--seeds', '1', '--wallets', '20', '--tx-per-wallet', '10'], code: 0, output: /detection benchmark: hard worlds, seeds 1, 20 wallets[^]*combined\s+\d\.\d{3}/ },
  'bench:lab': { args: ['--help'], code: 0, output: /usage: npm run bench:lab/ },
  'bench:holders': { args: ['--holders', '300', '--top', '20'], code: 0, output: /^\{"holders":300,"accounts":\d+,"top":20,.*"programAccountsV2":\{"requests":\d+,"accountsRead":\d+,"complete":true,.*"trueTopFound":20\}/m },
  'bench:extract': { env: { BENCH_TX: '2000' }, code: 0, output: /extract benchmark: 2,000 distinct transactions[^]*"bench":"extract"/ },
  'bench:listing': { args: ['--large', '0'], code: 1, output: /^error: --large, --small and --runs are positive integers; usage: npm run bench:listing/m },
  'bench:e2e': { args: ['--temporal', 'nowhere'], code: 1, output: /^error: --temporal must be dev or prod \(got "nowhere"\)$/m },
  build: { notRunHere: 'bench:e2e runs it at each start (it measures the compiled worker and API); it rewrites build/ and dist/workflow-bundle.js, which other tests of this run may be reading' },
  // compiled or not yet (a fresh clone): either way one line
  'start:worker': { ...BAD_CONFIG, output: BUILT_OR_NOT('build/worker.js') },
  'start:api': { ...BAD_CONFIG, output: BUILT_OR_NOT('build/api/server.js') },
  'build:bundle': { notRunHere: 'it takes seconds and overwrites dist/workflow-bundle.js; test/unit/replay.test.ts bundles the same workflows (WORKFLOWS_PATH) on every run' },
  demo: { args: ['--help'], code: 0, output: /usage/i },
  cli: { args: ['--help'], code: 0, output: /usage:\s+wallet-similarity analyze/ },
  'build:web': { args: ['--help'], code: 0, output: /vite\/\d+[^]*Usage:/ },
  'test:web': { args: ['--help'], code: 0, output: /vitest\/\d+[^]*Usage:/ },
  'api:types': { args: ['--help'], code: 0, output: /usage: npm run api:types/ },
  validators: { args: ['--help'], code: 0, output: /usage: npm run validators/ },
};

const run = promisify(execFile);

/** Scripts run two at a time: each starts a Node process, and the machine may be busy. */
const SLOTS = 2;
let queue: Array<() => void> = [];
let running = 0;
async function inSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= SLOTS) await new Promise<void>((resolve) => queue.push(resolve));
  running += 1;
  try {
    return await fn();
  } finally {
    running -= 1;
    const next = queue[0];
    queue = queue.slice(1);
    next?.();
  }
}

/** Runs a script's command line (or `only` one step of it) as `npm run <name> -- <args>` does (sh -c, node_modules/.bin first on PATH), without npm's own start-up. */
async function npmRun(name: string, args: string[], env: Record<string, string> = {}, only = scripts[name]): Promise<{ code: number; output: string }> {
  // NODE_ENV=test and jest's variables stay out: the script runs as from a shell
  const { NODE_ENV: _nodeEnv, JEST_WORKER_ID: _worker, ...inherited } = process.env;
  const PATH = `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`;
  const command = [only, ...args.map((a) => `'${a}'`)].join(' ');
  try {
    const { stdout, stderr } = await run('sh', ['-c', command], { cwd: ROOT, env: { ...inherited, PATH, ...env }, timeout: 150_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('npm run scripts, each run once', () => {
  it('every script is either exercised below or says why it is not', () => {
    expect(Object.keys(EXERCISES).sort()).toEqual(Object.keys(scripts).sort());
  });

  const exercised = Object.entries(EXERCISES).filter((e): e is [string, Exercise] => !('notRunHere' in e[1]));
  it.concurrent.each(exercised)('npm run %s answers as expected', async (name, exercise) => {
    const { code, output } = await inSlot(() => npmRun(name, exercise.args ?? [], exercise.env));
    expect({ code, output }).toEqual({ code: exercise.code, output: expect.stringMatching(exercise.output) });
  }, 300_000);

  it('the chaos runner behind npm run test:chaos refuses an unknown scenario before starting anything', async () => {
    const step = scripts['test:chaos'].split('&&').map((s) => s.trim()).find((s) => s.startsWith('tsx '));
    expect(step).toBe('tsx test/chaos/run.ts');
    const { code, output } = await inSlot(() => npmRun('test:chaos', ['no-such-scenario'], {}, step));
    expect(code).toBe(2);
    expect(output).toMatch(/^unknown scenario no-such-scenario; the scenarios are: /m);
  }, 300_000);
});
