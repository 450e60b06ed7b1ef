// A streamed run whose helper thread fails: the rows it had taken are computed again on the calling
// thread apart from the shared entries (the helper might still write there), and kept, since the run
// reads each pair again in rank order; the rows no one had taken are computed here into the shared
// entries. The pairs the sink sees and the result are still the unstreamed ones. The helper is a
// stand-in that, given its job, takes the first `mockTakenRows` rows and then marks the helpers
// failed, as a helper thread that threw does (row-states.ts helpWithRows).
import { walletEngineInput, worldStats } from '../../../bench/lib/detection-pipeline';
// the engine's helpers are the stand-ins below (jest.mock is hoisted above the imports)
import { computeSimilarity } from '../../../src/domain/similarity/compute';
import type { PairHelpers } from '../../../src/domain/similarity/pairs';
import { HELPER_BUSY, markHelpersFailed, type PairJob } from '../../../src/domain/similarity/row-states';
import type { PairRowStats, SimilarityPair, SimilarityWalletInput } from '../../../src/domain/similarity/types';
import { generateWorld } from '../../../src/simulator/generator';
import { SimWorld } from '../../../src/simulator/model';
import { parseWorld } from '../../../src/simulator/world';

let mockTakenRows = 0;

jest.mock('../../../src/domain/similarity/pairs', () => {
  const actual = jest.requireActual<typeof import('../../../src/domain/similarity/pairs')>('../../../src/domain/similarity/pairs');
  return {
    ...actual,
    startPairHelpers: (count: number, helpersOnly = false): PairHelpers => ({
      workers: Array.from({ length: count }, () => ({
        postMessage: (job: PairJob) => {
          for (let i = 0; i < mockTakenRows; i++) Atomics.store(job.state, i, HELPER_BUSY);
          markHelpersFailed(job.state, job.inputs.n);
        },
        terminate: () => Promise.resolve(0),
      })) as unknown as PairHelpers['workers'],
      helpersOnly,
    }),
  };
});

const w = parseWorld(generateWorld({ seed: 9, wallets: 30, txPerWallet: 30, scenario: 'hard', largeWallet: false }));
const sim = new SimWorld(w);
const wallets: SimilarityWalletInput[] = w.wallets.map((_, i) => walletEngineInput(sim, i).input);
const database = worldStats(wallets);
const full = computeSimilarity({ wallets, database });
const ranking = full.pairs
  .map((pair, index) => ({ pair, index }))
  .sort((x, y) => (y.pair.scores.combined ?? -1) - (x.pair.scores.combined ?? -1) || x.index - y.index);

describe('a streamed run whose helper thread failed', () => {
  it.each([
    { case: 'every row taken by the helper (helpers only)', taken: wallets.length, helpersOnly: true },
    { case: 'the first 3 rows taken by the helper, the rest computed here', taken: 3, helpersOnly: false },
  ])('$case: computed here, kept, and streamed and returned as unstreamed', ({ taken, helpersOnly }) => {
    mockTakenRows = taken;
    const stats: PairRowStats[] = [];
    const seen: SimilarityPair[] = [];
    const ranksSeen: number[] = [];
    const streamed = computeSimilarity(
      { wallets, database },
      {
        threads: 2,
        helpersOnly,
        topPairs: 10,
        onRowStats: (s) => stats.push(s),
        pairSink: (pair, index, rank) => {
          seen[index] = pair;
          ranksSeen.push(rank);
        },
      },
    );
    expect(stats).toEqual([{ rows: wallets.length, helpers: 1, helperRows: 0, fallbackRows: taken }]);
    expect(ranksSeen).toEqual(full.pairs.map((_, r) => r));
    expect(seen).toEqual(full.pairs);
    expect(streamed.clusters).toEqual(full.clusters);
    expect(streamed.globalMetrics).toEqual(full.globalMetrics);
    expect(streamed.pairs).toEqual(ranking.slice(0, 10).map((r) => r.pair));
  });
});
