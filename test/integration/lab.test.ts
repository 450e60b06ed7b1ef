// The Similarity Lab end to end: the real page (web/dist, built when missing) served by the real API
// on a port, real workers, PostgreSQL, Redis and Temporal, the simulator as the providers, driven in
// headless Chromium. An analyst pastes a group, presses Analyze, watches progress, reads every pair,
// opens a pair, sees symbols replace mints when enrichment finishes (also when another analysis's
// run fetches them), uploads a CSV, and opens a shared link; axe-core finds no serious or critical
// violation on any main view. Screenshots of the main views go to test-artifacts/lab/ (look at them:
// a test cannot see an ugly page).
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { buildApp } from '../../src/api/app';
import { generateWorld } from '../../src/simulator';
import { SOL_PRICE_CACHE_KEY, solPriceUsd } from '../../src/activities/sol-price';
import { buildActivityDeps } from '../../src/wiring';
import { tokenEnrichmentWorkflow } from '../../src/workflows/token-enrichment';
import { WORKFLOW_TASK_QUEUE, watchScheduleId } from '../../src/workflows/contract';
import { ensureLabBuilt } from '../../scripts/build-lab';
import { labContext, launchChromium } from '../harness/browser';
import { ownDatabase, useSimulatedStack } from '../harness/stack';
import { storeAnalyticsOfEngine } from '../harness/wallet-analytics';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'lab');
// 6 wallets analysed from the page, 2 more only in the uploaded CSV (never synced before it); and a
// token whose 12 largest ordinary holders are world wallets with histories (a token analysis)
const world = generateWorld({ seed: 8383, wallets: 8, txPerWallet: 40, largeWallet: false, holderToken: { holders: 300, wallets: 12 } });
const allWallets = (world.wallets as Array<{ address: string }>).slice(0, 8).map((w) => w.address);
const holderMint = world.groundTruth!.holderToken!.mint;
const group = allWallets.slice(0, 6);
const symbols = new Map((world.tokens as Array<{ mint: string; symbol: string }>).map((t) => [t.mint, t.symbol]));
const LAB_KEY = 'lab-browser-key-9c41e2';
const pairKey = (a: string, b: string) => [a, b].sort().join('|');

interface PairsBody {
  status: string;
  enrichment: { status: string };
  tokens: Record<string, { symbol: string | null }> | null;
  result: { pairs: Array<{ walletA: string; walletB: string }> } | null;
}

const database = ownDatabase('lab');

describe('the Similarity Lab in a browser, against the real stack', () => {
  let app: FastifyInstance;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let firstAnalysisId: string;
  const pageErrors: string[] = [];

  const opened = useSimulatedStack(
    { world },
    // its own database: it stores analytics as an older engine left them, which another file's
    // worker process (each starts the background recompute) would compute again under its tests
    { DATABASE_URL: database.url },
    {
      openTimeoutMs: 240_000,
      afterClose: database.hooks.afterClose,
      beforeOpen: async () => {
        await database.hooks.beforeOpen();
        // vite build takes ~20 s; the browser is checked first so a missing one fails at once
        browser = await launchChromium();
        await ensureLabBuilt((line) => console.log(line));
        fs.mkdirSync(ARTIFACTS, { recursive: true });
      },
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { eventPollIntervalMs: 200 });
        await app.listen({ host: '127.0.0.1', port: 0 });
        origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
        context = await labContext(browser, origin);
        page = await context.newPage();
        page.setDefaultTimeout(60_000);
        page.on('pageerror', (err) => pageErrors.push(err.message));
      },
      beforeClose: async () => {
        await browser?.close();
        await app?.close();
      },
    },
  );

  afterEach(() => {
    // an uncaught exception in the page is a bug even when the assertions passed
    expect(pageErrors).toEqual([]);
  });

  /** axe-core's findings per view; the last test asserts on them, so the walk-through goes on past one. */
  const accessibility: Array<{ view: string; blocking: string[] }> = [];
  async function expectAccessible(view: string, on: Page = page): Promise<void> {
    const { violations } = await new AxeBuilder({ page: on }).analyze();
    const blocking = violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    accessibility.push({ view, blocking });
  }

  const screenshot = (name: string, on: Page = page) => on.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  /** GET from the API the page talks to. */
  const api = async <T>(url: string): Promise<T> => (await fetch(`${origin}${url}`)).json() as Promise<T>;

  /** Every pair of the virtualized list: scrolls it from top to bottom, collecting the rows rendered on the way. */
  async function pairsInList(on: Page = page): Promise<string[]> {
    const seen = await on.evaluate(async () => {
      // runs in the page (the project's type check has no DOM library: the little used is typed here)
      const { document, getComputedStyle, requestAnimationFrame } = globalThis as unknown as InPage;
      const list = document.querySelector('[data-testid="pair-list"]') as InPageElement;
      const scrollable = (e: InPageElement) => e.scrollHeight > e.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(e).overflowY);
      const ancestors: InPageElement[] = [];
      for (let e = list.parentElement; e; e = e.parentElement) ancestors.push(e);
      // the list itself, a scrolling part inside it, or a panel around it; else the window
      const scroller = [list, ...Array.from(list.querySelectorAll('*')), ...ancestors].find(scrollable) ?? document.scrollingElement;
      const frames = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
      const keys = new Set<string>();
      scroller.scrollTop = 0;
      await frames();
      for (let step = 0; step < 2000; step += 1) {
        for (const row of Array.from(list.querySelectorAll('[data-testid="pair-row"]'))) keys.add(`${row.getAttribute('data-wallet-a')}|${row.getAttribute('data-wallet-b')}`);
        if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) break;
        scroller.scrollTop += Math.max(40, Math.floor(scroller.clientHeight * 0.6));
        await frames();
      }
      scroller.scrollTop = 0;
      return [...keys];
    });
    return seen.map((k) => pairKey(...(k.split('|') as [string, string]))).sort();
  }

  /**
   * The SOL price cached for the next 10 minutes (solPriceUsd's cache may be nearly 5 minutes old,
   * cached by another test file), so that no sync asks DexScreener for it while its answers are held.
   */
  async function cacheSolPrice(): Promise<void> {
    const price = await solPriceUsd(opened.stack.redis, buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis).market);
    await opened.stack.redis.set(SOL_PRICE_CACHE_KEY, String(price), 'EX', 600);
  }

  async function latestAnalysisOf(wallet: string): Promise<string> {
    const { analyses } = await api<{ analyses: Array<{ analysisId: string }> }>(`/v1/analyses?wallet=${wallet}&limit=1`);
    expect(analyses.length).toBe(1);
    return analyses[0].analysisId;
  }

  it('GET / opens the Lab; invalid and duplicate addresses are marked before anything is sent', async () => {
    await page.goto(origin);
    expect(new URL(page.url()).pathname).toBe('/lab/');
    await page.getByTestId('wallet-input').waitFor();
    await screenshot('start');
    await expectAccessible('start');

    await page.getByLabel('Wallets').fill([...group.slice(0, 3), 'not-a-wallet-address', group[1]].join('\n'));
    const issues = page.getByTestId('input-issue');
    await issues.filter({ hasText: /invalid/i }).first().waitFor();
    await issues.filter({ hasText: /duplicate/i }).first().waitFor();
    expect(await issues.filter({ hasText: /invalid/i }).count()).toBe(1);
    expect(await issues.filter({ hasText: /duplicate/i }).count()).toBe(1);
    await screenshot('start-input-issues');
    await expectAccessible('start with input issues');
  });

  it('pastes a group, shows each wallet MISSING, follows live progress, then shows every wallet and pair; symbols replace mints after enrichment', async () => {
    // history pages held until the running analysis has been looked at, DexScreener's answers until
    // its result has (the SOL price cached first: the syncs do not ask DexScreener for it meanwhile)
    await cacheSolPrice();
    opened.sim.configure({ latencyMs: { 'helius:history': 300 }, paused: ['helius:history', 'dexscreener:tokens'] });
    try {
      await opened.stack.withWorkers(async () => {
        await page.getByLabel('Wallets').fill(group.join(', '));
        await expectNoIssues();
        const statuses = page.getByTestId('wallet-status-row');
        await expectCount(statuses, group.length);
        expect(await statuses.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(group.map(() => 'MISSING'));

        await page.getByRole('button', { name: 'Analyze', exact: true }).click();
        const progress = page.getByTestId('progress');
        await progress.waitFor();
        await expectCount(page.getByTestId('progress-row'), group.length);
        expect((await page.getByTestId('progress-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-wallet')))).sort()).toEqual([...group].sort());
        expect(await page.getByTestId('analysis-status').textContent()).toMatch(/running/i);
        expect(await page.getByTestId('skeleton').count()).toBeGreaterThan(0);
        await page.getByRole('button', { name: 'Cancel analysis' }).waitFor();
        await screenshot('progress');
        await expectAccessible('progress');
        opened.sim.configure({ paused: ['dexscreener:tokens'] });

        await page.getByTestId('analysis-status').filter({ hasText: /^\s*completed\s*$/i }).waitFor({ timeout: 150_000 });
        firstAnalysisId = await latestAnalysisOf(group[0]);
        const body = await api<PairsBody>(`/v1/analyses/${firstAnalysisId}`);
        expect(body.status).toBe('completed');
        const expected = body.result!.pairs.map((p) => pairKey(p.walletA, p.walletB)).sort();
        expect(expected).toHaveLength(15);

        // the result shows while enrichment still runs: token labels are mints
        await page.getByTestId('summary-card').waitFor();
        await page.getByTestId('pair-row').first().waitFor();
        const labels = page.getByTestId('token-label');
        await labels.first().waitFor();
        const before = await labels.evaluateAll((ls) => ls.map((l) => ({ mint: l.getAttribute('data-mint') ?? '', text: (l.textContent ?? '').trim() })));
        expect((await api<PairsBody>(`/v1/analyses/${firstAnalysisId}`)).enrichment.status).not.toBe('completed');
        const unresolved = before.find((l) => symbols.has(l.mint) && l.text !== symbols.get(l.mint));
        expect(unresolved).toBeDefined();
        expect(unresolved!.text.length).toBeGreaterThan(0);
        expect(unresolved!.mint.startsWith(unresolved!.text.slice(0, 4))).toBe(true);

        // every pair is listed (the list is virtualized: scroll through it) and every wallet is in one
        expect(await page.getByTestId('pair-list').getAttribute('data-pair-count')).toBe('15');
        expect(await pairsInList()).toEqual(expected);
        const walletsShown = new Set((await pairsInList()).flatMap((k) => k.split('|')));
        expect([...walletsShown].sort()).toEqual([...group].sort());
        await screenshot('results');
        await expectAccessible('results');

        // enrichment finishes: the same label turns into the symbol without a reload
        opened.sim.configure({ paused: [] });
        const label = page.locator(`[data-testid="token-label"][data-mint="${unresolved!.mint}"]`).first();
        await expectText(label, symbols.get(unresolved!.mint)!, 120_000);
        expect(new URL(page.url()).pathname).toMatch(/^\/lab\//);
        await screenshot('results-enriched');
      });
    } finally {
      opened.sim.reset({ knobs: true });
    }
  });

  it("opens a pair's detail: per-token contributions, co-trading timeline, evidence", async () => {
    await page.getByTestId('pair-row').first().click();
    const detail = page.getByTestId('pair-detail');
    await detail.waitFor();
    await detail.getByTestId('pair-tokens').waitFor();
    await detail.getByTestId('pair-timeline').waitFor();
    await detail.getByTestId('pair-evidence').waitFor();
    expect(await detail.getByTestId('token-label').count()).toBeGreaterThan(0);
    await screenshot('pair-detail');
    await expectAccessible('pair detail');
  });

  it('shows the group views: a heatmap ordered by cluster and the wallet graph', async () => {
    const heatmap = page.getByTestId('heatmap');
    const graph = page.getByTestId('wallet-graph');
    await heatmap.scrollIntoViewIfNeeded();
    await heatmap.waitFor();
    await graph.waitFor();
    for (const view of [heatmap, graph]) {
      const box = await view.boundingBox();
      expect(box && box.width > 100 && box.height > 100).toBe(true);
    }
    await heatmap.screenshot({ path: path.join(ARTIFACTS, 'heatmap.png') });
    await graph.screenshot({ path: path.join(ARTIFACTS, 'graph.png') });
    await expectAccessible('group views');
  });

  it('uploads a CSV: its address column is found, each wallet gets its status, and the group is analysed', async () => {
    await page.goto(`${origin}/lab/`);
    await page.getByTestId('csv-upload').waitFor({ state: 'attached' });
    const csv = ['label,wallet,notes', `alpha,${group[0]},first`, `beta,${group[1]},"copy, trader"`, `gamma,${allWallets[6]},new`, `delta,${allWallets[7]},new`].join('\n');
    await page.getByTestId('csv-upload').setInputFiles({ name: 'wallets.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const statuses = page.getByTestId('wallet-status-row');
    await expectCount(statuses, 4);
    await expectNoIssues();
    expect((await statuses.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).sort()).toEqual(['MISSING', 'MISSING', 'READY', 'READY']);
    await screenshot('start-csv');
    await expectAccessible('start after CSV upload');

    await opened.stack.withWorkers(async () => {
      await page.getByRole('button', { name: 'Analyze', exact: true }).click();
      await page.getByTestId('analysis-status').filter({ hasText: /^\s*completed\s*$/i }).waitFor({ timeout: 150_000 });
      await expectAttribute(page.getByTestId('pair-list'), 'data-pair-count', '6');
      const expected = [allWallets[6], allWallets[7], group[0], group[1]];
      expect([...new Set((await pairsInList()).flatMap((k) => k.split('|')))].sort()).toEqual([...expected].sort());
    });
    // what changed since the first analysis of these wallets (the newest earlier one of group[0]): two
    // wallets kept, two added, four removed (GET /v1/analyses/{id}/changes)
    const changes = page.getByTestId('changes-card');
    await changes.getByTestId('changes-clusters').waitFor();
    expect(await changes.textContent()).toContain('2 wallets compared, 2 added, 4 removed.');
    expect(await changes.getByRole('combobox', { name: 'Earlier analysis to compare with' }).inputValue()).toBe(firstAnalysisId);
    await expectAccessible('changes since an earlier analysis');
  });

  it("watches the analysis's group: the watch page shows its first run under way, then completed; the list shows the watch until it is stopped", async () => {
    const analysisId = page.url().split('/').pop() as string;
    await opened.stack.withWorkers(async () => {
      const card = page.getByTestId('watch-card');
      await card.getByRole('combobox', { name: 'How often to analyse the group again' }).selectOption('720');
      await card.getByRole('button', { name: 'Watch' }).click();
      await page.getByTestId('watch-page').waitFor();
      expect(await page.textContent('[data-testid="watch-page"]')).toContain('every 12 hours');
      // read again while the run is under way, until it has ended
      await page.getByTestId('watch-run').filter({ hasText: 'the first completed run' }).waitFor({ timeout: 150_000 });
    });
    const watchId = page.url().split('/').pop() as string;
    const { runs, request } = await api<{ runs: Array<{ analysisId: string; status: string }>; request: { wallets: string[] } }>(`/v1/watches/${watchId}`);
    expect(runs).toEqual([expect.objectContaining({ status: 'completed' })]);
    expect(runs[0].analysisId).not.toBe(analysisId);
    expect(request.wallets).toEqual((await api<{ wallets: string[] }>(`/v1/analyses/${analysisId}`)).wallets);
    await screenshot('watch');
    await expectAccessible('watched group');

    // its settings: every week from now on, with the schedule (PATCH /v1/watches/{id})
    const settings = page.getByTestId('watch-settings');
    await settings.getByRole('combobox', { name: 'How often the group is analysed' }).selectOption('10080');
    await settings.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('watch-interval').filter({ hasText: 'every week' }).waitFor();
    expect((await api<{ everyMinutes: number }>(`/v1/watches/${watchId}`)).everyMinutes).toBe(10080);
    expect((await opened.stack.client.schedule.getHandle(watchScheduleId(watchId)).describe()).spec.intervals?.map((i) => i.every)).toEqual([10080 * 60_000]);

    await page.getByRole('link', { name: 'Watches' }).click();
    await page.getByTestId('watches-page').getByRole('link', { name: 'every week' }).click();
    await page.getByRole('button', { name: 'Stop watching' }).click();
    await page.getByText(/No watched group yet/).waitFor();
    expect((await fetch(`${origin}/v1/watches/${watchId}`)).status).toBe(404);
  });

  it('opens a shared deep link /lab/analyses/<id> in a fresh browser: the stored result with symbols', async () => {
    const fresh = await labContext(browser, origin);
    try {
      const shared = await fresh.newPage();
      shared.on('pageerror', (err) => pageErrors.push(err.message));
      await shared.goto(`${origin}/lab/analyses/${firstAnalysisId}`);
      await shared.getByTestId('analysis-status').filter({ hasText: /^\s*completed\s*$/i }).waitFor();
      await shared.getByTestId('summary-card').waitFor();
      await expectAttribute(shared.getByTestId('pair-list'), 'data-pair-count', '15');
      expect((await pairsInList(shared)).length).toBe(15);
      // a finished analysis shows no wallet still waiting to sync
      const waiting = await shared.getByTestId('progress-row').filter({ hasText: /pending/i }).count();
      expect({ progressRowsPending: waiting }).toEqual({ progressRowsPending: 0 });
      const labels = await shared.getByTestId('token-label').evaluateAll((ls) => ls.map((l) => ({ mint: l.getAttribute('data-mint') ?? '', text: (l.textContent ?? '').trim() })));
      expect(labels.length).toBeGreaterThan(0);
      // every token the registry resolved shows its symbol (spam tokens DexScreener does not list keep their mint)
      const { tokens } = await api<{ tokens: Record<string, { symbol: string | null }> | null }>(`/v1/analyses/${firstAnalysisId}`);
      const resolved = labels.filter((l) => tokens?.[l.mint]?.symbol);
      expect(resolved.length).toBeGreaterThan(0);
      expect(resolved.filter((l) => l.text !== tokens?.[l.mint]?.symbol)).toEqual([]);
      await screenshot('deep-link', shared);
      await expectAccessible('deep link', shared);

      // one column on a phone-sized screen, and still no serious violation
      await shared.setViewportSize({ width: 390, height: 844 });
      await shared.getByTestId('pair-row').first().waitFor();
      const overflow = await shared.evaluate(() => {
        const { documentElement } = (globalThis as unknown as InPage).document;
        return documentElement.scrollWidth - documentElement.clientWidth;
      });
      await screenshot('deep-link-small', shared);
      expect({ horizontalOverflowPx: overflow }).toEqual({ horizontalOverflowPx: 0 });
      await expectAccessible('deep link, small screen', shared);
    } finally {
      await fresh.close();
    }
  });

  it('a result that lists only its strongest pairs: the list, the wallet panel and the pairs CSV read every pair from the pages', async () => {
    // the same six wallets (READY since the first test), with only the strongest 5 of 15 pairs in the result
    const started = await fetch(`${origin}/v1/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ wallets: group, topPairs: 5 }) });
    expect(started.status).toBe(202);
    const { analysisId } = (await started.json()) as { analysisId: string };
    const all: Array<{ walletA: string; walletB: string }> = [];
    await opened.stack.withWorkers(async () => {
      await pollUntil(async () => (await api<PairsBody>(`/v1/analyses/${analysisId}`)).status === 'completed', 150_000, async () => `analysis ${analysisId} did not complete`);
    });
    const body = await api<PairsBody & { result: { pairCount: number; pairsComplete: boolean } }>(`/v1/analyses/${analysisId}`);
    expect({ listed: body.result.pairs.length, pairCount: body.result.pairCount, complete: body.result.pairsComplete }).toEqual({ listed: 5, pairCount: 15, complete: false });
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const p: { pairs: Array<{ walletA: string; walletB: string }>; nextCursor: string | null } = await api(`/v1/analyses/${analysisId}/pairs?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      all.push(...p.pairs);
      cursor = p.nextCursor;
    }
    expect(all).toHaveLength(15);

    const pairRequests: URL[] = [];
    const onRequest = (r: { url(): string }) => {
      const url = new URL(r.url());
      if (url.pathname === `/v1/analyses/${analysisId}/pairs`) pairRequests.push(url);
    };
    page.on('request', onRequest);
    try {
      await page.goto(`${origin}/lab/analyses/${analysisId}`);
      const list = page.getByTestId('pair-list');
      await expectAttribute(list, 'data-paged', 'true');
      await expectAttribute(list, 'data-pair-count', '15');
      await expectAttribute(list, 'data-matched', '15');
      expect(await pairsInList()).toEqual(all.map((p) => pairKey(p.walletA, p.walletB)).sort());
      expect(pairRequests.length).toBeGreaterThan(0);
      await expectText(page.getByTestId('pairs-listed').locator('dd'), '5 strongest');
      expect(await page.getByTestId('group-focus-note').first().textContent()).toContain('Only the strongest 5 of 15 pairs are drawn');
      await screenshot('paged-pairs');
      await expectAccessible('paged pairs');

      // the wallet filter is the API's: five pairs of one wallet
      await page.getByLabel('Filter by wallet').fill(group[2]);
      await expectAttribute(list, 'data-matched', '5');
      expect(pairRequests.at(-1)?.searchParams.get('wallet')).toBe(group[2]);
      for (const k of await pairsInList()) expect(k.split('|')).toContain(group[2]);

      // the wallet panel lists the wallet's pairs from the API
      await page.getByLabel('Wallet shown').selectOption(group[3]);
      const walletPairs = page.getByTestId('wallet-pairs');
      await expectCount(walletPairs.getByTestId('wallet-pair'), 5);
      expect((await walletPairs.getByTestId('wallet-pair').evaluateAll((items) => items.map((i) => i.getAttribute('data-wallet')))).sort()).toEqual(group.filter((w) => w !== group[3]).sort());
      // a wallet's PnL totals as the API gives them, the fees of the failed transactions it paid among them
      type Totals = { failedTransactions: number; failedFeesSol: number };
      const totalsOf = await Promise.all(group.map(async (w) => [w, (await api<{ pnl: { totals: Totals } }>(`/v1/wallets/${w}`)).pnl.totals] as const));
      const [missing, totals] = totalsOf.find(([, t]) => t.failedTransactions > 0) ?? [];
      expect(totals).toBeDefined();
      // as an engine before 2.19.0 stored them, without those totals: computed again before they are shown
      await storeAnalyticsOfEngine(opened.stack.pool, missing!, '2.18.0');
      await page.getByLabel('Wallet shown').selectOption(missing!);
      const shown = (field: string) => page.getByTestId('wallet-panel').locator(`[data-total="${field}"] dd`);
      // no worker runs: the figures as stored, saying they are being computed again
      await expectText(page.getByTestId('wallet-recomputing'), /Computed by engine 2\.18\.0, before this service's .*: being computed again/);
      expect(await shown('failedTransactions').count()).toBe(0);
      // a worker computes them; the panel asks again and shows them
      await opened.stack.withWorkers(async () => {
        await expectText(shown('failedTransactions'), String(totals!.failedTransactions));
      });
      await expectText(shown('failedFeesSol'), totals!.failedFeesSol.toLocaleString('en-US', { maximumFractionDigits: 6 }));
      expect(await page.getByTestId('wallet-recomputing').count()).toBe(0);

      // the pairs CSV: every pair, read page by page
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export pairs CSV' }).click();
      const file = await (await download).path();
      const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
      expect(lines[0].startsWith('walletA,walletB,combined')).toBe(true);
      expect(lines.slice(1).map((l) => pairKey(...(l.split(',').slice(0, 2) as [string, string]))).sort()).toEqual(all.map((p) => pairKey(p.walletA, p.walletB)).sort());
      await page.getByText('Exported 15 pairs.').waitFor();
    } finally {
      page.off('request', onRequest);
    }
  });

  it("a result whose tokens another analysis's enrichment run is fetching says so, and shows their symbols once that run stores them", async () => {
    // every token of the world stale again, and an enrichment run whose DexScreener answers are held claims them all
    await opened.stack.pool.query(`DELETE FROM tokens WHERE mint = ANY($1)`, [[...symbols.keys()]]);
    // the SOL price (asked of DexScreener too, by syncs) cached first, so only that run waits on it
    await cacheSolPrice();
    opened.sim.configure({ paused: ['dexscreener:tokens'] });
    const otherRun = `token-enrichment:lab-test:${Date.now()}`;
    try {
      await opened.stack.withWorkers(async () => {
        await opened.stack.client.workflow.start(tokenEnrichmentWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: otherRun, args: [{ mints: [...symbols.keys()], reason: 'user' }] });
        const claimed = async () => (await opened.stack.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tokens WHERE fetch_claimed_by = $1`, [otherRun])).rows[0].n;
        await pollUntil(async () => (await claimed()) === symbols.size, 60_000, async () => `the other run claimed ${await claimed()} of ${symbols.size} tokens`);

        // the same six wallets (READY): the analysis leaves its tokens to that run and starts none of its own
        const started = await fetch(`${origin}/v1/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ wallets: group }) });
        expect(started.status).toBe(202);
        const { analysisId } = (await started.json()) as { analysisId: string };
        await page.goto(`${origin}/lab/analyses/${analysisId}`);
        const state = page.getByTestId('enrichment-status');
        await state.filter({ hasText: /still being fetched by another analysis/ }).waitFor({ timeout: 120_000 });
        // from here the stream's `tokens` events bring the stored records: the page reads the analysis no more
        const viewReads: string[] = [];
        const onViewRead = (r: { url(): string; method(): string }) => {
          if (r.method() === 'GET' && new URL(r.url()).pathname === `/v1/analyses/${analysisId}`) viewReads.push(r.url());
        };
        page.on('request', onViewRead);
        const body = await api<PairsBody & { enrichment: { workflowId: string | null; fetchingElsewhere: number } }>(`/v1/analyses/${analysisId}`);
        expect(body.enrichment).toMatchObject({ status: 'completed', workflowId: null });
        expect(body.enrichment.fetchingElsewhere).toBeGreaterThan(0);
        expect(await state.textContent()).toContain(`${body.enrichment.fetchingElsewhere} still being fetched`);
        const label = page.getByTestId('token-label').filter({ hasNotText: /^\s*$/ }).first();
        const mint = (await label.getAttribute('data-mint'))!;
        expect(symbols.has(mint)).toBe(true);
        expect((await label.textContent())?.trim()).not.toBe(symbols.get(mint));
        await screenshot('tokens-fetched-elsewhere');
        await expectAccessible('tokens fetched elsewhere');

        // that run stores them: the same page, without a reload, shows the symbols
        opened.sim.configure({ paused: [] });
        await expectText(page.locator(`[data-testid="token-label"][data-mint="${mint}"]`).first(), symbols.get(mint)!, 120_000);
        await expectText(state, 'Tokens: enriched');
        page.off('request', onViewRead);
        expect(viewReads).toEqual([]);
      });
    } finally {
      opened.sim.reset({ knobs: true });
    }
  });

  it("analyses a token's top holders: the mint and the number checked in the page, then who was analysed, who was left out and where it launched", async () => {
    await page.goto(`${origin}/lab/`);
    await page.getByLabel('Token holders').check();
    await page.getByLabel('Token mint').fill('not-a-mint');
    await expectCount(page.getByTestId('input-issue'), 1);
    await page.getByLabel('Token mint').fill(holderMint);
    await page.getByLabel('Top holders').fill('12');
    await expectNoIssues();
    await screenshot('start-token');
    await expectAccessible('start, token holders');
    const card = page.getByTestId('holders-card');
    // the balances held back: the analysis runs on while the page shows the holders it resolved and
    // each one's sync (the page was opened before they were known)
    opened.sim.configure({ paused: ['rpc:getMultipleAccounts', 'rpc:getTokenAccountsByOwner', 'rpc:getBalance'] });
    try {
      await opened.stack.withWorkers(async () => {
        await page.getByRole('button', { name: 'Analyze', exact: true }).click();
        await expectText(card.locator('p').first(), /the top 12 of \d+ eligible holders/);
        await expectCount(page.getByTestId('progress-row'), 12);
        expect((await page.getByTestId('analysis-status').textContent())?.trim()).toBe('running');
        opened.sim.configure({ paused: [] });
        await page.getByTestId('analysis-status').filter({ hasText: /^\s*completed\s*$/i }).waitFor({ timeout: 150_000 });
      });
    } finally {
      opened.sim.configure({ paused: [] });
    }
    await expectText(page.getByTestId('holders-left-out'), 'Left out: 1 burn, 1 amm, 1 exchange, 3 off-curve, 1 service');
    await expectText(page.getByTestId('holders-launch'), /Launch: slot \d+ on /);
    await expectAttribute(page.getByTestId('pair-list'), 'data-pair-count', String((12 * 11) / 2));
    await screenshot('token-holders');
    await expectAccessible('token holders');
  });

  it('with API_KEYS set, the page asks for a key, sends it, and then shows the analysis', async () => {
    const keyed = await buildApp(
      { config: { ...opened.stack.config, API_KEYS: [{ key: LAB_KEY, admin: true }] }, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis },
      { eventPollIntervalMs: 200 },
    );
    await keyed.listen({ host: '127.0.0.1', port: 0 });
    const keyedOrigin = `http://127.0.0.1:${(keyed.server.address() as AddressInfo).port}`;
    const fresh = await labContext(browser, keyedOrigin);
    try {
      const keyedPage = await fresh.newPage();
      keyedPage.on('pageerror', (err) => pageErrors.push(err.message));
      const sentKeys: string[] = [];
      keyedPage.on('request', (r) => {
        if (new URL(r.url()).pathname.startsWith('/v1/')) sentKeys.push(r.headers()['x-api-key'] ?? '');
      });
      // the page loads without a key; its first call to /v1 is answered 401
      await keyedPage.goto(`${keyedOrigin}/lab/analyses/${firstAnalysisId}`);
      const input = keyedPage.getByTestId('api-key-input');
      await input.waitFor();
      await keyedPage.getByLabel('API key').fill(LAB_KEY);
      await keyedPage.getByRole('button', { name: 'Save key' }).click();
      await expectAttribute(keyedPage.getByTestId('pair-list'), 'data-pair-count', '15');
      expect(sentKeys[0]).toBe('');
      expect(sentKeys.at(-1)).toBe(LAB_KEY);
    } finally {
      await fresh.close();
      await keyed.close();
    }
  });

  it('axe-core finds no serious or critical violation on any main view', () => {
    const views = accessibility.map((a) => a.view);
    const blocking = accessibility.filter((a) => a.blocking.length > 0);
    expect({ views, blocking }).toEqual({
      views: [
        'start',
        'start with input issues',
        'progress',
        'results',
        'pair detail',
        'group views',
        'start after CSV upload',
        'changes since an earlier analysis',
        'watched group',
        'deep link',
        'deep link, small screen',
        'paged pairs',
        'tokens fetched elsewhere',
        'start, token holders',
        'token holders',
      ],
      blocking: [],
    });
  });

  async function expectNoIssues(): Promise<void> {
    await expectCount(page.getByTestId('input-issue'), 0, 10_000);
  }
});

/** The part of the DOM the in-page functions above use. */
interface InPageElement {
  scrollHeight: number;
  scrollWidth: number;
  clientHeight: number;
  clientWidth: number;
  scrollTop: number;
  parentElement: InPageElement | null;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<InPageElement>;
}
interface InPage {
  document: { querySelector(selector: string): InPageElement | null; scrollingElement: InPageElement; documentElement: InPageElement };
  getComputedStyle(e: InPageElement): { overflowY: string };
  requestAnimationFrame(callback: () => void): number;
}

// Playwright's own `expect` is not used (playwright-core has none): these wait the same way.
async function expectCount(locator: Locator, n: number, timeout = 60_000): Promise<void> {
  await pollUntil(async () => (await locator.count()) === n, timeout, async () => `expected ${n} elements, found ${await locator.count()}`);
}
async function expectAttribute(locator: Locator, name: string, value: string, timeout = 60_000): Promise<void> {
  await pollUntil(async () => (await locator.getAttribute(name)) === value, timeout, async () => `expected ${name}="${value}", found "${await locator.getAttribute(name)}"`);
}
/** The locator's text is `text`, or matches it when it is a pattern. */
async function expectText(locator: Locator, text: string | RegExp, timeout = 60_000): Promise<void> {
  const matches = (t: string | undefined) => t !== undefined && (typeof text === 'string' ? t === text : text.test(t));
  await pollUntil(async () => matches((await locator.textContent())?.trim()), timeout, async () => `expected text ${String(text)}, found "${(await locator.textContent())?.trim()}"`);
}
async function pollUntil(ok: () => Promise<boolean>, timeout: number, describeFailure: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(await describeFailure());
}
