// npm run bench:lab [-- --wallets 50 --runs 5 --screenshot docs/lab.png]
// The Similarity Lab with a large result: a private stack (Temporal dev server on a free port,
// a database and Redis prefix of its own, the workers and the API in this process, the simulator
// with a generated world) completes one analysis of --wallets wallets; then headless Chromium opens
// /lab/analyses/<id> --runs times, each in a fresh context (empty cache), and the page's own
// performance marks give the time from navigation to the first rows of the pair list. Also prints
// the gzip size of the page's JavaScript (web/dist/assets/*.js). Figures only: nothing is asserted.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { buildApp } from '../src/api/app';
import { createActivities } from '../src/activities';
import { ApiClient } from '../src/cli/api-client';
import { startAndFollow } from '../src/cli/follow';
import { loadConfig } from '../src/config';
import { exitWithOneLine } from '../src/errors';
import { generateWorld, startSimulator } from '../src/simulator';
import { createPool, dropDatabase, migrate } from '../src/store/db';
import { connectRedis, createRedis } from '../src/store/redis';
import { connectClient } from '../src/temporal/connection';
import { freePort, resolveTemporalCli, startDevServer } from '../src/temporal/dev-server';
import { createWorkers } from '../src/temporal/workers';
import { buildActivityDeps } from '../src/wiring';
import { ensureLabBuilt, LAB_DIST } from '../scripts/build-lab';
import { labContext, launchChromium } from '../test/harness/browser';

const USAGE = 'usage: npm run bench:lab -- [--wallets 50] [--runs 5] [--tx-per-wallet 30] [--screenshot <file.png>]';
const FIRST_ROW_MARK = 'lab:first-pair-row';
/** Installed before the page's scripts: marks the moment the pair list first shows a row. */
const MARK_FIRST_ROW = `new MutationObserver((_, observer) => {
  if (document.querySelector('[data-testid="pair-list"] [data-testid="pair-row"]')) { performance.mark('${FIRST_ROW_MARK}'); observer.disconnect(); }
}).observe(document, { childList: true, subtree: true });`;
/** Read in the page once the mark exists: milliseconds since navigation start. */
const READ_TIMINGS = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const list = document.querySelector('[data-testid="pair-list"]');
  return {
    firstPairRow: performance.getEntriesByName('${FIRST_ROW_MARK}')[0].startTime,
    firstContentfulPaint: paint ? paint.startTime : null,
    domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
    pairCount: list ? Number(list.getAttribute('data-pair-count')) : null,
    rowsInDom: document.querySelectorAll('[data-testid="pair-row"]').length,
  };
})()`;

interface Timings {
  firstPairRow: number;
  firstContentfulPaint: number | null;
  domContentLoaded: number | null;
  pairCount: number | null;
  rowsInDom: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function positiveInt(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min} (got ${JSON.stringify(text)})`);
  return n;
}

/** The page's JavaScript as the browser downloads it: every built script, raw and gzipped (level 6, as servers and vite's report use). */
export function scriptSizes(dist = LAB_DIST): { files: number; raw: number; gzip: number } {
  const dir = path.join(dist, 'assets');
  const scripts = fs.readdirSync(dir).filter((f) => f.endsWith('.js'));
  let raw = 0;
  let gzip = 0;
  for (const f of scripts) {
    const body = fs.readFileSync(path.join(dir, f));
    raw += body.length;
    gzip += gzipSync(body, { level: 6 }).length;
  }
  return { files: scripts.length, raw, gzip };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      wallets: { type: 'string' },
      runs: { type: 'string' },
      'tx-per-wallet': { type: 'string' },
      screenshot: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const walletCount = positiveInt('wallets', values.wallets, 50, 2);
  const runs = positiveInt('runs', values.runs, 5, 1);
  const txPerWallet = positiveInt('tx-per-wallet', values['tx-per-wallet'], 30, 1);
  const log = (line: string) => console.error(line);

  await ensureLabBuilt(log);
  const sizes = scriptSizes();

  const runId = randomBytes(4).toString('hex');
  const base = loadConfig();
  const databaseUrl = new URL(base.DATABASE_URL);
  databaseUrl.pathname = `/ws_bench_lab_${runId}`;
  const world = generateWorld({ seed: 50, wallets: walletCount, txPerWallet, largeWallet: false });
  const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address);

  log(`Starting a private stack (Temporal dev server, database ${databaseUrl.pathname.slice(1)}, simulator with ${walletCount} wallets)...`);
  const [cliPath, temporalPort] = await Promise.all([resolveTemporalCli(), freePort()]);
  const server = await startDevServer({ cliPath, ip: '127.0.0.1', port: temporalPort, headless: true, namespace: 'default' });
  const sim = await startSimulator({ world, port: 0 });
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl.toString(),
    REDIS_KEY_PREFIX: `bench-lab:${runId}:`,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: 'default',
    HELIUS_BASE_URL: sim.url,
    SOLANA_RPC_URL: sim.url,
    DEXSCREENER_BASE_URL: sim.url,
    HELIUS_API_KEY: 'simulator',
    HELIUS_RPS: '500',
    RPC_RPS: '500',
    DEXSCREENER_RPM: '6000',
    API_KEYS: '',
    LOG_LEVEL: 'warn',
  });
  const cleanups: Array<() => Promise<unknown>> = [() => server.stop(), () => sim.close()];
  try {
    await migrate(config.DATABASE_URL);
    cleanups.unshift(() => dropDatabase(config.DATABASE_URL));
    const pool = createPool(config.DATABASE_URL);
    const redis = createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
    await connectRedis(redis, config.REDIS_URL);
    cleanups.unshift(async () => {
      const keys = await redis.keys(`${config.REDIS_KEY_PREFIX}*`);
      // keys() answers with the prefix; del() adds it again
      if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(config.REDIS_KEY_PREFIX!.length)));
      redis.disconnect();
    });
    cleanups.unshift(() => pool.end());

    Runtime.install({ logger: new DefaultLogger('WARN') });
    const connection = await NativeConnection.connect({ address: server.address });
    const client = await connectClient(server.address, 'default');
    cleanups.unshift(() => connection.close(), () => client.connection.close());
    const workers = await createWorkers({
      connection,
      namespace: 'default',
      activities: createActivities(buildActivityDeps(config, pool, redis)),
      concurrency: { balances: 20, analysis: 10, enrichment: 5 },
    });
    const running = workers.map((w) => w.run());
    cleanups.unshift(async () => {
      for (const w of workers) w.shutdown();
      await Promise.allSettled(running);
    });

    const app = await buildApp({ config, temporal: client, pool, redis }, { rateLimitStore: 'memory' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.unshift(() => app.close());
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const started = Date.now();
    // (no log: its Temporal Web UI link would point at a UI this headless server does not run)
    const view = await startAndFollow(new ApiClient(origin), { wallets });
    if (view.status !== 'completed') throw new Error(`the ${walletCount}-wallet analysis ended ${view.status}: ${view.error ?? 'no reason given'}`);
    log(`Analysis of ${walletCount} wallets completed (and enriched) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${view.summary?.pairCount ?? '?'} pairs`);

    const browser = await launchChromium();
    cleanups.unshift(() => browser.close());
    const url = `${origin}/lab/analyses/${view.analysisId}`;
    const samples: Timings[] = [];
    for (let run = 0; run < runs; run += 1) {
      const context = await labContext(browser, origin);
      try {
        const page = await context.newPage();
        await page.addInitScript(MARK_FIRST_ROW);
        await page.goto(url);
        // a function, not a string: the page's Content-Security-Policy forbids eval
        await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_ROW_MARK, { timeout: 60_000, polling: 'raf' });
        const t = (await page.evaluate(READ_TIMINGS)) as Timings;
        samples.push(t);
        log(`  run ${run + 1}: first pair row ${t.firstPairRow.toFixed(0)} ms, first contentful paint ${t.firstContentfulPaint?.toFixed(0) ?? '-'} ms, ${t.rowsInDom} of ${t.pairCount} rows in the DOM`);
        if (run === 0 && values.screenshot) {
          await page.getByTestId('analysis-status').filter({ hasText: /completed/i }).waitFor();
          await page.screenshot({ path: path.resolve(process.env.INIT_CWD ?? process.cwd(), values.screenshot) });
          log(`  screenshot: ${values.screenshot}`);
        }
      } finally {
        await context.close();
      }
    }

    const firstRow = median(samples.map((s) => s.firstPairRow));
    const fcp = samples.every((s) => s.firstContentfulPaint !== null) ? median(samples.map((s) => s.firstContentfulPaint as number)) : null;
    console.log(`Similarity Lab benchmark: ${walletCount} wallets (${samples[0].pairCount} pairs), ${runs} cold loads of /lab/analyses/<id> in headless Chromium ${browser.version()}`);
    console.log(`  time to first render of the result (navigation to the first pair-list row): median ${firstRow.toFixed(0)} ms (min ${Math.min(...samples.map((s) => s.firstPairRow)).toFixed(0)}, max ${Math.max(...samples.map((s) => s.firstPairRow)).toFixed(0)})`);
    console.log(`  first contentful paint: median ${fcp === null ? '-' : `${fcp.toFixed(0)} ms`}; pair rows in the DOM: ${samples[0].rowsInDom} of ${samples[0].pairCount} (virtualized)`);
    console.log(`  page JavaScript: ${sizes.files} file(s), ${kb(sizes.raw)} raw, ${kb(sizes.gzip)} gzip`);
    console.log(
      JSON.stringify({
        bench: 'lab',
        wallets: walletCount,
        pairs: samples[0].pairCount,
        runs,
        firstPairRowMs: Math.round(firstRow),
        firstContentfulPaintMs: fcp === null ? null : Math.round(fcp),
        rowsInDom: samples[0].rowsInDom,
        jsFiles: sizes.files,
        jsBytes: sizes.raw,
        jsGzipBytes: sizes.gzip,
        chromium: browser.version(),
      }),
    );
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => exitWithOneLine(err),
);
