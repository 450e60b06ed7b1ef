import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { dropDatabase, MIGRATIONS_DIR } from '../../src/store/db';
import { testEnv } from '../harness/env';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

async function npmRunMigrate(databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'migrate'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run migrate', () => {
  it('applies every migration to a new database, then finds nothing pending', async () => {
    const url = new URL(testEnv().databaseUrl);
    url.pathname = `/${url.pathname.slice(1)}_npm_migrate_${process.pid}`;
    const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
    try {
      const first = await npmRunMigrate(url.toString());
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout.trim()).toMatch(new RegExp(`^Applied ${files.length} migration\\(s\\): `));
      const second = await npmRunMigrate(url.toString());
      expect(second).toMatchObject({ code: 0, stderr: '' });
      expect(second.stdout.trim()).toBe('Database is up to date: no pending migrations');
    } finally {
      await dropDatabase(url.toString());
    }
  });

  it('an unreachable database is one line that says what to do', async () => {
    const { code, stderr } = await npmRunMigrate('postgres://postgres@127.0.0.1:1/wallet_similarity');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/wallet_similarity .*set DATABASE_URL/)]);
  });
});
