// Start: paste or upload wallets, see invalid and duplicate entries and each wallet's stored status
// (READY / STALE / MISSING / SYNCING), then Analyze, sync the stale ones, or analyse the stored data;
// or name a token and analyse its top holders (the workflow resolves them: docs/analytics.md §7).
import { useEffect, useMemo, useState, type ChangeEvent } from 'react';
import { useNavigate } from 'react-router';
import { Database, Play, RefreshCw, Upload } from 'lucide-react';
import { api, ApiError } from '../../api/client';
import { useApiKey } from '../../api/api-key';
import type { SyncMode, WalletStatus } from '../../api/types';
import { parseWalletCsv, parseWalletText } from '../../lib/parse';
import { isSolanaAddress, shortAddress } from '../../lib/addresses';
import { Skeleton } from '../../components/ui';
import { History } from '../wallet/History';

const WINDOWS: Array<{ value: string; label: string }> = [
  { value: '', label: 'Full history' },
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
  { value: '180', label: 'Last 180 days' },
  { value: '365', label: 'Last 365 days' },
];

/** a token request's top holders: the API's default (100) and bounds (2 to MAX_WALLETS_PER_ANALYSIS, at most 1,000) */
const DEFAULT_TOP = 100;
const MAX_TOP = 1000;
/** wallets per POST /v1/wallets/status, whose limit is MAX_WALLETS_PER_ANALYSIS too: a longer list is asked in parts */
const STATUS_BATCH = 1000;

type Mode = 'wallets' | 'token';

export function StartPage() {
  const navigate = useNavigate();
  const { version } = useApiKey();
  const [mode, setMode] = useState<Mode>('wallets');
  const [mint, setMint] = useState('');
  const [top, setTop] = useState(String(DEFAULT_TOP));
  const [text, setText] = useState('');
  const [csvNote, setCsvNote] = useState<string | null>(null);
  const [windowDays, setWindowDays] = useState('');
  const [sync, setSync] = useState<SyncMode>('auto');
  const [statuses, setStatuses] = useState<WalletStatus[] | null>(null);
  const [statusLoading, setStatusLoading] = useState(false);
  const [statusTick, setStatusTick] = useState(0);
  /** the last status read failed (kept apart from `error`: the next read that succeeds clears it) */
  const [statusError, setStatusError] = useState<string | null>(null);
  /** status reads that ended, failed ones too: while a wallet syncs, each one schedules the next */
  const [statusReads, setStatusReads] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const parsed = useMemo(() => parseWalletText(mode === 'wallets' ? text : ''), [text, mode]);
  const mintProblem = mint.trim() === '' ? null : isSolanaAddress(mint.trim()) ? null : 'not a Solana address (base58, 32 bytes)';
  const topNumber = Number(top);
  const topProblem = Number.isInteger(topNumber) && topNumber >= 2 && topNumber <= MAX_TOP ? null : `a whole number from 2 to ${MAX_TOP.toLocaleString('en-US')}`;
  const tokenReady = mint.trim() !== '' && mintProblem === null && topProblem === null;
  const issues = parsed.entries.filter((e) => e.issue !== null);
  const walletsKey = parsed.wallets.join(',');

  // each wallet's stored status, shortly after the list settles (and every few seconds while syncing)
  useEffect(() => {
    if (parsed.wallets.length === 0) {
      setStatuses(null);
      setStatusError(null);
      setStatusLoading(false);
      return;
    }
    let stale = false;
    const t = setTimeout(() => {
      setStatusLoading(true);
      const batches: string[][] = [];
      for (let i = 0; i < parsed.wallets.length; i += STATUS_BATCH) batches.push(parsed.wallets.slice(i, i + STATUS_BATCH));
      Promise.all(batches.map((wallets) => api.walletStatuses(wallets)))
        .then((answers) => {
          if (stale) return;
          setStatuses(answers.flatMap((r) => r.wallets ?? []));
          setStatusError(null);
        })
        .catch((e: unknown) => !stale && setStatusError(e instanceof Error ? e.message : String(e)))
        .finally(() => {
          if (stale) return;
          setStatusLoading(false);
          setStatusReads((n) => n + 1);
        });
    }, 400);
    return () => {
      stale = true;
      clearTimeout(t);
    };
    // walletsKey stands for parsed.wallets
  }, [walletsKey, statusTick, version]);

  const syncing = statuses?.some((s) => s.status === 'SYNCING') ?? false;
  // the next read 3 s after each one ends, whether it succeeded or failed (the statuses then stay as they were)
  useEffect(() => {
    if (!syncing) return;
    const t = setTimeout(() => setStatusTick((n) => n + 1), 3000);
    return () => clearTimeout(t);
  }, [syncing, statusReads]);

  const notReady = statuses?.filter((s) => s.status !== 'READY') ?? [];
  const staleOnes = statuses?.filter((s) => s.status === 'STALE' || s.status === 'MISSING').map((s) => s.wallet as string) ?? [];

  const start = async (syncMode: SyncMode) => {
    setBusy(true);
    setError(null);
    try {
      const common = { sync: syncMode, window: windowDays ? Number(windowDays) : null };
      const started = await api.startAnalysis(mode === 'token' ? { token: mint.trim(), top: topNumber, ...common } : { wallets: parsed.wallets, ...common });
      void navigate(`/analyses/${started.analysisId}`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const syncStale = async () => {
    setError(null);
    try {
      await api.syncWallets(staleOnes);
      setStatusTick((n) => n + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  /** what one mode said (a CSV's note, an error) is not carried into the other */
  const switchMode = (next: Mode) => {
    setMode(next);
    setCsvNote(null);
    setError(null);
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    const csv = parseWalletCsv(await file.text());
    if (csv.column === null) {
      setCsvNote(`${file.name}: no column holds a Solana address`);
      return;
    }
    setCsvNote(`${file.name}: read column ${csv.header ? `“${csv.header}”` : csv.column + 1}, ${csv.entries.length} rows`);
    setText(csv.entries.map((x) => x.value).join('\n'));
  };

  return (
    <div className="start">
      <h1 className="visually-hidden">New analysis</h1>
      <form
        className="toolbar"
        aria-label="New analysis"
        onSubmit={(e) => {
          e.preventDefault();
          void start(sync);
        }}
      >
        <fieldset className="mode-switch">
          <legend className="visually-hidden">What to analyse</legend>
          <label>
            <input type="radio" name="mode" value="wallets" checked={mode === 'wallets'} onChange={() => switchMode('wallets')} /> Wallet list
          </label>
          <label>
            <input type="radio" name="mode" value="token" checked={mode === 'token'} onChange={() => switchMode('token')} /> Token holders
          </label>
        </fieldset>
        {mode === 'wallets' ? (
          <div className="toolbar-input">
            <label htmlFor="wallets">Wallets</label>
            <textarea id="wallets" data-testid="wallet-input" rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder="One address per line, or comma-separated" spellCheck={false} className="mono" />
          </div>
        ) : (
          <div className="toolbar-input token-input">
            <label htmlFor="token-mint">Token mint</label>
            <input id="token-mint" data-testid="token-input" value={mint} onChange={(e) => setMint(e.target.value)} placeholder="The token's mint address" spellCheck={false} className="mono" aria-invalid={mintProblem !== null} aria-describedby={mintProblem ? 'token-mint-problem' : undefined} />
            {mintProblem ? (
              <p id="token-mint-problem" className="error" data-testid="input-issue">
                {mintProblem}
              </p>
            ) : null}
            <label htmlFor="token-top">Top holders</label>
            <input id="token-top" type="number" min={2} max={MAX_TOP} step={1} value={top} onChange={(e) => setTop(e.target.value)} aria-invalid={topProblem !== null} aria-describedby={topProblem ? 'token-top-problem' : undefined} />
            {topProblem ? (
              <p id="token-top-problem" className="error" data-testid="input-issue">
                {topProblem}
              </p>
            ) : null}
            <p className="note">The largest holders that are ordinary wallets: pool vaults and other program-owned accounts, burn addresses and listed exchanges are left out, and the analysis says which.</p>
          </div>
        )}
        <div className="toolbar-controls">
          {mode === 'wallets' ? (
            <label className="file-button">
              <Upload size={16} aria-hidden="true" /> Upload CSV
              <input type="file" accept=".csv,text/csv,text/plain" data-testid="csv-upload" onChange={(e) => void onFile(e)} className="visually-hidden" />
            </label>
          ) : null}
          <label htmlFor="window">Window</label>
          <select id="window" value={windowDays} onChange={(e) => setWindowDays(e.target.value)}>
            {WINDOWS.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
              ))}
          </select>
          <label htmlFor="sync-mode">Sync mode</label>
          <select id="sync-mode" value={sync} onChange={(e) => setSync(e.target.value as SyncMode)}>
            <option value="auto">auto: sync wallets that are not ready</option>
            <option value="force">force: sync every wallet</option>
            <option value="skip">skip: stored data only</option>
          </select>
          <button type="submit" className="primary" disabled={busy || (mode === 'wallets' ? parsed.wallets.length < 2 : !tokenReady)}>
            <Play size={16} aria-hidden="true" /> Analyze
          </button>
          <span className="toolbar-status" aria-live="polite">
            {mode === 'token' ? (tokenReady ? `the top ${topNumber} holders of ${shortAddress(mint.trim())}` : '') : `${parsed.wallets.length} valid ${parsed.wallets.length === 1 ? 'wallet' : 'wallets'}`}
            {statuses ? ` · ${statuses.filter((s) => s.status === 'READY').length} ready` : ''}
            {syncing ? ' · syncing…' : ''}
          </span>
        </div>
      </form>
      {csvNote ? <p className="note">{csvNote}</p> : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {statusError ? (
        <p className="error" role="alert">
          {statusError}
        </p>
      ) : null}
      {issues.length > 0 ? (
        <ul className="issues" aria-label="Input problems">
          {issues.map((e, i) => (
            <li key={i} data-testid="input-issue" className={`issue issue-${e.issue}`}>
              Line {e.line}: <span className="mono">{e.value.length > 50 ? `${e.value.slice(0, 50)}…` : e.value}</span> is {e.issue === 'invalid' ? 'invalid (not a base58 32-byte address)' : 'a duplicate of an earlier entry'}
            </li>
          ))}
        </ul>
      ) : null}
      {statuses === null && statusLoading ? <Skeleton lines={3} label="Loading wallet status" /> : null}
      {statuses && statuses.length > 0 ? (
        <section className="card" aria-labelledby="status-title">
          <header className="card-header">
            <h2 id="status-title">Stored data</h2>
            <div className="actions">
              {staleOnes.length > 0 ? (
                <button type="button" onClick={() => void syncStale()}>
                  <RefreshCw size={16} aria-hidden="true" /> Sync stale wallets
                </button>
              ) : null}
              {notReady.length > 0 && parsed.wallets.length >= 2 ? (
                <button type="button" onClick={() => void start('skip')} disabled={busy}>
                  <Database size={16} aria-hidden="true" /> Analyze with stored data
                </button>
              ) : null}
            </div>
          </header>
          <ul className="status-list" data-testid="wallet-status">
            {statuses.map((s) => (
              <li key={s.wallet} data-testid="wallet-status-row" data-status={s.status} data-wallet={s.wallet}>
                <span className="mono" title={s.wallet}>
                  {shortAddress(s.wallet ?? '', 6)}
                </span>
                <span className={`chip chip-${(s.status ?? '').toLowerCase()}`}>{s.status}</span>
                <span className="muted">
                  {s.status === 'SYNCING' && s.sync ? `${s.sync.pages ?? 0} pages, ${s.sync.transactions ?? 0} transactions` : s.lastSyncedAt ? `synced ${new Date(s.lastSyncedAt).toLocaleString()}` : 'never synced'}
                  {s.lastSyncError ? ` · last error: ${s.lastSyncError}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {parsed.wallets.length === 1 ? (
        <section className="card" aria-labelledby="history-title">
          <h2 id="history-title">Analyses of this wallet</h2>
          <History wallet={parsed.wallets[0]} />
        </section>
      ) : null}
    </div>
  );
}
