// The demo: the whole stack on this machine and one analysis followed live through the HTTP API.
// Without HELIUS_API_KEY the providers are the simulator with a bundled world (worlds/demo.json, or
// --world <file>); with a key, pass --wallets a,b,c. --token analyses a token's top holders instead
// (with the simulator and no --world, the holder token of a generated world). Prints the result as
// tables (or --json) and keeps everything running until Ctrl-C (or stops at once with --exit).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { isPortOpen } from '../src/temporal/dev-server';
import { isPublicKey } from '../src/providers/address';
import { generateWorld, loadWorldFile, parseWorld, startSimulator, type SimulatorHandle } from '../src/simulator';
import type { World } from '../src/simulator/world';
import { ApiClient } from '../src/cli/api-client';
import { ActionableError, exitWithOneLine } from '../src/errors';
import { followAnalysis } from '../src/cli/follow';
import { renderAnalysis } from '../src/cli/render';
import { startDevStack, type DevStack } from './dev';
import { ensureLabBuilt } from './build-lab';

const ROOT = path.resolve(__dirname, '..');
const USAGE = `usage: npm run demo -- [--world <file>] [--wallets a,b,c | --token <mint> [--top N]] [--window <days>] [--exit] [--json]

  --world <file>    run the simulator on this world and analyse all of its wallets (default worlds/demo.json)
  --wallets a,b,c   the wallets to analyse (required with a real HELIUS_API_KEY, unless --token)
  --token <mint>    analyse the token's top holders instead; with the simulator and no --world, a
                    generated world's holder token (HOLD: 500 holders, 40 of them wallets with
                    histories, a copy-trader group and a launch bundle among snipers), by mint or symbol
  --top N           how many of its largest holders (2 to 1,000; default 40 in that generated world, else 100)
  --window <days>   analyse only the last <days> days
  --exit            stop everything after printing the result
  --json            print the result (GET /v1/analyses/{id}) as JSON on stdout instead of tables`;

/** The world of `--token` with the simulator and no `--world` (docs/simulator.md, "Holder token"). */
const HOLDER_DEMO = { seed: 7, wallets: 6, txPerWallet: 20, largeWallet: false, holderToken: { holders: 500, wallets: 40 } } as const;

function demoDatabaseUrl(url: string): string {
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/^\//, '') || 'wallet_similarity'}_demo`;
  return u.toString();
}

class DemoError extends ActionableError {
  override name = 'DemoError';
}

/**
 * Installs what is missing on this machine once the arguments are known to be good: the Temporal CLI
 * (its path goes to TEMPORAL_CLI) and PostgreSQL and Redis. Their scripts explain a failure on stderr.
 */
function installMissing(): void {
  const cli = spawnSync('bash', [path.join(ROOT, 'scripts', 'temporal-cli.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (cli.status !== 0) throw new DemoError('no Temporal CLI (see above)');
  process.env.TEMPORAL_CLI = cli.stdout.trim();
  // its output is progress, so it goes to stderr (stdout carries only the result with --json)
  const services = spawnSync('bash', [path.join(ROOT, 'scripts', 'ensure-services.sh')], { stdio: ['ignore', 2, 'inherit'] });
  if (services.status !== 0) throw new DemoError('PostgreSQL or Redis is not available (see above)');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      world: { type: 'string' },
      wallets: { type: 'string' },
      token: { type: 'string' },
      top: { type: 'string' },
      window: { type: 'string' },
      exit: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.error(USAGE);
    return 0;
  }
  const startedAt = Date.now();
  const log = (line: string) => console.error(line);
  // With --json, stdout carries only the result: everything else (child process logs) goes to stderr.
  const writeResult = process.stdout.write.bind(process.stdout);
  if (values.json) process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

  const config = loadConfig();
  const simulated = !config.HELIUS_API_KEY;
  // The world file is the user's input: checked first, so a mistake in it is one line, not a stack
  // trace after the stack has started.
  // (a relative --world is relative to where `npm run demo` was typed: npm runs scripts from the root)
  if (values.token !== undefined && values.wallets !== undefined) throw new DemoError('pass --wallets or --token, not both');
  if (values.top !== undefined && values.token === undefined) throw new DemoError('--top goes with --token <mint>: the number of its largest holders to analyse');
  const generated = simulated && values.token !== undefined && !values.world;
  const worldPath = values.world ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.world) : path.join(ROOT, 'worlds', 'demo.json');
  const world: World | undefined = !simulated ? undefined : generated ? parseWorld(generateWorld(HOLDER_DEMO)) : loadWorldFile(worldPath);
  if (!simulated && !values.wallets && values.token === undefined) {
    throw new DemoError('HELIUS_API_KEY is set, so the demo reads the real chain: pass the wallets to compare, e.g. npm run demo -- --wallets <address>,<address>,<address>, or a token whose holders to compare, --token <mint> (unset HELIUS_API_KEY to use the simulator instead)');
  }
  const top = values.top === undefined ? (generated ? HOLDER_DEMO.holderToken.wallets : undefined) : Number(values.top);
  if (top !== undefined && (!Number.isInteger(top) || top < 2 || top > 1000)) throw new DemoError(`--top must be a whole number from 2 to 1,000 (got ${JSON.stringify(values.top)})`);
  const token = values.token === undefined ? undefined : world ? worldToken(world, values.token) : realMint(values.token);
  installMissing();
  // the Similarity Lab's static page, served by the API at /lab/ (about 20 s when it was never built)
  await ensureLabBuilt(log);
  if (await isPortOpen(config.API_HOST, config.API_PORT)) {
    throw new DemoError(
      `port ${config.API_PORT} on ${config.API_HOST} is already in use (another 'npm run demo' or 'npm run dev'?): stop it, or run on another port with API_PORT=3001 npm run demo`,
    );
  }

  let sim: SimulatorHandle | undefined;
  let wallets: string[] = [];
  let labels: Record<string, string> = {};
  const extraEnv: NodeJS.ProcessEnv = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  if (world) {
    sim = await startSimulator({ world, port: 0 });
    const worldWallets = world.wallets;
    if (token === undefined) wallets = values.wallets ? values.wallets.split(',').map((w) => w.trim()) : worldWallets.map((w) => w.address);
    labels = Object.fromEntries(worldWallets.filter((w) => w.label).map((w) => [w.address, w.label as string]));
    Object.assign(extraEnv, { HELIUS_BASE_URL: sim.url, SOLANA_RPC_URL: sim.url, DEXSCREENER_BASE_URL: sim.url, HELIUS_API_KEY: 'simulator' });
    // Simulated wallets stay out of the real data: a database of their own (created and migrated on
    // start) and a Redis key prefix, unless set explicitly.
    if (!process.env.DATABASE_URL) extraEnv.DATABASE_URL = demoDatabaseUrl(config.DATABASE_URL);
    if (!process.env.REDIS_KEY_PREFIX) extraEnv.REDIS_KEY_PREFIX = 'demo:';
    const source = generated ? `a generated world with a holder token (${HOLDER_DEMO.holderToken.holders} holders)` : path.relative(ROOT, worldPath);
    log(`No HELIUS_API_KEY set: using the simulator at ${sim.url} with ${source} (${worldWallets.length} wallets)`);
  } else {
    wallets = (values.wallets ?? '').split(',').map((w) => w.trim()).filter(Boolean);
    log(`Using Helius and DexScreener for real with ${token === undefined ? `${wallets.length} wallets` : `the holders of ${token}`}`);
  }
  const window = values.window === undefined ? undefined : Number(values.window);

  let stack: DevStack | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('\nStopping the stack...');
    await stack?.stop();
    await sim?.close();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));

  try {
    stack = await startDevStack(extraEnv, log);
    const labUrl = `${stack.apiUrl}/lab/`;
    log(`The Similarity Lab: ${labUrl}`);
    const api = new ApiClient(stack.apiUrl, config.API_KEYS[0]?.key);
    const started = await api.startAnalysis(token === undefined ? { wallets, ...(window ? { window } : {}) } : { token, ...(top ? { top } : {}), ...(window ? { window } : {}) });
    log(`Started analysis ${started.analysisId} of ${token === undefined ? `${wallets.length} wallets` : top === undefined ? `the largest holders of ${token}` : `the top ${top} holders of ${token}`}`);
    log(`  follow it in the Lab: ${labUrl}analyses/${started.analysisId}`);
    log(`  Temporal Web UI: ${started.links.temporalUi}`);
    const view = await followAnalysis(api, started.analysisId);
    if (values.json) writeResult(`${JSON.stringify(view, null, 2)}\n`);
    else console.log(`\n${renderAnalysis(view, { labels })}`);
    log(`\nDemo finished in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (stack start, sync, analysis and enrichment).`);
    if (values.exit) {
      await stop();
      return view.status === 'completed' ? 0 : 1;
    }
    log(
      [
        '',
        'The stack keeps running; press Ctrl-C to stop it.',
        `  Similarity Lab   ${labUrl}analyses/${view.analysisId}`,
        `  API docs         ${stack.apiUrl}/docs`,
        `  This analysis    ${stack.apiUrl}/v1/analyses/${view.analysisId}`,
        `  Temporal Web UI  ${view.links.temporalUi}`,
        `  Again, from the CLI: npx wallet-similarity analyze ${token === undefined ? wallets.slice(0, 3).join(' ') : `--token ${token}${top ? ` --top ${top}` : ''}`} --api ${stack.apiUrl}`,
      ].join('\n'),
    );
    await new Promise<never>(() => undefined);
    return 0;
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A token of the simulated world by mint or symbol (case-insensitive) that at least two addresses
 * hold (declared holders, or world wallets that bought it), or one line naming those with holders.
 */
function worldToken(world: World, value: string): string {
  const holders = (mint: string) => new Set([...(world.tokens.find((t) => t.mint === mint)?.holders ?? []).map((h) => h.owner), ...world.wallets.filter((w) => (w.trades ?? []).some((t) => t.mint === mint && t.side === 'buy')).map((w) => w.address)]).size;
  const held = world.tokens.filter((t) => (t.holders ?? []).length > 0).map((t) => `${t.symbol} (${t.mint})`);
  const named = held.length > 0 ? `; tokens with holders: ${held.join(', ')}` : '';
  const found = world.tokens.find((t) => t.mint === value) ?? world.tokens.find((t) => t.symbol.toLowerCase() === value.toLowerCase());
  if (!found) throw new DemoError(`--token ${value}: no token of the simulated world has that mint or symbol${named}`);
  if (holders(found.mint) < 2) throw new DemoError(`--token ${value}: fewer than 2 holders of ${found.symbol} in the simulated world, nothing to compare${named}`);
  return found.mint;
}

/** With the real chain: the mint as typed, refused in one line when it is not an address. */
function realMint(value: string): string {
  if (!isPublicKey(value)) throw new DemoError(`--token ${value}: not a token mint (a base58 address of 32 bytes); with a real HELIUS_API_KEY pass the mint itself`);
  return value;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => exitWithOneLine(err),
);
