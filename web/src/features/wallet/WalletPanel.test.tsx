import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { RECOMPUTE_ASKS, RECOMPUTE_ASK_AFTER_MS, WalletPanel } from './WalletPanel';

const wallet = '9c3TmBNefBQras5WwU6YMCYs6STjmWfDksnJk448Axv3';
const analytics = (engineVersion: string, totals: Record<string, number>, recomputing?: { started: boolean; afterSync?: boolean }) => ({
  wallet,
  pnl: { totals, tokens: [] },
  behavior: {},
  coverage: {},
  engineVersion,
  computedAt: '2026-12-07T00:00:00.000Z',
  ...(recomputing ? { recomputing: { engineVersion: '2.19.0', workflowId: `wallet-analytics:${wallet}`, detail: 'being computed again', ...recomputing } } : {}),
});
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the wallet panel of figures an older engine computed', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  /** Serves the wallet's analytics from `answers` in turn (the last one again), its history as empty; returns the asks. */
  function serve(answers: unknown[]): { asks: () => number } {
    let asks = 0;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const url = new URL(String(input), 'http://lab.test');
      if (url.pathname === `/v1/wallets/${wallet}`) return json(answers[Math.min(asks++, answers.length - 1)]);
      return json({ analyses: [], nextCursor: null });
    });
    return { asks: () => asks };
  }
  const show = () =>
    render(
      <MemoryRouter>
        <WalletPanel wallets={[wallet]} wallet={wallet} onWallet={() => undefined} />
      </MemoryRouter>,
    );
  const total = (k: string) => document.querySelector(`[data-total="${k}"] dd`)?.textContent;

  it('says they are being computed again, asks again, and shows the new figures once they are in', async () => {
    const server = serve([analytics('2.18.0', { realizedPnlSol: 1, feesSol: 0.01 }, { started: true }), analytics('2.19.0', { realizedPnlSol: 1, feesSol: 0.01, failedTransactions: 3, failedFeesSol: 0.000015 })]);
    show();
    expect((await screen.findByTestId('wallet-recomputing')).textContent).toMatch(/Computed by engine 2\.18\.0, before this service's 2\.19\.0: being computed again/);
    expect(total('failedTransactions')).toBeUndefined();
    await waitFor(() => expect(total('failedTransactions')).toBe('3'), { timeout: RECOMPUTE_ASK_AFTER_MS * 4 });
    expect(screen.queryByTestId('wallet-recomputing')).toBeNull();
    expect(server.asks()).toBe(2);
  });

  it('stops asking after its last ask, and says so', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const server = serve([analytics('2.18.0', { realizedPnlSol: 1 }, { started: true })]);
      show();
      await screen.findByTestId('wallet-recomputing');
      for (let i = 0; i < RECOMPUTE_ASKS + 2; i++) await vi.advanceTimersByTimeAsync(RECOMPUTE_ASK_AFTER_MS);
      await waitFor(() => expect(screen.getByTestId('wallet-recomputing').textContent).toMatch(/still being computed again from the stored history; open the wallet again to see them/));
      expect(server.asks()).toBe(RECOMPUTE_ASKS + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says when they wait for a sync of the wallet under way, and does not ask again by itself', async () => {
    const server = serve([analytics('2.18.0', { realizedPnlSol: 1 }, { started: true, afterSync: true })]);
    show();
    expect((await screen.findByTestId('wallet-recomputing')).textContent).toMatch(/a sync of the wallet is under way, and its end computes them; open the wallet again once it is done/);
    await new Promise((resolve) => setTimeout(resolve, RECOMPUTE_ASK_AFTER_MS * 2));
    expect(server.asks()).toBe(1);
  });

  it('says when they could not be computed again, and does not ask again by itself', async () => {
    const server = serve([analytics('2.18.0', { realizedPnlSol: 1 }, { started: false })]);
    show();
    expect((await screen.findByTestId('wallet-recomputing')).textContent).toMatch(/could not be computed again now; open the wallet again to retry/);
    await new Promise((resolve) => setTimeout(resolve, RECOMPUTE_ASK_AFTER_MS * 2));
    expect(server.asks()).toBe(1);
  });
});
