import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { WatchPage, WatchesPage, runDelivery } from './WatchPage';
import { intervalLabel } from './WatchCard';
import type { WatchRun, WatchView } from '../../api/types';

const W = ['Aaaa1111111111111111111111111111111111111111', 'Bbbb2222222222222222222222222222222222222222'];
const none = { walletsAdded: 0, walletsRemoved: 0, walletsCompared: 2, clustersChanged: 0, clustersFormed: 0, clustersDissolved: 0, clustersUnchanged: 1, linksFormed: 0, linksBroken: 0 };
const run = (n: number, o: Partial<WatchRun> = {}): WatchRun => ({
  analysisId: `run-${n}`,
  status: 'completed',
  startedAt: `2026-12-0${n}T10:00:00.000Z`,
  endedAt: `2026-12-0${n}T10:01:00.000Z`,
  since: null,
  changes: null,
  comparison: 'first',
  error: null,
  notification: null,
  links: { analysis: `/v1/analyses/run-${n}`, changes: null },
  ...o,
});
const watch = (runs: WatchRun[], running = false): WatchView => ({
  watchId: 'w-1',
  createdAt: '2026-12-01T10:00:00.000Z',
  everyMinutes: 720,
  request: { wallets: W },
  notify: null,
  schedule: { nextRunAt: '2026-12-04T10:00:00.000Z', running },
  runs,
  links: { self: '/v1/watches/w-1', run: '/v1/watches/w-1/runs', temporalUi: 'http://ui/namespaces/default/schedules/watch%3Aw-1' },
});

function Where() {
  const location = useLocation();
  return <p data-testid="location">{`${location.pathname} ${JSON.stringify(location.state)}`}</p>;
}

function page(path = '/watches/w-1', state?: unknown) {
  return render(
    <MemoryRouter initialEntries={[{ pathname: path, state }]}>
      <Routes>
        <Route path="/watches" element={<WatchesPage />} />
        <Route path="/watches/:id" element={<WatchPage />} />
      </Routes>
      <Where />
    </MemoryRouter>,
  );
}

describe('WatchPage', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('says each interval as the Lab does', () => {
    expect([60, 90, 360, 1440, 2880, 10080].map(intervalLabel)).toEqual(['every hour', 'every 90 minutes', 'every 6 hours', 'every day', 'every 2 days', 'every week']);
  });

  it('lists the runs newest first with what changed since the run before; a run now reads the watch again; stopping goes back to the list', async () => {
    const asked: string[] = [];
    let runs = [run(2, { comparison: 'compared', since: 'run-1', changes: { ...none, walletsAdded: 1, clustersFormed: 1, linksFormed: 2 } }), run(1)];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const path = String(input);
        asked.push(`${init?.method ?? 'GET'} ${path}`);
        if (path === '/v1/watches/w-1/runs') {
          runs = [run(3, { status: 'failed', error: 'every wallet failed', comparison: 'not-completed' }), ...runs];
          return Response.json({ watchId: 'w-1', requested: true }, { status: 202 });
        }
        if (path === '/v1/watches/w-1' && init?.method === 'DELETE') return new Response(null, { status: 204 });
        if (path === '/v1/watches/w-1') return Response.json(watch(runs));
        if (path.startsWith('/v1/watches?')) return Response.json({ watches: [] });
        return Response.json({ detail: 'not found' }, { status: 404 });
      }),
    );
    page();
    await screen.findByTestId('watch-page');
    const rows = () => screen.getAllByTestId('watch-run').map((r) => r.textContent);
    expect(rows()).toHaveLength(2);
    expect(rows()[0]).toContain('wallets +1 −0; clusters: 0 changed, 1 formed, 0 dissolved; links +2 −0');
    expect(rows()[1]).toContain('the first completed run: nothing to compare with');
    expect(screen.getByTestId('watch-schedule').textContent).toContain('Next run:');
    expect(screen.getAllByRole('link', { name: 'Open' })[0].getAttribute('href')).toBe('/analyses/run-2');

    fireEvent.click(screen.getByRole('button', { name: 'Run now' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows()[0]).toContain('every wallet failed');
    expect(asked).toContain('POST /v1/watches/w-1/runs');

    fireEvent.click(screen.getByRole('button', { name: 'Stop watching' }));
    await screen.findByTestId('watches-page');
    expect(asked).toContain('DELETE /v1/watches/w-1');
    expect(await screen.findByText(/No watched group yet/)).toBeTruthy();
  });

  it('while a run is under way, says so, offers no second run, and shows a schedule Temporal did not answer for', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ ...watch([run(1, { status: 'running', endedAt: null, comparison: null })], true) })));
    page();
    await screen.findByTestId('watch-page');
    expect(screen.getByTestId('watch-schedule').textContent).toMatch(/^A run is under way\./);
    expect((screen.getByRole('button', { name: 'Run now' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('watch-run').textContent).toContain('under way');
    cleanup();
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ ...watch([]), schedule: null })));
    page();
    await screen.findByTestId('watch-page');
    expect(screen.getByTestId('watch-schedule').textContent).toMatch(/^The schedule is not known/);
    expect(screen.getByText('No run yet.')).toBeTruthy();
  });

  it("shows the webhook by its origin, the secret the card handed over once, and how each run's delivery went", async () => {
    const told = {
      ...watch([
        run(3, { notification: { state: 'pending', attempts: 1, error: 'the receiver answered 503', deliveredAt: null } }),
        run(2, { notification: { state: 'failed', attempts: 1, error: 'the receiver answered 404', deliveredAt: null } }),
        run(1, { notification: { state: 'delivered', attempts: 1, error: null, deliveredAt: '2026-12-01T10:01:02.000Z' } }),
      ]),
      notify: { target: 'https://hooks.example.com/…', on: 'changes' as const },
    };
    vi.stubGlobal('fetch', vi.fn(async () => Response.json(told)));
    page('/watches/w-1', { secret: 'whsec_shown_once' });
    expect((await screen.findByTestId('watch-webhook')).textContent).toBe('Webhook: https://hooks.example.com/…, told of runs that changed something.');
    expect(screen.getByTestId('watch-secret').textContent).toContain('whsec_shown_once');
    const cells = screen.getAllByTestId('watch-run').map((row) => row.querySelectorAll('td')[3].textContent);
    expect(cells).toEqual(['being delivered (1 failed so far: the receiver answered 503)', 'failed after 1 attempt: the receiver answered 404', runDelivery(told.runs[2])]);
    expect(cells[2]).toMatch(/^delivered /);
    // taken out of the history entry: the page is at its path with no state now
    expect(screen.getByTestId('location').textContent).toBe('/watches/w-1 null');
    cleanup();
    // opened again (not from the card): no secret
    page('/watches/w-1');
    await screen.findByTestId('watch-webhook');
    expect(screen.queryByTestId('watch-secret')).toBeNull();
  });

  it('gives the webhook a new signing secret: shows it once, and until when the one it replaced still signs', async () => {
    const told = { ...watch([]), notify: { target: 'https://hooks.example.com/…', on: 'every-run' as const } };
    const until = '2026-12-08T10:00:00.000Z';
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) =>
      init?.method === 'POST' && url.endsWith('/v1/watches/w-1/secret')
        ? Response.json({ watchId: 'w-1', notify: { ...told.notify, secret: 'whsec_rotated' }, previousSecretValidUntil: until, links: { watch: '/v1/watches/w-1' } })
        : Response.json(told),
    );
    vi.stubGlobal('fetch', fetchMock);
    page('/watches/w-1');
    await screen.findByTestId('watch-webhook');
    expect(screen.queryByTestId('watch-secret')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'New signing secret' }));
    const shown = await screen.findByTestId('watch-secret');
    expect(shown.textContent).toContain('whsec_rotated');
    expect(shown.textContent).toContain(`The secret it replaced signs beside it until ${new Date(until).toLocaleString()}.`);
    expect(fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST')).toHaveLength(1);
    cleanup();
    // a watch without a webhook has no secret to replace
    vi.stubGlobal('fetch', vi.fn(async () => Response.json(watch([]))));
    page('/watches/w-1');
    await screen.findByTestId('watch-page');
    expect(screen.queryByRole('button', { name: 'New signing secret' })).toBeNull();
  });

  it('changes the settings: only what differs is sent; a new URL shows its secret once; the webhook removed', async () => {
    const told = { ...watch([]), notify: { target: 'https://hooks.example.com/…', on: 'changes' as const } };
    const bodies: unknown[] = [];
    let current: WatchView = told;
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'PATCH' && url.endsWith('/v1/watches/w-1')) {
        const body = JSON.parse(String(init.body)) as { everyMinutes?: number; notify?: { url?: string; on?: 'changes' | 'every-run' } | null };
        bodies.push(body);
        const notify = body.notify === null ? null : body.notify ? { target: body.notify.url ? 'https://other.example.com/…' : told.notify.target, on: body.notify.on ?? 'changes' } : current.notify;
        current = { ...current, everyMinutes: body.everyMinutes ?? current.everyMinutes, notify };
        return Response.json(body.notify?.url ? { ...current, notify: { ...notify, secret: 'whsec_moved' } } : current);
      }
      return Response.json(current);
    });
    vi.stubGlobal('fetch', fetchMock);
    page('/watches/w-1');
    await screen.findByTestId('watch-settings');
    const save = () => screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    // nothing changed yet: nothing to send
    expect(save().disabled).toBe(true);
    fireEvent.change(screen.getByRole('combobox', { name: 'How often the group is analysed' }), { target: { value: '10080' } });
    fireEvent.click(save());
    await waitFor(() => expect(screen.getByText('every week', { selector: '.muted' })).toBeTruthy());
    expect(bodies).toEqual([{ everyMinutes: 10080 }]);
    // `on` alone keeps the URL; a new URL gets a secret, shown once
    fireEvent.change(screen.getByRole('combobox', { name: 'Which runs the webhook is told of' }), { target: { value: 'every-run' } });
    fireEvent.click(save());
    await waitFor(() => expect(bodies).toHaveLength(2));
    expect(bodies[1]).toEqual({ notify: { on: 'every-run' } });
    expect(screen.queryByTestId('watch-secret')).toBeNull();
    fireEvent.change(await screen.findByRole('textbox', { name: 'A new webhook URL (empty: keep it)' }), { target: { value: ' https://other.example.com/hook ' } });
    fireEvent.click(save());
    expect((await screen.findByTestId('watch-secret')).textContent).toContain('whsec_moved');
    expect(bodies[2]).toEqual({ notify: { url: 'https://other.example.com/hook', on: 'every-run' } });
    expect(screen.getByTestId('watch-webhook').textContent).toContain('https://other.example.com/…');
    // removed: no webhook line, no remove button, and the secret on screen gone with it
    fireEvent.click(screen.getByRole('button', { name: 'Remove the webhook' }));
    await waitFor(() => expect(screen.queryByTestId('watch-webhook')).toBeNull());
    expect(screen.queryByTestId('watch-secret')).toBeNull();
    expect(bodies[3]).toEqual({ notify: null });
    expect(screen.queryByRole('button', { name: 'Remove the webhook' })).toBeNull();
  });
});
