// npm run bench:similarity — full all-pairs similarity of 1,000 wallets over a 50,000-token
// universe, against a naive dense implementation in the same process.
import { computeBehavior, computeSimilarity } from '../src/domain';
import type { PairRowStats, SimilarityRunOptions, SimilarityWalletInput } from '../src/domain';
import { densePair, denseUniverse, denseWallet } from './lib/dense-similarity';
import { syntheticGroup, syntheticTransfers } from './lib/synthetic-wallets';

const WALLETS = Number(process.env.BENCH_WALLETS ?? 1000);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 50_000);
const TOKENS_PER_WALLET = 300;
const DENSE_SAMPLE_WALLETS = Number(process.env.BENCH_DENSE_SAMPLE ?? 40);
/** 'auto' (default: a helper thread for large groups), or a number of threads (1: this thread alone) */
const THREADS = parseThreads(process.env.BENCH_THREADS ?? 'auto');

function parseThreads(text: string): SimilarityRunOptions['threads'] {
  if (text === 'auto') return 'auto';
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`BENCH_THREADS must be 'auto' or a whole number ≥ 1, got '${text}'`);
  return threads;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function main(): void {
  console.log(`similarity benchmark: ${WALLETS} wallets, ${TOKENS} tokens, ~${TOKENS_PER_WALLET} tokens per wallet (Zipf 1.0 popularity)`);
  let t = process.hrtime.bigint();
  const group = syntheticGroup({ wallets: WALLETS, tokens: TOKENS, tokensPerWallet: TOKENS_PER_WALLET, seed: 42 });
  const legCount = group.reduce((s, w) => s + w.legs.length, 0);
  console.log(`  generated ${legCount.toLocaleString('en-US')} legs in ${seconds(t).toFixed(2)} s (not timed below)`);

  // warm the JIT on a small group so the timed run measures steady-state code
  computeSimilarity({ wallets: syntheticGroup({ wallets: 30, tokens: 2000, tokensPerWallet: 100, seed: 7 }) }, { threads: THREADS });

  // behavior profiles are per-wallet results (computed once per wallet and stored), so they are
  // an input of the group comparison; their time is printed apart
  t = process.hrtime.bigint();
  // plain transfers (funding: a few hundred funders, top-ups, exchange sweeps) are part of the input
  const transfers = syntheticTransfers(group, 43);
  const wallets = group.map((w, i) => ({ ...w, behavior: computeBehavior(w.legs), transfers: transfers[i] }));
  const behaviorSeconds = seconds(t);
  console.log(`  behavior profiles of ${WALLETS} wallets: ${behaviorSeconds.toFixed(3)} s (input to the comparison, not in the figure below)`);

  t = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let rowStats: PairRowStats = { rows: 0, helpers: 0, helperRows: 0, fallbackRows: 0 };
  let stages: Record<string, number> = {};
  const result = computeSimilarity({ wallets }, { threads: THREADS, onRowStats: (s) => (rowStats = s), onStageTimes: (ms) => (stages = ms) });
  const sparseSeconds = seconds(t);
  const cpuUsed = process.cpuUsage(cpu);
  // CPU of every thread of the process: on a busy machine a steadier figure than the wall time
  const cpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
  const m = result.globalMetrics.metrics;
  console.log(`  sparse engine: ${result.pairs.length.toLocaleString('en-US')} pairs, universe ${result.universe.size.toLocaleString('en-US')} tokens, in ${sparseSeconds.toFixed(3)} s`);
  console.log(`    (universe, sparse vectors, inverted index, every score and detection v2 signal, evidence, insights, clusters, global metrics, coverage)`);
  console.log(`    stages (ms): ${Object.entries(stages).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}`);
  console.log(`    evidence on ${result.pairs.filter((p) => p.evidence !== null).length.toLocaleString('en-US')} pairs`);
  console.log(
    rowStats.helpers > 0
      ? `    rows: ${rowStats.helperRows} computed by ${rowStats.helpers} helper thread${rowStats.helpers > 1 ? 's' : ''}, ${rowStats.rows - rowStats.helperRows} by the main thread${rowStats.fallbackRows > 0 ? ` (${rowStats.fallbackRows} taken back after a helper failure)` : ''}`
      : `    rows: all ${rowStats.rows} on the main thread (threads: ${THREADS})`,
  );
  console.log(`    capital mean ${m.capital.mean?.toFixed(4)} / median ${m.capital.median?.toFixed(4)}; combined mean ${m.combined.mean?.toFixed(4)} / median ${m.combined.median?.toFixed(4)}; clusters ${result.clusters.length}`);

  // dense baseline on a sample of wallets, extrapolated to the full group
  const sample = group.slice(0, DENSE_SAMPLE_WALLETS);
  const samplePairs = (sample.length * (sample.length - 1)) / 2;
  const totalPairs = (WALLETS * (WALLETS - 1)) / 2;
  t = process.hrtime.bigint();
  const universe = denseUniverse(group);
  const index = new Map(universe.map((m, k) => [m, k]));
  const universeSeconds = seconds(t);
  t = process.hrtime.bigint();
  const dense = sample.map((w: SimilarityWalletInput) => denseWallet(w, universe, index));
  const perWallet = seconds(t) / sample.length;
  t = process.hrtime.bigint();
  const densePairs = [];
  for (let i = 0; i < dense.length; i++) {
    for (let j = i + 1; j < dense.length; j++) densePairs.push(densePair(dense[i], dense[j], universe, 300, 10));
  }
  const perPair = seconds(t) / samplePairs;
  const denseSeconds = universeSeconds + perWallet * WALLETS + perPair * totalPairs;
  console.log(
    `  dense baseline: timed on ${samplePairs} pairs of the first ${sample.length} wallets (${(perPair * 1e6).toFixed(1)} µs per pair, ${(perWallet * 1e3).toFixed(1)} ms per wallet vector)`,
  );
  console.log(`    EXTRAPOLATED to ${totalPairs.toLocaleString('en-US')} pairs and ${WALLETS} wallets: ${denseSeconds.toFixed(1)} s`);

  // the two implementations must agree on the sampled pairs
  let maxDiff = 0;
  for (const d of densePairs) {
    const s = result.pairs.find((p) => p.walletA === d.walletA && p.walletB === d.walletB)!;
    // timing is detection v2's now (the dense baseline computes the v1 co-trade share)
    for (const k of ['capital', 'binary', 'jaccardTraded', 'jaccardHeld'] as const) {
      const x = s.scores[k];
      const y = d[k];
      if ((x === null) !== (y === null)) throw new Error(`dense and sparse disagree on ${k} being null for ${d.walletA}/${d.walletB}`);
      if (x !== null && y !== null) maxDiff = Math.max(maxDiff, Math.abs(x - y));
    }
  }
  console.log(`    dense and sparse agree on ${densePairs.length} sampled pairs (max |difference| ${maxDiff.toExponential(2)})`);
  const ratio = denseSeconds / sparseSeconds;
  console.log(`  ratio dense / sparse: ${ratio.toFixed(1)}×`);
  console.log(
    JSON.stringify({
      bench: 'similarity',
      wallets: WALLETS,
      tokens: result.universe.size,
      pairs: result.pairs.length,
      legs: legCount,
      seconds: round(sparseSeconds, 3),
      cpuSeconds: round(cpuSeconds, 3),
      behaviorSeconds: round(behaviorSeconds, 3),
      helperRows: rowStats.helperRows,
      stagesMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Math.round(v)])),
      denseSeconds: round(denseSeconds, 1),
      denseExtrapolated: true,
      denseSamplePairs: samplePairs,
      ratio: round(ratio, 1),
    }),
  );
}

function round(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

main();
