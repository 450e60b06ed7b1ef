import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import bs58 from 'bs58';
import { MemoryRouter, Route, Routes } from 'react-router';
import { StartPage } from './StartPage';
import { wallets } from '../../testing/fixture';

describe('StartPage', () => {
  it('marks every invalid and duplicate line before anything is sent, and enables Analyze for two valid wallets', () => {
    render(
      <MemoryRouter>
        <StartPage />
      </MemoryRouter>,
    );
    const analyze = screen.getByRole('button', { name: 'Analyze' }) as HTMLButtonElement;
    expect(analyze.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Wallets'), { target: { value: `${wallets[0]}\nnope\n${wallets[1]}, ${wallets[0]}` } });
    const issues = screen.getAllByTestId('input-issue').map((li) => li.textContent);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/Line 2: nope is invalid/);
    expect(issues[1]).toMatch(/Line 3: .* duplicate/);
    expect(analyze.disabled).toBe(false);
    expect(screen.getByLabelText('Window')).toBeTruthy();
    expect(screen.getByLabelText('Sync mode')).toBeTruthy();
  });

  it('reads an uploaded CSV in the browser: the address column goes into the wallet list, its bad cells marked', async () => {
    render(
      <MemoryRouter>
        <StartPage />
      </MemoryRouter>,
    );
    const csv = `name,wallet\nalice,${wallets[0]}\nbob,not-valid\ncarol,${wallets[1]}\n`;
    const file = new File([csv], 'group.csv', { type: 'text/csv' });
    fireEvent.change(screen.getByTestId('csv-upload'), { target: { files: [file] } });
    await waitFor(() => expect((screen.getByLabelText('Wallets') as HTMLTextAreaElement).value).toBe(`${wallets[0]}\nnot-valid\n${wallets[1]}`));
    expect(screen.getByText(/group\.csv: read column “wallet”, 3 rows/)).toBeTruthy();
    expect(screen.getAllByTestId('input-issue').map((li) => li.textContent)).toEqual([expect.stringMatching(/not-valid is invalid/)]);
  });

  describe("the wallets' stored status", () => {
    afterEach(() => {
      cleanup();
      vi.useRealTimers();
      vi.unstubAllGlobals();
    });
    /** valid addresses: 32 bytes in base58 */
    const many = (n: number) => Array.from({ length: n }, (_, i) => bs58.encode(Uint8Array.from({ length: 32 }, (_, b) => (b < 4 ? (i >> (8 * b)) & 255 : b + 1))));
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' } });
    const renderPage = () =>
      render(
        <MemoryRouter>
          <StartPage />
        </MemoryRouter>,
      );

    it('asks for every wallet of a list longer than 500, in parts of at most 1,000 (the API\'s MAX_WALLETS_PER_ANALYSIS)', async () => {
      const group = many(1_200);
      const asked: string[][] = [];
      vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
        const { wallets: batch } = JSON.parse(String(init.body)) as { wallets: string[] };
        asked.push(batch);
        return json(200, { wallets: batch.map((wallet) => ({ wallet, status: 'READY', lastSyncedAt: null, syncWorkflowId: null, sync: null, lastSyncError: null })) });
      });
      renderPage();
      fireEvent.change(screen.getByLabelText('Wallets'), { target: { value: group.join('\n') } });
      await waitFor(() => expect(screen.getAllByTestId('wallet-status-row')).toHaveLength(1_200));
      expect(asked.map((b) => b.length)).toEqual([1_000, 200]);
      expect(asked.flat()).toEqual(group);
    });

    it('keeps polling a syncing wallet after a failed read, and the next read that succeeds clears its error', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const group = many(2);
      const row = (wallet: string, status: string) => ({ wallet, status, lastSyncedAt: null, syncWorkflowId: null, sync: status === 'SYNCING' ? { pages: 1, transactions: 10 } : null, lastSyncError: null });
      const answers = [json(200, { wallets: [row(group[0], 'SYNCING'), row(group[1], 'READY')] }), json(503, { title: 'Service Unavailable', status: 503, detail: 'PostgreSQL is not answering' }), json(200, { wallets: group.map((w) => row(w, 'READY')) })];
      let reads = 0;
      vi.stubGlobal('fetch', async () => answers[Math.min(reads++, answers.length - 1)]);
      renderPage();
      fireEvent.change(screen.getByLabelText('Wallets'), { target: { value: group.join('\n') } });
      // in steps, so React renders (and sets its next timers) between them
      const wait = async (ms: number) => {
        for (let t = 0; t < ms; t += 100) await act(() => vi.advanceTimersByTimeAsync(100));
      };
      await wait(400);
      expect(reads).toBe(1);
      expect(screen.getByText(/syncing…/)).toBeTruthy();
      await wait(3_600);
      expect(reads).toBe(2);
      expect(screen.getByRole('alert').textContent).toBe('PostgreSQL is not answering');
      await wait(3_600); // the failed read did not stop the polling
      expect(reads).toBe(3);
      expect(screen.queryByRole('alert')).toBeNull();
      expect(screen.getAllByTestId('wallet-status-row').map((r) => r.getAttribute('data-status'))).toEqual(['READY', 'READY']);
      await wait(10_000); // nothing syncs any more: no more reads
      expect(reads).toBe(3);
    });
  });

  describe('a token\'s top holders', () => {
    afterEach(() => vi.unstubAllGlobals());
    const MINT = wallets[2];

    it('checks the mint and the number of holders before anything is sent, then posts {token, top} and opens the analysis', async () => {
      const posted: unknown[] = [];
      vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
        posted.push({ url, body: JSON.parse(String(init.body)) });
        return new Response(JSON.stringify({ analysisId: 'a-token', workflowId: 'w', status: 'running', links: {} }), { status: 202, headers: { 'content-type': 'application/json' } });
      });
      render(
        <MemoryRouter initialEntries={['/']}>
          <Routes>
            <Route path="/" element={<StartPage />} />
            <Route path="/analyses/:id" element={<p data-testid="opened">opened</p>} />
          </Routes>
        </MemoryRouter>,
      );
      fireEvent.click(screen.getByLabelText('Token holders'));
      expect(screen.queryByLabelText('Wallets')).toBeNull();
      const analyze = screen.getByRole('button', { name: 'Analyze' }) as HTMLButtonElement;
      expect(analyze.disabled).toBe(true);
      fireEvent.change(screen.getByLabelText('Token mint'), { target: { value: 'not-a-mint' } });
      expect(screen.getAllByTestId('input-issue').map((p) => p.textContent)).toEqual(['not a Solana address (base58, 32 bytes)']);
      fireEvent.change(screen.getByLabelText('Token mint'), { target: { value: ` ${MINT} ` } });
      fireEvent.change(screen.getByLabelText('Top holders'), { target: { value: '1' } });
      expect(screen.getAllByTestId('input-issue').map((p) => p.textContent)).toEqual(['a whole number from 2 to 1,000']);
      expect(analyze.disabled).toBe(true);
      fireEvent.change(screen.getByLabelText('Top holders'), { target: { value: '250' } });
      expect(screen.queryAllByTestId('input-issue')).toEqual([]);
      expect(analyze.disabled).toBe(false);
      fireEvent.click(analyze);
      await waitFor(() => expect(screen.getByTestId('opened')).toBeTruthy());
      expect(posted).toEqual([{ url: '/v1/analyses', body: { token: MINT, top: 250, sync: 'auto', window: null } }]);
    });
  });
});
