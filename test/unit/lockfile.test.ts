// The committed package-lock.json must be complete: `npm ci` refuses a lock file that lacks any
// package npm would add (e.g. another platform's optional @swc/core-* binary), and a fresh clone's
// `npm install` would rewrite it. `npm ci --dry-run --offline` makes that check without the network:
// it compares package.json with the lock file only, in a scratch directory with an empty cache.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

async function npmCiDryRun(lock: string): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lockfile-'));
  try {
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    writeFileSync(join(dir, 'package-lock.json'), lock);
    const args = ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', join(dir, '.cache')];
    try {
      const { stdout, stderr } = await run('npm', args, { cwd: dir, env: { ...process.env, npm_config_loglevel: 'error' } });
      return { ok: true, output: stdout + stderr };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('package-lock.json', () => {
  jest.setTimeout(120_000);
  const lock = readFileSync(join(ROOT, 'package-lock.json'), 'utf8');

  it('is complete: npm ci accepts it as committed', async () => {
    const result = await npmCiDryRun(lock);
    expect(result.output).not.toContain('Missing:');
    expect(result.ok).toBe(true);
  });

  it('lists the optional binaries of every platform, which is what npm ci checks (a lock file without one is refused)', async () => {
    const parsed = JSON.parse(lock) as { packages: Record<string, unknown> };
    expect(parsed.packages['node_modules/@swc/core-darwin-arm64']).toBeDefined();
    delete parsed.packages['node_modules/@swc/core-darwin-arm64'];
    const result = await npmCiDryRun(JSON.stringify(parsed, null, 2));
    expect(result.ok).toBe(false);
    expect(result.output).toContain('Missing: @swc/core-darwin-arm64');
  });
});
