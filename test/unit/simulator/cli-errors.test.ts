// The simulator and demo commands refuse an invalid world file with one line on stderr (the file,
// the field and what is wrong; no stack trace) and a non-zero exit code, and accept "priceUsd": 0.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TOKEN_A, addr, worldWith } from '../providers/worlds';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'world-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN_ZERO = addr('mint', 'cli-zero');
const world = worldWith([{ address: addr('wallet', 'cli'), trades: [{ ts: 1_727_000_000, side: 'buy', mint: TOKEN_ZERO, amount: '5', quote: 'SOL', quoteAmount: '0.1' }] }], {
  tokens: [
    { mint: TOKEN_A, symbol: 'AAA', name: 'Token A', decimals: 6, priceUsd: 0.5 },
    { mint: TOKEN_ZERO, symbol: 'ZERO', name: 'No market', decimals: 6, priceUsd: 0 },
  ],
});
const badFile = join(dir, 'bad.json');
writeFileSync(badFile, JSON.stringify({ ...world, tokens: [world.tokens[0], { ...world.tokens[1], priceUsd: -1 }] }, null, 2));
const goodFile = join(dir, 'zero-price.json');
writeFileSync(goodFile, JSON.stringify(world, null, 2));

// without a Helius key the demo uses the simulator, so it reads the world file
const env = { ...process.env, HELIUS_API_KEY: '', LOG_LEVEL: 'error' };

async function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [script, ...args], { cwd: ROOT, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const expected = `error: invalid world file ${badFile}: tokens.1.priceUsd: must be >= 0 (got -1)\n`;

describe('an invalid world file on the command line', () => {
  it('npm run simulator -- --world <file>: one line, exit code 1', async () => {
    const result = await run('src/simulator/cli.ts', ['--world', badFile, '--port', '0']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: expected });
  });

  it('npm run demo -- --world <file>: one line, exit code 1, before anything starts', async () => {
    const result = await run('scripts/demo.ts', ['--world', badFile, '--exit']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: expected });
  });
});

describe('npm run demo -- --token: a mistake is one line, exit code 1, before anything starts', () => {
  it('a token the simulated world does not have names those it has holders of', async () => {
    const result = await run('scripts/demo.ts', ['--token', 'NOPE', '--exit']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^error: --token NOPE: no token of the simulated world has that mint or symbol; tokens with holders: HOLD \([1-9A-HJ-NP-Za-km-z]{32,44}\)\n$/);
  });

  it('--token with --wallets, --top without --token, and a --top out of range', async () => {
    expect(await run('scripts/demo.ts', ['--token', 'HOLD', '--wallets', 'a,b', '--exit'])).toEqual({ code: 1, stdout: '', stderr: 'error: pass --wallets or --token, not both\n' });
    expect(await run('scripts/demo.ts', ['--top', '5', '--exit'])).toEqual({ code: 1, stdout: '', stderr: 'error: --top goes with --token <mint>: the number of its largest holders to analyse\n' });
    expect(await run('scripts/demo.ts', ['--token', 'HOLD', '--top', '1', '--exit'])).toEqual({ code: 1, stdout: '', stderr: 'error: --top must be a whole number from 2 to 1,000 (got "1")\n' });
  });

  it('a token of a --world file that nobody holds, and with a real key, a mint that is not an address', async () => {
    expect(await run('scripts/demo.ts', ['--world', goodFile, '--token', 'AAA', '--exit'])).toEqual({ code: 1, stdout: '', stderr: 'error: --token AAA: fewer than 2 holders of AAA in the simulated world, nothing to compare\n' });
    const real = await promisify(execFile)(TSX, ['scripts/demo.ts', '--token', 'BONK', '--exit'], { cwd: ROOT, env: { ...env, HELIUS_API_KEY: 'not-a-real-key' }, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(real).toEqual({ code: 1, stderr: 'error: --token BONK: not a token mint (a base58 address of 32 bytes); with a real HELIUS_API_KEY pass the mint itself\n' });
  });
});

it('npm run simulator -- --world <file> serves a world with "priceUsd": 0', async () => {
  const child = spawn(TSX, ['src/simulator/cli.ts', '--world', goodFile, '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /simulator on (http:\/\/\S+):/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
    });
    const pairs = (await (await fetch(`${url}/tokens/v1/solana/${TOKEN_ZERO},${TOKEN_A}`)).json()) as Array<{ baseToken: { address: string } }>;
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.some((p) => p.baseToken.address === TOKEN_ZERO)).toBe(false);
  } finally {
    child.kill('SIGTERM');
  }
});
