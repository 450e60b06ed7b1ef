import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import Papa from 'papaparse';
import { ExportButtons } from './ExportButtons';
import type { AnalysisView } from '../../api/types';
import { resultView } from '../../lib/result';
import { analysis } from '../../testing/fixture';
import { fakePairsApi, groupOf, type FakePairsApi } from '../../testing/pairs-api';

// 60 wallets, 1,770 pairs of which the result lists the strongest 10: the CSV pages through 2 pages of 1,000
const group = groupOf(60);
const ranked = [...group.pairs].sort((a, b) => (b.scores?.combined ?? -1) - (a.scores?.combined ?? -1));
const big = { ...analysis, analysisId: 'big', wallets: group.wallets, result: { ...analysis.result, pairs: ranked.slice(0, 10), pairCount: group.pairs.length, pairsComplete: false } } as unknown as AnalysisView;

describe('ExportButtons: the pairs CSV of a result that lists only its strongest pairs', () => {
  let server: FakePairsApi;
  let blobs: Blob[];
  beforeEach(() => {
    server = fakePairsApi(group.pairs);
    vi.stubGlobal('fetch', server.fetch);
    blobs = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:export';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  const renderButtons = () => render(<ExportButtons analysis={big} result={resultView(big.result, big.wallets)} />);

  it('reads every page, shows its progress, and downloads every pair once, strongest first', async () => {
    server.hold = true;
    renderButtons();
    expect(screen.getByText(/lists the strongest 10 of 1770 pairs/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Export pairs CSV' }));
    const progress = await screen.findByTestId('export-progress');
    expect(within(progress).getByRole('progressbar', { name: 'Pairs exported' }).getAttribute('value')).toBe('0');
    expect(progress.textContent).toContain('0 of 1770 pairs read');
    expect((screen.getByRole('button', { name: 'Export pairs CSV' }) as HTMLButtonElement).disabled).toBe(true);
    await waitFor(() => expect(server.requests).toHaveLength(1));
    server.hold = false;
    server.release();
    await waitFor(() => expect(blobs).toHaveLength(1));
    // the download comes before React renders the export's end (CI saw the bar still there once)
    await waitFor(() => expect(screen.queryByTestId('export-progress')).toBeNull());
    expect(screen.getByRole('status').textContent).toBe('Exported 1770 pairs.');
    expect(server.requests.map((u) => [u.searchParams.get('limit'), u.searchParams.get('cursor')])).toEqual([
      ['1000', null],
      ['1000', '1000'],
    ]);
    const text = await blobs[0].text();
    expect(text).not.toMatch(/\r\n\r\n|\r\n$/); // no empty line
    const csv = Papa.parse<string[]>(text).data;
    expect(csv[0].slice(0, 3)).toEqual(['walletA', 'walletB', 'combined']);
    expect(csv.slice(1).map((r) => `${r[0]}|${r[1]}`)).toEqual(ranked.map((p) => `${p.walletA}|${p.walletB}`));
  });

  it('shows the pairs read while a page is on its way, and cancels: no download', async () => {
    renderButtons();
    server.hold = true;
    // the first page answers at once, the second waits
    let answered = 0;
    const original = server.fetch;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      server.hold = answered++ > 0;
      return original(input, init);
    });
    fireEvent.click(screen.getByRole('button', { name: 'Export pairs CSV' }));
    await waitFor(() => expect(screen.getByTestId('export-progress').textContent).toContain('1000 of 1770 pairs read'));
    expect(within(screen.getByTestId('export-progress')).getByRole('progressbar').getAttribute('value')).toBe('1000');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel export' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Export cancelled.'));
    server.release();
    expect(blobs).toHaveLength(0);
    expect(screen.queryByTestId('export-progress')).toBeNull();
    expect((screen.getByRole('button', { name: 'Export pairs CSV' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('exports a complete result from the result itself, as before', () => {
    const complete = resultView(analysis.result, analysis.wallets);
    expect(complete.pairsComplete).toBe(true);
    render(<ExportButtons analysis={analysis} result={complete} />);
    fireEvent.click(screen.getByRole('button', { name: 'Export pairs CSV' }));
    expect(blobs).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
    expect(screen.queryByText(/lists the strongest/)).toBeNull();
  });
});
