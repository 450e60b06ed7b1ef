import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { ChangesCard } from './ChangesCard';
import type { AnalysisChanges, AnalysisView } from '../../api/types';

const W = ['Aaaa1111111111111111111111111111111111111111', 'Bbbb2222222222222222222222222222222222222222', 'Cccc3333333333333333333333333333333333333333', 'Dddd4444444444444444444444444444444444444444'];
const analysis = { analysisId: 'now', status: 'completed', wallets: [W[0], W[1], W[3]], createdAt: '2026-12-07T10:00:00.000Z' } as unknown as AnalysisView;
const listed = (analysisId: string, createdAt: string, shared = 2) => ({ analysisId, createdAt, status: 'completed', wallets: [W[0], W[1], W[2]], shared });

const changesSince = (since: string): AnalysisChanges => ({
  analysis: { analysisId: 'now', completedAt: '2026-12-07T10:01:00.000Z', engineVersion: '2.19.0', clusterThreshold: 0.3 },
  since: { analysisId: since, completedAt: '2026-12-06T10:01:00.000Z', engineVersion: '2.19.0', clusterThreshold: 0.3 },
  wallets: { added: [W[3]], removed: [W[2]], compared: 2 },
  clusters: {
    changed: [{ before: { members: [W[0], W[2]], confidence: 0.4 }, after: { members: [W[0], W[1]], confidence: 0.6 }, joined: [W[1]], left: [W[2]] }],
    unchanged: [],
    formed: [],
    dissolved: [],
  },
  links: { formed: [{ walletA: W[0], walletB: W[1], combined: 0.6, before: 0.1 }], broken: [], formedCount: 3, brokenCount: 0 },
});

/** The API: the key's completed analyses sharing the group's wallets (in the API's order), and the changes since any of them; the paths asked. */
function fakeApi(analyses: unknown[]) {
  const asked: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://lab.test');
    asked.push(`${url.pathname}${url.search}`);
    if (url.pathname === '/v1/analyses') return Response.json({ analyses });
    if (url.pathname === '/v1/analyses/now/changes') return Response.json(changesSince(url.searchParams.get('since') ?? ''));
    return Response.json({ detail: 'not found' }, { status: 404 });
  });
  return { fetch, asked };
}

describe('ChangesCard', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('compares with the earlier completed analysis sharing most of the group, and with another one chosen', async () => {
    // as the API answers: those before it, most wallets shared first, then the newest
    const api = fakeApi([listed('newer', '2026-12-06T00:00:00.000Z'), listed('older', '2026-12-01T00:00:00.000Z')]);
    vi.stubGlobal('fetch', api.fetch);
    const { rerender } = render(
      <MemoryRouter>
        <ChangesCard analysis={analysis} />
      </MemoryRouter>,
    );
    const card = await screen.findByTestId('changes-card');
    // in the API's order
    const options = [...card.querySelectorAll('option')].map((o) => o.value);
    expect(options).toEqual(['newer', 'older']);
    expect(card.querySelector('option')?.textContent).toContain('shares 2 of 3');
    // the analysis's group asked for by its id, whatever its size (the API's default: half of it shared), completed ones before this one
    expect(api.asked[0]).toBe('/v1/analyses?sharing=now&status=completed&before=now&limit=50');
    await waitFor(() => expect(screen.getByTestId('changes-clusters').textContent).toBe('Clusters: 1 changed, 0 unchanged, 0 formed, 0 dissolved.'));
    expect(api.asked).toContain('/v1/analyses/now/changes?since=newer&limit=10');
    expect(card.textContent).toContain('2 wallets compared, 1 added, 1 removed.');
    expect(screen.getByTestId('changes-added').textContent).toContain('Dddd…4444');
    expect(card.textContent).toContain('joined Bbbb…2222');
    expect(card.textContent).toContain('left Cccc…3333');
    expect(screen.getByTestId('changes-links').textContent).toBe('Links (relatedness at or above 30 %): 3 formed, 0 broken.');
    expect(card.textContent).toContain('10 % → 60 %');
    // scores as the rest of the Lab shows them
    expect(card.textContent).toContain('confidence 60 %');

    fireEvent.change(screen.getByLabelText('Earlier analysis to compare with'), { target: { value: 'older' } });
    await waitFor(() => expect(api.asked).toContain('/v1/analyses/now/changes?since=older&limit=10'));
    // the analysis read again (its enrichment's events): the same wallets in a new list keep the choice
    rerender(
      <MemoryRouter>
        <ChangesCard analysis={{ ...analysis, wallets: [...analysis.wallets] }} />
      </MemoryRouter>,
    );
    expect((screen.getByLabelText('Earlier analysis to compare with') as HTMLSelectElement).value).toBe('older');
    expect(api.asked.filter((p) => p.startsWith('/v1/analyses?'))).toHaveLength(1);
  });

  it('shows nothing when no earlier completed analysis of the wallets is visible', async () => {
    const api = fakeApi([]);
    vi.stubGlobal('fetch', api.fetch);
    render(
      <MemoryRouter>
        <ChangesCard analysis={analysis} />
      </MemoryRouter>,
    );
    await waitFor(() => expect(api.asked).toHaveLength(1));
    expect(screen.queryByTestId('changes-card')).toBeNull();
  });
});
