// `wallet <address>`: one wallet's stored PnL (totals and its largest tokens), behavior profile and
// coverage, as the Lab's wallet panel shows them (GET /v1/wallets/{address}). With `--sync auto`
// (the default) a wallet without stored history, or with a stale one, is synced first and its sync
// followed to the end; figures an older engine computed are asked for again while the service
// computes them again. Used by the CLI.
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import pLimit from 'p-limit';
import type { SyncMode } from '../api/schemas/analyses';
import type { WalletAnalyticsView, WalletStatusView } from '../api/schemas/wallets';
import { ActionableError } from '../errors';
import { ApiError, type ApiClient } from './api-client';
import { plural, printable, shortAddress, shortSymbol, utc } from './evidence';
import { wrapped } from './render';
import { ridingOutages } from './follow';

export interface WalletFetchOptions {
  sync: SyncMode;
  /** progress lines (stderr) */
  log: (line: string) => void;
  /** a sync's pages and transactions as they change (a live line on a terminal: syncProgressLine); without it, a line of `log` per change */
  progress?: SyncProgress;
  /** waits between polls (tests pass one that does not wait) */
  sleep?: (ms: number) => Promise<void>;
}

/** How often figures being computed again are asked for again (each ask waits up to 5 s in the API), and how long apart. */
export const RECOMPUTE_ASKS = 6;
const RECOMPUTE_ASK_AFTER_MS = 1_000;
/**
 * The waits between two reads of a sync's status: 1 s, then twice as long each time up to 5 s (POST
 * /v1/wallets/status counts against the client's allowance of that route: 12 reads a minute at most).
 */
const statusWaitMs = (n: number) => Math.min(1_000 * 2 ** n, 5_000);
/** A sync this command started whose status shows neither it under way nor its end after this long (of waits between reads) has not begun: what is stored is read. */
const NOT_BEGUN_MS = 30_000;

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Where a followed sync's progress goes. */
export interface SyncProgress {
  update(p: { pages: number; transactions: number }): void;
  /** the line ends (before any other line is written, and once the sync is followed to its end); again, nothing */
  stop(): void;
}

/**
 * A followed sync's progress as one line redrawn in place on a terminal (cli-progress): the wallet,
 * its pages and transactions so far, and the time since it was first shown. A history has no known
 * length until its last page, so the line shows counts rather than a share. Shown from the first
 * update only (a sync that had ended by the first read shows none); the cursor stays visible (a
 * Ctrl-C, which the command suggests to stop waiting, leaves the terminal as it was).
 */
export function syncProgressLine(stream: NodeJS.WriteStream, wallet: string): SyncProgress {
  let bar: SingleBar | null = null;
  const values = (p: { pages: number; transactions: number }) => ({ pages: plural(p.pages, 'page'), transactions: plural(p.transactions, 'transaction') });
  return {
    update(p) {
      if (bar === null) {
        bar = new SingleBar({ stream, format: `Syncing ${shortAddress(wallet)} | {pages}, {transactions} | {duration_formatted}`, clearOnComplete: false, stopOnComplete: false });
        bar.start(0, 0, values(p));
      } else bar.update(0, values(p));
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

/**
 * The wallet's stored analytics, synced first as `sync` says: `auto` syncs a MISSING or STALE
 * wallet, `force` any, `skip` none; a sync under way (this one, or another's) is followed to its end
 * (a sync this command started, until the status shows it ended: synced later than before, or
 * failed). A sync that fails and leaves nothing stored is an error that says why.
 */
export async function fetchWallet(api: ApiClient, address: string, o: WalletFetchOptions): Promise<WalletAnalyticsView> {
  const wait = o.sleep ?? pause;
  // a line of its own: a live progress line ends first (the next progress starts a new one)
  const say = (line: string) => {
    o.progress?.stop();
    o.log(line);
  };
  const riding = <T>(call: () => Promise<T>) =>
    ridingOutages(call, { wait, onRetry: (err) => say(err.status === null ? 'the API is unreachable; retrying' : `the API answered ${err.status}; retrying`), gaveUp: 'a sync under way runs on: run the command again to follow it' });
  const [status] = await api.walletStatuses([address]);
  const started = o.sync === 'force' || (o.sync === 'auto' && (status.status === 'MISSING' || status.status === 'STALE'));
  if (started) {
    await api.syncWallets([address]);
    o.log(`syncing ${shortAddress(address)} (${status.status === 'MISSING' ? 'no stored history' : status.status === 'STALE' ? 'its history is stale' : 'asked for'})`);
  } else if (o.sync !== 'skip' && status.status === 'SYNCING') {
    o.log(`${shortAddress(address)} is being synced (another analysis's or request's sync): followed to its end (Ctrl-C, then --sync skip, shows what is stored)`);
  }
  if (started || (o.sync !== 'skip' && status.status === 'SYNCING')) {
    try {
      await followSync(address, status, started, { ...o, log: say, wait, read: () => riding(() => api.walletStatuses([address])) });
    } finally {
      o.progress?.stop();
    }
  }
  let view: WalletAnalyticsView;
  try {
    view = await riding(() => api.getWallet(address));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      throw new ActionableError(`no stored analytics for ${address}${o.sync === 'skip' ? ": run 'wallet-similarity wallet' without --sync skip to sync it first" : ' yet: run the command again once its sync has ended'}`);
    }
    throw err;
  }
  // (left to a sync under way, whose end may be minutes away: not asked again, the tables say so)
  for (let asked = 1; view.recomputing?.started && !view.recomputing.afterSync && asked <= RECOMPUTE_ASKS; asked++) {
    if (asked === 1) o.log(`figures of engine ${view.engineVersion} being computed again with ${view.recomputing.engineVersion}…`);
    await wait(RECOMPUTE_ASK_AFTER_MS);
    view = await riding(() => api.getWallet(address));
  }
  return view;
}

/**
 * Reads the wallet's status (`read`) until its sync ended, saying its progress as it changes: a sync
 * this command started (`started`) once the status shows it ended (synced later than `before`, or a
 * new failure) or, showing neither under way nor ended after NOT_BEGUN_MS, never began; another's once
 * the wallet is no longer SYNCING. A failure that left nothing stored is an error that says why.
 */
async function followSync(
  address: string,
  before: WalletStatusView,
  started: boolean,
  o: { log: (line: string) => void; progress?: SyncProgress; wait: (ms: number) => Promise<void>; read: () => Promise<WalletStatusView[]> },
): Promise<void> {
  const changed = (s: WalletStatusView) => (s.lastSyncedAt ?? null) !== (before.lastSyncedAt ?? null) || (s.lastSyncError ?? null) !== (before.lastSyncError ?? null);
  let said = '';
  let waited = 0;
  let status = before;
  for (let n = 0; ; n++) {
    await o.wait(statusWaitMs(n));
    waited += statusWaitMs(n);
    [status] = await o.read();
    if (status.status !== 'SYNCING' && (!started || changed(status))) break;
    if (status.status !== 'SYNCING' && waited > NOT_BEGUN_MS) {
      o.log(`the sync of ${shortAddress(address)} has not begun after ${NOT_BEGUN_MS / 1000} s: what is stored follows`);
      return;
    }
    if (status.status !== 'SYNCING') continue;
    const progress = { pages: status.sync?.pages ?? 0, transactions: status.sync?.transactions ?? 0 };
    if (o.progress) {
      o.progress.update(progress);
      continue;
    }
    const line = `syncing ${shortAddress(address)}: ${plural(progress.pages, 'page')}, ${plural(progress.transactions, 'transaction')}`;
    if (line !== said) o.log(line);
    said = line;
  }
  if (status.lastSyncError && status.lastSyncError !== before.lastSyncError) {
    if (status.status === 'MISSING') throw new ActionableError(`the sync of ${address} failed: ${printable(status.lastSyncError)} (run the command again to retry it)`);
    o.log(`the sync of ${shortAddress(address)} failed (${printable(status.lastSyncError)}): the figures stored before it follow`);
  }
}

const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** A figure to `digits` places with thousands separators; "–" for none. */
const figure = (v: unknown, digits: number): string => {
  const n = num(v);
  return n === null ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};

/** The PnL totals shown: field, label and fraction digits (fees are often a few thousandths of a SOL); the Lab's wallet panel (web/src/features/wallet/WalletPanel.tsx, which imports nothing from src/) lists the same. */
const TOTALS: Array<[string, string, number]> = [
  ['realizedPnlSol', 'Realized PnL (SOL)', 4],
  ['unrealizedPnlSol', 'Unrealized PnL (SOL)', 4],
  ['volumeSol', 'Volume (SOL)', 4],
  ['feesSol', 'Fees (SOL)', 6],
  ['failedTransactions', 'Failed transactions', 0],
  ['failedFeesSol', 'Fees of failed transactions (SOL)', 6],
  ['realizedPnlAfterFeesSol', 'Realized PnL after all fees (SOL)', 4],
  ['tokens', 'Tokens', 0],
];
const BEHAVIOR: Array<[string, string, number]> = [
  ['tradeCount', 'Trades', 0],
  ['uniqueTokens', 'Unique tokens', 0],
  ['buySellRatio', 'Buy/sell ratio', 2],
  ['medianHoldTimeHours', 'Median hold (h)', 2],
  ['flipperScore', 'Flipper score', 2],
  ['tradesPerDay', 'Trades per day', 2],
  ['activeSpanDays', 'Active span (days)', 2],
];

export interface WalletRenderOptions {
  /** tokens listed, largest realized PnL (either way) first */
  tokens?: number;
  /** symbols of mints, when known */
  symbols?: ReadonlyMap<string, string>;
}

/** The mints `renderWallet` lists, in its order: the `n` with the largest realized PnL either way. */
export function listedTokens(view: WalletAnalyticsView, n: number): Array<Record<string, unknown>> {
  const tokens = Array.isArray(rec(view.pnl).tokens) ? (rec(view.pnl).tokens as unknown[]).map(rec).filter((t) => typeof t.mint === 'string') : [];
  return tokens.sort((a, b) => Math.abs(num(b.realizedPnlSol) ?? 0) - Math.abs(num(a.realizedPnlSol) ?? 0)).slice(0, n);
}

/** A wallet's analytics as tables that fit 120 columns: who and when, PnL totals, its largest tokens, behavior, coverage. */
export function renderWallet(view: WalletAnalyticsView, o: WalletRenderOptions = {}): string {
  const plain = { head: [], border: [] };
  const status = view.status;
  const lines: string[] = [`Wallet ${view.wallet ?? ''}`];
  if (status?.status) lines.push(`History ${status.status}${status.lastSyncedAt ? `, last synced ${utc(Date.parse(status.lastSyncedAt) / 1000)}` : ''}`);
  lines.push(`Figures of engine ${view.engineVersion ?? 'unknown'}${view.computedAt ? `, computed ${utc(Date.parse(view.computedAt) / 1000)}` : ''}`);
  if (view.recomputing) {
    const r = view.recomputing;
    const note = !r.started
      ? `Not computed again with engine ${r.engineVersion}: ${printable(r.detail)}`
      : r.afterSync
        ? `A sync of the wallet is under way; its end computes them with engine ${r.engineVersion}: these figures follow the older rules (run the command again once it is done)`
        : `Being computed again with engine ${r.engineVersion}: these figures follow the older rules (run the command again shortly)`;
    lines.push(...wrapped('', note, 2));
  }
  const totals = rec(rec(view.pnl).totals);
  const pnl = new Table({ style: plain });
  // analytics of engines before 2.19.0 have no failed transactions' totals, and their after-fees figure left them out
  for (const [k, label, digits] of TOTALS.filter(([k]) => 'failedFeesSol' in totals || !['failedTransactions', 'failedFeesSol', 'realizedPnlAfterFeesSol'].includes(k))) {
    pnl.push([label, figure(totals[k], digits)]);
  }
  const wins = num(totals.winRate);
  pnl.push(['Win rate', wins === null ? '–' : `${Math.round(Math.min(1, Math.max(0, wins)) * 100)} %`]);
  lines.push('', 'PnL (FIFO)', pnl.toString());

  const all = Array.isArray(rec(view.pnl).tokens) ? (rec(view.pnl).tokens as unknown[]).length : 0;
  const tokens = listedTokens(view, o.tokens ?? 10);
  if (tokens.length > 0) {
    const table = new Table({ head: ['Token', 'Realized', 'Unrealized', 'Cost', 'Proceeds', 'Buys / sells'], style: plain });
    for (const t of tokens) {
      const mint = t.mint as string;
      const symbol = o.symbols?.get(mint);
      table.push([symbol ? `${shortSymbol(symbol)} ${shortAddress(mint)}` : shortAddress(mint), figure(t.realizedPnlSol, 4), figure(t.unrealizedPnlSol, 4), figure(t.costSol, 4), figure(t.proceedsSol, 4), `${figure(t.buyCount, 0)} / ${figure(t.sellCount, 0)}`]);
    }
    lines.push('', `Tokens (${tokens.length === all ? plural(all, 'token') : `${tokens.length} of ${all}`}, largest realized PnL first; SOL)`, table.toString());
  }

  const behavior = rec(view.behavior);
  const profile = new Table({ style: plain });
  for (const [k, label, digits] of BEHAVIOR) profile.push([label, figure(behavior[k], digits)]);
  lines.push('', 'Behavior', profile.toString());

  const coverage = rec(view.coverage);
  const when = (v: unknown) => (num(v) !== null && (v as number) > 0 ? utc(v as number) : '–');
  const covered = new Table({ style: plain });
  covered.push(['Trade legs', figure(coverage.legs, 0)], ['First trade', when(coverage.firstLegAt)], ['Last trade', when(coverage.lastLegAt)], ['Rejected transactions', figure(coverage.rejectedTransactions, 0)]);
  lines.push('', 'Coverage', covered.toString());
  return lines.join('\n');
}

/** The symbols of the tokens `renderWallet` lists, from the token registry (GET /v1/tokens/{mint}); a mint it does not know is left out. */
export async function symbolsOf(api: ApiClient, mints: string[]): Promise<Map<string, string>> {
  // a few at a time: `--top 500` is no burst against the API's rate limit
  const limit = pLimit(4);
  const found = await Promise.all(mints.map((mint) => limit(async () => [mint, (await api.getToken(mint).catch(() => null))?.symbol ?? null] as const)));
  return new Map(found.filter((e): e is readonly [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}
