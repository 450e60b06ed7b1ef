// What the integration harness (global-setup.ts) started for this test run. Test files read it
// from here instead of touching process.env themselves.
/** Namespaces the harness's server creates; each test file that runs workers takes its own. */
/**
 * The Temporal namespace of analysis rows a test stores as pending without starting them: no API of
 * the suite runs in it, so no test file's start sweep starts them (rows of no namespace are claimed
 * by the first sweep of any namespace).
 */
export const UNSWEPT_NAMESPACE = 'wallet-similarity-tests-unswept';

export const TEST_NAMESPACES = Array.from({ length: 64 }, (_, i) => `ws-test-${i + 1}`);

export interface TestEnv {
  /** host:port of the shared Temporal dev server */
  temporalAddress: string;
  temporalNamespace: string;
  /** a throwaway database created and migrated for this run */
  databaseUrl: string;
  /** a Redis URL pointing at a DB index reserved for this run */
  redisUrl: string;
  /** prefix every Redis key a test writes with this */
  redisKeyPrefix: string;
  /** path of the pre-built workflow bundle for this run */
  workflowBundlePath: string;
}

export function testEnv(): TestEnv {
  const need = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: integration tests must run through jest's integration project (test/harness/global-setup.ts)`);
    return value;
  };
  return {
    temporalAddress: need('WS_TEST_TEMPORAL_ADDRESS'),
    temporalNamespace: process.env.WS_TEST_TEMPORAL_NAMESPACE ?? 'default',
    databaseUrl: need('WS_TEST_DATABASE_URL'),
    redisUrl: need('WS_TEST_REDIS_URL'),
    redisKeyPrefix: need('WS_TEST_REDIS_PREFIX'),
    workflowBundlePath: need('WS_TEST_WORKFLOW_BUNDLE'),
  };
}
