// API process entry point: validated config, one Temporal client, one pool, one Redis client.
import { loadConfig } from '../config';
import { exitWithOneLine } from '../errors';
import { createLogger } from '../logger';
import { checkDatabase, createPool, migrate } from '../store/db';
import { connectRedis, createRedis } from '../store/redis';
import { connectClient } from '../temporal/connection';
import { buildApp } from './app';
import { guardProcess } from '../process-guard';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  guardProcess(logger);
  await migrate(config.DATABASE_URL);
  // few connections (API_DB_CONNECTIONS): under a burst the requests wait here for a warm backend
  // rather than many backends competing for PostgreSQL's CPU
  const pool = createPool(config.DATABASE_URL, config.API_DB_CONNECTIONS, { applicationName: 'wallet-similarity api' });
  await checkDatabase(pool, config.DATABASE_URL);
  const redis = createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  await connectRedis(redis, config.REDIS_URL);
  const temporal = await connectClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);

  const app = await buildApp({ config, temporal, pool, redis }, { logger });
  const close = async () => {
    await app.close();
    await temporal.connection.close();
    await pool.end();
    redis.disconnect();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
}

main().catch(exitWithOneLine);
