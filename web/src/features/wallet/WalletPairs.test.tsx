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
