// The detection benchmark's pipeline on one small seed: structure, not detection quality.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseSeeds } from '../../../bench/detection';
import { runDetectionBench, worldStats, type DetectionBenchReport } from '../../../bench/lib/detection-pipeline';
import { formatDetectionReport } from '../../../bench/lib/detection-report';
import { SCORE_NAMES } from '../../../src/domain/similarity/types';

const ROOT = join(__dirname, '..', '..', '..');
const report = runDetectionBench({ seeds: [7], wallets: 20, txPerWallet: 20, scenario: 'hard', counterpartyActivity: true });
const [seed] = report.seeds;
const text = formatDetectionReport(report);

/** every figure of the report that is a fraction (not a count), per seed and overall */
function fractions(r: DetectionBenchReport): number[] {
  const defined = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);
  const out = defined([r.overall.precision, r.overall.recall, r.overall.f1]);
  for (const s of Object.values(r.overall.scores)) out.push(...defined([s.rocAuc, s.averagePrecision]));
  for (const x of r.seeds) {
    out.push(...defined([x.clusters.precision, x.clusters.recall, x.clusters.f1]));
    for (const s of Object.values(x.scores)) out.push(...defined([s.rocAuc, s.averagePrecision, s.aboveMedian.medianRelated]));
  }
  return out;
}

describe('bench:detection pipeline', () => {
  it('runs a generated world end to end with its ground-truth groups', () => {
    expect(seed.wallets).toBe(20);
    expect(seed.groups['copy-traders']).toBeGreaterThan(0);
    expect(seed.groups['launch-bundle']).toBeGreaterThan(0);
    expect(seed.relatedPairs).toBeGreaterThan(0);
    expect(seed.pairs).toBe((20 * 19) / 2);
    expect(seed.transactions).toBeGreaterThan(20 * 10);
    expect(seed.rejectedTransactions).toBe(0); // the simulator's rendering passes the provider's validation
    expect(seed.kinds.filter((k) => !k.related).map((k) => k.kind)).toEqual(expect.arrayContaining(['popular-crowd', 'behavior-twins', 'hype-wave']));
    expect(seed.kinds.filter((k) => k.related).map((k) => k.kind)).toEqual(['copy-traders', 'launch-bundle']);
    expect(seed.kinds.filter((k) => k.related).reduce((s, k) => s + k.pairs, 0)).toBe(seed.relatedPairs);
  });

  it('--holders: analyses a holder token\'s world wallets only, with the truth within them and the launch read from the mint\'s history', () => {
    const holders = runDetectionBench({ seeds: [3], wallets: 10, txPerWallet: 12, scenario: 'classic', counterpartyActivity: true, holders: 20 });
    const [h] = holders.seeds;
    expect(h.wallets).toBe(20);
    expect(h.kinds.map((k) => [k.kind, k.related]).sort()).toEqual([
      ['copy-traders', true],
      ['launch-bundle', true],
      ['sniper-crowd', false],
    ]);
    const bundle = h.kinds.find((k) => k.kind === 'launch-bundle')!;
    expect(bundle.clustered).toBe(bundle.pairs);
    const unread = runDetectionBench({ seeds: [3], wallets: 10, txPerWallet: 12, scenario: 'classic', counterpartyActivity: true, holders: 20, launchRead: false });
    expect(unread.seeds[0].kinds.find((k) => k.kind === 'launch-bundle')!.clustered).toBeLessThan(bundle.pairs);
  });

  it('evaluates every score the engine returns (detection v2 signals and combined included), in the result\'s order', () => {
    expect(Object.keys(seed.scores)).toEqual([...SCORE_NAMES]);
    expect(Object.keys(report.overall.scores)).toEqual(Object.keys(seed.scores));
  });

  it('measures the engine with transfers and the world as the database: funding is defined for every pair', () => {
    expect(seed.scores.funding.nullRelated + seed.scores.funding.nullUnrelated).toBe(0);
    expect(seed.clusterCount).toBeGreaterThan(0);
    expect(text).not.toMatch(/v2/);
  });

  it('prints every score for the seed and overall, and the cluster figures', () => {
    for (const name of Object.keys(seed.scores)) expect(text.match(new RegExp(`^  ${name} `, 'gm'))).toHaveLength(2);
    expect(text).toMatch(/^seed 7: 20 wallets, \d+ transactions \(0 rejected\), groups: \d+ copy-traders, \d+ launch-bundle; 190 pairs, \d+ related$/m);
    expect(text).toMatch(/^ {2}clusters \d+: precision (-|[01]\.\d{3}) {2}recall [01]\.\d{3} {2}F1 [01]\.\d{3}/m);
    expect(text).toMatch(/^overall \(1 seeds; means over seeds, counts summed\):$/m);
  });

  it('keeps every fraction within [0, 1] and counts within their totals', () => {
    const values = fractions(report);
    expect(values.length).toBeGreaterThan(10);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    for (const s of Object.values(seed.scores)) {
      expect(s.aboveMedian.unrelated).toBe(seed.pairs - seed.relatedPairs);
      expect(s.aboveMedian.count).toBeLessThanOrEqual(s.aboveMedian.unrelated);
    }
    for (const k of seed.kinds) expect(k.clustered).toBeLessThanOrEqual(k.pairs);
    expect(seed.kinds.filter((k) => k.related).reduce((s, k) => s + k.clustered, 0)).toBe(seed.clusters.truePositives);
  });

  it('--database: the database-wide counts hold that many more wallets, strangers to the group\'s tokens and counterparties', () => {
    const wallets = [{ address: 'A', legs: [], transfers: [{ counterparty: 'F', direction: 'in' as const, lamports: 1n, mint: 'SOL', amount: '1', timestamp: 1, signature: 's', slot: 1 }] }] as unknown as Parameters<typeof worldStats>[0];
    const alone = worldStats(wallets);
    const populated = worldStats(wallets, undefined, 3_000);
    expect([alone.tokens?.totalWallets, alone.counterparties?.totalWallets]).toEqual([1, 1]);
    expect([populated.tokens?.totalWallets, populated.counterparties?.totalWallets]).toEqual([3_001, 3_001]);
    expect(populated.counterparties?.walletsPerCounterparty).toEqual(alone.counterparties?.walletsPerCounterparty);
    const bench = runDetectionBench({ seeds: [7], wallets: 20, txPerWallet: 20, scenario: 'hard', counterpartyActivity: true, databaseWallets: 3_000 });
    expect(formatDetectionReport(bench)).toContain('3000 more wallets in the database');
  });

  it('reads --seeds as lists and ranges, and refuses anything else', () => {
    expect(parseSeeds('1-3,7,2')).toEqual([1, 2, 3, 7]);
    expect(() => parseSeeds('5-1')).toThrow('goes backwards');
    expect(() => parseSeeds('a')).toThrow('"a" is not a seed');
  });

  it('npm run bench:detection -- --json prints one JSON report', async () => {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const { stdout } = await promisify(execFile)(tsx, ['bench/detection.ts', '--seeds', '3', '--wallets', '12', '--tx-per-wallet', '12', '--no-counterparty-activity', '--json'], { cwd: ROOT, timeout: 60_000 });
    const parsed = JSON.parse(stdout) as DetectionBenchReport;
    expect(parsed.options).toEqual({ seeds: [3], wallets: 12, txPerWallet: 12, scenario: 'hard', counterpartyActivity: false, holders: null, launchRead: true, databaseWallets: 0 });
    expect(parsed.seeds[0].wallets).toBe(12);
    expect(Object.keys(parsed.overall.scores)).toContain('combined');
  }, 60_000);
});
