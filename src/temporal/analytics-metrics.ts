// The wallets whose stored analytics the worker computed again (a read's, the background's), as a
// metric of the worker's Temporal runtime: exported with the SDK's own on the worker's Prometheus
// endpoint (TEMPORAL_METRICS_BIND). The wallets left of each engine are the API's to say (it counts
// them in PostgreSQL at a scrape: src/api/metrics.ts).
import type { MetricMeter } from '@temporalio/common';
import type { RecomputeObserver, RecomputeOutcome, RecomputeTrigger } from '../activities/deps';

const TRIGGERS: readonly RecomputeTrigger[] = ['read', 'background'];
const OUTCOMES: readonly RecomputeOutcome[] = ['refreshed', 'syncing', 'unchanged', 'failed'];

/** An observer of the recomputes (ActivityDeps' `recomputed`) that counts them on `meter`. */
export function recomputeMetrics(meter: MetricMeter): RecomputeObserver {
  const counter = meter.createCounter(
    'wallet_analytics_recomputed',
    '',
    "wallets whose stored analytics an older engine computed, computed again by this worker: by trigger (a read's, the background's) and outcome (refreshed; left to a live sync; unchanged, as stored meanwhile; failed, passed over by the background)",
  );
  // every series from 0, so that a scrape shows them before the first
  for (const trigger of TRIGGERS) for (const outcome of OUTCOMES) counter.add(0, { trigger, outcome });
  return (trigger, outcome) => counter.add(1, { trigger, outcome });
}
