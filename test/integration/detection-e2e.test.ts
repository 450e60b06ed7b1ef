// Detection v2 end to end: a hard simulated world (copy-traders that hide, funded launch bundles,
// and decoys: popular-token crowds, behavior twins, exchange-funded strangers, hype waves) is synced
// and analysed through the HTTP API on the real stack (Temporal, PostgreSQL, Redis, simulator).
// From the GET response alone: every ground-truth group is a cluster (pairwise F1 ≥ 0.9), linked
// pairs carry evidence of the right kind (funding and bundles for launch bundles, timing with the
// leader for copy-traders), decoys are not clustered, evidence stays capped, the response holds
// exactly what was stored, and the CLI renders it. A result stored by engine 1.x is still served.
import { randomUUID } from 'node:crypto';
import type { SseEvent } from '../../src/cli/api-client';
import { findPair, renderPairEvidence } from '../../src/cli/pair-detail';
import { RENDER_WIDTH, renderAnalysis } from '../../src/cli/render';
import { BUNDLE_DEFAULTS } from '../../src/domain/detection/bundles';
import { FUNDING_DEFAULTS } from '../../src/domain/detection/funding';
import { DEFAULT_MAX_CARRIERS } from '../../src/domain/detection/rarity';
import { TIMING_DEFAULTS } from '../../src/domain/detection/timing';
import type { SimilarityCluster, SimilarityPair } from '../../src/domain/similarity/types';
import { generateWorld } from '../../src/simulator';
import { completeAnalysis, getAnalysis, insertAnalysis } from '../../src/store/analyses';
import { analysisWorkflowId } from '../../src/workflows/contract';
import { ownDatabase, useSimulatedStack } from '../harness/stack';
import { servedApi } from '../harness/http-api';

const world = generateWorld({ seed: 1, wallets: 40, txPerWallet: 40, scenario: 'hard', largeWallet: false });
const wallets = (world.wallets as Array<{ address: string; label?: string }>).map((w) => w.address);
const labels = Object.fromEntries((world.wallets as Array<{ address: string; label?: string }>).map((w) => [w.address, w.label ?? '']));
const truth = world.groundTruth as {
  clusters: string[][];
  clusterKinds: string[];
  decoys: Array<{ kind: string; members: string[] }>;
  fundingSources: Array<{ address: string; kind: string; funded: string[] }>;
};

const key = (a: string, b: string): string => (a < b ? `${a} ${b}` : `${b} ${a}`);
function pairsOf(groups: readonly string[][]): Set<string> {
  const out = new Set<string>();
  for (const g of groups) for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) out.add(key(g[i], g[j]));
  return out;
}
function f1(found: Set<string>, expected: Set<string>): { precision: number; recall: number; f1: number } {
  const hit = [...found].filter((p) => expected.has(p)).length;
  const precision = found.size === 0 ? 0 : hit / found.size;
  const recall = expected.size === 0 ? 1 : hit / expected.size;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/**
 * A database of this file's own: rarity is weighed against every wallet the database holds
 * (database-wide counts), so in the suite's shared database the scores depended on the files run
 * before this one (a decoy pair of popular-token crowd members clustered in one run of the suite).
 */
const database = ownDatabase('detection_e2e');

describe('detection v2 through the HTTP API', () => {
  const served = servedApi(() => opened.stack);

  const opened = useSimulatedStack(
    { world },
    { DATABASE_URL: database.url },
    { ...database.hooks, ...served.hooks },
  );

  it('finds every hidden group, explains each link with evidence of its kind, leaves the decoys apart, and serves what it stored', async () => {
    const view = await opened.stack.withWorkers(async () => {
      const started = await served.api.startAnalysis({ wallets, sync: 'force' });
      const seen: SseEvent[] = [];
      for await (const e of served.api.events(started.analysisId)) seen.push(e);
      return served.api.getAnalysis(started.analysisId);
    });
    expect(view.status).toBe('completed');
    const result = view.result as unknown as { engineVersion: string; pairs: SimilarityPair[]; clusters: SimilarityCluster[] };
    expect(result.engineVersion).not.toMatch(/^1\./);
    expect(result.pairs).toHaveLength((wallets.length * (wallets.length - 1)) / 2);

    // the response is exactly the stored result: the serializer dropped nothing
    const stored = await getAnalysis(opened.stack.pool, view.analysisId);
    expect(view.result).toEqual(stored?.result);

    // clusters against the ground truth, pairwise
    const found = pairsOf(result.clusters.map((c) => c.members));
    const expected = pairsOf(truth.clusters);
    const score = f1(found, expected);
    const perGroup = truth.clusters.map((g, i) => {
      const best = result.clusters.map((c) => c.members.filter((m) => g.includes(m)).length).reduce((x, y) => Math.max(x, y), 0);
      return `${truth.clusterKinds[i]} ${best}/${g.length}`;
    });
    console.log(
      `detection e2e: pairwise precision ${score.precision.toFixed(3)}, recall ${score.recall.toFixed(3)}, F1 ${score.f1.toFixed(3)}; ` +
        `${result.clusters.length} clusters (${result.clusters.map((c) => c.members.length).join(', ')}); groups found: ${perGroup.join(', ')}`,
    );
    expect(score.f1).toBeGreaterThanOrEqual(0.9);

    // linked pairs of a group carry evidence of the group's kind
    const pairOf = (a: string, b: string): SimilarityPair => result.pairs.find((p) => key(p.walletA, p.walletB) === key(a, b))!;
    const clusterOf = (a: string): SimilarityCluster | undefined => result.clusters.find((c) => c.members.includes(a));
    const linked = (a: string, b: string): boolean => clusterOf(a) !== undefined && clusterOf(a) === clusterOf(b);
    const problems: string[] = [];
    truth.clusters.forEach((group, g) => {
      const kind = truth.clusterKinds[g];
      const funder = truth.fundingSources.find((s) => s.kind === 'bundle-funder' && group.every((m) => s.funded.includes(m)))?.address;
      for (let i = 0; i < group.length; i++) {
        for (let j = i + 1; j < group.length; j++) {
          if (!linked(group[i], group[j])) continue;
          const p = pairOf(group[i], group[j]);
          const e = p.evidence;
          const name = `${kind} ${g + 1}: ${labels[group[i]]} ~ ${labels[group[j]]}`;
          if (!e) {
            problems.push(`${name}: no evidence`);
            continue;
          }
          if (kind === 'launch-bundle') {
            if (!e.funding.some((f) => 'counterparty' in f && f.counterparty === funder)) problems.push(`${name}: no funding evidence naming the bundle funder`);
            if (e.bundles.length === 0) problems.push(`${name}: no same-block evidence`);
            if (!p.insights.some((x) => x.type === 'Common Funder' || x.type === 'Same-Block Buying')) problems.push(`${name}: no Common Funder or Same-Block Buying insight`);
          }
          if (kind === 'copy-traders' && i === 0) {
            // the leader is the group's first member
            if (e.timing?.leader !== group[0] || e.timing.follower !== group[j]) problems.push(`${name}: timing names ${e.timing?.leader ?? 'no one'} as the leader`);
            if (!p.insights.some((x) => x.type === 'Copy Trading')) problems.push(`${name}: no Copy Trading insight`);
          }
        }
      }
    });
    expect(problems).toEqual([]);

    // decoys are not clustered: no two members of a decoy group share a cluster unless a real group binds them
    const real = pairsOf(truth.clusters);
    const decoyLinks = truth.decoys.flatMap((d) =>
      [...pairsOf([d.members])].filter((p) => !real.has(p) && linked(p.split(' ')[0], p.split(' ')[1])).map((p) => `${d.kind}: ${p.split(' ').map((a) => labels[a]).join(' ~ ')}`),
    );
    expect(decoyLinks).toEqual([]);

    // evidence is capped per pair and per cluster, so the result stays bounded
    for (const p of result.pairs) {
      if (!p.evidence) continue;
      const e = p.evidence;
      expect(e.funding.length).toBeLessThanOrEqual(FUNDING_DEFAULTS.maxEvidence);
      expect(e.bundles.length).toBeLessThanOrEqual(BUNDLE_DEFAULTS.maxEvidence);
      expect(e.timing?.matches.length ?? 0).toBeLessThanOrEqual(TIMING_DEFAULTS.maxEvidence);
      expect(e.rareTokens.length).toBeLessThanOrEqual(DEFAULT_MAX_CARRIERS);
      expect(JSON.stringify(e).length).toBeLessThan(16_000);
    }
    for (const c of result.clusters) {
      expect(c.confidence).toBeGreaterThan(0);
      expect(c.evidence.bindingPairs.length).toBeGreaterThan(0);
      expect(JSON.stringify(c.evidence).length).toBeLessThan(16_000);
    }

    // the CLI shows it within 120 columns, and one pair's evidence with its signatures in full
    const text = renderAnalysis(view, { labels, topPairs: 25 });
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(RENDER_WIDTH);
    const bundle = truth.clusters[truth.clusterKinds.indexOf('launch-bundle')];
    const pair = findPair(view, bundle[0], bundle[1]);
    const detail = renderPairEvidence(view, pair, { labels });
    expect(Math.max(...detail.split('\n').map((l) => l.length))).toBeLessThanOrEqual(RENDER_WIDTH);
    for (const b of pair.evidence?.bundles ?? []) expect(detail).toContain(b.signatureA);
  });

  it('still serves a result stored by engine 1.x, without evidence', async () => {
    const id = randomUUID();
    const [a, b] = [wallets[0], wallets[1]].sort();
    const oldPair = {
      walletA: a,
      walletB: b,
      scores: { capital: 0.5, binary: 0.4, jaccardTraded: 0.3, jaccardHeld: null, behavior: 0.6, timing: 0.1, combined: 0.42 },
      nullReasons: { jaccardHeld: 'neither wallet holds a universe token above the dust threshold' },
      strength: 'Moderate',
      sharedTokenCount: 3,
      tradedTokenCountA: 8,
      tradedTokenCountB: 9,
      unionTokenCount: 14,
      sharedHeldCount: 0,
      heldTokenCountA: 0,
      heldTokenCountB: 0,
      capitalOverlapPercent: 20,
      capitalInSharedPercentA: 30,
      capitalInSharedPercentB: 25,
      sharedTokens: [],
      sharedTokensOmitted: 3,
      omittedContribution: 0.5,
      coTrading: { coTradedA: 1, coTradedB: 1, tradesA: 10, tradesB: 12 },
      insights: [],
    };
    const oldResult = {
      engineVersion: '1.1.0',
      parameters: { clusterThreshold: 0.5 },
      universe: { size: 14, excludedSeen: [] },
      coverage: [],
      pairs: [oldPair],
      clusters: [{ members: [a, b], edgeCount: 0, meanCombined: 0.42, bindingTokens: [] }],
      globalMetrics: { walletCount: 2, pairCount: 1 },
      mostCommonTokens: [],
      tokenUniverse: [],
      partialWallets: [],
    };
    await insertAnalysis(opened.stack.pool, { id, workflowId: analysisWorkflowId(id), requestId: null, wallets: [a, b], params: { window: null, sync: 'skip', failureThreshold: 0.8 } });
    await completeAnalysis(opened.stack.pool, id, { summary: { analysisId: id, status: 'completed' }, result: oldResult, coverage: [], failedWallets: [], engineVersion: '1.1.0' });

    const view = await served.api.getAnalysis(id);
    const result = view.result as unknown as { engineVersion: string; pairs: SimilarityPair[]; clusters: Array<Record<string, unknown>> };
    expect(result.engineVersion).toBe('1.1.0');
    expect(result.pairs[0]).toMatchObject({ ...oldPair, scores: { ...oldPair.scores, funding: null, bundle: null, rarity: null, similarity: 0.42 }, evidence: null });
    expect(result.clusters[0]).toMatchObject({ members: [a, b], confidence: null, density: null, weakestMemberLink: null, evidence: null });
    expect(renderAnalysis(view)).toContain('Clusters (1)');
  });
});
