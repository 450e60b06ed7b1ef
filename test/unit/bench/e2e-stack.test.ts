import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workerNodeFlags } from '../../../bench/lib/e2e-stack';

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
