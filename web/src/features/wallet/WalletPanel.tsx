// The wallet panel: one wallet's stored PnL (per token and totals), behavior profile and coverage
// (GET /v1/wallets/{address}; figures of an older engine asked for again while they are computed
// again), and its analyses, newest first (GET /v1/analyses?wallet=). When the
// result lists only its strongest pairs, also the wallet's own pairs, read from the API (WalletPairs).
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client';
import type { Pair, WalletAnalytics } from '../../api/types';
import { WalletPairs } from './WalletPairs';
import { History } from './History';
import { TokenLabel } from '../../components/tokens';
import { ExplorerLink, Section, Skeleton, WalletBadge, formatNumber } from '../../components/ui';
import { shortAddress } from '../../lib/addresses';
import { finite } from '../../lib/scores';

interface TokenPnlRow {
  mint?: string;
  realizedPnlSol?: number;
  unrealizedPnlSol?: number | null;
  costSol?: number;
  proceedsSol?: number;
  buyCount?: number;
  sellCount?: number;
}

const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The PnL totals shown: field, label and fraction digits (fees are often a few thousandths of a SOL); the CLI's `wallet` command (src/cli/wallet.ts) lists the same. */
const TOTALS: Array<[string, string, number]> = [
  ['realizedPnlSol', 'Realized PnL (SOL)', 4],
  ['unrealizedPnlSol', 'Unrealized PnL (SOL)', 4],
  ['volumeSol', 'Volume (SOL)', 4],
  ['feesSol', 'Fees (SOL)', 6],
  ['failedTransactions', 'Failed transactions', 0],
  ['failedFeesSol', 'Fees of failed transactions (SOL)', 6],
  ['realizedPnlAfterFeesSol', 'Realized PnL after all fees (SOL)', 4],
  ['winRate', 'Win rate', 0],
  ['tokens', 'Tokens', 0],
];
/** Totals that analytics computed before engine 2.19.0 do not have (their after-fees figure left failed transactions out): not shown for them. */
const FAILED_TOTALS = ['failedTransactions', 'failedFeesSol', 'realizedPnlAfterFeesSol'];
const BEHAVIOR: Array<[string, string]> = [
  ['tradeCount', 'Trades'],
  ['uniqueTokens', 'Unique tokens'],
  ['buySellRatio', 'Buy/sell ratio'],
  ['medianHoldTimeHours', 'Median hold (h)'],
  ['flipperScore', 'Flipper score'],
  ['tradesPerDay', 'Trades per day'],
  ['activeSpanDays', 'Active span (days)'],
];

/** The stored coverage fields shown, with their labels (unknown fields are not shown raw). */
const COVERAGE: ReadonlyArray<readonly [string, string, 'count' | 'time']> = [
  ['legs', 'Trade legs', 'count'],
  ['firstLegAt', 'First trade', 'time'],
  ['lastLegAt', 'Last trade', 'time'],
  ['rejectedTransactions', 'Rejected transactions', 'count'],
];

/** A unix time in seconds as a UTC date and time; "n/a" for anything else. */
export function formatUnixTime(value: unknown): string {
  const n = finite(value);
  if (n === null || n <= 0) return 'n/a';
  return `${new Date(n * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How often figures being computed again are asked for again (each ask waits up to 5 s in the API), and after how long. */
export const RECOMPUTE_ASKS = 6;
export const RECOMPUTE_ASK_AFTER_MS = 1_000;

export function WalletPanel({
  wallets,
  wallet,
  onWallet,
  pagedPairs,
}: {
  wallets: string[];
  wallet: string | null;
  onWallet: (w: string) => void;
  /** the result lists only its strongest pairs: list this wallet's from the API */
  pagedPairs?: { analysisId: string; onOpen: (p: Pair) => void };
}) {
  const current = wallet ?? wallets[0] ?? null;
  const [data, setData] = useState<WalletAnalytics | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  /** figures still being computed again after the last ask */
  const [askedOut, setAskedOut] = useState(false);

  useEffect(() => {
    if (!current) return;
    let stale = false;
    let again: ReturnType<typeof setTimeout> | undefined;
    setLoading(true);
    setData(null);
    setError(null);
    setAskedOut(false);
    const load = (asked: number): Promise<void> =>
      api
        .wallet(current)
        .then((d) => {
          if (stale) return;
          setData(d);
          // figures of an older engine being computed again: asked for again until they are in
          // (left to a sync under way: its end may be minutes away, and nothing is asked again)
          if (d.recomputing?.started && !d.recomputing.afterSync && asked < RECOMPUTE_ASKS) again = setTimeout(() => void load(asked + 1), RECOMPUTE_ASK_AFTER_MS);
          else if (d.recomputing?.started) setAskedOut(true);
        })
        // (a later ask that fails leaves the figures shown)
        .catch((e: unknown) => {
          if (stale) return;
          if (asked === 0) setError(e instanceof Error ? e.message : String(e));
          else setAskedOut(true);
        })
        .finally(() => !stale && setLoading(false));
    void load(0);
    return () => {
      stale = true;
      clearTimeout(again);
    };
  }, [current]);

  const pnl = rec(data?.pnl);
  const totals = rec(pnl.totals);
  const behavior = rec(data?.behavior);
  const coverage = rec(data?.coverage);
  const tokens = useMemo(
    () =>
      (Array.isArray(pnl.tokens) ? (pnl.tokens as TokenPnlRow[]) : [])
        .filter((t) => typeof t.mint === 'string')
        .sort((a, b) => Math.abs(finite(b.realizedPnlSol) ?? 0) - Math.abs(finite(a.realizedPnlSol) ?? 0))
        .slice(0, 15),
    [pnl.tokens],
  );

  return (
    <Section title="Wallet" testId="wallet-panel">
      <label htmlFor="panel-wallet">Wallet shown</label>
      <select id="panel-wallet" className="mono" value={current ?? ''} onChange={(e) => onWallet(e.target.value)}>
        {wallets.map((w) => (
          <option key={w} value={w}>
            {shortAddress(w, 6)}
          </option>
        ))}
      </select>
      {current ? (
        <p className="pair-wallet">
          <WalletBadge address={current} /> <ExplorerLink kind="account" value={current} />
        </p>
      ) : null}
      {current && pagedPairs ? (
        <>
          <h3>Pairs of this wallet</h3>
          <WalletPairs key={current} analysisId={pagedPairs.analysisId} wallet={current} onOpen={pagedPairs.onOpen} />
        </>
      ) : null}
      {loading ? <Skeleton lines={4} label="Loading wallet" /> : null}
      {error ? <p className="muted">{error}</p> : null}
      {data?.recomputing ? (
        <p className="muted" role="status" data-testid="wallet-recomputing">
          {`Computed by engine ${data.engineVersion ?? 'unknown'}, before this service's ${data.recomputing.engineVersion}: `}
          {!data.recomputing.started
            ? 'they could not be computed again now; open the wallet again to retry.'
            : data.recomputing.afterSync
              ? 'a sync of the wallet is under way, and its end computes them; open the wallet again once it is done.'
              : askedOut
                ? 'still being computed again from the stored history; open the wallet again to see them.'
                : 'being computed again from the stored history; shown here once done.'}
        </p>
      ) : null}
      {data ? (
        <>
          <h3>PnL totals</h3>
          <dl className="stats small-stats">
            {TOTALS.filter(([k]) => !FAILED_TOTALS.includes(k) || 'failedFeesSol' in totals).map(([k, l, digits]) => (
              <div key={k} data-total={k}>
                <dt>{l}</dt>
                <dd>{k === 'winRate' && finite(totals[k]) !== null ? `${Math.round(Math.min(1, Math.max(0, totals[k] as number)) * 100)} %` : formatNumber(totals[k], digits)}</dd>
              </div>
            ))}
          </dl>
          <h3>PnL per token</h3>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="PnL per token">
            <table className="table frozen-first">
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Realized</th>
                  <th scope="col">Unrealized</th>
                  <th scope="col">Buys / sells</th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.mint}>
                    <th scope="row">
                      <TokenLabel mint={t.mint as string} />
                    </th>
                    <td>{formatNumber(t.realizedPnlSol, 4)}</td>
                    <td>{formatNumber(t.unrealizedPnlSol, 4)}</td>
                    <td>
                      {t.buyCount ?? 0} / {t.sellCount ?? 0}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>Behavior</h3>
          <dl className="stats small-stats">
            {BEHAVIOR.map(([k, l]) => (
              <div key={k}>
                <dt>{l}</dt>
                <dd>{formatNumber(behavior[k], 2)}</dd>
              </div>
            ))}
          </dl>
          <h3>Coverage</h3>
          <dl className="stats small-stats">
            {COVERAGE.map(([k, label, kind]) => (
              <div key={k}>
                <dt>{label}</dt>
                <dd>{kind === 'time' ? formatUnixTime(coverage[k]) : formatNumber(coverage[k], 0)}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      <h3>Analyses of this wallet</h3>
      {current ? <History wallet={current} /> : null}
    </Section>
  );
}
