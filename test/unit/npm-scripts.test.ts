// Every `npm run` script names files that exist (a renamed or deleted entry point fails here, not in a user's shell).
import fs from 'node:fs';
import path from 'node:path';

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
