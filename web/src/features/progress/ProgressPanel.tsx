// Live per-wallet progress from the event stream: sync state, pages and transactions, balances.
import { memo } from 'react';
import { CircleStop, FastForward } from 'lucide-react';
import type { AnalysisProgress } from '../../api/types';
import { shortAddress } from '../../lib/addresses';
import { Section } from '../../components/ui';

export function ProgressPanel({ wallets, progress, status, running, followed, onProceed, onCancel, busy }: { wallets: string[]; progress: AnalysisProgress | null; status: string; running: boolean; /** this page watched it run: keep the table open */ followed: boolean; onProceed: () => void; onCancel: () => void; busy: boolean }) {
  // once the analysis ended, the last progress seen may be older than the end: the status says the phase
  const percent = !running && status === 'completed' ? 100 : typeof progress?.percent === 'number' ? Math.min(100, Math.max(0, progress.percent)) : 0;
  const phase = running ? (progress?.phase ?? 'starting') : status;
  const table = (
    <table className="table progress-table">
      <thead>
        <tr>
          <th scope="col">Wallet</th>
          <th scope="col" title="the wallet's stored history when the analysis started">Stored at start</th>
          <th scope="col">Sync</th>
          <th scope="col">Pages</th>
          <th scope="col">Transactions</th>
          <th scope="col">Balances</th>
        </tr>
      </thead>
      <tbody>
        {wallets.map((w) => {
          const p = progress?.wallets?.[w];
          return <WalletRow key={w} wallet={w} status={p?.status} sync={p?.sync} error={p?.error} pages={p?.pages} transactions={p?.transactions} balances={p?.balances} running={running} />;
        })}
      </tbody>
    </table>
  );
  return (
    <Section
      title="Progress"
      testId="progress"
      actions={
        running ? (
          <div className="actions">
            <button type="button" onClick={onProceed} disabled={busy || progress?.proceedRequested === true}>
              <FastForward size={16} aria-hidden="true" /> Proceed with available data
            </button>
            <button type="button" className="danger" onClick={onCancel} disabled={busy}>
              <CircleStop size={16} aria-hidden="true" /> Cancel analysis
            </button>
          </div>
        ) : null
      }
    >
      <p className="muted">
        Phase: <strong>{phase}</strong> · {Math.round(percent)} %{progress?.proceedRequested ? ' · proceeding with the data available' : ''}
      </p>
      <progress max={100} value={percent} aria-label="Analysis progress" />
      {running ? (
        table
      ) : (
        <details open={followed}>
          <summary>Per-wallet progress</summary>
          {table}
        </details>
      )}
    </Section>
  );
}

/**
 * One wallet's row, from its fields only: a progress event (every 500 ms, a new object for every
 * wallet) re-renders the rows whose wallet moved, not all 1,000 of a token's holders.
 */
const WalletRow = memo(function WalletRow({ wallet, status, sync, error, pages, transactions, balances, running }: { wallet: string; status?: string | null; sync?: string | null; error?: string | null; pages?: number | null; transactions?: number | null; balances?: string | null; running: boolean }) {
  return (
    <tr data-testid="progress-row" data-wallet={wallet} data-sync={sync ?? 'pending'}>
      <td className="mono" title={wallet}>
        {shortAddress(wallet, 6)}
      </td>
      <td>{status ?? '…'}</td>
      <td>
        <span className={`chip chip-${sync ?? 'pending'}`}>{sync ?? (running ? 'pending' : 'n/a')}</span>
        {error ? <span className="error-text"> {error}</span> : null}
      </td>
      <td>{pages ?? 0}</td>
      <td>{transactions ?? 0}</td>
      <td>{balances ?? (running ? 'pending' : 'n/a')}</td>
    </tr>
  );
});
