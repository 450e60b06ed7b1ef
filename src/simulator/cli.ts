// npm run simulator -- --world worlds/demo.json --port 8899
// npm run simulator -- --generate --seed 1 --wallets 200 --tx-per-wallet 100 --out .data/world.json
// npm run simulator -- --generate --scenario hard --seed 1 --wallets 40 --tx-per-wallet 40 --out .data/hard.json
// npm run simulator -- --print-schema > worlds/world.schema.json
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateWorld } from './generator';
import { SCENARIOS, isScenario } from './generator-kit';
import { startSimulator } from './server';
import { parseWorld, worldJsonSchema } from './world';
import { ActionableError, exitWithOneLine } from '../errors';

const USAGE = `usage:
  simulator --world <file> [--port 8899] [--host 127.0.0.1] [--latency-ms N] [--helius-rps N] [--rpc-rps N]
            [--dexscreener-rpm N] [--quota-exhausted] [--error-rate 0..1] [--timeout-rate 0..1]
            [--truncate-rate 0..1] [--fault-seed N] [--invalid-key] [--scan-window N]
  simulator --generate --seed N --wallets W --tx-per-wallet T --out <file> [--no-large-wallet] [--scenario classic|hard|adversarial]
            [--holder-token HOLDERS]  (adds a token held by that many owners: POST /v1/analyses {token})
  simulator --print-schema`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      world: { type: 'string' },
      port: { type: 'string', default: '8899' },
      host: { type: 'string', default: '127.0.0.1' },
      'latency-ms': { type: 'string' },
      'helius-rps': { type: 'string' },
      'rpc-rps': { type: 'string' },
      'dexscreener-rpm': { type: 'string' },
      'quota-exhausted': { type: 'boolean', default: false },
      'error-rate': { type: 'string' },
      'timeout-rate': { type: 'string' },
      'truncate-rate': { type: 'string' },
      'fault-seed': { type: 'string' },
      'invalid-key': { type: 'boolean', default: false },
      'scan-window': { type: 'string' },
      generate: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      wallets: { type: 'string', default: '50' },
      'tx-per-wallet': { type: 'string', default: '100' },
      out: { type: 'string' },
      'no-large-wallet': { type: 'boolean', default: false },
      scenario: { type: 'string', default: 'classic' },
      'holder-token': { type: 'string' },
      'print-schema': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const num = (v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new ActionableError(`not a number: ${v}`);
    return n;
  };
  // npm runs scripts from the project root: relative paths are relative to where the command was typed
  const userPath = (p: string): string => resolve(process.env.INIT_CWD ?? process.cwd(), p);
  if (values.help) return void console.log(USAGE);
  if (values['print-schema']) return void process.stdout.write(`${JSON.stringify(worldJsonSchema(), null, 2)}\n`);
  if (values.generate) {
    if (!values.out) throw new ActionableError(`--generate needs --out <file>\n${USAGE}`);
    const scenario = values.scenario;
    if (!isScenario(scenario)) throw new ActionableError(`--scenario must be one of ${SCENARIOS.join(', ')} (got ${JSON.stringify(scenario)})\n${USAGE}`);
    const world = generateWorld({ seed: num(values.seed)!, wallets: num(values.wallets)!, txPerWallet: num(values['tx-per-wallet'])!, largeWallet: !values['no-large-wallet'], scenario, ...(values['holder-token'] ? { holderToken: { holders: num(values['holder-token'])! } } : {}) });
    parseWorld(world);
    const out = userPath(values.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(world)}\n`);
    const gt = world.groundTruth!;
    const decoys = gt.decoys?.length ? `, ${gt.decoys.length} decoy sets` : '';
    const holderToken = gt.holderToken ? `; holder token ${gt.holderToken.mint}` : '';
    console.log(`wrote ${values.out}: ${world.wallets.length} wallets, ${world.tokens.length} tokens, ${gt.clusters.length} clusters${decoys}${holderToken}`);
    return;
  }
  if (!values.world) throw new ActionableError(`--world <file> is required\n${USAGE}`);
  const sim = await startSimulator({
    world: userPath(values.world),
    port: num(values.port),
    host: values.host,
    latencyMs: num(values['latency-ms']) ?? 0,
    rateLimits: {
      heliusRps: num(values['helius-rps']) ?? null,
      rpcRps: num(values['rpc-rps']) ?? null,
      dexscreenerRpm: num(values['dexscreener-rpm']) ?? null,
      quotaExhausted: values['quota-exhausted'],
    },
    faults: {
      errorRate: num(values['error-rate']) ?? 0,
      timeoutRate: num(values['timeout-rate']) ?? 0,
      truncateRate: num(values['truncate-rate']) ?? 0,
      seed: num(values['fault-seed']) ?? 1,
    },
    invalidKey: values['invalid-key'],
    scanWindow: num(values['scan-window']),
  });
  console.log(`simulator on ${sim.url}: ${sim.world.wallets.length} wallets, ${sim.world.tokens.size} tokens`);
  console.log(`  HELIUS_BASE_URL=${sim.url} SOLANA_RPC_URL=${sim.url} DEXSCREENER_BASE_URL=${sim.url} (any non-empty API key)`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => exitWithOneLine(err));
