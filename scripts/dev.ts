// `npm run dev`: the whole stack on this machine. Starts (or reuses) the Temporal dev server with
// persistence in .data/ and the Web UI, migrates PostgreSQL, checks Redis, then runs the worker and
// the API as child processes. Ctrl-C stops everything it started.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { exitWithOneLine } from '../src/errors';
import { migrate } from '../src/store/db';
import { connectRedis, createRedis } from '../src/store/redis';
import { connectClient } from '../src/temporal/connection';
import { ensureSearchAttributes, isPortOpen, resolveTemporalCli, startDevServer, stopProcess, type RunningDevServer } from '../src/temporal/dev-server';

const ROOT = path.resolve(__dirname, '..');

export interface DevStack {
  temporalAddress: string;
  apiUrl: string;
  stop(): Promise<void>;
}

function startChild(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `[${name}] ${line}`)
      .join('\n') + '\n';
  child.stdout?.on('data', (c: Buffer) => process.stdout.write(prefix(c)));
  child.stderr?.on('data', (c: Buffer) => process.stderr.write(prefix(c)));
  return child;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the process serving ${url} exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

/** Brings the stack up; `extraEnv` goes to the worker and the API (e.g. simulator URLs). */
export async function startDevStack(extraEnv: NodeJS.ProcessEnv = {}, log: (line: string) => void = console.log): Promise<DevStack> {
  const env = { ...process.env, ...extraEnv };
  const config = loadConfig(env);

  log('Checking PostgreSQL and Redis, applying migrations...');
  await migrate(config.DATABASE_URL);
  const redis = createRedis(config.REDIS_URL);
  await connectRedis(redis, config.REDIS_URL);
  redis.disconnect();

  const [ip, portText] = [config.TEMPORAL_ADDRESS.slice(0, config.TEMPORAL_ADDRESS.lastIndexOf(':')), config.TEMPORAL_ADDRESS.slice(config.TEMPORAL_ADDRESS.lastIndexOf(':') + 1)];
  let server: RunningDevServer | undefined;
  if (await isPortOpen(ip, Number(portText))) {
    log(`Reusing the Temporal server already listening on ${config.TEMPORAL_ADDRESS}`);
  } else {
    const cliPath = await resolveTemporalCli();
    fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
    const uiPort = Number(new URL(config.TEMPORAL_UI_URL).port || 8233);
    log(`Starting the Temporal dev server on ${config.TEMPORAL_ADDRESS} (data in .data/temporal.db)...`);
    server = await startDevServer({ cliPath, ip, port: Number(portText), uiPort, headless: false, namespace: config.TEMPORAL_NAMESPACE, dbFilename: path.join(ROOT, '.data', 'temporal.db') });
  }
  const client = await connectClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  await ensureSearchAttributes(client.connection, config.TEMPORAL_NAMESPACE);
  await client.connection.close();

  const worker = startChild('worker', 'src/worker.ts', env);
  const api = startChild('api', 'src/api/server.ts', env);
  const apiUrl = `http://${config.API_HOST}:${config.API_PORT}`;
  const stop = async () => {
    await Promise.all([stopProcess(api, 'SIGINT', 15_000), stopProcess(worker, 'SIGINT', 15_000)]);
    await server?.stop();
  };
  try {
    await waitForHttp(`${apiUrl}/healthz`, api);
  } catch (err) {
    await stop();
    throw err;
  }
  log('');
  log(`  Temporal gRPC   ${config.TEMPORAL_ADDRESS}`);
  log(`  Temporal Web UI ${config.TEMPORAL_UI_URL}`);
  log(`  API             ${apiUrl}  (GET /healthz, /readyz)`);
  log(`  Worker          task queues balances, analysis, enrichment`);
  log('');
  return { temporalAddress: config.TEMPORAL_ADDRESS, apiUrl, stop };
}

async function main(): Promise<void> {
  const stack = await startDevStack();
  console.log('Press Ctrl-C to stop.');
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) main().catch(exitWithOneLine);
