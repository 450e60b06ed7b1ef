// A watched group (GET /v1/watches/{id}): what it analyses and how often, its next run, its runs
// newest first with what changed since the run before (the analysis page of a run shows the whole
// comparison) and how its webhook was told of each, a run now, its settings changed (WatchSettings),
// a new signing secret for the webhook, and stopping it. Read again every few seconds while a run is
// under way.
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import type { WatchRun, WatchSummary, WatchView } from '../../api/types';
import { ErrorNote, Section, Skeleton, WalletBadge } from '../../components/ui';
import { NOTIFY_ON, intervalLabel, type WatchCreatedState } from './WatchCard';
import { WatchSettings } from './WatchSettings';

/** How often the page reads the watch again while a run is under way. */
export const WATCH_POLL_MS = 3_000;
/** How long the page waits for a run asked for to show. */
export const WATCH_ASKED_RUN_WAIT_MS = 60_000;

/** What a watch analyses: its wallets, or a token's largest holders. */
export function WatchTarget({ request }: { request: WatchSummary['request'] }) {
  if (typeof request.token === 'string') {
    return (
      <>
        the {String(request.top)} largest holders of <WalletBadge address={request.token} />
      </>
    );
  }
  const wallets = Array.isArray(request.wallets) ? (request.wallets as string[]) : [];
  return (
    <>
      {wallets.length} wallets:{' '}
      {wallets.slice(0, 6).map((w) => (
        <WalletBadge key={w} address={w} />
      ))}
      {wallets.length > 6 ? ' …' : null}
    </>
  );
}

/** Why a run that ended was not compared. */
const UNCOMPARED: Record<string, string> = {
  first: 'the first completed run: nothing to compare with',
  'engines-not-comparable': 'not compared: an engine before 2.0.0 computed one of the two',
  timeout: 'not compared: the comparison took too long (open the analysis to compare it)',
};

/** A run's changes in words. */
export function runChanges(run: WatchRun): string {
  if (run.status !== 'completed' && run.status !== 'running') return run.error ?? run.status;
  if (run.endedAt === null || run.comparison === null) return 'under way';
  const c = run.changes;
  if (!c) return UNCOMPARED[run.comparison] ?? `not compared (${run.comparison})`;
  const parts = [
    c.walletsAdded + c.walletsRemoved > 0 ? `wallets +${c.walletsAdded} −${c.walletsRemoved}` : 'same wallets',
    c.clustersChanged + c.clustersFormed + c.clustersDissolved > 0
      ? `clusters: ${c.clustersChanged} changed, ${c.clustersFormed} formed, ${c.clustersDissolved} dissolved`
      : `clusters unchanged (${c.clustersUnchanged})`,
    c.linksFormed + c.linksBroken > 0 ? `links +${c.linksFormed} −${c.linksBroken}` : 'no link formed or broken',
  ];
  return parts.join('; ');
}

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** How a run's webhook delivery went, in words (empty: none was due). */
export function runDelivery(run: WatchRun): string {
  const n = run.notification;
  if (!n) return '';
  if (n.state === 'delivered') return `delivered ${when(n.deliveredAt)}`;
  if (n.state === 'failed') return `failed${n.attempts > 0 ? ` after ${n.attempts} attempt${n.attempts === 1 ? '' : 's'}` : ''}: ${n.error ?? ''}`;
  return n.error ? `being delivered (${n.attempts} failed so far: ${n.error})` : 'being delivered';
}

export function WatchPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  // the webhook's signing secret, handed over once by the card that made the watch: kept by this
  // page only, and taken out of the browser's history (a reload or Back does not show it again)
  const location = useLocation();
  const [secret, setSecret] = useState(() => (location.state as WatchCreatedState | null)?.secret);
  // after "New signing secret": until when the one it replaced still signs (null: no longer)
  const [previousUntil, setPreviousUntil] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    if (location.state) void navigate(location.pathname, { replace: true, state: null });
  }, [location.state, location.pathname, navigate]);
  const [watch, setWatch] = useState<WatchView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        setWatch(await api.watch(id, signal));
        setError(null);
      } catch (e) {
        if (!signal?.aborted) setError(e instanceof Error ? e.message : String(e));
      }
    },
    [id],
  );
  useEffect(() => {
    const controller = new AbortController();
    setWatch(null);
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  // a run asked for (Run now): the runs there were then, and when; Temporal starts it a moment later
  const [asked, setAsked] = useState<{ runs: number; at: number } | null>(null);
  if (asked && watch && watch.runs.length > asked.runs) setAsked(null);
  // while a run is under way, or one asked for has not shown yet, read again
  const underWay = watch !== null && (watch.schedule?.running === true || watch.runs.some((r) => r.endedAt === null && r.status === 'running'));
  const polling = underWay || asked !== null;
  useEffect(() => {
    if (!polling) return;
    const controller = new AbortController();
    const timer = setInterval(() => {
      // a run asked for that never shows (Temporal skipped it: another had just started) is not awaited for ever
      setAsked((a) => (a && Date.now() - a.at > WATCH_ASKED_RUN_WAIT_MS ? null : a));
      void load(controller.signal);
    }, WATCH_POLL_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [polling, load]);

  const act = async (what: 'run' | 'stop' | 'secret') => {
    setBusy(true);
    setError(null);
    try {
      if (what === 'secret') {
        const rotated = await api.rotateWatchSecret(id);
        setSecret(rotated.notify.secret);
        setPreviousUntil(rotated.previousSecretValidUntil);
      } else if (what === 'run') {
        await api.runWatch(id);
        setAsked({ runs: watch?.runs.length ?? 0, at: Date.now() });
        await load();
      } else {
        await api.stopWatch(id);
        void navigate('/watches');
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (!watch) return error ? <ErrorNote message={error} onRetry={() => void load()} /> : <Skeleton lines={4} label="Loading the watch" />;
  return (
    <div data-testid="watch-page">
      <div className="analysis-header">
        <h1>Watched group</h1>
        <span className="muted" data-testid="watch-interval">
          {intervalLabel(watch.everyMinutes)}
        </span>
        <div className="actions">
          <button type="button" onClick={() => void act('run')} disabled={busy || polling}>
            Run now
          </button>
          {watch.notify ? (
            <button type="button" onClick={() => void act('secret')} disabled={busy} title="The secret it replaces signs each delivery beside the new one for a day">
              New signing secret
            </button>
          ) : null}
          <button type="button" onClick={() => void act('stop')} disabled={busy}>
            Stop watching
          </button>
        </div>
      </div>
      {error ? <ErrorNote message={error} /> : null}
      <p>
        Analyses <WatchTarget request={watch.request} />
      </p>
      <p className="muted" data-testid="watch-schedule">
        {watch.schedule === null
          ? 'The schedule is not known: Temporal did not answer, or it is missing (stop watching and watch the group again).'
          : `${underWay ? 'A run is under way. ' : ''}Next run: ${when(watch.schedule.nextRunAt)}.`}{' '}
        <a href={watch.links.temporalUi} target="_blank" rel="noreferrer">
          The schedule in Temporal
        </a>
      </p>
      {watch.notify ? (
        <p className="muted" data-testid="watch-webhook">
          Webhook: {watch.notify.target}, told of {NOTIFY_ON.find((o) => o.on === watch.notify?.on)?.label ?? watch.notify.on}.
        </p>
      ) : null}
      {secret ? (
        <div className="note" role="status" data-testid="watch-secret">
          <p>
            The webhook&apos;s signing secret, shown here this once: keep it to check each delivery&apos;s <code>x-wallet-similarity-signature</code>.
            {previousUntil === undefined ? null : previousUntil === null ? ' The secret it replaced no longer signs.' : ` The secret it replaced signs beside it until ${when(previousUntil)}.`}
          </p>
          <code>{secret}</code>
        </div>
      ) : null}
      <WatchSettings
        key={`${watch.everyMinutes}/${watch.notify?.target ?? ''}/${watch.notify?.on ?? ''}`}
        watch={watch}
        onChanged={(changed) => {
          setWatch(changed);
          // a new URL's secret: shown once, as after the watch was made
          if (changed.notify?.secret || !changed.notify) {
            // removed: a secret on screen is no longer the watch's
            setSecret(changed.notify?.secret);
            setPreviousUntil(undefined);
          }
        }}
      />
      <Section title="Runs" testId="watch-runs">
        {watch.runs.length === 0 ? (
          <p className="muted">No run yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Status</th>
                  <th scope="col">Since the run before</th>
                  {watch.notify ? <th scope="col">Webhook</th> : null}
                  <th scope="col">Analysis</th>
                </tr>
              </thead>
              <tbody>
                {watch.runs.map((r) => (
                  <tr key={r.analysisId} data-testid="watch-run">
                    <td>{when(r.startedAt)}</td>
                    <td>{r.status}</td>
                    <td>{runChanges(r)}</td>
                    {watch.notify ? <td>{runDelivery(r)}</td> : null}
                    <td>
                      <Link to={`/analyses/${r.analysisId}`}>Open</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </div>
  );
}

export function WatchesPage() {
  const [watches, setWatches] = useState<WatchSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    api.watches().then(
      (list) => setWatches(list.watches),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useEffect(load, [load]);
  return (
    <div data-testid="watches-page">
      <h1>Watched groups</h1>
      {error ? <ErrorNote message={error} onRetry={load} /> : null}
      {watches === null && !error ? <Skeleton lines={3} label="Loading watches" /> : null}
      {watches?.length === 0 ? (
        <p className="muted">
          No watched group yet: open a completed analysis and choose <em>Watch</em>, or <Link to="/">start one</Link>.
        </p>
      ) : null}
      <ul className="plain-list">
        {watches?.map((w) => (
          <li key={w.watchId}>
            <Link to={`/watches/${w.watchId}`}>{intervalLabel(w.everyMinutes)}</Link>: <WatchTarget request={w.request} />
            {w.notify ? <span className="muted"> (webhook: {w.notify.target})</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
