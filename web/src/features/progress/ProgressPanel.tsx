// Live per-wallet progress from the event stream: sync state, pages and transactions, balances.
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
          return (
            <tr key={w} data-testid="progress-row" data-wallet={w} data-sync={p?.sync ?? 'pending'}>
              <td className="mono" title={w}>
                {shortAddress(w, 6)}
              </td>
              <td>{p?.status ?? '…'}</td>
              <td>
                <span className={`chip chip-${p?.sync ?? 'pending'}`}>{p?.sync ?? (running ? 'pending' : 'n/a')}</span>
                {p?.error ? <span className="error-text"> {p.error}</span> : null}
              </td>
              <td>{p?.pages ?? 0}</td>
              <td>{p?.transactions ?? 0}</td>
              <td>{p?.balances ?? (running ? 'pending' : 'n/a')}</td>
            </tr>
          );
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
