import { describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { HoldersCard } from './HoldersCard';

const MINT = 'So11111111111111111111111111111111111111112'.replace('So1', 'Ho1');
const SIG = '5'.repeat(88);

describe('HoldersCard', () => {
  it('says the holders are being resolved until the workflow knows them', () => {
    render(<HoldersCard holders={{ token: MINT, top: 100, resolved: false }} />);
    expect(screen.getByTestId('holders-card').textContent).toContain('resolving its top 100 holders…');
    expect(screen.queryByTestId('holders-left-out')).toBeNull();
  });

  it('says the holders were not resolved when the analysis ended before', () => {
    render(<HoldersCard holders={{ token: MINT, top: 100, resolved: false }} status="failed" />);
    const text = screen.getByTestId('holders-card').textContent;
    expect(text).toContain('its top 100 holders were not resolved (the analysis failed)');
    expect(text).not.toContain('resolving');
  });

  it('says how the group was chosen, who was left out and why, and where the token launched', () => {
    render(
      <HoldersCard
        holders={{
          token: MINT,
          top: 50,
          resolved: true,
          selected: 50,
          eligible: 1994,
          ownersSeen: 2000,
          accountsSeen: 2042,
          pages: 3,
          complete: true,
          excludedCounts: { burn: 1, amm: 1, exchange: 1, 'off-curve': 3 },
          excluded: [{ owner: '1nc1nerator11111111111111111111111111111111', amount: '25000000000000', accounts: 1, reason: 'burn', label: 'Solana incinerator' }],
          launch: { signature: SIG, slot: 290_000_123, timestamp: 1_727_000_000 },
          scannedAt: '2026-12-06T19:20:05.123Z',
        }}
      />,
    );
    const card = screen.getByTestId('holders-card');
    expect(screen.getByTestId('holders-scanned').textContent).toContain('Holders as read at 2026-12-06 19:20:05 UTC');
    expect(card.textContent).toContain('the top 50 of 1,994 eligible holders (2,000 owners, 2,042 token accounts)');
    expect(screen.getByTestId('holders-left-out').textContent).toBe('Left out: 1 burn, 1 amm, 1 exchange, 3 off-curve');
    expect(card.textContent).toContain('burn (Solana incinerator)');
    expect(screen.getByTestId('holders-launch').textContent).toContain('Launch: slot 290000123 on 2024-09-22 10:13:20 UTC');
    expect(within(card).getByRole('link', { name: `Open transaction ${SIG} on Solscan` })).toBeTruthy();
    expect(within(card).getByRole('link', { name: `Open token ${MINT} on Solscan` })).toBeTruthy();
  });

  it('says why the launch was not read, and when the scan stopped at its page cap', () => {
    render(<HoldersCard holders={{ token: MINT, top: 10, resolved: true, selected: 10, eligible: 10, ownersSeen: 10, accountsSeen: 100_000, pages: 100, complete: false, excludedCounts: {}, excluded: [], launch: null, launchUnread: 'the mint has no transactions' }} />);
    expect(screen.getByTestId('holders-card').textContent).toContain('100,000 token accounts, first 100 pages only)');

    expect(screen.getByTestId('holders-left-out').textContent).toBe('Left out: none');
    expect(screen.getByTestId('holders-launch').textContent).toBe('Launch not read (the mint has no transactions): a bundle among its snipers may not show');
    cleanup();
    // with the mint's largest accounts read besides, or not
    render(<HoldersCard holders={{ token: MINT, top: 10, resolved: true, selected: 10, eligible: 10, ownersSeen: 10, accountsSeen: 100_003, pages: 100, complete: false, largestAccounts: { read: 20, added: 3 }, excludedCounts: {}, excluded: [], launch: null }} />);
    expect(screen.getByTestId('holders-card').textContent).toContain('100,003 token accounts, first 100 pages only, and its 20 largest accounts, 3 of them past those pages)');
    cleanup();
    render(<HoldersCard holders={{ token: MINT, top: 10, resolved: true, selected: 10, eligible: 10, ownersSeen: 10, accountsSeen: 100_000, pages: 100, complete: false, largestAccounts: { read: 0, added: 0, unread: 'ProviderUnavailableError: HTTP 503' }, excludedCounts: {}, excluded: [], launch: null }} />);
    expect(screen.getByTestId('holders-card').textContent).toContain('first 100 pages only; its largest accounts could not be read (ProviderUnavailableError: HTTP 503))');
  });

  it('says among how many of the largest owners the eligible ones were counted, when not all were tested', () => {
    render(<HoldersCard holders={{ token: MINT, top: 10, resolved: true, selected: 10, eligible: 97_000, ownersSeen: 480_000, ownersTested: 100_000, accountsSeen: 500_000, pages: 50, complete: false, excludedCounts: {}, excluded: [], launch: null }} />);
    expect(screen.getByTestId('holders-card').textContent).toContain('the top 10 of 97,000 eligible holders among the largest 100,000 owners tested (480,000 owners, 500,000 token accounts, first 50 pages only');
  });

  it('draws a view whose fields are missing or malformed without failing', () => {
    const odd = { token: MINT, top: 5, resolved: true, excluded: [{ owner: 42 }, { owner: '1nc1nerator11111111111111111111111111111111', reason: 'burn' }], launch: { slot: 'x', signature: null }, launchUnread: { no: 1 }, scannedAt: 'yesterday' } as unknown as Parameters<typeof HoldersCard>[0]['holders'];
    render(<HoldersCard holders={odd} />);
    expect(screen.getByTestId('holders-left-out').textContent).toBe('Left out: 1 or more');
    expect(screen.queryByTestId('holders-launch')).toBeNull();
    expect(screen.queryByTestId('holders-scanned')).toBeNull();
  });
});
