// computeSimilarityInProcess, the similarity step's computation in a child process: while it
// computes a large synthetic group, this thread's timers keep running (a synchronous run on this
// thread lets none fire), and what it streams to the spool (reporting each write as it goes), its
// ranks, each wallet's ranks and its result are those of
// computeSimilarity run here on the same input; a heap limit too small for the group fails with a
// non-retryable failure that names SIMILARITY_HEAP_MB; an abort kills the process.
import fs from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { worldStats } from '../../../bench/lib/detection-pipeline';
import { syntheticGroup, syntheticTransfers } from '../../../bench/lib/synthetic-wallets';
import { computeSimilarityInProcess, SIMILARITY_HEAP_EXCEEDED } from '../../../src/activities/similarity-runner';
import { computeSimilarity } from '../../../src/domain/similarity/compute';
import type { PairRowStats, SimilarityInput, SimilarityWalletInput } from '../../../src/domain/similarity/types';
import { PairSpool } from '../../../src/store/analysis-pairs';
import { walletRanksOf } from '../../../src/store/pair-rows';

function group(wallets: number, seed: number): SimilarityInput {
  const base = syntheticGroup({ wallets, tokens: 4_000, tokensPerWallet: 30, seed });
  const transfers = syntheticTransfers(base, seed + 1);
  const withTransfers: SimilarityWalletInput[] = base.map((w, i) => ({ ...w, transfers: transfers[i] }));
  // the database-wide counts are Maps: they travel to the process by its advanced (structured clone) serialization
  return { wallets: withTransfers, database: worldStats(withTransfers) };
}

/** The spool's whole file, read through its descriptor from the start. */
function spoolBytes(spool: PairSpool): Buffer {
  spool.close();
  const { size } = fs.fstatSync(spool.descriptor);
  const bytes = Buffer.alloc(size);
  let at = 0;
  while (at < size) at += fs.readSync(spool.descriptor, bytes, at, size - at, at);
  return bytes;
}

/** Counts the ticks of a 1 ms interval on this thread while `fn` runs. */
async function ticksDuring<T>(fn: () => Promise<T> | T): Promise<{ value: T; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const value = await fn();
    return { value, ticks };
  } finally {
    clearInterval(timer);
  }
}

// each case starts a Node process that loads the engine (through tsx here): seconds on a busy machine
jest.setTimeout(60_000);

const TOP = 100;
const options = { threads: 2, topPairs: TOP } as const;

describe('computeSimilarityInProcess', () => {
  const input = group(300, 61);
  const spools: PairSpool[] = [];
  const spool = (label: string, onRows?: (rows: number) => void) => {
    const s = new PairSpool(label, undefined, onRows);
    spools.push(s);
    return s;
  };
  afterAll(() => spools.forEach((s) => s.remove()));

  it('keeps this thread free while it computes, and streams, ranks and returns what computeSimilarity does here', async () => {
    // the same analysis: its id is in every row
    const here = spool('same-analysis');
    let hereRanks: Int32Array | null = null;
    const inline = await ticksDuring(() =>
      computeSimilarity(input, { ...options, pairSink: (pair, index, rank) => here.add(pair, index, rank), onRanks: (r) => (hereRanks = r) }),
    );
    here.close();
    // the control: run synchronously here, the computation lets no timer fire
    expect(inline.ticks).toBe(0);

    const reported: number[] = [];
    const there = spool('same-analysis', (rows) => reported.push(rows));
    const rowStats: PairRowStats[] = [];
    const apart = await ticksDuring(() => computeSimilarityInProcess({ source: { input }, options, spool: there, heapMb: 384, onRowStats: (rows) => rowStats.push(rows) }));
    expect(apart.ticks).toBeGreaterThan(0);

    const pairCount = (300 * 299) / 2;
    expect(there.count).toBe(pairCount);
    // the process reported its writes as it went: more than once, each further on, the last every row
    expect(reported.length).toBeGreaterThan(1);
    expect(reported.every((rows, i) => rows > 0 && (i === 0 || rows >= reported[i - 1]))).toBe(true);
    expect(reported[reported.length - 1]).toBe(pairCount);
    expect(here.count).toBe(pairCount);
    expect(spoolBytes(there).equals(spoolBytes(here))).toBe(true);
    // each wallet's ranks, gathered in the process, are those gathered here
    expect(apart.value.walletRanks).toEqual(walletRanksOf(input.wallets.map((w) => w.address), hereRanks as unknown as Int32Array));
    expect(apart.value.walletRanks.size).toBe(300);
    expect([...apart.value.walletRanks.values()].every((r) => r.length === 299)).toBe(true);
    // every spooled row of the process at the rank computeSimilarity gives its pair here
    const rows = spoolBytes(there).toString('utf8').trimEnd().split('\n');
    expect(rows).toHaveLength(pairCount);
    expect(rows.every((row, r) => {
      const [, rank, index] = row.split('\t', 3).map(Number);
      return rank === r && (hereRanks as unknown as Int32Array)[index] === r;
    })).toBe(true);
    expect(apart.value.result).toEqual(inline.value);
    expect(apart.value.result.pairs).toHaveLength(TOP);
    // the process's row statistics come back (threads: 2, so one helper thread of its own)
    expect(rowStats).toEqual([expect.objectContaining({ rows: 300, helpers: 1 })]);
  });

  it('a heap limit too small for the group fails, not retryable, naming SIMILARITY_HEAP_MB and the group size', async () => {
    const big = group(600, 62);
    const s = spool('small-heap');
    const failure = await computeSimilarityInProcess({ source: { input: big }, options, spool: s, heapMb: 16 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    const f = failure as ApplicationFailure;
    expect(f.type).toBe(SIMILARITY_HEAP_EXCEEDED);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain('SIMILARITY_HEAP_MB');
    expect(f.message).toContain('600 wallets');
    expect(f.message).toContain('16 MB');
    expect(s.count).toBe(0);
  });

  it('an abort kills the process and rejects with its reason; a failure in the process comes back as an Error with its message', async () => {
    const controller = new AbortController();
    const s = spool('aborted');
    const reason = new Error('cancelled by the test');
    const run = computeSimilarityInProcess({ source: { input }, options, spool: s, heapMb: 384, signal: controller.signal });
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(s.count).toBe(0);

    const invalid = computeSimilarityInProcess({ source: { input: { ...input, clusterThreshold: 2 } }, options, spool: spool('invalid'), heapMb: 384 });
    await expect(invalid).rejects.toThrow('similarity process: clusterThreshold must be within [0, 1], got 2');
    await expect(invalid).rejects.not.toBeInstanceOf(ApplicationFailure);
  });
});

