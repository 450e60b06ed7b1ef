// Starting and reusing the Temporal dev server (CLI v1.5.1, server 1.29.1). The test harness and
// `npm run dev` both start it through here, so they run with the same search attributes and
// dynamic config.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection, type ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/contract';
import { ServiceUnavailableError, describeFailure } from '../errors';

const ROOT = path.resolve(__dirname, '..', '..');
const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

/** Dynamic config both dev and test servers run with. */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, string> = {
  // Task-queue priority (priorityKey) is off by default on server 1.29.
  'matching.useNewMatcher': 'true',
  // Fairness between clients (fairnessKey per API key, set by the API on every start): a queue's
  // backlog is dispatched round-robin across keys instead of first-in first-out (implies the new matcher).
  'matching.enableFairness': 'true',
  // One partition per task queue: priority then orders the whole backlog of a queue, not each of
  // four partitions separately (plenty for one dev server; a cluster keeps its own setting).
  'matching.numTaskqueueReadPartitions': '1',
  'matching.numTaskqueueWritePartitions': '1',
};

const SEARCH_ATTRIBUTE_TYPES: Record<string, { cli: string; indexed: number }> = {
  KEYWORD_LIST: { cli: 'KeywordList', indexed: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST },
  KEYWORD: { cli: 'Keyword', indexed: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
  INT: { cli: 'Int', indexed: IndexedValueType.INDEXED_VALUE_TYPE_INT },
  TEXT: { cli: 'Text', indexed: IndexedValueType.INDEXED_VALUE_TYPE_TEXT },
  BOOL: { cli: 'Bool', indexed: IndexedValueType.INDEXED_VALUE_TYPE_BOOL },
  DOUBLE: { cli: 'Double', indexed: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE },
  DATETIME: { cli: 'Datetime', indexed: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME },
};

function searchAttributeList(): Array<{ name: string; type: { cli: string; indexed: number } }> {
  return Object.values(SEARCH_ATTRIBUTES).map((key) => ({ name: key.name, type: SEARCH_ATTRIBUTE_TYPES[key.type] }));
}

export function devServerArgs(opts: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', opts.ip, '--port', String(opts.port), '--namespace', opts.namespace, '--log-level', opts.logLevel ?? 'warn'];
  for (const ns of opts.extraNamespaces ?? []) args.push('--namespace', ns);
  if (opts.headless) args.push('--headless');
  else args.push('--ui-ip', opts.ip, '--ui-port', String(opts.uiPort ?? opts.port + 1000));
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  for (const { name, type } of searchAttributeList()) args.push('--search-attribute', `${name}=${type.cli}`);
  for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${key}=${value}`);
  return args;
}

export interface DevServerOptions {
  cliPath: string;
  ip: string;
  port: number;
  uiPort?: number;
  headless: boolean;
  namespace: string;
  /** more namespaces created at launch, with the same search attributes (test isolation) */
  extraNamespaces?: string[];
  dbFilename?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** where the server's own output goes; default: ignored */
  stdio?: 'inherit' | 'ignore';
}

export interface RunningDevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Finds or installs the Temporal CLI through scripts/temporal-cli.sh; its message on failure. */
export async function resolveTemporalCli(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('bash', [path.join(ROOT, 'scripts', 'temporal-cli.sh')], {
      env: process.env,
      maxBuffer: 10 * 1024 * 1024,
    });
    return stdout.trim().split('\n').pop() as string;
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    throw new ServiceUnavailableError('Temporal', stderr || describeFailure(err));
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function isPortOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until the frontend answers gRPC (no 5-second limit, unlike createLocal). */
export async function waitForTemporal(address: string, timeoutMs = 60_000, exited?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const exit = exited?.();
    if (exit) throw new ServiceUnavailableError('Temporal', `the Temporal dev server exited while starting: ${exit}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new ServiceUnavailableError('Temporal', `the Temporal server at ${address} did not answer within ${timeoutMs / 1000}s (${describeFailure(lastError)})`);
}

/** Registers our search attributes on a server that was started without them (a reused server). */
export async function ensureSearchAttributes(connection: Pick<ConnectionLike, 'operatorService'>, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const custom = existing.customAttributes ?? {};
  const missing: Record<string, number> = {};
  for (const { name, type } of searchAttributeList()) if (!(name in custom)) missing[name] = type.indexed;
  if (Object.keys(missing).length === 0) return;
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
}

export async function startDevServer(opts: DevServerOptions): Promise<RunningDevServer> {
  const address = `${opts.ip}:${opts.port}`;
  const child = spawn(opts.cliPath, devServerArgs(opts), { stdio: ['ignore', opts.stdio ?? 'ignore', opts.stdio ?? 'pipe'] });
  let exitReason: string | undefined;
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-2_000);
  });
  child.once('exit', (code, signal) => {
    exitReason = `exit code ${code ?? signal}${stderrTail ? `: ${stderrTail.trim()}` : ''}`;
  });
  child.once('error', (err) => {
    exitReason = describeFailure(err);
  });
  try {
    await waitForTemporal(address, 90_000, () => exitReason);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { address, process: child, stop: () => stopProcess(child, 'SIGTERM', 10_000) };
}

/** Asks a child process to stop with `signal`, and kills it if it is still there after `graceMs`. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
