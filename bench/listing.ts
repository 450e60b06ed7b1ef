// npm run bench:listing [-- --large 2000 --small 50000]
// GET /v1/analyses?sharing=, ?wallets= and ?wallet= on a database of many analyses: `--large`
// groups of 1,000 wallets (a token's top holders, each overlapping its neighbours: wallets drawn
// from 20,000) and `--small` groups of 5 to 20 (from 200,000), stored by the API's own insert
// (insertAnalyses: 20 large or 1,000 small a statement), then listed as the API lists them
// (listAnalyses): the analyses sharing at least half of a 1,000-wallet group (limit 50, as the Lab
// asks), and of 100 of its wallets; the 20 newest analyses of one of its wallets, and of a wallet in
// every fifth small group (and 20 after its 100th newest: before=); right after the fill and after a
// VACUUM ANALYZE (what autovacuum leaves). Also the cost of storing a batch of 100 three-wallet
// analyses (the API's burst) on that database. A database of its own, dropped at
// the end (BENCH_KEEP_DATABASE=1 keeps it and says its name).
// Prints one JSON line; figures only: nothing is asserted.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { ActionableError, exitWithOneLine } from '../src/errors';
import { insertAnalyses, listAnalyses, type NewAnalysisRow } from '../src/store/analyses';
import { createPool, dropDatabase, migrate, vacuumAnalyze } from '../src/store/db';

const POPULAR = 'popular-wallet';
const USAGE = 'usage: npm run bench:listing [-- --large 2000 --small 50000 --runs 5]';

const row = (wallets: string[]): NewAnalysisRow => {
  const id = randomUUID();
  return { id, workflowId: `analysis-${id}`, requestId: null, wallets, params: {} };
};

/** The median of `runs` timings of `fn`, in ms. */
async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 10) / 10;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { large: { type: 'string', default: '2000' }, small: { type: 'string', default: '50000' }, runs: { type: 'string', default: '5' } } });
  const [large, small, runs] = [values.large, values.small, values.runs].map(Number);
  if (![large, small, runs].every((n) => Number.isInteger(n) && n >= 1)) throw new ActionableError(`--large, --small and --runs are positive integers; ${USAGE}`);
  const url = new URL(loadConfig().DATABASE_URL);
  url.pathname = `/ws_bench_listing_${randomBytes(4).toString('hex')}`;
  const pool = createPool(url.toString(), 2);
  try {
    await migrate(url.toString());
    const t0 = performance.now();
    // every fifth small group also holds one popular wallet (an exchange's, a launch's deployer)
    const smallGroup = (n: number) => [...Array.from({ length: 5 + (n % 16) }, (_, s) => `w${(n * 7919 + s * 13) % 200_000}`), ...(n % 5 === 0 ? [POPULAR] : [])];
    const largeGroups = Array.from({ length: large }, (_, g) => Array.from({ length: 1000 }, (_, s) => `w${(g * 37 + s) % 20_000}`));
    for (let i = 0; i < large; i += 20) await insertAnalyses(pool, largeGroups.slice(i, i + 20).map(row));
    for (let i = 0; i < small; i += 1000) {
      await insertAnalyses(pool, Array.from({ length: Math.min(1000, small - i) }, (_, k) => row(smallGroup(i + k))));
    }
    const filledSeconds = Math.round((performance.now() - t0) / 100) / 10;
    const group = largeGroups[Math.floor(large / 2)];
    const middle = (await listAnalyses(pool, { wallet: POPULAR, limit: 100 })).at(-1)?.analysisId;
    const listings = async () => {
      const listed = { sharing1000: 0, wallets100: 0, wallet: 0, popular: 0, popularBefore: 0 };
      const sharing1000Ms = await median(runs, async () => (listed.sharing1000 = (await listAnalyses(pool, { shared: { wallets: group, min: 500 }, limit: 50 })).length));
      const wallets100Ms = await median(runs, async () => (listed.wallets100 = (await listAnalyses(pool, { shared: { wallets: group.slice(0, 100), min: 50 }, limit: 50 })).length));
      // one wallet of that group: in about large / 20 of the 1,000-wallet groups and a few small ones
      const walletMs = await median(runs, async () => (listed.wallet = (await listAnalyses(pool, { wallet: group[0], limit: 20 })).length));
      // the popular wallet's newest 20, and 20 from the middle of its analyses (before=)
      const popularMs = await median(runs, async () => (listed.popular = (await listAnalyses(pool, { wallet: POPULAR, limit: 20 })).length));
      const popularBeforeMs = await median(runs, async () => (listed.popularBefore = (await listAnalyses(pool, { wallet: POPULAR, before: middle, limit: 20 })).length));
      return {
        sharing1000: { ms: sharing1000Ms, listed: listed.sharing1000 },
        wallets100: { ms: wallets100Ms, listed: listed.wallets100 },
        wallet: { ms: walletMs, listed: listed.wallet },
        popular: { ms: popularMs, listed: listed.popular },
        popularBefore: { ms: popularBeforeMs, listed: listed.popularBefore },
        newestMs: await median(runs, () => listAnalyses(pool, { limit: 20 })),
      };
    };
    // right after the fill (no planner statistics yet), then as autovacuum leaves a live database
    const fresh = await listings();
    await vacuumAnalyze(pool);
    const settled = await listings();
    const burstInsertMs = await median(runs, () => insertAnalyses(pool, Array.from({ length: 100 }, () => row([`b${randomUUID()}`, `b${randomUUID()}`, `b${randomUUID()}`]))));
    console.log(JSON.stringify({ bench: 'listing', analyses: large + small, large, small, filledSeconds, runs, fresh, afterVacuumAnalyze: settled, insert100x3WalletsMs: burstInsertMs }));
  } finally {
    await pool.end();
    if (process.env.BENCH_KEEP_DATABASE) console.error(`kept ${url.pathname.slice(1)}`);
    else await dropDatabase(url.toString());
  }
}

main().catch((err: unknown) => exitWithOneLine(err));
