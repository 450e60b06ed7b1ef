// `wallet <address>`: one wallet's stored PnL (totals and its largest tokens), behavior profile and
// coverage, as the Lab's wallet panel shows them (GET /v1/wallets/{address}). With `--sync auto`
// (the default) a wallet without stored history, or with a stale one, is synced first and its sync
// followed to the end; figures an older engine computed are asked for again while the service
// computes them again. Used by the CLI.
import Table from 'cli-table3';
import pLimit from 'p-limit';
import type { SyncMode } from '../api/schemas/analyses';
import type { WalletAnalyticsView } from '../api/schemas/wallets';
import { ActionableError } from '../errors';
import { ApiError, type ApiClient } from './api-client';
import { plural, printable, shortAddress, utc } from './evidence';
import { POLL_OUTAGE_MS, backoffMs, transientFailure } from './follow';

export interface WalletFetchOptions {
  sync: SyncMode;
  /** progress lines (stderr) */
  log: (line: string) => void;
  /** waits between polls (tests pass one that does not wait) */
  sleep?: (ms: number) => Promise<void>;
}

/** How often figures being computed again are asked for again (each ask waits up to 5 s in the API), and how long apart. */
export const RECOMPUTE_ASKS = 6;
const POLL_MS = 1_000;

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The wallet's stored analytics, synced first as `sync` says: `auto` syncs a MISSING or STALE
 * wallet, `force` any, `skip` none; a sync under way (this one, or another's) is followed to its end.
 * A sync that fails and leaves nothing stored is an error that says why.
 */
export async function fetchWallet(api: ApiClient, address: string, o: WalletFetchOptions): Promise<WalletAnalyticsView> {
  const sleep = o.sleep ?? pause;
  const poll = polling(sleep);
  let [status] = await api.walletStatuses([address]);
  const syncing = o.sync === 'force' || (o.sync === 'auto' && (status.status === 'MISSING' || status.status === 'STALE'));
  if (syncing) {
    await api.syncWallets([address]);
    o.log(`syncing ${shortAddress(address)} (${status.status === 'MISSING' ? 'no stored history' : status.status === 'STALE' ? 'its history is stale' : 'asked for'})`);
  }
  if (syncing || (o.sync !== 'skip' && status.status === 'SYNCING')) {
    let said = '';
    for (;;) {
      [status] = await poll(() => api.walletStatuses([address]));
      if (status.status !== 'SYNCING') break;
      const line = `syncing ${shortAddress(address)}: ${plural(status.sync?.pages ?? 0, 'page')}, ${plural(status.sync?.transactions ?? 0, 'transaction')}`;
      if (line !== said) o.log(line);
      said = line;
      await sleep(POLL_MS);
    }
    if (status.lastSyncError) {
      if (status.status === 'MISSING') throw new ActionableError(`the sync of ${address} failed: ${printable(status.lastSyncError)}`);
      o.log(`the sync of ${shortAddress(address)} failed (${printable(status.lastSyncError)}): the figures stored before it follow`);
    }
  }
  let view: WalletAnalyticsView;
  try {
    view = await poll(() => api.getWallet(address));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      throw new ActionableError(`no stored analytics for ${address}${o.sync === 'skip' ? ": run 'wallet-similarity wallet' without --sync skip to sync it first" : ''}`);
    }
    throw err;
  }
  for (let asked = 1; view.recomputing?.started && asked <= RECOMPUTE_ASKS; asked++) {
    if (asked === 1) o.log(`figures of engine ${view.engineVersion} being computed again with ${view.recomputing.engineVersion}…`);
    await sleep(POLL_MS);
    view = await poll(() => api.getWallet(address));
  }
  return view;
}

/** Runs a call again through transient failures (no answer, 5xx, 429) for up to POLL_OUTAGE_MS, as following an analysis does. */
function polling(sleep: (ms: number) => Promise<void>) {
  return async <T>(call: () => Promise<T>): Promise<T> => {
    const since = Date.now();
    for (let n = 0; ; n++) {
      try {
        return await call();
      } catch (err) {
        if (!transientFailure(err) || Date.now() - since > POLL_OUTAGE_MS) throw err;
        await sleep(err.retryAfterMs ?? backoffMs(n));
      }
    }
  };
}

const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** A figure to `digits` places with thousands separators; "–" for none. */
const figure = (v: unknown, digits: number): string => {
  const n = num(v);
  return n === null ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};

/** The PnL totals shown: field, label and fraction digits (fees are often a few thousandths of a SOL), as the Lab shows them. */
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
    lines.push(
      view.recomputing.started
        ? `Being computed again with engine ${view.recomputing.engineVersion}: these figures follow the older rules (run the command again shortly)`
        : `Not computed again with engine ${view.recomputing.engineVersion}: ${printable(view.recomputing.detail)}`,
    );
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
      table.push([o.symbols?.get(mint) ? `${printable(o.symbols.get(mint) as string)} ${shortAddress(mint)}` : shortAddress(mint), figure(t.realizedPnlSol, 4), figure(t.unrealizedPnlSol, 4), figure(t.costSol, 4), figure(t.proceedsSol, 4), `${figure(t.buyCount, 0)} / ${figure(t.sellCount, 0)}`]);
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
