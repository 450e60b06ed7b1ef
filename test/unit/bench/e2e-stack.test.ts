import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postmastersByRole, workerStart } from '../../../bench/lib/e2e-stack';

describe('workerStart: the bench starts the worker with the environment and Node flags production uses', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-flags-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const packageJson = (startWorker: unknown): string => {
    const file = path.join(dir, `package-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify({ scripts: { 'start:worker': startWorker } }));
    return file;
  };

  it("reads them from this repository's npm run start:worker: glibc's malloc arenas capped, the worker's heap and its young generation", () => {
    expect(workerStart({})).toEqual({ env: { MALLOC_ARENA_MAX: '2' }, flags: ['--max-old-space-size=384', '--max-semi-space-size=2'] });
  });

  it('reads every assignment before node and every flag between node and the launcher, and none when there are none', () => {
    expect(workerStart({}, packageJson('A_B=1 MALLOC_ARENA_MAX=4 node --max-old-space-size=512 --heap-growing-percent=30 scripts/start-built.js worker'))).toEqual({
      env: { A_B: '1', MALLOC_ARENA_MAX: '4' },
      flags: ['--max-old-space-size=512', '--heap-growing-percent=30'],
    });
    expect(workerStart({}, packageJson('node scripts/start-built.js worker'))).toEqual({ env: {}, flags: [] });
  });

  it('BENCH_WORKER_NODE_ARGS replaces the flags, an empty one with none; the environment stays', () => {
    expect(workerStart({ BENCH_WORKER_NODE_ARGS: '--max-old-space-size=256  --max-semi-space-size=8' })).toEqual({ env: { MALLOC_ARENA_MAX: '2' }, flags: ['--max-old-space-size=256', '--max-semi-space-size=8'] });
    expect(workerStart({ BENCH_WORKER_NODE_ARGS: '' }).flags).toEqual([]);
  });

  it('refuses a start:worker it cannot read rather than measure another worker', () => {
    expect(() => workerStart({}, packageJson('tsx src/worker.ts'))).toThrow(/start:worker is not "\[NAME=value \.\.\.\] node \[--flag \.\.\.\] scripts\/start-built\.js worker" \(got "tsx src\/worker\.ts"\)/);
    expect(() => workerStart({}, packageJson(undefined))).toThrow(/got undefined/);
    expect(() => workerStart({}, packageJson('node scripts/start-built.js worker; rm -rf /'))).toThrow(/start:worker is not/);
  });
});

describe("postmastersByRole: the bench counts the application's PostgreSQL apart from Temporal's own", () => {
  it('the server on the given port is the application\'s; the others are counted as Temporal\'s', () => {
    expect(postmastersByRole(5432, [{ pid: 10, port: 5434 }, { pid: 20, port: 5432 }])).toEqual({ app: 20, others: [10] });
    expect(postmastersByRole(5432, [{ pid: 20, port: 5432 }])).toEqual({ app: 20, others: [] });
  });

  it('when no port can be read, the first server found is taken for the application\'s; none found, none', () => {
    expect(postmastersByRole(5432, [{ pid: 7, port: null }])).toEqual({ app: 7, others: [] });
    expect(postmastersByRole(5432, [])).toEqual({ app: null, others: [] });
    // another server on another port, and none on ours: nothing is taken for ours
    expect(postmastersByRole(5432, [{ pid: 7, port: 5434 }])).toEqual({ app: null, others: [7] });
  });
});
