import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postmastersByRole, workerNodeFlags } from '../../../bench/lib/e2e-stack';

describe('workerNodeFlags: the bench starts the worker with the Node flags production uses', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-flags-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const packageJson = (startWorker: unknown): string => {
    const file = path.join(dir, `package-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify({ scripts: { 'start:worker': startWorker } }));
    return file;
  };

  it("reads them from this repository's npm run start:worker, which caps the worker's heap and its young generation", () => {
    expect(workerNodeFlags({})).toEqual(['--max-old-space-size=384', '--max-semi-space-size=2']);
  });

  it('reads every flag between node and the launcher, and none when there are none', () => {
    expect(workerNodeFlags({}, packageJson('node --max-old-space-size=512 --heap-growing-percent=30 scripts/start-built.js worker'))).toEqual([
      '--max-old-space-size=512',
      '--heap-growing-percent=30',
    ]);
    expect(workerNodeFlags({}, packageJson('node scripts/start-built.js worker'))).toEqual([]);
  });

  it('BENCH_WORKER_NODE_ARGS replaces them, an empty one with none', () => {
    expect(workerNodeFlags({ BENCH_WORKER_NODE_ARGS: '--max-old-space-size=256  --max-semi-space-size=8' })).toEqual(['--max-old-space-size=256', '--max-semi-space-size=8']);
    expect(workerNodeFlags({ BENCH_WORKER_NODE_ARGS: '' })).toEqual([]);
  });

  it('refuses a start:worker it cannot read rather than measure another worker', () => {
    expect(() => workerNodeFlags({}, packageJson('tsx src/worker.ts'))).toThrow(/start:worker is not "node \[--flag \.\.\.\] scripts\/start-built\.js worker" \(got "tsx src\/worker\.ts"\)/);
    expect(() => workerNodeFlags({}, packageJson(undefined))).toThrow(/got undefined/);
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
