import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
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
