// A watch's settings changed (PATCH /v1/watches/{id}): how often it runs, and its webhook: a new URL
// (which gets a new signing secret, handed to the page to show once), which runs it is told of, or
// none. What is left as it is stays.
import { useState } from 'react';
import { api } from '../../api/client';
import type { WatchChangeBody, WatchView } from '../../api/types';
import { ErrorNote, Section } from '../../components/ui';
import { IntervalSelect, NotifyOnSelect } from './WatchCard';

type NotifyOn = NonNullable<WatchView['notify']>['on'];

/** The change the form asks for: only what differs from the watch (null: nothing). */
export function watchChangeOf(watch: Pick<WatchView, 'everyMinutes' | 'notify'>, form: { every: number; url: string; on: NotifyOn }): WatchChangeBody | null {
  const url = form.url.trim();
  const change: WatchChangeBody = {};
  if (form.every !== watch.everyMinutes) change.everyMinutes = form.every;
  if (url !== '') change.notify = { url, on: form.on };
  else if (watch.notify && form.on !== watch.notify.on) change.notify = { on: form.on };
  return Object.keys(change).length > 0 ? change : null;
}

export function WatchSettings({ watch, onChanged }: { watch: WatchView; onChanged: (changed: WatchView) => void }) {
  const [every, setEvery] = useState(watch.everyMinutes);
  const [url, setUrl] = useState('');
  const [on, setOn] = useState<NotifyOn>(watch.notify?.on ?? 'changes');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const change = watchChangeOf(watch, { every, url, on });
  const send = async (body: WatchChangeBody) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await api.changeWatch(watch.watchId, body));
      setUrl('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Settings" testId="watch-settings">
      <div className="toolbar-controls">
        <IntervalSelect label="How often the group is analysed" value={every} onChange={setEvery} kept={watch.everyMinutes} />
        <input
          type="url"
          className="grow"
          aria-label={watch.notify ? 'A new webhook URL (empty: keep it)' : 'Webhook URL (optional): each run is POSTed to it, signed'}
          placeholder={watch.notify ? `${watch.notify.target} (empty: keep it)` : 'Webhook URL (optional), https://…'}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <NotifyOnSelect value={on} onChange={setOn} disabled={!watch.notify && url.trim() === ''} />
        <button type="button" onClick={() => change && void send(change)} disabled={busy || change === null}>
          Save
        </button>
        {watch.notify ? (
          <button type="button" onClick={() => void send({ notify: null })} disabled={busy}>
            Remove the webhook
          </button>
        ) : null}
      </div>
      {error ? <ErrorNote message={error} /> : null}
    </Section>
  );
}
