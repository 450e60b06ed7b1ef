// npx tsx bench/pairs-memory.ts — peak resident memory of the similarity step on a 1,000-wallet
// group (499,500 pairs), the way computeGroupSimilarity runs it.
//   PAIRS_MEMORY_MODE=streamed (default): pairs streamed to a spool file, COPY'd into analysis_pairs
//     of a scratch database (created, migrated and dropped here), the result with its top pairs;
//   PAIRS_MEMORY_MODE=whole: the path before analysis_pairs, every pair held and the whole result
//     serialized for one jsonb value (not stored: it is what no longer fits);
//   PAIRS_MEMORY_MODE=pipelined: as process, with the COPY begun as the process writes its first rows
//     (rank order, computeSimilarity's second pass), as computeGroupSimilarity runs the step: the
//     computation and the store overlap (computeAndStoreSeconds; firstRowsSeconds: when rows began);
//   PAIRS_MEMORY_MODE=process: as streamed, but computed the way computeGroupSimilarity runs it, in
//     a process of its own (computeSimilarityInProcess) with a heap limit of SIMILARITY_HEAP_MB (default
//     384); this thread samples its own heap meanwhile (mainHeapPeakMb), which it can because it is
//     free, and the computing process's RSS (processPeakRssMb, from /proc: not in this process's peak).
// Peak RSS is the kernel's high-water mark (process.resourceUsage().maxRSS), threads included; run one
// mode per process. Prints one JSON line at the end. (The figures below with a "thread" are of the
// mode before it became a process: the thread's memory counted in this process's peak.)
//
// Measured on the 2-core machine (busy), 1,000 wallets, peak RSS (/usr/bin/time -v):
//   input ~300 tokens a wallet (584,569 legs; the input alone is 430 MB RSS):
//     whole 1,716 MB and JSON.stringify fails (Invalid string length); streamed 1,122 MB
//   input ~30 tokens a wallet (58,800 legs; input 167 MB RSS):
//     whole 1,402 MB and fails the same way; streamed 624 MB (threads auto), with
//     NODE_OPTIONS=--max-old-space-size=200: 371 MB (threads auto: the helper's isolate and its shared
//     row store of every pair), 309 MB (BENCH_THREADS=1), the heap staying under 120 MB.
//   (Those figures are of the code before the streamed run's second pass in rank order: that pass
//   reads every row's figures again, so the run keeps them all, about 80 MB at 1,000 wallets, with
//   one thread too.)
//   Without a cap V8 lets the old generation grow to a few times the live heap before a full
//   collection: the streamed run's garbage (each pair's object and JSON) shows up as RSS, not as
//   anything kept (with --expose-gc, forced collections keep the heap flat during the run).
import { computeSimilarityInProcess } from '../src/activities/similarity-runner';
import { computeBehavior, computeSimilarity } from '../src/domain';
import type { SimilarityRunOptions } from '../src/domain';
import { DEFAULT_TOP_PAIRS } from '../src/api/schemas/analyses';
import { PairSpool, storeAnalysisPairs } from '../src/store/analysis-pairs';
import { walletRanksOf } from '../src/store/pair-rows';
import { insertAnalysis } from '../src/store/analyses';
import { createPool, dropDatabase, migrate } from '../src/store/db';
import { syntheticGroup, syntheticTransfers } from './lib/synthetic-wallets';
import { descendantsOf, readMemory } from './lib/e2e-stack';

const MODE = process.env.PAIRS_MEMORY_MODE ?? 'streamed';
const WALLETS = Number(process.env.BENCH_WALLETS ?? 1000);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 50_000);
const TOKENS_PER_WALLET = Number(process.env.BENCH_TOKENS_PER_WALLET ?? 300);
const THREADS: SimilarityRunOptions['threads'] = process.env.BENCH_THREADS === undefined || process.env.BENCH_THREADS === 'auto' ? 'auto' : Number(process.env.BENCH_THREADS);
const HEAP_MB = Number(process.env.SIMILARITY_HEAP_MB ?? 384);
const DATABASE_URL = process.env.PAIRS_MEMORY_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/pairs_memory_${process.pid}`;

const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);
/** the process's peak resident memory so far, MB */
const peakMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

function stage(name: string, figures: Record<string, number>, t: bigint): void {
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  figures[`${name}RssMb`] = mb(rss);
  figures[`${name}PeakRssMb`] = peakMb();
  figures[`${name}Seconds`] = Math.round(Number(process.hrtime.bigint() - t) / 1e7) / 100;
  console.log(`  ${name}: rss ${mb(rss)} MB, peak ${peakMb()} MB, heap ${mb(heapUsed)} MB, external ${mb(external)} MB (array buffers ${mb(arrayBuffers)} MB)`);
}

const SAMPLE_EVERY_PAIRS = 50_000;
const samples: string[] = [];
function sample(index: number): void {
  // with node --expose-gc: what is still reachable, not what the collector has yet to free
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  samples.push(`${index}: rss ${mb(rss)} heap ${mb(heapUsed)}`);
}

async function main(): Promise<void> {
  console.log(`pairs memory (${MODE}): ${WALLETS} wallets, ${TOKENS} tokens, ~${TOKENS_PER_WALLET} per wallet, threads ${THREADS}`);
  const figures: Record<string, number> = {};
  let t = process.hrtime.bigint();
  const group = syntheticGroup({ wallets: WALLETS, tokens: TOKENS, tokensPerWallet: TOKENS_PER_WALLET, seed: 42 });
  const transfers = syntheticTransfers(group, 43);
  const wallets = group.map((w, i) => ({ ...w, behavior: computeBehavior(w.legs), transfers: transfers[i] }));
  figures.legs = wallets.reduce((s, w) => s + w.legs.length, 0);
  stage('input', figures, t);

  let pool: ReturnType<typeof createPool> | null = null;
  try {
    if (MODE === 'whole') {
      t = process.hrtime.bigint();
      const result = computeSimilarity({ wallets }, { threads: THREADS });
      figures.pairs = result.pairs.length;
      stage('compute', figures, t);
      t = process.hrtime.bigint();
      try {
        // what completeAnalysis stored: the whole result as one JSON text
        figures.resultBytes = JSON.stringify(result).length;
      } catch (error) {
        console.log(`  serializing the whole result failed: ${(error as Error).message}`);
        figures.resultBytes = -1;
      }
      stage('serialize', figures, t);
    } else {
      await migrate(DATABASE_URL);
      pool = createPool(DATABASE_URL, 2);
      const id = `pairs-memory-${process.pid}`;
      await insertAnalysis(pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets: wallets.map((w) => w.address), params: {} });
      const spool = new PairSpool(id);
      try {
        t = process.hrtime.bigint();
        let walletRanks: Map<string, Int32Array> | null = null;
        // the sink is the one place that runs during the (synchronous) computation: sample there
        const sink = (pair: Parameters<PairSpool['add']>[0], index: number, rank: number): void => {
          spool.add(pair, index, rank);
          if (rank % SAMPLE_EVERY_PAIRS === 0) sample(rank);
        };
        let result: ReturnType<typeof computeSimilarity>;
        if (MODE === 'pipelined') {
          // as the similarity step runs it: the store's COPY begins with the process's first rows
          let storing: Promise<number> | null = null;
          let finish: ((r: ReturnType<typeof computeSimilarity>) => void) | null = null;
          const computed = new Promise<ReturnType<typeof computeSimilarity>>((resolve) => (finish = resolve));
          const rows = spool.rows();
          const start = () =>
            (storing ??= storeAnalysisPairs(pool as NonNullable<typeof pool>, id, rows, async () => {
              const r = await computed;
              return { pairCount: r.globalMetrics.pairCount, walletRanks: walletRanks as Map<string, Int32Array>, completed: { summary: {}, result: { ...r, pairsComplete: false }, coverage: r.coverage, failedWallets: [], engineVersion: r.engineVersion } };
            }));
          let firstRowsAt = 0;
          const timer = setInterval(() => {
            if (spool.count > 0 && storing === null) {
              firstRowsAt = Number(process.hrtime.bigint() - t) / 1e9;
              start().catch(() => undefined); // awaited below
            }
          }, 5);
          try {
            const run = await computeSimilarityInProcess({ source: { input: { wallets } }, options: { threads: THREADS, topPairs: DEFAULT_TOP_PAIRS }, spool, heapMb: HEAP_MB });
            result = run.result;
            walletRanks = run.walletRanks;
            (finish as unknown as (r: ReturnType<typeof computeSimilarity>) => void)(result);
            figures.computeSeconds = Math.round(Number(process.hrtime.bigint() - t) / 1e7) / 100;
          } finally {
            clearInterval(timer);
          }
          figures.firstRowsSeconds = Math.round(firstRowsAt * 100) / 100;
          figures.rows = await start();
          figures.pairs = result.globalMetrics.pairCount;
          stage('computeAndStore', figures, t);
        } else {
          if (MODE === 'process') {
            let mainHeapPeak = 0;
            let processPeak = 0;
            const timer = setInterval(() => {
              mainHeapPeak = Math.max(mainHeapPeak, process.memoryUsage().heapUsed);
              processPeak = Math.max(processPeak, descendantsOf(process.pid).reduce((sum, pid) => sum + (readMemory(pid).rssMb ?? 0), 0));
            }, 100);
            try {
              const run = await computeSimilarityInProcess({ source: { input: { wallets } }, options: { threads: THREADS, topPairs: DEFAULT_TOP_PAIRS }, spool, heapMb: HEAP_MB });
              result = run.result;
              walletRanks = run.walletRanks;
            } finally {
              clearInterval(timer);
            }
            figures.heapLimitMb = HEAP_MB;
            figures.mainHeapPeakMb = mb(mainHeapPeak);
            figures.processPeakRssMb = Math.round(processPeak);
          } else {
            result = computeSimilarity({ wallets }, { threads: THREADS, pairSink: sink, topPairs: DEFAULT_TOP_PAIRS, onRanks: (r) => (walletRanks = walletRanksOf(wallets.map((w) => w.address), r)) });
          }
          figures.pairs = result.globalMetrics.pairCount;
          figures.listedPairs = result.pairs.length;
          stage('compute', figures, t);
          if (samples.length > 0) console.log(`    while the pairs were handed over in rank order (MB at rank): ${samples.join(', ')}`);
          t = process.hrtime.bigint();
          spool.close();
          const { size } = await import('node:fs').then((fs) => fs.fstatSync(spool.descriptor));
          figures.spoolMb = mb(size);
          const stored = { ...result, pairCount: result.globalMetrics.pairCount, pairsComplete: false };
          figures.resultBytes = JSON.stringify(stored).length;
          figures.rows = await storeAnalysisPairs(pool, id, spool.rows(), async () => ({
            pairCount: result.globalMetrics.pairCount,
            walletRanks: walletRanks as unknown as Map<string, Int32Array>,
            completed: { summary: {}, result: stored, coverage: result.coverage, failedWallets: [], engineVersion: result.engineVersion },
          }));
          stage('store', figures, t);
        }
      } finally {
        spool.remove();
      }
    }
  } finally {
    await pool?.end();
    if (MODE !== 'whole') await dropDatabase(DATABASE_URL);
  }
  console.log(JSON.stringify({ bench: 'pairs-memory', mode: MODE, wallets: WALLETS, tokensPerWallet: TOKENS_PER_WALLET, threads: THREADS, peakRssMb: peakMb(), ...figures }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
