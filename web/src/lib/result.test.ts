import { describe, expect, it } from 'vitest';
import { clusterOrder, countAbove, groupFocus, insightKinds, resultView } from './result';
import type { Pair } from '../api/types';
import { analysis, pairs } from '../testing/fixture';

describe('resultView', () => {
  it('reads the engine result, and an empty or malformed one as empty', () => {
    const view = resultView(analysis.result, analysis.wallets);
    expect(view.wallets).toEqual(analysis.wallets);
    expect(view.pairs).toHaveLength(28);
    expect(view.histogram.reduce((s, n) => s + n, 0)).toBe(28);
    expect(resultView(null)).toMatchObject({ pairs: [], clusters: [], wallets: [], histogram: new Array(10).fill(0) });
    expect(resultView({ pairs: 'x', clusters: [{}], mostCommonTokens: [null] } as never)).toMatchObject({ pairs: [], clusters: [], commonTokens: [] });
  });

  it('orders wallets cluster by cluster, largest first, then the rest', () => {
    const view = resultView(analysis.result, analysis.wallets);
    const { order, clusterOf } = clusterOrder(view);
    expect([...order].sort()).toEqual([...analysis.wallets].sort());
    const clusters = order.map((w) => clusterOf.get(w) ?? -1);
    const firstLoose = clusters.indexOf(-1);
    const sizes = clusters.slice(0, firstLoose === -1 ? undefined : firstLoose).map((c) => view.clusters[c].members?.length ?? 0);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    if (firstLoose !== -1) expect(clusters.slice(firstLoose).every((c) => c === -1)).toBe(true);
  });

  it("keys each wallet's cluster by the cluster's index in the result (confidence order), drawn largest first", () => {
    const w = ['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6'];
    const view = { ...resultView(null, w), clusters: [{ members: ['w0', 'w1'] }, { members: ['w2', 'w3', 'w4'] }] };
    const { order, clusterOf } = clusterOrder(view);
    expect(order).toEqual(['w2', 'w3', 'w4', 'w0', 'w1', 'w5', 'w6']);
    expect(order.map((x) => clusterOf.get(x) ?? -1)).toEqual([1, 1, 1, 0, 0, -1, -1]);
    // a focus that leaves the first cluster out keeps the second one's index (and so its colour)
    const focus = groupFocus(view, 3);
    expect(focus.view.wallets).toEqual(['w2', 'w3', 'w4']);
    expect(clusterOrder(focus.view).clusterOf.get('w2')).toBe(1);
  });

  it('counts pairs at or above 0.5 on a score, skipping missing ones', () => {
    const scores = [0.5, 0.49, null, 0.9, Number.NaN];
    const made = scores.map((behavior) => ({ walletA: 'a', walletB: 'b', scores: { behavior } }) as Pair);
    expect(countAbove(made, 'behavior')).toBe(2);
  });

  it('names the kinds of a pair: strength, insights, then funding, bundle and rare-token evidence', () => {
    const p: Pair = { ...pairs[0], strength: 'Very High', insights: [{ type: 'Co-trading' }], scores: { ...pairs[0].scores, bundle: 0.3 }, evidence: { funding: [{ kind: 'direct' }], rareTokens: [{ mint: 'm' }] } };
    expect(insightKinds(p)).toEqual(['Very High Similarity', 'Co-trading', 'Funding', 'Bundle', 'Rare Tokens']);
    expect(insightKinds({ walletA: 'a', walletB: 'b' })).toEqual([]);
  });

  it('does not repeat an evidence kind that an insight already names', () => {
    const p: Pair = {
      ...pairs[0],
      strength: 'High',
      insights: [{ type: 'Common Funder' }, { type: 'Same-Block Buying' }, { type: 'Rare Tokens' }, { type: 'Copy Trading' }],
      scores: { ...pairs[0].scores, bundle: 0.6 },
      evidence: { funding: [{ kind: 'common-first-funder' }], bundles: [{ mint: 'm' }], rareTokens: [{ mint: 'm' }] },
    };
    expect(insightKinds(p)).toEqual(['Common Funder', 'Same-Block Buying', 'Rare Tokens', 'Copy Trading']);
  });
});
