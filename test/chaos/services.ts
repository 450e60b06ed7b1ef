// The chaos suite's own PostgreSQL cluster, Redis server and Temporal dev server: started on free
// ports in a temporary directory, so the suite can stop and restart them without touching the
// machine's own instances. Every process started here is registered for cleanup (also on SIGINT).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes, freePort, isPortOpen, startDevServer, type DevServerOptions, type RunningDevServer } from '../../src/temporal/dev-server';

const run = promisify(execFile);

/** Things to undo when the suite ends, newest first (also on SIGINT or a crash). */
const cleanups: Array<{ what: string; fn: () => Promise<void> | void }> = [];

export function onCleanup(what: string, fn: () => Promise<void> | void): () => void {
  const entry = { what, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    const { what, fn } = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      console.error(`chaos cleanup: ${what}: ${(err as Error).message}`);
    }
  }
}

export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The PostgreSQL server programs: on PATH (e.g. /usr/local/bin), else Debian's /usr/lib/postgresql/<newest>/bin. */
export function postgresBin(name: 'initdb' | 'pg_ctl'): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', name))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`${name} not found on PATH nor in ${base}/*/bin: install the postgresql package (scripts/chaos-tools.sh does)`);
  return path.join(base, versions[0], 'bin', name);
}

/** A throwaway PostgreSQL cluster: initdb in `dir`, trust auth for user postgres, on its own port. */
export class PgCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** initdb refuses to run as root: as root the cluster belongs to the `postgres` system user. */
  private static command(bin: string, args: string[]): [string, string[]] {
    if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', bin, ...args]];
    return [bin, args];
  }

  private static async exec(bin: string, args: string[], timeoutMs = 90_000): Promise<string> {
    const [cmd, argv] = PgCluster.command(bin, args);
    try {
      const { stdout } = await run(cmd, argv, { timeout: timeoutMs, cwd: '/' });
      return stdout;
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${path.basename(bin)} ${args.join(' ')} failed: ${(e.stderr || e.stdout || e.message).trim().slice(-800)}`);
    }
  }

  static async create(tmp: string): Promise<PgCluster> {
    const dir = path.join(tmp, 'pg');
    fs.mkdirSync(dir, { mode: 0o700 });
    if (process.getuid?.() === 0) {
      fs.chmodSync(tmp, 0o755); // the postgres user must reach its data directory
      await run('chown', ['postgres:postgres', dir]);
    }
    await PgCluster.exec(postgresBin('initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    const cluster = new PgCluster(dir, await freePort());
    onCleanup(`PostgreSQL cluster in ${dir}`, () => cluster.stop('immediate').catch(() => undefined));
    await cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  databaseUrl(name: string): string {
    return `${this.url}/${name}`;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    await PgCluster.exec(postgresBin('pg_ctl'), ['-D', this.dir, '-o', options, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await PgCluster.exec(postgresBin('pg_ctl'), ['-D', this.dir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async restart(): Promise<void> {
    await this.stop('fast');
    await this.start();
  }

  async isUp(): Promise<boolean> {
    return isPortOpen('127.0.0.1', this.port);
  }
}

/** A redis-server without persistence on its own port. */
export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(tmp: string): Promise<RedisServer> {
    const dir = path.join(tmp, 'redis');
    fs.mkdirSync(dir);
    const server = new RedisServer(dir, await freePort());
    onCleanup('redis-server', () => server.stop());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return;
    const bin = fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server';
    const log = fs.openSync(path.join(this.dir, 'redis.log'), 'a');
    this.child = spawn(bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const child = this.child;
    await waitUntil(`redis-server on port ${this.port}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}: see ${this.dir}/redis.log`);
      return isPortOpen('127.0.0.1', this.port);
    }, 30_000);
  }

  /**
   * Freezes the server (SIGSTOP): its connections stay open and the kernel still accepts new ones,
   * but nothing is answered, as a server cut off by a partition that drops packets answers nothing.
   */
  freeze(): void {
    if (!this.child || this.child.exitCode !== null) throw new Error('redis-server is not running');
    this.child.kill('SIGSTOP');
  }

  /** Lets a frozen server go on (SIGCONT): it answers what it was sent meanwhile. */
  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT'); // a frozen server takes SIGTERM only once it runs again
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The Temporal dev server with its state in a SQLite file, so a restart keeps every workflow. */
export class TemporalServer {
  private server: RunningDevServer | undefined;

  private constructor(private readonly options: DevServerOptions) {}

  static async create(tmp: string, cliPath: string, namespaces: string[]): Promise<TemporalServer> {
    const port = await freePort();
    const ts = new TemporalServer({ cliPath, ip: '127.0.0.1', port, headless: true, namespace: 'default', extraNamespaces: namespaces, dbFilename: path.join(tmp, 'temporal.db') });
    onCleanup('Temporal dev server', () => ts.stop());
    await ts.start();
    return ts;
  }

  get address(): string {
    return `${this.options.ip}:${this.options.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    this.server = await startDevServer(this.options);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /**
   * Registers `namespace` unless it exists, with our search attributes, and waits until the frontend
   * serves it: after a restart the dev server does not always bring back the namespaces it was
   * started with.
   */
  async ensureNamespace(namespace: string): Promise<void> {
    const connection = await Connection.connect({ address: this.address, connectTimeout: 5_000 });
    try {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') }).catch((err: { code?: number }) => {
        if (err.code !== 6) throw err; // ALREADY_EXISTS
      });
      await waitUntil(`Temporal namespace ${namespace}`, async () => {
        try {
          await ensureSearchAttributes(connection, namespace);
          await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
          return true;
        } catch {
          return false;
        }
      }, 60_000, 1_000);
    } finally {
      await connection.close();
    }
  }
}
