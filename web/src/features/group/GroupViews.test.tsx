import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { GroupViews } from './GroupViews';
import { SummaryCard } from '../summary/SummaryCard';
import type { SimilarityResult } from '../../api/types';
import { GROUP_VIEW_MAX_WALLETS, groupFocus, resultView, walletOfFilter } from '../../lib/result';
import { analysis } from '../../testing/fixture';
import { groupOf } from '../../testing/pairs-api';

/** A result of `n` wallets that lists its strongest `listed` pairs, with one cluster of the first `clustered` wallets. */
function bigResult(n: number, listed: number, clustered: number) {
  const group = groupOf(n);
  const ranked = [...group.pairs].sort((a, b) => (b.scores?.combined ?? -1) - (a.scores?.combined ?? -1));
  const members = group.wallets.slice(0, clustered);
  const result = { ...analysis.result, pairs: ranked.slice(0, listed), pairCount: group.pairs.length, pairsComplete: false, clusters: [{ members, edgeCount: 3, meanCombined: 0.6 }] } as unknown as SimilarityResult;
  return { group, view: resultView(result, group.wallets) };
}

describe('a result that lists only its strongest pairs', () => {
  it('reads pairCount and pairsComplete; results without them are complete', () => {
    const { view } = bigResult(30, 20, 4);
    expect(view).toMatchObject({ pairCount: 435, pairsComplete: false });
    expect(view.pairs).toHaveLength(20);
    expect(resultView(analysis.result, analysis.wallets)).toMatchObject({ pairCount: 28, pairsComplete: true });
    // a count above the pairs listed is incomplete even without the flag
    expect(resultView({ ...analysis.result, pairCount: 40 } as unknown as SimilarityResult, analysis.wallets).pairsComplete).toBe(false);
  });

  it('draws a group of more than 100 wallets in part: the clustered wallets, then those of the strongest pairs, and says so', () => {
    const { group, view } = bigResult(300, 1000, 12);
    const focus = groupFocus(view);
    expect(focus.view.wallets).toHaveLength(GROUP_VIEW_MAX_WALLETS);
    for (const m of group.wallets.slice(0, 12)) expect(focus.view.wallets).toContain(m);
    const drawn = new Set(focus.view.wallets);
    expect(focus.view.pairs.length).toBeGreaterThan(0);
    for (const p of focus.view.pairs) expect(drawn.has(p.walletA as string) && drawn.has(p.walletB as string)).toBe(true);
    expect(focus.note).toBe('300 wallets are too many to draw: showing 100, the 12 in clusters and then those of the strongest pairs. Only the strongest 1000 of 44850 pairs are drawn; the others are blank.');

    // drawn (happy-dom takes seconds for 100 × 100 cells, so a smaller limit here)
    render(<GroupViews view={view} maxWallets={20} />);
    expect(screen.getAllByTestId('group-focus-note')[0].textContent).toMatch(/^300 wallets are too many to draw: showing 20, the 12 in clusters/);
    expect(screen.getAllByTestId('group-focus-note')).toHaveLength(2);
    expect(within(screen.getByTestId('heatmap')).getByRole('img').getAttribute('aria-label')).toBe('Heatmap of combined scores of 20 wallets, ordered by cluster');
    expect(within(screen.getByTestId('wallet-graph')).getByRole('img').getAttribute('aria-label')).toMatch(/^Graph of 20 wallets and \d+ links/);
    // the cluster list reads the whole result
    expect(screen.getByText('Clusters (1)')).toBeTruthy();
  });

  it('says what binds each cluster: the signals linking its pairs, its common counterparties (an upstream funder too) and its strongest pair', () => {
    const { view } = bigResult(20, 50, 3);
    const members = view.clusters[0].members as string[];
    const root = 'Root111111111111111111111111111111111111111';
    const evidence = {
      signalPairs: { funding: 3, bundle: 0, timing: 1, rarity: 0, behavior: 0 },
      commonCounterparties: [{ counterparty: root, kind: 'upstream-funder', memberCount: 3 }],
      bindingPairs: [{ walletA: members[0], walletB: members[1], combined: 0.6, strongest: 'funding', summary: `funded through 1 fresh wallet by the same ${root}` }],
    };
    render(<GroupViews view={{ ...view, clusters: [{ ...view.clusters[0], evidence }, { members: members.slice(0, 2), evidence: null }] }} />);
    const bindings = screen.getAllByTestId('cluster-binding');
    // the second cluster (an engine 1.x result's) has no evidence: nothing said
    expect(bindings).toHaveLength(1);
    expect(bindings[0].textContent).toBe(`pairs linked by funding 3, timing 1 · common upstream funder Root…1111 (3 members) · strongest pair: funded through 1 fresh wallet by the same ${root}`);
  });

  it('draws a small incomplete group whole and says which pairs are blank; a complete one as before', () => {
    const { view } = bigResult(20, 50, 3);
    expect(groupFocus(view)).toEqual({ view, note: 'Only the strongest 50 of 190 pairs are drawn; the others are blank.' });
    const complete = resultView(analysis.result, analysis.wallets);
    expect(groupFocus(complete)).toEqual({ view: complete, note: null });
    render(<GroupViews view={complete} />);
    expect(screen.queryByTestId('group-focus-note')).toBeNull();
  });

  it('shows on the summary card how many pairs the analysis has and how many the result lists', () => {
    const { view } = bigResult(300, 1000, 12);
    render(<SummaryCard view={view} failed={[]} />);
    const card = screen.getByTestId('summary-card');
    const stat = (name: string) => within(card).getByText(name).parentElement?.querySelector('dd')?.textContent;
    expect(stat('Pairs')).toBe('44850');
    expect(stat('Listed')).toBe('1000 strongest');
    expect(within(card).getByText('Behavior ≥ 0.5 (listed)')).toBeTruthy();
  });

  it('names a wallet for the API filter by its address, a unique part or its short form', () => {
    const { group } = bigResult(30, 20, 4);
    const w = group.wallets[2];
    expect(walletOfFilter(group.wallets, w)).toEqual({ wallet: w, issue: null });
    expect(walletOfFilter(group.wallets, `${w.slice(0, 4)}…${w.slice(-4)}`)).toEqual({ wallet: w, issue: null });
    expect(walletOfFilter(group.wallets, '')).toEqual({ wallet: null, issue: null });
    expect(walletOfFilter(group.wallets, 'zzzz').issue).toBe('No wallet of this group matches.');
    expect(walletOfFilter(group.wallets, w.slice(0, 10)).issue).toMatch(/^\d+ wallets match/);
  });

  it('colours each cluster alike in the list, the heatmap and the graph, though the list goes by confidence and the drawings by size', () => {
    const { view } = bigResult(12, 66, 0);
    const w = view.wallets;
    // the engine's order: the small sure cluster before the large doubtful one
    const clusters = [
      { members: w.slice(0, 2), confidence: 0.9, meanCombined: 0.8 },
      { members: w.slice(2, 6), confidence: 0.4, meanCombined: 0.5 },
    ];
    render(<GroupViews view={{ ...view, clusters }} />);
    const swatches = screen.getAllByRole('listitem').map((li) => (li.querySelector('.swatch') as HTMLElement).style.background);
    expect(new Set(swatches).size).toBe(2);
    clusters.forEach((c, i) => {
      for (const m of c.members) {
        const stripe = within(screen.getByTestId('heatmap')).getByRole('img').querySelector(`rect[data-wallet="${m}"]`) as SVGElement;
        const node = within(screen.getByTestId('wallet-graph')).getByRole('img').querySelector(`circle[data-wallet="${m}"]`) as SVGElement;
        expect([m, stripe.getAttribute('fill'), node.getAttribute('fill')]).toEqual([m, swatches[i], swatches[i]]);
      }
    });
  });
});
