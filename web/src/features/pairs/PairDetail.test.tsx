import { describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { PairDetail, TOKENS_PER_PAGE } from './PairDetail';
import { TokensProvider } from '../../components/tokens';
import type { Pair } from '../../api/types';
import { analysis, pairWithManyTokens, pairs } from '../../testing/fixture';
import { shortAddress } from '../../lib/addresses';

const sig = (n: number) => `${n}`.repeat(1) + '5h7VtQxkUj4Vt1YDe1jXoZ9ZcVqZp6VvVWuYkF3S7TQnM1cW2Z4tqz8VJ1pTkmw5K7W9f7o9GJ3xvXxH4m1Qj2';

function renderDetail(pair: Pair) {
  return render(
    <TokensProvider tokens={analysis.tokens}>
      <PairDetail pair={pair} onClose={() => undefined} />
    </TokensProvider>,
  );
}

describe('PairDetail', () => {
  it('pages the per-token contributions 10 at a time, in the engine order', () => {
    const tokens = pairWithManyTokens.sharedTokens ?? [];
    expect(tokens.length).toBeGreaterThan(TOKENS_PER_PAGE);
    renderDetail(pairWithManyTokens);
    const table = screen.getByTestId('pair-tokens');
    const mintsShown = () => within(table).getAllByTestId('pair-token-row').map((r) => within(r).getByTestId('token-label').getAttribute('data-mint'));
    expect(mintsShown()).toEqual(tokens.slice(0, 10).map((t) => t.mint));
    expect(within(table).getByText('Page 1 of 2')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Next tokens page' }));
    expect(mintsShown()).toEqual(tokens.slice(10, 20).map((t) => t.mint));
    expect((screen.getByRole('button', { name: 'Next tokens page' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Previous tokens page' }));
    expect(mintsShown()).toEqual(tokens.slice(0, 10).map((t) => t.mint));
  });

  it('shows symbols for enriched tokens and shortened mints for the rest', () => {
    renderDetail(pairWithManyTokens);
    const labels = screen.getAllByTestId('token-label');
    for (const label of labels) {
      const mint = label.getAttribute('data-mint') as string;
      const symbol = analysis.tokens?.[mint]?.symbol;
      expect(label.textContent).toBe(symbol ?? `${mint.slice(0, 4)}…${mint.slice(-4)}`);
    }
  });

  it('renders the engine insights, and funding, bundle and timing evidence with a separate explorer link per signature', () => {
    const base = pairs[0];
    const funder = base.walletA as string;
    const pair: Pair = {
      ...base,
      scores: { ...base.scores, funding: 0.9, bundle: 0.4 },
      evidence: {
        funding: [{ kind: 'common-first-funder', counterparty: funder, counterpartyWallets: 3, a: { asset: 'SOL', amount: '1.5', signature: sig(1), slot: 1, timestamp: 1700000000 }, b: { asset: 'SOL', amount: '1.5', signature: sig(2), slot: 2, timestamp: 1700000030 }, secondsApart: 30, strength: 0.8 }],
        bundle: [{ mint: (base.sharedTokens ?? [])[0]?.mint, signatureA: sig(3), signatureB: sig(4), sameSlot: true, secondsApart: 0 }],
        timing: { leader: base.walletA, follower: base.walletB, medianLagSeconds: 40, summary: 'B follows A by about 40 s on 2 of 3 trades', matches: [{ mint: (base.sharedTokens ?? [])[1]?.mint, direction: 'buy', leaderSignature: sig(5), followerSignature: sig(6), leaderTime: 1700000000, followerTime: 1700000040, lagSeconds: 40 }] },
        rareTokens: [{ mint: (base.sharedTokens ?? [])[2]?.mint, weight: 0.9, walletsTrading: 2 }],
        contributions: { funding: 0.5, timing: 0.2 },
      },
    };
    renderDetail(pair);
    const evidence = screen.getByTestId('pair-evidence');
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const link = within(evidence).getByRole('link', { name: `Open transaction ${sig(n)} on Solscan` });
      expect(link.getAttribute('href')).toBe(`https://solscan.io/tx/${sig(n)}`);
      expect(link.closest('button')).toBeNull(); // never inside another interactive element
    }
    expect(within(evidence).getByText(/common-first-funder/)).toBeTruthy();
    expect(within(evidence).getAllByText(/B follows A by about 40 s/).length).toBeGreaterThan(0);
    expect(within(evidence).getByText('Rare tokens (1)')).toBeTruthy();
    for (const i of base.insights ?? []) expect(within(evidence).getByText(i.type as string)).toBeTruthy();
    expect(within(screen.getByTestId('pair-timeline')).getByRole('img', { name: /1 copied trades/ })).toBeTruthy();
  });

  it('renders first fundings of the same amount with the amount and both funders', () => {
    const base = pairs[0];
    const [funderA, funderB] = [base.walletA as string, base.walletB as string];
    const ref = (n: number) => ({ asset: 'SOL', amount: '1.2345', signature: sig(n), slot: n, timestamp: 1700000000 + 60 * n });
    renderDetail({ ...base, evidence: { funding: [{ kind: 'same-amount-funding', a: ref(1), b: ref(2), funderA, funderB, secondsApart: 60, strength: 0.7 }] } });
    const item = within(screen.getByTestId('pair-evidence')).getByText(/same-amount-funding/).closest('li') as HTMLElement;
    expect(item.textContent).toContain('1.2345 SOL each');
    expect(item.textContent).toContain(`${funderA.slice(0, 4)}`);
    expect(item.textContent).toContain(`${funderB.slice(0, 4)}`);
    expect(item.textContent).toContain('60 s apart');
    expect(within(item).getAllByRole('link')).toHaveLength(2);
  });

  it('says when a common funder\'s whole history on chain is short (a wallet of one owner)', () => {
    const base = pairs[0];
    const ref = (n: number) => ({ asset: 'SOL', amount: '2', signature: sig(n), slot: n, timestamp: 1700000000 + 60 * n });
    const common = { kind: 'common-first-funder', counterparty: base.walletA as string, counterpartyWallets: 20, counterpartyWeight: 1, a: ref(1), b: ref(2), secondsApart: 60, strength: 0.9 };
    renderDetail({ ...base, evidence: { funding: [{ ...common, counterpartyActivity: { transactions: 41, complete: true, dedicated: true } }] } });
    const item = within(screen.getByTestId('pair-evidence')).getByText(/common-first-funder/).closest('li') as HTMLElement;
    expect(item.textContent).toContain('(20 wallets)');
    expect(item.textContent).toContain('its whole history: 41 transactions');
  });

  it('says when a common destination is one exchange account\'s deposit address, and not otherwise', () => {
    const base = pairs[0];
    const exchange = base.walletB as string;
    const ref = (n: number) => ({ asset: 'SOL', amount: '2', signature: sig(n), slot: n, timestamp: 1700000000 + 86400 * n });
    const destination = { kind: 'common-destination', counterparty: base.walletA as string, counterpartyWallets: 3, counterpartyWeight: 1, counterpartyActivity: { transactions: 32, complete: true, dedicated: true }, a: ref(1), b: ref(20), secondsApart: 19 * 86400, strength: 0.6 };
    const { unmount } = renderDetail({ ...base, evidence: { funding: [{ ...destination, depositTo: exchange }] } });
    const item = within(screen.getByTestId('pair-evidence')).getByText(/common-destination/).closest('li') as HTMLElement;
    expect(item.textContent).toContain(`a deposit address at ${shortAddress(exchange)}`);
    unmount();
    renderDetail({ ...base, evidence: { funding: [destination] } });
    const plain = within(screen.getByTestId('pair-evidence')).getByText(/common-destination/).closest('li') as HTMLElement;
    expect(plain.textContent).not.toContain('deposit address');
  });

  it('renders a common fee payer with how many of each wallet\'s transactions it paid, and a wallet paying the other\'s fees (engine 2.8.0)', () => {
    const base = pairs[0];
    const payer = 'Payer11111111111111111111111111111111111111';
    const ref = (n: number) => ({ asset: 'FEE', amount: '0.000005', signature: sig(n), slot: n, timestamp: 1700000000 + 3600 * n });
    const common = { kind: 'common-fee-payer', counterparty: payer, counterpartyWallets: 5, counterpartyWeight: 1, counterpartyActivity: { transactions: 60, complete: true, dedicated: true }, a: ref(1), b: ref(3), transactionsA: 12, transactionsB: 9, secondsApart: 7200, strength: 0.8 };
    const { unmount } = renderDetail({ ...base, evidence: { funding: [common] } });
    const item = within(screen.getByTestId('pair-evidence')).getByText(/common-fee-payer/).closest('li') as HTMLElement;
    expect(item.textContent).toContain(`${shortAddress(payer)}`);
    expect(item.textContent).toContain("paid both wallets' fees");
    expect(item.textContent).toContain('(A: 12, B: 9 transactions; 5 wallets)');
    expect(item.textContent).toContain('0.000005 SOL fee');
    expect(item.textContent).toContain('its whole history: 60 transactions');
    unmount();
    renderDetail({ ...base, evidence: { funding: [{ kind: 'fee-payer', payer: base.walletB, wallet: base.walletA, transaction: ref(2), transactions: 3, strength: 0.9 }] } });
    const paid = within(screen.getByTestId('pair-evidence')).getByText(/^fee-payer$/).closest('li') as HTMLElement;
    expect(paid.textContent).toContain(`${shortAddress(base.walletB as string)} paid ${shortAddress(base.walletA as string)}'s fees (3 transactions)`);
    expect(paid.textContent).toContain('0.000005 SOL fee');
  });

  it('renders NFTs sold between the two and an NFT sold around the group back to its seller, with their prices in SOL (engine 2.20.0)', () => {
    const base = pairs[0];
    const [a, b] = [base.walletA as string, base.walletB as string];
    const third = 'Ccc1111111111111111111111111111111111111111';
    const nft = 'NfT1111111111111111111111111111111111111111';
    const ref = (n: number, amount: string) => ({ asset: 'NFT_SALE', amount, signature: sig(n), slot: n, timestamp: 1700000000 + 86400 * n });
    const sale = { kind: 'nft-sale', seller: a, buyer: b, nft, sale: ref(1, '42'), sales: 3, occasions: 2, bothWays: true, strength: 0.54 };
    const { unmount } = renderDetail({ ...base, evidence: { funding: [sale] } });
    const item = within(screen.getByTestId('pair-evidence')).getByText(/^nft-sale$/).closest('li') as HTMLElement;
    expect(item.textContent).toContain(`${shortAddress(a)} sold an NFT to ${shortAddress(b)} through a market (42 SOL; 3 NFTs on 2 occasions, each selling to the other)`);
    expect(item.textContent).not.toContain('NFT_SALE');
    unmount();
    const trip = { kind: 'nft-round-trip', nft, wallets: [a, b, third], first: ref(1, '42'), last: ref(3, '40'), secondsApart: 2 * 86400, strength: 0.74 };
    renderDetail({ ...base, evidence: { funding: [trip] } });
    const round = within(screen.getByTestId('pair-evidence')).getByText(/^nft-round-trip$/).closest('li') as HTMLElement;
    expect(round.textContent).toContain(`NFT sold around ${[a, b, third, a].map((x) => shortAddress(x)).join(' → ')} (back after 2 days)`);
    expect(round.textContent).toContain('42 SOL');
    expect(round.textContent).toContain('40 SOL');
    expect(round.textContent).not.toContain('s apart');
  });

  it('renders a common upstream funder with the fresh wallets on each side and both fundings', () => {
    const base = pairs[0];
    const [root, hopA, hopB, hopC] = ['Root111111111111111111111111111111111111111', 'HopA111111111111111111111111111111111111111', 'HopB111111111111111111111111111111111111111', 'HopC111111111111111111111111111111111111111'];
    const ref = (n: number, amount: string) => ({ asset: 'SOL', amount, signature: sig(n), slot: n, timestamp: 1700000000 + 60 * n });
    const upstream = { kind: 'common-upstream-funder', counterparty: root, counterpartyWallets: 0, counterpartyWeight: 1, counterpartyActivity: { transactions: 12, complete: true, dedicated: true }, viaA: [hopC, hopA], viaB: [hopB], a: ref(1, '3'), b: ref(2, '4'), secondsApart: 60, strength: 0.42 };
    renderDetail({ ...base, evidence: { funding: [upstream] } });
    const item = within(screen.getByTestId('pair-evidence')).getByText(/common-upstream-funder/).closest('li') as HTMLElement;
    expect(item.textContent).toContain('Root…1111');
    expect(item.textContent).toContain('funded both through fresh wallets');
    expect(item.textContent).toContain('A: via HopC…1111 → HopA…1111; B: via HopB…1111');
    expect(item.textContent).toContain('its whole history: 12 transactions');
    expect(item.textContent).toContain('3 SOL');
    expect(item.textContent).toContain('4 SOL');
    // the funder's explorer link and one per funding signature
    expect(within(item).getAllByRole('link')).toHaveLength(3);
    // a chain that starts at the wallet itself
    renderDetail({ ...base, evidence: { funding: [{ ...upstream, viaA: [] }] } });
    expect(screen.getAllByText(/common-upstream-funder/)[1].closest('li')?.textContent).toContain('A: directly; B: via HopB…1111');
  });

  it('shows a common collector with each wallet\'s deposit address, its history and both receipts; and a sweep to the other wallet', () => {
    const base = pairs[0];
    const [collector, depositA] = ['Co11111111111111111111111111111111111111111', 'DepA111111111111111111111111111111111111111'];
    const ref = (n: number, amount: string) => ({ asset: 'SOL', amount, signature: sig(n), slot: n, timestamp: 1700000000 + 60 * n });
    const downstream = { kind: 'common-downstream-collector', counterparty: collector, counterpartyWallets: 2, counterpartyWeight: 1, counterpartyActivity: { transactions: 9, complete: true, dedicated: true }, viaA: [depositA], viaB: [], a: ref(1, '9.99'), b: ref(2, '4.5'), secondsApart: 172800, strength: 0.55 };
    renderDetail({ ...base, evidence: { funding: [downstream] } });
    const item = within(screen.getByTestId('pair-evidence')).getByText(/common-downstream-collector/).closest('li') as HTMLElement;
    expect(item.textContent).toContain('Co11…1111');
    expect(item.textContent).toContain('collected from both through fresh deposit addresses (A: via DepA…1111; B: directly)');
    expect(item.textContent).toContain('its whole history: 9 transactions');
    expect(item.textContent).toContain('9.99 SOL');
    expect(item.textContent).toContain('4.5 SOL');
    // the collector's explorer link and one per receipt signature
    expect(within(item).getAllByRole('link')).toHaveLength(3);
    const swept = { kind: 'indirect-transfer', from: base.walletA, to: base.walletB, via: [depositA], first: ref(3, '9.99'), last: ref(4, '9.9'), sweep: true, secondsApart: 3600, strength: 0.6 };
    renderDetail({ ...base, evidence: { funding: [swept] } });
    const sweptItem = within(screen.getAllByTestId('pair-evidence')[1]).getByText(/indirect-transfer/).closest('li') as HTMLElement;
    expect(sweptItem.textContent).toContain(`${shortAddress(base.walletA as string)} → ${shortAddress(base.walletB as string)} swept via DepA…1111`);
  });

  it('shows an indirect transfer with its direction, the fresh wallets between and both transfers', () => {
    const base = pairs[0];
    const [hop1, hop2] = ['Hop1111111111111111111111111111111111111111', 'Hop2111111111111111111111111111111111111111'];
    const ref = (n: number, amount: string) => ({ asset: 'SOL', amount, signature: sig(n), slot: n, timestamp: 1700000000 + 60 * n });
    const hop = { kind: 'indirect-transfer', from: base.walletB, to: base.walletA, via: [hop1, hop2], first: ref(1, '6.5'), last: ref(2, '2.25'), secondsApart: 90000, strength: 0.31 };
    renderDetail({ ...base, evidence: { funding: [hop] } });
    const item = within(screen.getByTestId('pair-evidence')).getByText(/indirect-transfer/).closest('li') as HTMLElement;
    expect(item.textContent).toContain(`${shortAddress(base.walletB as string)} → ${shortAddress(base.walletA as string)} via Hop1…1111 → Hop2…1111`);
    expect(item.textContent).toContain('6.5 SOL');
    expect(item.textContent).toContain('2.25 SOL');
    expect(item.textContent).toContain('90,000 s apart');
    // one link per transfer signature
    expect(within(item).getAllByRole('link')).toHaveLength(2);
  });

  it('shows the same amount to the wallets\' fresh first funders', () => {
    const base = pairs[0];
    const ref = (n: number) => ({ asset: 'SOL', amount: '1.2345', signature: sig(n), slot: n, timestamp: 1700000000 + 60 * n });
    const same = { kind: 'same-amount-funding', a: ref(1), b: ref(2), funderA: 'Exch111111111111111111111111111111111111111', funderB: 'Exch111111111111111111111111111111111111111', viaA: ['HopA111111111111111111111111111111111111111'], viaB: ['HopB111111111111111111111111111111111111111'], secondsApart: 120, strength: 0.5 };
    renderDetail({ ...base, evidence: { funding: [same] } });
    const item = within(screen.getByTestId('pair-evidence')).getByText(/same-amount-funding/).closest('li') as HTMLElement;
    expect(item.textContent).toContain('1.2345 SOL each to their fresh funders (A: via HopA…1111; B: via HopB…1111) (from Exch…1111)');
  });

  it('says when two buys landed in the token\'s launch block', () => {
    const base = pairs[0];
    const coBuy = { mint: (base.sharedTokens ?? [])[0]?.mint, signatureA: sig(3), signatureB: sig(4), sameSlot: true, secondsApart: 0, early: true };
    renderDetail({ ...base, evidence: { bundles: [{ ...coBuy, launchBlock: true }, { ...coBuy, signatureA: sig(5), signatureB: sig(6) }] } });
    const items = within(screen.getByTestId('pair-evidence')).getAllByRole('listitem').filter((li) => /early buyers/.test(li.textContent ?? ''));
    expect(items.map((li) => /both in its launch block/.test(li.textContent ?? ''))).toEqual([true, false]);
    expect(items[1].textContent).toContain('same slot');
  });

  it('weighs the co-buys against the pair\'s chances when the result says them (engine 2.10.0)', () => {
    const base = pairs[0];
    const coBuy = { mint: (base.sharedTokens ?? [])[0]?.mint, signatureA: sig(3), signatureB: sig(4), sameSlot: false, secondsApart: 3, early: false };
    renderDetail({ ...base, evidence: { bundles: [coBuy], bundleOdds: { coBuys: 1, nearBuyPairs: 7, chance: 0.042, kept: 0.31, summary: '1 of the 7 pairs of their buys of one token within 30 min of each other came within seconds (4.2 % likely by chance)' } } });
    expect(screen.getByTestId('bundle-odds').textContent).toBe(
      '1 of the 7 pairs of their buys of one token within 30 min of each other came within seconds (4.2 % likely by chance): the bundle score keeps 31 % of their strength',
    );
  });

  it('says nothing of the chances on results that predate them or where none were weighed', () => {
    const base = pairs[0];
    const coBuy = { mint: (base.sharedTokens ?? [])[0]?.mint, signatureA: sig(3), signatureB: sig(4), sameSlot: true, secondsApart: 0, early: true, launchBlock: true };
    renderDetail({ ...base, evidence: { bundles: [coBuy] } });
    expect(screen.queryByTestId('bundle-odds')).toBeNull();
    cleanup();
    renderDetail({ ...base, evidence: { bundles: [coBuy], bundleOdds: { coBuys: 0, nearBuyPairs: 1, chance: 1, kept: 1, summary: '' } } });
    expect(screen.queryByTestId('bundle-odds')).toBeNull();
  });

  it('goes by the typical lag of the packed copies, with the sales\' own and the median of all matches beside it (engine 2.11.0)', () => {
    const base = pairs[0];
    const timing = { leader: base.walletA, follower: base.walletB, medianLagSeconds: 372, typicalLagSeconds: 20, typicalSellLagSeconds: 40, summary: 'B follows A by about 20 s on buys and 40 s on sales, on 8 of 22 trades', matches: [] };
    renderDetail({ ...base, evidence: { timing } });
    const line = within(screen.getByTestId('pair-evidence')).getByText(/Leader/).closest('p') as HTMLElement;
    expect(line.textContent).toContain(', lag 20 s on buys and 40 s on sales (median of all matches 372 s)');
    expect(line.textContent).not.toContain('median lag');
    cleanup();
    renderDetail({ ...base, evidence: { timing: { ...timing, typicalSellLagSeconds: null, medianLagSeconds: 20.2 } } });
    const alone = within(screen.getByTestId('pair-evidence')).getByText(/Leader/).closest('p') as HTMLElement;
    expect(alone.textContent?.endsWith(', lag 20 s')).toBe(true);
    cleanup();
    renderDetail({ ...base, evidence: { timing: { leader: base.walletA, follower: base.walletB, medianLagSeconds: 40, summary: 'B follows A by about 40 s on 2 of 3 trades', matches: [] } } });
    const older = within(screen.getByTestId('pair-evidence')).getByText(/Leader/).closest('p') as HTMLElement;
    expect(older.textContent?.endsWith(', median lag 40 s')).toBe(true);
  });

  it('renders a pair whose optional fields are all missing or malformed', () => {
    const bare = { walletA: pairs[0].walletA, walletB: pairs[0].walletB, scores: { combined: 1.8, capital: null, behavior: Number.NaN }, sharedTokens: 'none', evidence: { funding: 'x', timing: null, bundles: [{ mint: 'm' }], bundleOdds: { summary: 5, kept: 'x' } } } as unknown as Pair;
    renderDetail(bare);
    expect(screen.getByTestId('pair-detail')).toBeTruthy();
    expect(within(screen.getByTestId('pair-tokens')).getByText('No shared tokens.')).toBeTruthy();
    expect(within(screen.getByTestId('pair-timeline')).getByText('No co-trading recorded.')).toBeTruthy();
    expect(within(screen.getByTestId('pair-evidence')).getByText('No insight for this pair.')).toBeTruthy();
    expect(screen.getByRole('meter', { name: 'Combined 100 %' })).toBeTruthy();
    expect(screen.getByRole('meter', { name: 'Behavior n/a' })).toBeTruthy();
    expect(screen.queryByText(/NaN/)).toBeNull();
    expect(screen.queryByTestId('bundle-odds')).toBeNull();
  });
});
