import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
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
});

