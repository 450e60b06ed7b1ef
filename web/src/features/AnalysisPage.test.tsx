import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useNavigate, type NavigateFunction } from 'react-router';
import { AnalysisPage } from './AnalysisPage';
import { analysis } from '../testing/fixture';

/** How the test moves the router (a link followed, Back pressed); set by the page's router. */
let navigate: NavigateFunction = () => undefined;
function Navigator() {
  navigate = useNavigate();
  return null;
}

/** The page of analysis `id`, as the router serves it. */
const renderPage = (id: string) =>
  render(
    <MemoryRouter initialEntries={[`/analyses/${id}`]}>
      <Navigator />
      <Routes>
        <Route path="/analyses/:id" element={<AnalysisPage />} />
      </Routes>
    </MemoryRouter>,
  );

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' } });
const unavailable = () => json({ title: 'Service Unavailable', status: 503, detail: 'Temporal is not answering' }, 503);
/** The fixture's analysis as `id`, completed with its tokens: nothing to follow on the event stream. */
const completed = (id: string) => ({ ...analysis, analysisId: id, enrichment: { status: 'completed', fetchingElsewhere: 0 } });

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

  it("drops a read of the analysis left behind: Back before it answered shows the analysis of the URL, not the other's answer", async () => {
    const a = { ...analysis, analysisId: 'A', status: 'failed', result: null, error: 'analysis A: every wallet failed to sync' };
    let answerA: (r: Response) => void = () => undefined;
    const reads: string[] = [];
    vi.stubGlobal('fetch', (input: RequestInfo | URL) => {
      const url = String(input);
      reads.push(url);
      // A is large: its read answers only once the page is back on B
      if (url === '/v1/analyses/A') return new Promise<Response>((resolve) => (answerA = resolve));
      if (url === '/v1/analyses/B') return Promise.resolve(json(completed('B')));
      return Promise.resolve(json({ title: 'Not Found', status: 404, detail: 'not in this test' }, 404));
    });
    renderPage('B');
    await waitFor(() => expect(screen.getByTestId('analysis-status').textContent).toBe('completed'));
    act(() => void navigate('/analyses/A'));
    await waitFor(() => expect(reads).toContain('/v1/analyses/A'));
    act(() => void navigate(-1));
    await waitFor(() => expect(screen.getByTestId('analysis-status').textContent).toBe('completed'));
    await act(async () => answerA(json(a)));
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Analysis B');
    expect(screen.getByTestId('analysis-status').textContent).toBe('completed');
    expect(screen.queryByText('analysis A: every wallet failed to sync')).toBeNull();
  });

  it("shows a Cancel's failure on its own analysis only: one that answers after the user moved to another is dropped", async () => {
    const runningA = { ...analysis, analysisId: 'A', status: 'running', result: null, progress: null };
    let refuseCancel: (r: Response) => void = () => undefined;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      // the cancel of A answers only once the page shows B
      if (url === '/v1/analyses/A' && init?.method === 'DELETE') return new Promise<Response>((resolve) => (refuseCancel = resolve));
      if (url === '/v1/analyses/A/events') return new Promise<Response>(() => undefined);
      if (url === '/v1/analyses/A') return Promise.resolve(json(runningA));
      if (url === '/v1/analyses/B') return Promise.resolve(json(completed('B')));
      return Promise.resolve(json({ title: 'Not Found', status: 404, detail: 'not in this test' }, 404));
    });
    renderPage('A');
    fireEvent.click(await screen.findByRole('button', { name: /Cancel analysis/ }));
    act(() => void navigate('/analyses/B'));
    await waitFor(() => expect(screen.getByTestId('analysis-status').textContent).toBe('completed'));
    await act(async () => refuseCancel(json({ title: 'Conflict', status: 409, detail: 'analysis A has already finished' }, 409)));
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Analysis B');
    expect(screen.queryByText('analysis A has already finished', { exact: false })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the first wallet of another analysis in the wallet panel, not the one chosen on the analysis before', async () => {
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url === '/v1/analyses/A' || url === '/v1/analyses/B') return json(completed(url.slice(-1)));
      return json({ title: 'Not Found', status: 404, detail: 'not in this test' }, 404);
    });
    renderPage('B');
    const chosen = analysis.wallets[2];
    fireEvent.change(await screen.findByLabelText('Wallet shown'), { target: { value: chosen } });
    expect((screen.getByLabelText('Wallet shown') as HTMLSelectElement).value).toBe(chosen);
    act(() => void navigate('/analyses/A'));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Analysis A'));
    expect((await screen.findByLabelText('Wallet shown') as HTMLSelectElement).value).toBe(analysis.wallets[0]);
  });

  it('offers Retry when the reload after the stream ended failed and the view still says running', async () => {
    // a cancelled analysis: the server sends `completed` and `end` back to back, and both reloads answer 503
    const running = { ...analysis, analysisId: 'a1', status: 'running', result: null, progress: null };
    const cancelled = { ...running, status: 'cancelled', error: 'cancelled by the user' };
    const stream = ['event: completed', `data: ${JSON.stringify({ analysisId: 'a1', status: 'cancelled', error: 'cancelled by the user' })}`, '', 'event: end', 'data: {"analysisId":"a1"}', '', ''].join('\n');
    let views = 0;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      if (String(input).endsWith('/events')) return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
      views++;
      return views === 1 ? json(running) : views <= 3 ? unavailable() : json(cancelled);
    });
    renderPage('a1');
    const alert = await screen.findByText('Temporal is not answering', { exact: false });
    await waitFor(() => expect(views).toBe(3));
    expect(screen.getByTestId('analysis-status').textContent).toBe('running');
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByTestId('analysis-status').textContent).toBe('cancelled'));
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});
