import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { PagedPairList, SCROLL_PAGE_SIZE } from './PagedPairList';
import { apiKeyStore } from '../../api/api-key';
import type { Pair } from '../../api/types';
import { fakePairsApi, groupOf, type FakePairsApi } from '../../testing/pairs-api';
import { finite } from '../../lib/scores';

// 80 wallets, 3,160 pairs: 16 pages of 200 while scrolling
const group = groupOf(80);

describe('PagedPairList (a result that lists only its strongest pairs)', () => {
  // happy-dom lays nothing out: give elements the size of a 480-pixel-high list so the virtualizer has a viewport
  const saved = ['clientHeight', 'clientWidth'].map((k) => [k, Object.getOwnPropertyDescriptor(HTMLElement.prototype, k)] as const);
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  });
  afterAll(() => {
    for (const [k, d] of saved) if (d) Object.defineProperty(HTMLElement.prototype, k, d);
    else Reflect.deleteProperty(HTMLElement.prototype, k);
  });
  let server: FakePairsApi;
  beforeEach(() => {
    server = fakePairsApi(group.pairs);
    vi.stubGlobal('fetch', server.fetch);
  });
  afterEach(() => {
    cleanup(); // before the key changes: a mounted list would read its pages again
    apiKeyStore.save('');
    vi.unstubAllGlobals();
  });

  const renderList = (onOpen: (p: Pair) => void = () => undefined) =>
    render(<PagedPairList analysisId="big" wallets={group.wallets} pairCount={group.pairs.length} onOpen={onOpen} selected={null} />);
  const rows = () => within(screen.getByTestId('pair-list')).queryAllByTestId('pair-row');
  /** scrolls the list to pair `n` (rows of 44 px) */
  const scrollToPair = (n: number) =>
    act(() => {
      const list = screen.getByTestId('pair-list');
      list.scrollTop = n * 44;
      fireEvent.scroll(list);
    });
  const combined = (row: HTMLElement) => Number(within(row).getByRole('meter', { name: /^Combined/ }).getAttribute('aria-valuenow'));

  it('counts every pair, reads the first page only, strongest first, with the API key', async () => {
    apiKeyStore.save('lab-key');
    let opened: Pair | null = null;
    renderList((p) => (opened = p));
    await waitFor(() => expect(rows().length).toBeGreaterThan(5));
    const list = screen.getByTestId('pair-list');
    expect(list.getAttribute('data-pair-count')).toBe(String(group.pairs.length));
    expect(list.getAttribute('data-matched')).toBe(String(group.pairs.length));
    expect(rows().length).toBeLessThan(60); // virtualized: a window, not 3,160 rows
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].searchParams.get('limit')).toBe(String(SCROLL_PAGE_SIZE));
    expect(server.requests[0].searchParams.has('cursor')).toBe(false);
    expect(server.keys).toEqual(['lab-key']);
    expect(screen.getByTestId('pair-list-count').textContent).toBe(`${group.pairs.length} of ${group.pairs.length} pairs (${SCROLL_PAGE_SIZE} read)`);
    const scores = rows().map(combined);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    fireEvent.click(rows()[0]);
    expect(opened).not.toBeNull();
  });

  it('reads the next pages, in order, as the list scrolls past the pairs read', async () => {
    renderList();
    await waitFor(() => expect(rows().length).toBeGreaterThan(5));
    // scroll to pair 1,000: pages 2 to 6 are read one after the other (the cursor of each is in the one before)
    scrollToPair(1000);
    await waitFor(() => expect(rows().some((r) => r.style.transform === `translateY(${1000 * 44}px)`)).toBe(true));
    const cursors = server.requests.map((u) => u.searchParams.get('cursor'));
    expect(cursors.slice(0, 6)).toEqual([null, '200', '400', '600', '800', '1000']);
    expect(screen.queryAllByTestId('pair-pending')).toHaveLength(0);
    // the rows there are the API's pairs 1,000 onwards, strongest first
    const expected = [...group.pairs].sort((a, b) => (b.scores?.combined ?? -1) - (a.scores?.combined ?? -1));
    const row = rows().find((r) => r.style.transform === `translateY(${1000 * 44}px)`) as HTMLElement;
    expect(row.getAttribute('data-wallet-a')).toBe(expected[1000].walletA);
    expect(row.getAttribute('data-wallet-b')).toBe(expected[1000].walletB);
  });

  it('sends the filters to the API: a wallet of the group (named by the short form the list shows) and the minimum score', async () => {
    renderList();
    await waitFor(() => expect(rows().length).toBeGreaterThan(5));
    const target = group.wallets[3];
    fireEvent.change(screen.getByLabelText('Filter by wallet'), { target: { value: `${target.slice(0, 6)}…${target.slice(-6)}` } });
    await waitFor(() => expect(screen.getByTestId('pair-list').getAttribute('data-matched')).toBe('79'));
    expect(server.requests.at(-1)?.searchParams.get('wallet')).toBe(target);
    for (const r of rows()) expect([r.getAttribute('data-wallet-a'), r.getAttribute('data-wallet-b')]).toContain(target);

    fireEvent.change(screen.getByLabelText('Minimum combined'), { target: { value: '0.5' } });
    const strong = group.pairs.filter((p) => (p.walletA === target || p.walletB === target) && (finite(p.scores?.combined) ?? -1) >= 0.5).length;
    await waitFor(() => expect(screen.getByTestId('pair-list').getAttribute('data-matched')).toBe(String(strong)));
    const last = server.requests.at(-1) as URL;
    expect(last.searchParams.get('minScore')).toBe('0.5');
    expect(last.searchParams.get('wallet')).toBe(target);
    expect(rows()).toHaveLength(Math.min(strong, rows().length));
    for (const r of rows()) expect(combined(r)).toBeGreaterThanOrEqual(50);
    expect(screen.getByTestId('pair-list-count').textContent).toBe(`${strong} of ${group.pairs.length} pairs`);
  });

  it('says when the wallet filter names no wallet or several, and asks the API for all pairs meanwhile', async () => {
    renderList();
    await waitFor(() => expect(rows().length).toBeGreaterThan(5));
    // the made-up wallets share their first 38 characters with a fixture wallet
    fireEvent.change(screen.getByLabelText('Filter by wallet'), { target: { value: group.wallets[10].slice(0, 20) } });
    expect(screen.getByText(/wallets match: type more of the address/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Filter by wallet'), { target: { value: 'zzzzzz' } });
    expect(screen.getByText('No wallet of this group matches.')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('pair-list').getAttribute('data-matched')).toBe(String(group.pairs.length)));
    expect(server.requests.every((u) => !u.searchParams.has('wallet'))).toBe(true);
  });

  it('reads again from the page that failed when Retry is pressed (the reading stopped for good before)', async () => {
    let failures = 0;
    // the second page fails once (the API restarting), then the API answers again
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      if (new URL(String(input), 'http://lab.test').searchParams.get('cursor') === '200' && failures++ === 0) {
        return new Response(JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'the API is restarting' }), { status: 503, headers: { 'content-type': 'application/problem+json' } });
      }
      return server.fetch(input, init);
    });
    renderList();
    await waitFor(() => expect(rows().length).toBeGreaterThan(5));
    scrollToPair(300);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/the API is restarting/);
    expect(screen.getAllByTestId('pair-pending').length).toBeGreaterThan(0);
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(rows().some((r) => r.style.transform === `translateY(${300 * 44}px)`)).toBe(true));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryAllByTestId('pair-pending')).toHaveLength(0);
    expect(server.requests.map((u) => u.searchParams.get('cursor'))).toEqual([null, '200']);
    expect(failures).toBe(2);
  });

  it('shows the API error and keeps the count of pairs', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ title: 'Conflict', status: 409, detail: 'analysis big is running: its pairs are served once it completes' }), { status: 409, headers: { 'content-type': 'application/problem+json' } }));
    renderList();
    expect((await screen.findByRole('alert')).textContent).toMatch(/its pairs are served once it completes/);
    expect(screen.getByTestId('pair-list').getAttribute('data-pair-count')).toBe(String(group.pairs.length));
  });
});
