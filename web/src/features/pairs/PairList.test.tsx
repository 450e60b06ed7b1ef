import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useState } from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { PairList } from './PairList';
import { PairDetail } from './PairDetail';
import type { Pair } from '../../api/types';
import { pairs, wallets } from '../../testing/fixture';

/** 50 wallets' 1,225 pairs, built from the engine's pairs of the fixture (scores cycle through them). */
function fiftyWalletPairs(): Pair[] {
  const names = Array.from({ length: 50 }, (_, i) => (i < wallets.length ? wallets[i] : `${wallets[i % wallets.length].slice(0, 40)}w${String(i).padStart(3, '0')}`));
  const out: Pair[] = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) out.push({ ...pairs[out.length % pairs.length], walletA: names[i], walletB: names[j] });
  return out;
}

/** The pair list and the detail of the pair opened from it, as the analysis page lays them out. */
function ListWithDetail() {
  const [selected, setSelected] = useState<Pair | null>(null);
  return (
    <>
      <PairList pairs={pairs} onOpen={setSelected} selected={selected} />
      {selected ? <PairDetail pair={selected} onClose={() => setSelected(null)} /> : null}
    </>
  );
}

describe('PairList', () => {
  // happy-dom lays nothing out: give elements the size of a 480-pixel-high list so the virtualizer has a viewport
  const saved = ['clientHeight', 'clientWidth'].map((k) => [k, Object.getOwnPropertyDescriptor(HTMLElement.prototype, k)] as const);
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  });
  afterAll(() => {
    for (const [k, d] of saved) if (d) Object.defineProperty(HTMLElement.prototype, k, d);
    else Reflect.deleteProperty(HTMLElement.prototype, k);
  });

  it('renders only a window of 1,225 pairs and reports the total', () => {
    const many = fiftyWalletPairs();
    expect(many).toHaveLength(1225);
    render(<PairList pairs={many} onOpen={() => undefined} selected={null} />);
    const list = screen.getByTestId('pair-list');
    expect(list.getAttribute('data-pair-count')).toBe('1225');
    const rows = within(list).getAllByTestId('pair-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
  });

  it('sorts by combined score, highest first, and filters by wallet', () => {
    let opened: Pair | null = null;
    render(<PairList pairs={pairs} onOpen={(p) => (opened = p)} selected={null} />);
    const combined = () => within(screen.getByTestId('pair-list')).getAllByRole('meter', { name: /^Combined/ }).map((m) => Number(m.getAttribute('aria-valuenow')));
    const shown = combined();
    expect(shown).toEqual([...shown].sort((x, y) => y - x));
    fireEvent.click(screen.getByRole('button', { name: /Sort by Combined/ }));
    const ascending = combined();
    expect(ascending).toEqual([...ascending].sort((x, y) => x - y));
    fireEvent.change(screen.getByLabelText('Filter by wallet'), { target: { value: wallets[0] } });
    const rows = screen.getAllByTestId('pair-row');
    expect(rows).toHaveLength(wallets.length - 1);
    for (const r of rows) expect([r.getAttribute('data-wallet-a'), r.getAttribute('data-wallet-b')]).toContain(wallets[0]);
    fireEvent.click(rows[0]);
    expect(opened).not.toBeNull();
  });

  it('shows the tokens behind a score when the pointer rests on its bar', () => {
    render(<PairList pairs={pairs} onOpen={() => undefined} selected={null} />);
    const first = screen.getAllByTestId('pair-row')[0];
    const pair = pairs.find((p) => p.walletA === first.getAttribute('data-wallet-a') && p.walletB === first.getAttribute('data-wallet-b')) as Pair;
    expect(screen.queryByRole('tooltip')).toBeNull();
    fireEvent.mouseEnter(within(first).getByRole('meter', { name: /^Combined/ }));
    const tip = screen.getByRole('tooltip');
    expect(first.contains(tip)).toBe(false); // not inside the row's button
    const mints = within(tip).getAllByTestId('token-label').map((l) => l.getAttribute('data-mint'));
    expect(mints).toEqual((pair.sharedTokens ?? []).slice(0, 5).map((t) => t.mint));
    fireEvent.mouseLeave(within(first).getByRole('meter', { name: /^Combined/ }));
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  it('shows the tokens behind a score while its row has keyboard focus, as the description of the row', () => {
    render(<PairList pairs={pairs} onOpen={() => undefined} selected={null} />);
    const first = screen.getAllByTestId('pair-row')[0];
    const pair = pairs.find((p) => p.walletA === first.getAttribute('data-wallet-a') && p.walletB === first.getAttribute('data-wallet-b')) as Pair;
    expect(first.getAttribute('aria-describedby')).toBeNull();
    act(() => first.focus());
    const tip = screen.getByRole('tooltip');
    expect(first.getAttribute('aria-describedby')).toBe(tip.id);
    expect(tip.id).not.toBe('');
    expect(within(tip).getAllByTestId('token-label').map((l) => l.getAttribute('data-mint'))).toEqual((pair.sharedTokens ?? []).slice(0, 5).map((t) => t.mint));
    act(() => first.blur());
    expect(screen.queryByRole('tooltip')).toBeNull();
    expect(first.getAttribute('aria-describedby')).toBeNull();
    // Escape hides it while the row keeps focus
    act(() => first.focus());
    fireEvent.keyDown(first, { key: 'Escape' });
    expect(screen.queryByRole('tooltip')).toBeNull();
    expect(document.activeElement).toBe(first);
  });

  it("moves focus to a pair's detail (its heading) on open, and back to the row that opened it on close", () => {
    render(<ListWithDetail />);
    const row = screen.getAllByTestId('pair-row')[1];
    row.focus();
    fireEvent.click(row);
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Pair detail' }));
    fireEvent.click(screen.getByRole('button', { name: 'Close pair detail' }));
    expect(screen.queryByTestId('pair-detail')).toBeNull();
    expect(document.activeElement).toBe(row);
  });

  it("moves focus back to the list on closing a pair's detail whose row is no longer shown", () => {
    render(<ListWithDetail />);
    const row = screen.getAllByTestId('pair-row')[0];
    const other = wallets.find((w) => w !== row.getAttribute('data-wallet-a') && w !== row.getAttribute('data-wallet-b')) as string;
    row.focus();
    fireEvent.click(row);
    // a filter hides the row while its detail is open
    fireEvent.change(screen.getByLabelText('Filter by wallet'), { target: { value: other } });
    expect(row.isConnected).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Close pair detail' }));
    // (a browser focuses the list only because it is focusable: tabindex -1)
    expect(screen.getByTestId('pair-list').getAttribute('tabindex')).toBe('-1');
    expect(document.activeElement).toBe(screen.getByTestId('pair-list'));
  });
});
