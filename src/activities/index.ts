// All activities, built from their dependencies (pool, Redis, provider clients).
import { createAnalysisActivities } from './analysis';
import { createBalanceActivities } from './balances';
import type { ActivityDeps } from './deps';
import { createEnrichmentActivities } from './enrichment';
import { createHolderActivities } from './holders';
import { createSmokeActivities } from './smoke';
import { createSyncActivities } from './sync';
import { createWatchActivities } from './watches';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createSmokeActivities(deps),
    ...createSyncActivities(deps),
    ...createBalanceActivities(deps),
    ...createAnalysisActivities(deps),
    ...createEnrichmentActivities(deps),
    ...createHolderActivities(deps),
    ...createWatchActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
