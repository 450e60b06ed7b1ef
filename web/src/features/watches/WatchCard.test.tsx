import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { WatchCard, watchBodyOf } from './WatchCard';
import type { AnalysisView } from '../../api/types';

const W = ['Aaaa1111111111111111111111111111111111111111', 'Bbbb2222222222222222222222222222222222222222'];
const params = { window: 30, sync: 'auto', failureThreshold: 0.8, topPairs: 100 };
const ofWallets = { analysisId: 'a-1', status: 'completed', wallets: W, params, holders: null } as unknown as AnalysisView;
const ofToken = { analysisId: 'a-2', status: 'completed', wallets: W, params: { ...params, token: 'Mint', top: 50 }, holders: { token: 'Mint', top: 50 } } as unknown as AnalysisView;

describe('WatchCard', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("asks for the analysis's own request again: its wallets, or its token's holders, with its parameters", () => {
    expect(watchBodyOf(ofWallets, 720)).toEqual({ ...params, wallets: W, everyMinutes: 720 });
    expect(watchBodyOf(ofToken, 1440)).toEqual({ ...params, token: 'Mint', top: 50, everyMinutes: 1440 });
    // a webhook only when a URL is given
    expect(watchBodyOf(ofWallets, 720, { url: '  ', on: 'every-run' })).toEqual({ ...params, wallets: W, everyMinutes: 720 });
    expect(watchBodyOf(ofWallets, 720, { url: ' https://hooks.example.com/x ', on: 'every-run' })).toEqual({ ...params, wallets: W, everyMinutes: 720, notify: { url: 'https://hooks.example.com/x', on: 'every-run' } });
  });

  it("with a webhook URL, asks for it and hands the watch's page the secret the API gives once", async () => {
    const bodies: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
        bodies.push(JSON.parse(String(init?.body)));
        return Response.json({ watchId: 'w-9', notify: { target: 'https://hooks.example.com/…', on: 'every-run', secret: 'whsec_once' } }, { status: 201 });
      }),
    );
    function Secret() {
      const state = useLocation().state as { secret?: string } | null;
      return <p>secret: {state?.secret ?? 'none'}</p>;
    }
    render(
      <MemoryRouter initialEntries={['/analyses/a-1']}>
        <Routes>
          <Route path="/analyses/:id" element={<WatchCard analysis={ofWallets} />} />
          <Route path="/watches/:id" element={<Secret />} />
        </Routes>
      </MemoryRouter>,
    );
    const which = screen.getByLabelText<HTMLSelectElement>('Which runs the webhook is told of');
    expect(which.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Webhook URL (optional): each run is POSTed to it, signed'), { target: { value: 'https://hooks.example.com/x' } });
    expect(which.disabled).toBe(false);
    fireEvent.change(which, { target: { value: 'every-run' } });
    fireEvent.click(screen.getByRole('button', { name: 'Watch' }));
    await screen.findByText('secret: whsec_once');
    expect(bodies).toEqual([{ ...params, wallets: W, everyMinutes: 1440, notify: { url: 'https://hooks.example.com/x', on: 'every-run' } }]);
  });

  it('watches the group at the chosen interval and opens the watch; says what the API refused', async () => {
    const bodies: unknown[] = [];
    let refuse = false;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
        bodies.push(JSON.parse(String(init?.body)));
        if (refuse) return Response.json({ detail: 'this key keeps 20 watched groups already' }, { status: 409 });
        return Response.json({ watchId: 'w-9' }, { status: 201 });
      }),
    );
    render(
      <MemoryRouter initialEntries={['/analyses/a-1']}>
        <Routes>
          <Route path="/analyses/:id" element={<WatchCard analysis={ofWallets} />} />
          <Route path="/watches/:id" element={<p>watch page</p>} />
        </Routes>
      </MemoryRouter>,
    );
    fireEvent.change(screen.getByLabelText('How often to analyse the group again'), { target: { value: '10080' } });
    refuse = true;
    fireEvent.click(screen.getByRole('button', { name: 'Watch' }));
    expect((await screen.findByRole('alert')).textContent).toContain('this key keeps 20 watched groups already');
    refuse = false;
    fireEvent.click(screen.getByRole('button', { name: 'Watch' }));
    await screen.findByText('watch page');
    expect(bodies.at(-1)).toMatchObject({ wallets: W, everyMinutes: 10080 });
  });
});
