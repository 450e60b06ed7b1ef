// Jest global setup for the integration project: one Temporal dev server for the whole run
// (headless, free port, the same search attributes and dynamic config as `npm run dev`), a fresh
// migrated database, an isolated Redis key prefix, and the workflow bundle built once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { freePort, resolveTemporalCli, startDevServer } from '../../src/temporal/dev-server';
import { WORKFLOWS_PATH } from '../../src/temporal/workers';
import { migrate } from '../../src/store/db';
import { connectRedis, createRedis } from '../../src/store/redis';
import { harnessState } from './state';
import { TEST_NAMESPACES } from './env';

export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const baseDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wallet_similarity';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

  const databaseUrl = new URL(baseDatabaseUrl);
  databaseUrl.pathname = `/ws_test_${runId}`;
  const redisPrefix = `wstest:${runId}:`;

  const redis = createRedis(redisUrl);
  await connectRedis(redis, redisUrl);
  redis.disconnect();

  const [cliPath, port] = await Promise.all([resolveTemporalCli(), freePort()]);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ws-test-${runId}-`));
  const [server, bundle] = await Promise.all([
    startDevServer({ cliPath, ip: '127.0.0.1', port, headless: true, namespace: 'default', extraNamespaces: TEST_NAMESPACES }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } }),
    migrate(databaseUrl.toString()),
  ]).then(([s, b]) => [s, b] as const);
  const bundlePath = path.join(tmp, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);

  harnessState.set({ server, databaseUrl: databaseUrl.toString(), redisUrl, redisPrefix, tmp });
  process.env.WS_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.WS_TEST_TEMPORAL_NAMESPACE = 'default';
  process.env.WS_TEST_DATABASE_URL = databaseUrl.toString();
  process.env.WS_TEST_REDIS_URL = redisUrl;
  process.env.WS_TEST_REDIS_PREFIX = redisPrefix;
  process.env.WS_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.WS_TEST_TMP = tmp;
}
