import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { WalletPanel } from './WalletPanel';
import { WALLET_PAIRS_PAGE } from './WalletPairs';
import type { Pair } from '../../api/types';
import { fakePairsApi, groupOf, type FakePairsApi } from '../../testing/pairs-api';

const group = groupOf(40);

describe("the wallet panel of a result that lists only its strongest pairs", () => {
  let server: FakePairsApi;
  beforeEach(() => {
    server = fakePairsApi(group.pairs);
    vi.stubGlobal('fetch', server.fetch); // the wallet's analytics and history answer 404 here
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("lists the wallet's pairs from the API (?wallet=), strongest first, a page at a time, and opens one", async () => {
    const opened: Pair[] = [];
    const wallet = group.wallets[5];
    render(
      <MemoryRouter>
        <WalletPanel wallets={group.wallets} wallet={wallet} onWallet={() => undefined} pagedPairs={{ analysisId: 'big', onOpen: (p) => opened.push(p) }} />
      </MemoryRouter>,
    );
    const list = await screen.findByTestId('wallet-pairs');
    const items = () => within(list).getAllByTestId('wallet-pair');
    await waitFor(() => expect(items()).toHaveLength(WALLET_PAIRS_PAGE));
    expect(within(list).getByText(`10 of 39 pairs of ${wallet.slice(0, 4)}…${wallet.slice(-4)}, strongest first`)).toBeTruthy();
    expect(server.requests[0].searchParams.get('wallet')).toBe(wallet);
    fireEvent.click(within(list).getByRole('button', { name: /^More pairs of/ }));
    await waitFor(() => expect(items()).toHaveLength(20));
    expect(server.requests[1].searchParams.get('cursor')).toBe('10');
    const others = items().map((i) => i.getAttribute('data-wallet'));
    expect(new Set(others).size).toBe(20);
    expect(others).not.toContain(wallet);
    const scores = items().map((i) => Number(within(i).getByRole('meter').getAttribute('aria-valuenow')));
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    fireEvent.click(within(items()[3]).getByRole('button'));
    expect(opened).toHaveLength(1);
    expect([opened[0].walletA, opened[0].walletB]).toContain(wallet);
  });

  it('reads a page that failed again when Retry is pressed', async () => {
    let failed = false;
    // the second page fails once (the API restarting), then the API answers again
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      if (new URL(String(input), 'http://lab.test').searchParams.get('cursor') === '10' && !failed) {
        failed = true;
        return new Response(JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'the API is restarting' }), { status: 503, headers: { 'content-type': 'application/problem+json' } });
      }
      return server.fetch(input, init);
    });
    const wallet = group.wallets[5];
    render(
      <MemoryRouter>
        <WalletPanel wallets={group.wallets} wallet={wallet} onWallet={() => undefined} pagedPairs={{ analysisId: 'big', onOpen: () => undefined }} />
      </MemoryRouter>,
    );
    const list = await screen.findByTestId('wallet-pairs');
    await waitFor(() => expect(within(list).getAllByTestId('wallet-pair')).toHaveLength(WALLET_PAIRS_PAGE));
    fireEvent.click(within(list).getByRole('button', { name: /^More pairs of/ }));
    const alert = await screen.findByText(/the API is restarting/);
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(within(screen.getByTestId('wallet-pairs')).getAllByTestId('wallet-pair')).toHaveLength(20));
    expect(screen.queryByText(/the API is restarting/)).toBeNull();
    expect(server.requests.map((u) => u.searchParams.get('cursor'))).toEqual([null, '10']);
  });

  it('reads no pairs for a complete result (the pair list has them all)', async () => {
    render(
      <MemoryRouter>
        <WalletPanel wallets={group.wallets} wallet={group.wallets[0]} onWallet={() => undefined} />
      </MemoryRouter>,
    );
    await screen.findByText('Analyses of this wallet');
    expect(screen.queryByTestId('wallet-pairs')).toBeNull();
    expect(server.requests).toHaveLength(0);
  });
});
