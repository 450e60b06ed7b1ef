import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { AnalysisPage } from './AnalysisPage';
import { analysis } from '../testing/fixture';

/** The page of analysis `id`, as the router serves it. */
const renderPage = (id: string) =>
  render(
    <MemoryRouter initialEntries={[`/analyses/${id}`]}>
      <Routes>
        <Route path="/analyses/:id" element={<AnalysisPage />} />
      </Routes>
    </MemoryRouter>,
  );

describe('AnalysisPage', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('offers Retry when the first read of the analysis failed, and shows the analysis once it answers', async () => {
    // an analysis that ended: nothing to follow on the event stream
    const failed = { ...analysis, analysisId: 'a1', status: 'failed', result: null, error: 'every wallet failed to sync' };
    const reads: string[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      reads.push(String(input));
      if (reads.length === 1) return new Response(JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'Temporal is not answering' }), { status: 503, headers: { 'content-type': 'application/problem+json' } });
      return new Response(JSON.stringify(failed), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    renderPage('a1');
    const alert = await screen.findByText('Temporal is not answering', { exact: false });
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByTestId('analysis-status').textContent).toBe('failed'));
    expect(screen.queryByText('Temporal is not answering', { exact: false })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(reads).toEqual(['/v1/analyses/a1', '/v1/analyses/a1']);
  });

  it("says why when the API refuses a running analysis's event stream (it is not asked again)", async () => {
    const running = { ...analysis, analysisId: 'a1', status: 'running', result: null, progress: null };
    const reads: string[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      reads.push(String(input));
      if (String(input).endsWith('/events')) return new Response(JSON.stringify({ title: 'Not Found', status: 404, detail: 'no analysis a1' }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
      return new Response(JSON.stringify(running), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    renderPage('a1');
    expect((await screen.findByRole('alert')).textContent).toBe('no analysis a1');
    expect(reads).toEqual(['/v1/analyses/a1', '/v1/analyses/a1/events']);
  });
});
