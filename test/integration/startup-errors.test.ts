import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

async function startWorker(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: 60_000 });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('start-up errors are one line that names what is wrong and how to fix it', () => {
  it('a DATABASE_URL pointing at no server', async () => {
    const { code, stderr } = await startWorker({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/wallet_similarity' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/wallet_similarity \(.*ECONNREFUSED.*\): start PostgreSQL or set DATABASE_URL/),
    ]);
  });

  it('a DATABASE_URL that is not a postgres URL', async () => {
    const { code, stderr } = await startWorker({ DATABASE_URL: 'mysql://localhost/x' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("error: invalid configuration: DATABASE_URL must be a URL starting with postgres:// or postgresql:// (got 'mysql://localhost/x')");
  });

  it('an unreachable Redis', async () => {
    const { code, stderr } = await startWorker({ REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: process.env.WS_TEST_DATABASE_URL as string });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(.*\): start Redis or set REDIS_URL/)]);
  });

  it('an unreachable Temporal server', async () => {
    const { code, stderr } = await startWorker({ TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: process.env.WS_TEST_DATABASE_URL as string });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: cannot reach Temporal at 127\.0\.0\.1:1 .*run 'npm run dev'/)]);
  });

  it('a missing Temporal CLI with no Go toolchain lists the ways to get one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-cli-'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.copyFileSync(path.join(ROOT, 'scripts', 'temporal-cli.sh'), path.join(dir, 'scripts', 'temporal-cli.sh'));
    const env = { PATH: '/usr/bin:/bin', HOME: dir };
    const result = await run('/bin/bash', [path.join(dir, 'scripts', 'temporal-cli.sh')], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    fs.rmSync(dir, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The Temporal CLI was not found. Get it one of these ways');
    expect(result.stderr).toContain('go install github.com/temporalio/cli/cmd/temporal@v1.5.1');
    expect(result.stderr).toContain('set TEMPORAL_CLI=/path/to/temporal');
  });
});
