import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { AnalysisProgress } from '../../api/types';

// counts the rows drawn: each row draws its wallet's short address once
const drawn = vi.hoisted(() => ({ rows: 0 }));
vi.mock('../../lib/addresses', async (original) => {
  const actual = await original<typeof import('../../lib/addresses')>();
  return { ...actual, shortAddress: (...args: Parameters<typeof actual.shortAddress>) => (drawn.rows++, actual.shortAddress(...args)) };
});
const { ProgressPanel } = await import('./ProgressPanel');

const wallets = Array.from({ length: 50 }, (_, i) => `Wa11et${String(i).padStart(2, '0')}${'1'.repeat(30)}`);
/** a progress event as the stream sends it: a new object for every wallet, one of them moved on */
const progressWith = (moved: number, pages: number): AnalysisProgress =>
  ({
    analysisId: 'a',
    phase: 'syncing',
    percent: 10,
    proceedRequested: false,
    enrichment: { state: 'not_started', workflowId: null },
    error: null,
    wallets: Object.fromEntries(wallets.map((w, i) => [w, { status: 'MISSING', sync: 'syncing', pages: i === moved ? pages : 1, transactions: 10, balances: 'pending', error: null }])),
  }) as unknown as AnalysisProgress;

describe('ProgressPanel with many wallets', () => {
  afterEach(() => cleanup());

  it('draws again only the row of the wallet that moved when a progress event arrives', () => {
    const props = { wallets, status: 'running', running: true, followed: true, onProceed: () => undefined, onCancel: () => undefined, busy: false };
    const { rerender } = render(<ProgressPanel {...props} progress={progressWith(7, 1)} />);
    expect(drawn.rows).toBe(50);
    drawn.rows = 0;
    rerender(<ProgressPanel {...props} progress={progressWith(7, 2)} />);
    expect(drawn.rows).toBe(1);
    expect(screen.getAllByTestId('progress-row').find((r) => r.dataset.wallet === wallets[7])?.textContent).toContain('2');
  });
});
