import { actionsBetween, bucketPercentileMs, cpuSecondsOfStat, temporalActions, e2eLine, histogramBuckets, historyPages, seriesSum, memoryOfStatus, openLoopSchedule, percentile, providerBound, stepPercentiles, topSelfTime, type E2eFigures } from '../../../bench/lib/e2e-figures';

describe('percentile (nearest rank)', () => {
  it('answers the value at rank ceil(p/100 * n) of the sorted values', () => {
    const values = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100];
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(100);
    expect(percentile(values, 90)).toBe(90);
    expect(percentile(values, 91)).toBe(100);
    expect(percentile(values, 0)).toBe(10);
    expect(percentile(values, 100)).toBe(100);
  });

  it('p99 of 1,000 latencies is the 990th smallest, whatever their order', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    expect(percentile(values, 99)).toBe(989);
    expect(percentile(values, 50)).toBe(499);
  });

  it('answers null for no values and refuses a p outside 0..100', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('the provider-bound lower bound', () => {
  it('counts one request per 100 transactions and the final empty page the contract ends a history with', () => {
    expect([0, 1, 99, 100, 101, 200, 297].map((n) => historyPages(n))).toEqual([1, 2, 2, 2, 3, 3, 4]);
  });

  it('is the pages of all wallets over the Helius budget', () => {
    expect(providerBound([197, 200, 250, 0], 10)).toEqual({ pages: 3 + 3 + 4 + 1, heliusRps: 10, seconds: 1.1 });
  });

  it('refuses a budget that is not positive and a negative history', () => {
    expect(() => providerBound([1], 0)).toThrow(RangeError);
    expect(() => historyPages(-1)).toThrow(RangeError);
  });
});

describe('the open-loop schedule', () => {
  it('sends request i at i/rate seconds, whatever the answers take', () => {
    expect(openLoopSchedule(200, 4)).toEqual([0, 5, 10, 15]);
    expect(openLoopSchedule(3, 3)).toEqual([0, 1000 / 3, 2000 / 3]);
  });
});

describe('reading /proc', () => {
  it('takes VmRSS and VmHWM of a status file in MB', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  524288 kB\nVmRSS:\t  262144 kB\nThreads:\t11\n';
    expect(memoryOfStatus(status)).toEqual({ rssMb: 256, hwmMb: 512 });
    expect(memoryOfStatus('Name:\tzombie\n')).toEqual({ rssMb: null, hwmMb: null });
  });

  it('adds utime and stime of a stat line and its ended children\'s cutime and cstime, even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (node (tsx) x) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 566 0 0 20 0 11 0 100 1000000 20000';
    expect(cpuSecondsOfStat(stat)).toBe(18);
    const withChildren = '4242 (node (tsx) x) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 566 300 100 20 0 11 0 100 1000000 20000';
    expect(cpuSecondsOfStat(withChildren)).toBe(22);
  });
});

describe('the Server-Timing steps of a burst', () => {
  it('are the p50 and p99 of each step over the answers that carried it', () => {
    const ms = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(stepPercentiles({ store: ms, start: [] })).toEqual({ store: { p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99) }, start: { p50Ms: null, p99Ms: null } });
  });
});

describe('the JSON line', () => {
  const run = (wallets: number, seconds: number, pages: number) => ({
    wallets,
    status: 'completed',
    seconds,
    bound: { pages, heliusRps: 50, seconds: pages / 50 },
    historyRequests: pages + wallets,
    historyPeakPerSecond: 49,
    events: { total: 40 * wallets, parent: 10 * wallets, workflows: wallets + 2 },
    budget: { slotsMissed: wallets / 10, marginMs: 11.44 },
  });
  const figures: E2eFigures = {
    temporal: 'prod',
    temporalAddress: '127.0.0.1:7633',
    heliusRps: 50,
    latencyMs: 100,
    txPerWallet: 200,
    small: run(20, 1.2, 40),
    large: run(500, 26, 1000),
    largeReplay: { seconds: 1.23456, events: 2501 },
    burst: {
      offeredRps: 200,
      requests: 800,
      sendSeconds: 4,
      statuses: { '202': 800 },
      p50Ms: 12.345,
      p99Ms: 48.04,
      maxMs: 60,
      acceptedP50Ms: 12.3,
      acceptedP99Ms: 47.96,
      serverP50Ms: 5,
      serverP99Ms: 25,
      serverTiming: { store: { p50Ms: 3.14, p99Ms: 19.96 } },
      completed: 800,
      failed: 0,
      drainSeconds: 80,
      analysesPerSecond: 10,
      eventsPerAnalysis: 64.25,
    },
    worker: { peakRssMb: 280.4, hwmMb: 281, startRssMb: 200, peakRssMbByPhase: { small: 220, large: 280.4, burst: 250 }, childrenPeakRssMbByPhase: { small: 0, large: 612.6, burst: 0 }, eventLoopByPhase: { large: { longestMs: 1834.56, over1s: 2, over5s: 0 } } },
    cpuSecondsByPhase: { burst: { worker: 12.34, temporal: 20 } },
    machine: { cores: 2, loadAvgStart: 1.23, loadAvgEnd: 2.5 },
    totalSeconds: 300.2,
  };

  it('is one line of JSON with figures (a) to (e), the settings and the CPU by phase', () => {
    const line = e2eLine(figures);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      bench: 'e2e',
      temporal: 'prod',
      temporalAddress: '127.0.0.1:7633',
      a: {
        small: { wallets: 20, status: 'completed', seconds: 1.2, boundSeconds: 0.8, ratio: 1.5, pages: 40, historyRequests: 60, historyPeakPerSecond: 49, budgetSlotsMissed: 2, budgetMarginMs: 11.4, events: 800, eventsParent: 200, workflows: 22, cpuFloorSeconds: null, cpuFloorSecondsServiceOnly: null },
        large: { wallets: 500, status: 'completed', seconds: 26, boundSeconds: 20, ratio: 1.3, pages: 1000, historyRequests: 1500, historyPeakPerSecond: 49, budgetSlotsMissed: 50, budgetMarginMs: 11.4, events: 20000, eventsParent: 5000, workflows: 502, cpuFloorSeconds: null, cpuFloorSecondsServiceOnly: null },
        coldStart: null,
        smallAfterLarge: null,
      },
      b: { offeredRps: 200, requests: 800, achievedRps: 200, p50Ms: 12.3, p99Ms: 48, maxMs: 60, acceptedP50Ms: 12.3, acceptedP99Ms: 48, serverP50Ms: 5, serverP99Ms: 25, statuses: { '202': 800 }, serverTiming: { store: { p50Ms: 3.1, p99Ms: 20 } }, frontDoor: null },
      c: { analyses: 800, failed: 0, drainSeconds: 80, analysesPerSecond: 10 },
      d: { workerPeakRssMb: 280, workerHwmMb: 281, workerStartRssMb: 200, byPhase: { small: 220, large: 280, burst: 250 }, similarityProcessesByPhase: { small: 0, large: 613, burst: 0 }, eventLoopByPhase: { large: { longestMs: 1835, over1s: 2, over5s: 0 } } },
      e: { small: 800, large: 20000, burst: 64.3, largeReplay: { seconds: 1.23, events: 2501 }, actions: null },
      f: null,
      settings: { heliusRps: 50, latencyMs: 100, txPerWallet: 200, simulatorNice: null, burstGroups: 'small' },
      cpuSeconds: { burst: { worker: 12.3, temporal: 20 } },
      machine: { cores: 2, loadAvgStart: 1.2, loadAvgEnd: 2.5 },
      totalSeconds: 300,
    });
  });

  it("gives each group's CPU floor: its phase's CPU-seconds over the cores, and the service's own processes' alone", () => {
    const cpuSecondsByPhase = { ...figures.cpuSecondsByPhase, small: { worker: 1.5, api: 0.1, simulator: 0.7, bench: 0.2, temporal: 0.4, postgres: 0.7 } };
    const line = JSON.parse(e2eLine({ ...figures, cpuSecondsByPhase })) as { a: { small: { cpuFloorSeconds: number; cpuFloorSecondsServiceOnly: number }; large: { cpuFloorSeconds: null } } };
    expect(line.a.small.cpuFloorSeconds).toBe(1.8);
    expect(line.a.small.cpuFloorSecondsServiceOnly).toBe(1.35);
    expect(line.a.large.cpuFloorSeconds).toBeNull();
  });

  it('carries the warm-up analysis (the worker\'s first) as the cold start, rounded, when one ran', () => {
    const line = JSON.parse(e2eLine({ ...figures, coldStart: { wallets: 5, seconds: 2.5649, boundSeconds: 0.3 } })) as { a: { coldStart: unknown } };
    expect(line.a.coldStart).toEqual({ wallets: 5, seconds: 2.56, boundSeconds: 0.3 });
  });

  it('carries the second small group, measured after the large one, as the first is', () => {
    const line = JSON.parse(e2eLine({ ...figures, smallAfterLarge: { ...run(20, 1.44, 60), budget: { slotsMissed: 0, marginMs: 10.96 } } })) as { a: { smallAfterLarge: Record<string, unknown> } };
    expect(line.a.smallAfterLarge).toMatchObject({ wallets: 20, seconds: 1.44, boundSeconds: 1.2, ratio: 1.2, budgetSlotsMissed: 0, budgetMarginMs: 11, cpuFloorSeconds: null });
  });

  it('carries the front door alone (the burst sent with the worker paused) in (b), rounded', () => {
    const frontDoor = { requests: 800, sendSeconds: 4.0125, statuses: { '202': 800 }, p50Ms: 6.04, p99Ms: 31.26, maxMs: 40.01, serverP50Ms: 5, serverP99Ms: 50 };
    const line = JSON.parse(e2eLine({ ...figures, frontDoor })) as { b: { frontDoor: unknown } };
    expect(line.b.frontDoor).toEqual({ achievedRps: 199.4, p50Ms: 6, p99Ms: 31.3, maxMs: 40, serverP50Ms: 5, serverP99Ms: 50, serverTiming: {}, statuses: { '202': 800 } });
  });

  it("carries the billable actions in (e): each group's, the burst's per analysis, the large group's by type", () => {
    const actions = {
      small: { grpc_StartWorkflowExecution: 1, command_ScheduleActivityTask: 22 },
      large: { grpc_StartWorkflowExecution: 1, command_ScheduleActivityTask: 1010, grpc_RecordActivityTaskHeartbeat: 62 },
      burst: { grpc_StartWorkflowExecution: 800, command_UpsertWorkflowSearchAttributes: 1600, command_BatchMarkers: 1200 },
    };
    const line = JSON.parse(e2eLine({ ...figures, actions })) as { e: { actions: unknown } };
    expect(line.e.actions).toEqual({ small: 23, large: 1073, burst: 4.5, largeByType: actions.large });
  });

  it('carries the background recompute in (f): its wallets, seconds (rounded) and wallets computed again a second', () => {
    const recompute = { wallets: 1000, seconds: 41.27, refreshed: 990, failed: 0, batches: 9, events: 60 };
    const line = JSON.parse(e2eLine({ ...figures, recompute })) as { f: unknown };
    expect(line.f).toEqual({ wallets: 1000, seconds: 41.3, refreshed: 990, failed: 0, batches: 9, events: 60, walletsPerSecond: 24 });
  });

  it('writes null for a figure that could not be measured (no latencies, a burst that never drained)', () => {
    const line = JSON.parse(e2eLine({ ...figures, burst: { ...figures.burst, p50Ms: null, p99Ms: null, drainSeconds: Number.NaN, analysesPerSecond: Number.NaN } })) as {
      b: { p50Ms: unknown; p99Ms: unknown };
      c: { drainSeconds: unknown; analysesPerSecond: unknown };
    };
    expect([line.b.p50Ms, line.b.p99Ms, line.c.drainSeconds, line.c.analysesPerSecond]).toEqual([null, null, null, null]);
  });
});

describe('a CPU profile summary', () => {
  it('adds each sample\'s time to the function it landed in, largest first, as shares of the whole', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: 'parse', url: 'file:///work/app/node_modules/pg/lib/result.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        { id: 4, callFrame: { functionName: '', url: 'file:///work/app/src/worker.ts', lineNumber: 0 } },
      ],
      samples: [2, 3, 2, 4, 3, 3],
      timeDeltas: [1000, 2000, 3000, 1000, 2000, 1000],
    };
    expect(topSelfTime(profile, 3)).toEqual([
      { fn: '(idle)', ms: 5, share: 0.5 },
      { fn: 'parse ~/pg/lib/result.js:10', ms: 4, share: 0.4 },
      { fn: '(anonymous) src/worker.ts:1', ms: 1, share: 0.1 },
    ]);
  });
});

describe("the API's own latency, from its Prometheus histogram", () => {
  const exposition = (counts: [string, number][], status = '202') =>
    [
      '# HELP http_request_duration_seconds Time to answer an HTTP request, by method, route and status code',
      '# TYPE http_request_duration_seconds histogram',
      ...counts.map(([le, n]) => `http_request_duration_seconds_bucket{le="${le}",method="POST",route="/v1/analyses",status_code="${status}"} ${n}`),
      `http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/analyses/:id",status_code="200"} 999`,
      `http_request_duration_seconds_sum{method="POST",route="/v1/analyses",status_code="${status}"} 1.5`,
    ].join('\n');

  it('reads the cumulative buckets of the matching series only, summing several status codes', () => {
    const text = `${exposition([['0.005', 1], ['0.05', 3], ['+Inf', 4]])}\n${exposition([['0.005', 0], ['0.05', 0], ['+Inf', 2]], '503')}`;
    const buckets = histogramBuckets(text, 'http_request_duration_seconds', { method: 'POST', route: '/v1/analyses' });
    expect([...buckets]).toEqual([[0.005, 1], [0.05, 3], [Infinity, 6]]);
    expect(histogramBuckets(text, 'http_request_duration_seconds', { method: 'POST', route: '/v1/analyses', status_code: '503' }).get(Infinity)).toBe(2);
  });

  it('answers the bucket bound a percentile of the observations between two readings falls under', () => {
    const before = histogramBuckets(exposition([['0.005', 10], ['0.05', 10], ['1', 10], ['+Inf', 10]]), 'http_request_duration_seconds', { method: 'POST' });
    // 100 more: 60 under 5 ms, 39 more under 50 ms, 1 above 1 s
    const after = histogramBuckets(exposition([['0.005', 70], ['0.05', 109], ['1', 109], ['+Inf', 110]]), 'http_request_duration_seconds', { method: 'POST' });
    expect(bucketPercentileMs(before, after, 50)).toBe(5);
    expect(bucketPercentileMs(before, after, 99)).toBe(50);
    expect(bucketPercentileMs(before, after, 100)).toBe(Infinity);
    expect(bucketPercentileMs(after, after, 50)).toBeNull();
  });
});

describe('seriesSum', () => {
  const text = [
    '# HELP provider_budget_slots_missed slots given up',
    '# TYPE provider_budget_slots_missed counter',
    'provider_budget_slots_missed{budget="helius"} 7',
    'provider_budget_slots_missed{budget="rpc"} 2',
    'provider_budget_margin{budget="helius"} 12.5',
    'provider_budget_margin_other{budget="helius"} 99',
  ].join('\n');

  // the shape the worker's exporter serves them in (test/integration/worker-metrics.test.ts)
  it('sums the samples whose labels include the ones asked', () => {
    expect(seriesSum(text, 'provider_budget_slots_missed', { budget: 'helius' })).toBe(7);
    expect(seriesSum(text, 'provider_budget_slots_missed')).toBe(9);
    expect(seriesSum(text, 'provider_budget_margin', { budget: 'helius' })).toBe(12.5);
  });

  it('answers null when no series matches (another name that starts alike included)', () => {
    expect(seriesSum(text, 'provider_budget_slots_missed', { budget: 'dexscreener' })).toBeNull();
    expect(seriesSum(text, 'provider_budget')).toBeNull();
  });
});

describe("billable Temporal actions, from the server's Prometheus text", () => {
  const text = (startWorkflows: number, heartbeats: number) =>
    [
      '# HELP action action',
      '# TYPE action counter',
      `action{action_type="grpc_StartWorkflowExecution",namespace="default",operation="StartWorkflowExecution",service_name="frontend"} ${startWorkflows}`,
      `action{action_type="grpc_StartWorkflowExecution",namespace="temporal_system",operation="StartWorkflowExecution",service_name="frontend"} 7`,
      `action{action_type="grpc_RecordActivityTaskHeartbeat",namespace="default",operation="RecordActivityTaskHeartbeat",service_name="frontend"} ${heartbeats}`,
      `action_total_other{action_type="grpc_RecordActivityTaskHeartbeat",namespace="default"} 999`,
      `service_requests{namespace="default",operation="RecordActivityTaskHeartbeat",service_name="frontend"} 5000`,
    ].join('\n');

  it("sums the namespace's action series by type, and nothing else", () => {
    expect(temporalActions(text(12, 40))).toEqual({ grpc_StartWorkflowExecution: 12, grpc_RecordActivityTaskHeartbeat: 40 });
    expect(temporalActions(text(12, 40), 'temporal_system')).toEqual({ grpc_StartWorkflowExecution: 7 });
    expect(temporalActions('')).toEqual({});
  });

  it('counts what happened between two readings, types that did not move left out', () => {
    expect(actionsBetween(temporalActions(text(12, 40)), temporalActions(text(20, 40)))).toEqual({ grpc_StartWorkflowExecution: 8 });
    expect(actionsBetween({}, { command_StartTimer: 3 })).toEqual({ command_StartTimer: 3 });
  });
});
