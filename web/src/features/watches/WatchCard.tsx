// Watch the group of a completed analysis (POST /v1/watches): the same request analysed again on a
// schedule, each run compared with the run before; then the watch's page. A key that watches the
// group already is taken to its watch (the API answers 200 with it). With a webhook URL, each run (or
// each that changed something) is POSTed to it; its signing secret is shown once, on the watch's page.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Eye } from 'lucide-react';
import { api } from '../../api/client';
import type { AnalysisView, StartWatchBody } from '../../api/types';
import { ErrorNote, Section } from '../../components/ui';

/** The intervals the Lab offers (the API takes any from WATCH_MIN_EVERY_MINUTES to 30 days). */
export const WATCH_INTERVALS = [
  { minutes: 360, label: 'every 6 hours' },
  { minutes: 720, label: 'every 12 hours' },
  { minutes: 1_440, label: 'every day' },
  { minutes: 10_080, label: 'every week' },
] as const;

/** `everyMinutes` as the Lab says it. */
export function intervalLabel(minutes: number): string {
  if (minutes % 10_080 === 0) return minutes === 10_080 ? 'every week' : `every ${minutes / 10_080} weeks`;
  if (minutes % 1_440 === 0) return minutes === 1_440 ? 'every day' : `every ${minutes / 1_440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'every hour' : `every ${minutes / 60} hours`;
  return `every ${minutes} minutes`;
}

type NotifyOn = NonNullable<StartWatchBody['notify']>['on'];

/** Which runs a webhook may be told of, as the Lab says it. */
export const NOTIFY_ON: ReadonlyArray<{ on: NonNullable<NotifyOn>; label: string }> = [
  { on: 'changes', label: 'runs that changed something' },
  { on: 'every-run', label: 'every run' },
];

/** The analysis's request again (its wallets, or its token and top, and its parameters), every `everyMinutes`, with a webhook when a URL is given. */
export function watchBodyOf(analysis: AnalysisView, everyMinutes: number, notify?: { url: string; on: NotifyOn }): StartWatchBody {
  // a token request's params may hold its token and top: its group is said below
  const params = Object.fromEntries(Object.entries(analysis.params ?? {}).filter(([k]) => k !== 'token' && k !== 'top'));
  const group = analysis.holders ? { token: analysis.holders.token, top: analysis.holders.top } : { wallets: analysis.wallets };
  const url = notify?.url.trim();
  return { ...params, ...group, everyMinutes, ...(url ? { notify: { url, on: notify?.on } } : {}) } as StartWatchBody;
}

/** What the watch's page is handed once: the signing secret of the webhook the card just made (the API gives it in this answer only). */
export interface WatchCreatedState {
  secret?: string;
}

export function WatchCard({ analysis }: { analysis: AnalysisView }) {
  const [every, setEvery] = useState<number>(1_440);
  const [url, setUrl] = useState('');
  const [on, setOn] = useState<NonNullable<NotifyOn>>('changes');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();
  const watch = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await api.createWatch(watchBodyOf(analysis, every, { url, on }));
      const state: WatchCreatedState = created.notify?.secret ? { secret: created.notify.secret } : {};
      void navigate(`/watches/${created.watchId}`, { state });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <Section title="Watch this group" testId="watch-card">
      <p className="muted">Analyse it again on a schedule; each run is compared with the run before, so a cluster that forms or comes apart shows.</p>
      <div className="toolbar-controls">
        <IntervalSelect label="How often to analyse the group again" value={every} onChange={setEvery} />
        <button type="button" onClick={() => void watch()} disabled={busy}>
          <Eye size={16} aria-hidden="true" /> Watch
        </button>
      </div>
      <div className="toolbar-controls">
        <input
          type="url"
          aria-label="Webhook URL (optional): each run is POSTed to it, signed"
          placeholder="Webhook URL (optional), https://…"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <NotifyOnSelect value={on} onChange={setOn} disabled={url.trim() === ''} />
      </div>
      {error ? <ErrorNote message={error} /> : null}
    </Section>
  );
}

/** How often a watch runs: the Lab's intervals, and `kept` besides when it is not one of them (a watch's own, which the API or the CLI set). */
export function IntervalSelect({ label, value, onChange, kept = value }: { label: string; value: number; onChange: (minutes: number) => void; kept?: number }) {
  const intervals = WATCH_INTERVALS.some((i) => i.minutes === kept) ? WATCH_INTERVALS : [...WATCH_INTERVALS, { minutes: kept, label: intervalLabel(kept) }];
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(Number(e.target.value))}>
      {intervals.map((i) => (
        <option key={i.minutes} value={i.minutes}>
          {i.label}
        </option>
      ))}
    </select>
  );
}

/** Which runs a webhook is told of. */
export function NotifyOnSelect({ value, onChange, disabled }: { value: NonNullable<NotifyOn>; onChange: (on: NonNullable<NotifyOn>) => void; disabled: boolean }) {
  return (
    <select aria-label="Which runs the webhook is told of" value={value} onChange={(e) => onChange(e.target.value as NonNullable<NotifyOn>)} disabled={disabled}>
      {NOTIFY_ON.map((o) => (
        <option key={o.on} value={o.on}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
