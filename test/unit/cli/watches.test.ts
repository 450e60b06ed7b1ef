// `wallet-similarity watch show|list`: a watch's runs as lines, each with what changed since the run
// it was compared with, and the command that shows the whole comparison.
import type { WatchView } from '../../../src/api/schemas/watches';
import { interval, renderSecretRotated, renderWatch, renderWatchList } from '../../../src/cli/watches';

const A = '37RqtwV1Huak8b89qQy9AxxJgbKzeA3AECZxQMgboRsk';
const B = 'GdLmGp9vyiFYFaPU2AbJfds6bMyqzbuXvUoC98See3Bx';
const none = { walletsAdded: 0, walletsRemoved: 0, walletsCompared: 2, clustersChanged: 0, clustersFormed: 0, clustersDissolved: 0, clustersUnchanged: 1, linksFormed: 0, linksBroken: 0 };
const run = (n: number, o: Partial<WatchView['runs'][number]>): WatchView['runs'][number] => ({
  analysisId: `run-${n}`,
  status: 'completed',
  startedAt: `2026-12-0${n}T10:00:00.123Z`,
  endedAt: `2026-12-0${n}T10:01:00.000Z`,
  since: null,
  changes: null,
  comparison: 'first',
  error: null,
  notification: null,
  links: { analysis: `/v1/analyses/run-${n}`, changes: null },
  ...o,
});

const watch: WatchView = {
  watchId: 'w-1',
  createdAt: '2026-12-01T10:00:00.000Z',
  everyMinutes: 1440,
  request: { wallets: [A, B], sync: 'auto' },
  notify: null,
  schedule: { nextRunAt: '2026-12-06T10:00:00.000Z', running: true },
  runs: [
    run(6, { endedAt: null, comparison: null }),
    run(5, { comparison: 'timeout' }),
    run(4, { comparison: 'compared', since: 'run-2', changes: { ...none, walletsAdded: 1, clustersChanged: 1, clustersFormed: 1, linksFormed: 3, linksBroken: 1 } }),
    run(3, { status: 'failed', error: 'every wallet failed', endedAt: '2026-12-03T10:05:00.000Z', comparison: 'not-completed' }),
    run(2, { comparison: 'compared', since: 'run-1', changes: none }),
    run(1, {}),
  ],
  links: { self: '/v1/watches/w-1', run: '/v1/watches/w-1/runs', temporalUi: 'http://ui/namespaces/default/schedules/watch%3Aw-1' },
};

describe('wallet-similarity watch', () => {
  it('says each interval as a person would', () => {
    expect([interval(90), interval(720), interval(2880), interval(60)]).toEqual(['every 90 min', 'every 12 h', 'every 2 d', 'every 1 h']);
  });

  it('shows a watch: what it analyses, its next run, each run with what changed, and the command for the whole comparison', () => {
    const lines = renderWatch(watch).split('\n');
    expect(lines[0]).toBe('Watch w-1: 2 wallets (37Rq…oRsk, GdLm…e3Bx), every 1 d, since 2026-12-01T10:00:00.000Z');
    expect(lines[1]).toBe('Next run: 2026-12-06T10:00:00.000Z (a run is under way)');
    expect(lines.slice(3, 9)).toEqual([
      '  2026-12-06T10:00:00Z  completed  run-6  (under way)',
      '  2026-12-05T10:00:00Z  completed  run-5  (not compared: the comparison took PostgreSQL too long; `changes` may still answer)',
      '  2026-12-04T10:00:00Z  completed  run-4  wallets +1 −0; clusters 1 changed, 1 formed, 0 dissolved; links +3 −1',
      '  2026-12-03T10:00:00Z  failed     run-3  every wallet failed',
      '  2026-12-02T10:00:00Z  completed  run-2  same wallets; clusters unchanged (1); no link formed or broken',
      '  2026-12-01T10:00:00Z  completed  run-1  (the first completed run: nothing to compare with)',
    ]);
    expect(lines.at(-1)).toBe('The whole comparison: wallet-similarity changes run-4 --since run-2');
  });

  it('says when Temporal did not answer, when there is no run yet, and lists watches of a token', () => {
    const text = renderWatch({ ...watch, schedule: null, runs: [] });
    expect(text).toMatch(/^Schedule: not known/m);
    expect(text).toMatch(/^No run yet\.$/m);
    expect(
      renderWatchList([
        { watchId: 'w-2', createdAt: watch.createdAt, everyMinutes: 90, request: { token: A, top: 100 }, notify: null, links: { self: '/v1/watches/w-2' } },
        { watchId: 'w-3', createdAt: watch.createdAt, everyMinutes: 60, request: { wallets: [A, B] }, notify: { target: 'https://hooks.example.com/…', on: 'changes' }, links: { self: '/v1/watches/w-3' } },
      ]).split('\n'),
    ).toEqual([`w-2  every 90 min  the 100 largest holders of ${A}`, 'w-3  every 1 h     2 wallets (37Rq…oRsk, GdLm…e3Bx)  (webhook: https://hooks.example.com/…)']);
    expect(renderWatchList([])).toMatch(/^No watched group: wallet-similarity watch add/);
  });

  it("shows a watch's webhook (the secret only in the answer that made it) and how each run's delivery went", () => {
    const told = {
      ...watch,
      notify: { target: 'https://hooks.example.com/…', on: 'every-run' as const, secret: 'whsec_abc' },
      runs: [
        run(3, { notification: { state: 'pending', attempts: 2, error: 'the receiver answered 503', deliveredAt: null } }),
        run(2, { notification: { state: 'failed', attempts: 1, error: 'the receiver answered 404', deliveredAt: null } }),
        run(1, { notification: { state: 'delivered', attempts: 1, error: null, deliveredAt: '2026-12-01T10:01:02.000Z' } }),
      ],
    };
    const lines = renderWatch(told).split('\n');
    expect(lines.slice(1, 3)).toEqual([
      'Webhook: https://hooks.example.com/…, told of every run',
      "Signing secret (watch show does not print it; keep it to check each delivery's x-wallet-similarity-signature): whsec_abc",
    ]);
    expect(lines.filter((l) => l.startsWith('      webhook:'))).toEqual([
      '      webhook: being delivered (2 attempts failed so far: the receiver answered 503)',
      '      webhook: failed after 1 attempt: the receiver answered 404',
      '      webhook: delivered 2026-12-01T10:01:02.000Z',
    ]);
    const shown = renderWatch({ ...told, notify: { target: 'https://hooks.example.com/…', on: 'changes' } });
    expect(shown).toContain('Webhook: https://hooks.example.com/…, told of runs that changed something');
    expect(shown).not.toContain('Signing secret');
  });

  it('shows a replaced secret once, and until when the old one still signs', () => {
    const rotated = { watchId: 'w-1', notify: { target: 'https://hooks.example.com/…', on: 'changes' as const, secret: 'whsec_new' }, previousSecretValidUntil: '2026-12-08T10:00:00.000Z', links: { watch: '/v1/watches/w-1' } };
    expect(renderSecretRotated(rotated).split('\n')).toEqual([
      'Watch w-1: a new signing secret for its webhook (https://hooks.example.com/…). The old secret signs beside it until 2026-12-08T10:00:00.000Z.',
      'Signing secret (printed this once): whsec_new',
    ]);
    expect(renderSecretRotated({ ...rotated, previousSecretValidUntil: null })).toContain('The old secret no longer signs.');
  });
});
