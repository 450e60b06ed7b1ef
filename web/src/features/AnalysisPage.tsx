// /lab/analyses/<id>: a stored or running analysis. Loads the view, follows the event stream while
// anything is still to come (progress, completion, then token enrichment), and shows the result in
// three tiers: summary, pairs (with a pair's detail), and the group (heatmap, graph, wallet panel).
// A result that lists only its strongest pairs (result.pairsComplete false) has its pairs read from
// the API page by page: the list, the wallet panel's pairs and the pairs CSV.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../api/client';
import { useApiKey } from '../api/api-key';
import { followAnalysis, type StreamRefused } from '../api/events';
import type { AnalysisProgress, AnalysisView, Pair, TokenInfo } from '../api/types';
import { TokensProvider } from '../components/tokens';
import { ErrorNote, Skeleton } from '../components/ui';
import { resultView } from '../lib/result';
import { noticeAfterEvent, viewAfterEvent, viewIsFinal, withNewerTokens } from '../lib/stream-view';
import { ProgressPanel } from './progress/ProgressPanel';
import { SummaryCard } from './summary/SummaryCard';
import { HoldersCard } from './summary/HoldersCard';
import { PairList } from './pairs/PairList';
import { PagedPairList } from './pairs/PagedPairList';
import { PairDetail } from './pairs/PairDetail';
import { GroupViews } from './group/GroupViews';
import { WalletPanel } from './wallet/WalletPanel';
import { ExportButtons } from './summary/ExportButtons';
import { ChangesCard } from './summary/ChangesCard';
import { WatchCard } from './watches/WatchCard';

export function AnalysisPage() {
  const { id = '' } = useParams();
  const { version } = useApiKey();
  const [view, setView] = useState<AnalysisView | null>(null);
  const [progress, setProgress] = useState<AnalysisProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** the last read of the analysis failed: Retry reads it again while the view shown may still change */
  const [readFailed, setReadFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<Pair | null>(null);
  const [walletForPanel, setWalletForPanel] = useState<string | null>(null);
  const [followed, setFollowed] = useState(false);
  /** what the stream says about the service itself (Temporal not answering), until it answers again */
  const [notice, setNotice] = useState<string | null>(null);
  /** the view shown (events are judged against it) */
  const viewRef = useRef<AnalysisView | null>(null);
  /** token records the event stream brought (newer than those of a view read before they came) */
  const eventTokens = useRef<Record<string, TokenInfo>>({});
  /**
   * The analysis the page shows now, and the reads of it under way. The router keeps this page when
   * only the id changes (Back from one analysis to another), so a read of the one before is aborted,
   * and an answer it still gives is dropped rather than shown under the other's URL.
   */
  const reading = useRef<{ id: string; controller: AbortController } | null>(null);
  const show = useCallback((v: AnalysisView | null) => {
    viewRef.current = v;
    setView(v);
  }, []);

  const load = useCallback(async () => {
    const now = reading.current;
    if (now?.id !== id) return; // a caller still holding the analysis before (a Proceed answered late)
    const { signal } = now.controller;
    try {
      const v = await api.analysis(id, signal);
      if (signal.aborted) return;
      show(withNewerTokens(v, eventTokens.current));
      if (v.status === 'running') setFollowed(true);
      if (v.progress) setProgress(v.progress);
      setError(null);
      setReadFailed(false);
    } catch (e) {
      if (signal.aborted) return;
      setError(e instanceof Error ? e.message : String(e));
      setReadFailed(true);
    }
  }, [id, show]);

  useEffect(() => {
    const controller = new AbortController();
    reading.current = { id, controller };
    // nothing of the analysis (or key) before carries over
    show(null);
    eventTokens.current = {};
    setProgress(null);
    setSelected(null);
    setWalletForPanel(null);
    setFollowed(false);
    setNotice(null);
    setError(null);
    setReadFailed(false);
    setBusy(false);
    void load();
    return () => controller.abort();
  }, [id, load, show, version]);

  // follow the stream while the analysis runs, its tokens are still being enriched, or another
  // analysis's enrichment run is fetching some of them (they show once that run stores them: the
  // `tokens` event carries their records, so labels change in place and the result is not read or
  // drawn again; lib/stream-view.ts decides what each event changes)
  const enrichment = view?.enrichment?.status;
  const enriched = enrichment === 'completed' || enrichment === 'failed';
  const fetchingElsewhere = enriched ? (view?.enrichment?.fetchingElsewhere ?? 0) : 0;
  const waiting = view !== null && !viewIsFinal(view);
  useEffect(() => {
    if (!waiting) return;
    return followAnalysis(id, (e) => {
      setNotice((now) => noticeAfterEvent(now, e));
      // the stream was refused (the analysis is gone, the key no longer reaches it): it is not asked again
      if (e.event === 'refused') setError((e.data as StreamRefused).detail);
      if (e.event === 'progress') setProgress(e.data as AnalysisProgress);
      if (e.event === 'tokens') eventTokens.current = { ...eventTokens.current, ...((e.data as { tokens?: Record<string, TokenInfo> }).tokens ?? {}) };
      const outcome = viewAfterEvent(viewRef.current, e);
      if (outcome === 'reload') void load();
      else if (outcome !== 'keep') show(outcome);
    });
  }, [id, waiting, load, show, version]);

  const result = useMemo(() => resultView(view?.result, view?.wallets ?? []), [view?.result, view?.wallets]);

  const control = async (action: 'proceed' | 'cancel') => {
    // the analysis asked about: an answer that comes once the page shows another is not that one's
    const asked = reading.current;
    setBusy(true);
    try {
      await (action === 'proceed' ? api.proceed(id) : api.cancel(id));
      await load();
    } catch (e) {
      if (reading.current === asked) setError(e instanceof Error ? e.message : String(e));
    } finally {
      if (reading.current === asked) setBusy(false);
    }
  };

  return (
    <TokensProvider tokens={view?.tokens}>
      <div className="analysis">
        <header className="analysis-header">
          <h1>
            Analysis <span className="mono">{id}</span>
          </h1>
          {view ? (
            <span className={`chip chip-${view.status}`} data-testid="analysis-status">
              {view.status}
            </span>
          ) : (
            <Skeleton lines={1} label="Loading analysis" />
          )}
          {view?.status === 'completed' ? (
            <span className="muted" data-testid="enrichment-status">
              Tokens:{' '}
              {fetchingElsewhere > 0
                ? `${fetchingElsewhere} still being fetched by another analysis…`
                : enrichment === 'completed'
                  ? 'enriched'
                  : enrichment === 'failed'
                    ? 'enrichment failed'
                    : 'enriching…'}
            </span>
          ) : null}
        </header>
        {/* the read failed (a 503, the network) with nothing shown yet, or with a view that is not final:
            the reload after the stream's last event failed, and no event will ask again. Retry reads it */}
        {error ? <ErrorNote message={error} onRetry={readFailed && (view === null || !viewIsFinal(view)) ? () => void load() : undefined} /> : null}
        {notice && view?.status === 'running' ? (
          <p className="notice" role="status" data-testid="stream-notice">
            {notice}
          </p>
        ) : null}
        {view?.error ? (
          <p className="error" role="alert">
            {view.error}
          </p>
        ) : null}
        {view?.holders ? <HoldersCard holders={view.holders} status={view.status} /> : null}
        {view ? <ProgressPanel wallets={view.wallets} progress={progress} status={view.status} running={view.status === 'running'} followed={followed} onProceed={() => void control('proceed')} onCancel={() => void control('cancel')} busy={busy} /> : null}
        {view?.result ? (
          <div className="grid">
            <div className="col-8">
              {result.pairsComplete ? (
                <PairList pairs={result.pairs} onOpen={setSelected} selected={selected} />
              ) : (
                <PagedPairList analysisId={id} wallets={result.wallets} pairCount={result.pairCount} onOpen={setSelected} selected={selected} />
              )}
              {selected ? <PairDetail pair={selected} onClose={() => setSelected(null)} onWallet={setWalletForPanel} /> : null}
              <GroupViews view={result} onWallet={setWalletForPanel} />
            </div>
            <div className="col-4">
              <SummaryCard view={result} failed={view.failedWallets ?? []} />
              <ExportButtons analysis={view} result={result} />
              {view.status === 'completed' ? <ChangesCard analysis={view} /> : null}
              {view.status === 'completed' ? <WatchCard analysis={view} /> : null}
              <WalletPanel wallets={result.wallets} wallet={walletForPanel} onWallet={setWalletForPanel} pagedPairs={result.pairsComplete ? undefined : { analysisId: id, onOpen: setSelected }} />
            </div>
          </div>
        ) : !view || view.status === 'running' ? (
          <div className="grid" aria-busy="true">
            <div className="col-8">
              <Skeleton lines={8} label="Loading pairs" />
            </div>
            <div className="col-4">
              <Skeleton lines={5} label="Loading summary" />
            </div>
          </div>
        ) : null}
      </div>
    </TokensProvider>
  );
}
