// npm run bench:detection [-- --seeds 1,2,3,4,5 --wallets 40 --tx-per-wallet 40 --scenario hard --database 3000 --json]
// Generated worlds with ground truth, end to end through the pure engine (no services): how well
// the clusters and every pair score find the wallets that belong together (docs/analytics.md,
// "Detection benchmark"). With --holders N, a holder analysis: the group is the N world wallets
// among a token's holders (a copy-trader group, a launch bundle and a crowd of snipers among them).
import { parseArgs } from 'node:util';
import { DEFAULT_BENCH_WALLETS, DEFAULT_DETECTION_BENCH, runDetectionBench, type DetectionBenchOptions } from './lib/detection-pipeline';
import { formatDetectionReport } from './lib/detection-report';
import { SCENARIOS, isScenario } from '../src/simulator/generator-kit';

const USAGE = 'usage: npm run bench:detection -- [--seeds 1,2,3,4,5 | 1-5] [--wallets 40 (adversarial 172)] [--tx-per-wallet 40] [--scenario hard|classic|adversarial] [--no-counterparty-activity] [--holders 60 [--no-launch-read]] [--database 3000] [--json]';

/** "1,2,5" or "1-5" (or a mix: "1-3,7"): at least one non-negative integer seed. */
export function parseSeeds(text: string): number[] {
  const seeds = text.split(',').flatMap((part) => {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new Error(`--seeds: "${part}" is not a seed or a range like 1-5`);
    const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (hi < lo) throw new Error(`--seeds: range ${part} goes backwards`);
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  });
  return [...new Set(seeds)];
}

function positiveInt(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min} (got ${JSON.stringify(text)})`);
  return n;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      wallets: { type: 'string' },
      'tx-per-wallet': { type: 'string' },
      scenario: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-counterparty-activity': { type: 'boolean', default: false },
      holders: { type: 'string' },
      'no-launch-read': { type: 'boolean', default: false },
      database: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const d = DEFAULT_DETECTION_BENCH;
  const scenario = values.scenario ?? d.scenario;
  if (!isScenario(scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')} (got ${JSON.stringify(scenario)})`);
  const options: DetectionBenchOptions = {
    seeds: values.seeds === undefined ? d.seeds : parseSeeds(values.seeds),
    wallets: values.wallets === undefined ? DEFAULT_BENCH_WALLETS[scenario] : positiveInt('wallets', values.wallets, 2),
    txPerWallet: values['tx-per-wallet'] === undefined ? d.txPerWallet : positiveInt('tx-per-wallet', values['tx-per-wallet'], 1),
    scenario,
    counterpartyActivity: !values['no-counterparty-activity'],
    holders: values.holders === undefined ? null : positiveInt('holders', values.holders, 2),
    launchRead: !values['no-launch-read'],
    databaseWallets: values.database === undefined ? 0 : positiveInt('database', values.database, 0),
  };
  const started = process.hrtime.bigint();
  const report = runDetectionBench(options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (values.json) console.log(JSON.stringify({ ...report, seconds: Number(seconds.toFixed(2)) }));
  else console.log(`${formatDetectionReport(report)}\n\n(${seconds.toFixed(1)} s)`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(1);
  }
}
