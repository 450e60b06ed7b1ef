// The provider budgets' figures as metrics of the worker's Temporal runtime: exported with the SDK's
// own on the worker's Prometheus endpoint (TEMPORAL_METRICS_BIND), tagged by budget.
import type { MetricMeter } from '@temporalio/common';
import type { BudgetObserver, ProviderBudgets } from '../providers';

export const BUDGET_METRICS = ['helius', 'rpc', 'dexscreener'] as const satisfies ReadonlyArray<keyof ProviderBudgets>;

/** Observers of the provider budgets (createProviderBudgets' `observer`) that record on `meter`. */
export function budgetMetrics(meter: MetricMeter): (budget: keyof ProviderBudgets) => BudgetObserver {
  const margin = meter.createGauge(
    'provider_budget_margin',
    'float',
    'ms',
    "the margin the provider budget spaced its latest slot by (a learnt one falls while the provider refuses nothing, and doubles when it does)",
  );
  const refused = meter.createCounter('provider_rate_limited', '', 'requests the provider answered "rate limited" (429, or Helius\'s 401 "try again later")');
  const missed = meter.createCounter(
    'provider_budget_slots_missed',
    '',
    'slots given up by requests that woke too late for them (a busy worker): each reserved another, and the one missed went unused',
  );
  // every budget's counts from 0, so that a scrape shows them before the first
  for (const budget of BUDGET_METRICS) {
    refused.add(0, { budget });
    missed.add(0, { budget });
  }
  return (budget) => ({
    margin: (ms) => margin.set(ms, { budget }),
    rateLimited: () => refused.add(1, { budget }),
    slotMissed: () => missed.add(1, { budget }),
  });
}
