// Builds the Similarity Lab (`npm run build:web`: web/ into web/dist) when its build is missing or
// older than its sources. Used by `npm run demo`, the browser tests and `npm run bench:lab`, so the
// README's two commands stay the only set-up.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ActionableError } from '../src/errors';

const ROOT = path.resolve(__dirname, '..');
export const WEB_DIR = path.join(ROOT, 'web');
export const LAB_DIST = path.join(WEB_DIR, 'dist');

class LabBuildError extends ActionableError {
  override name = 'LabBuildError';
}

/** The newest modification time of the Lab's sources (web/ without its build and node modules). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Why the Lab needs a build, or null when web/dist is current. */
export function labBuildReason(): string | null {
  const index = path.join(LAB_DIST, 'index.html');
  if (!fs.existsSync(index)) return 'web/dist is missing';
  return newestSource(WEB_DIR) > fs.statSync(index).mtimeMs ? 'web/ changed since web/dist was built' : null;
}

/**
 * Runs `npm run build:web` when the build is missing or stale; its output goes to stderr. Answers
 * whether it built. NODE_ENV stays out: under jest it is `test`, and vite would bundle React's
 * development build.
 */
export async function ensureLabBuilt(log: (line: string) => void = (l) => console.error(l)): Promise<boolean> {
  if (!fs.existsSync(path.join(WEB_DIR, 'package.json')) && !fs.existsSync(path.join(WEB_DIR, 'index.html'))) {
    throw new LabBuildError(`the Lab's sources are missing (${WEB_DIR}): check out the whole repository`);
  }
  const reason = labBuildReason();
  if (reason === null) return false;
  log(`Building the Similarity Lab (${reason}): npm run build:web`);
  const { NODE_ENV: _nodeEnv, ...env } = process.env;
  const started = Date.now();
  const tail: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', 'build:web'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 20));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || labBuildReason() !== null) {
    throw new LabBuildError(`npm run build:web failed (exit ${code}): fix the error above and run it again (${tail.slice(-1)[0] ?? 'no output'})`);
  }
  log(`Built the Similarity Lab in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
