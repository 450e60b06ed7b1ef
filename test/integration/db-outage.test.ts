// Regression (issue 10, item 2): a PostgreSQL outage of 30 s failed every running analysis (store
// steps spent a retry budget of about 16 s), and the API answered 500 internal meanwhile. On a
// throwaway PostgreSQL cluster of its own (initdb / pg_ctl on a free port; the machine's server is
// never touched), stopped for 60 s in the middle of an analysis: the API answers 503 problem+json
// with Retry-After while it is away, the worker survives, and the analysis completes.
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { generateWorld } from '../../src/simulator';
import { buildApp } from '../../src/api/app';
import { createPool, migrate } from '../../src/store/db';
import { loadConfig } from '../../src/config';
import { problemType } from '../../src/api/problem';
import { analysisWorkflowId, progressQuery } from '../../src/workflows/contract';
import { useSimulatedStack } from '../harness/stack';
import { freePort } from '../../src/temporal/dev-server';
import { startWorkerProcess, waitFor } from '../harness/processes';

const OUTAGE_MS = 60_000;
const PG_BIN = process.env.PG_BIN ?? '/usr/local/bin';

const world = generateWorld({ seed: 41, wallets: 3, txPerWallet: 1000, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

/** A PostgreSQL cluster in a temporary directory, run as the `postgres` user when we are root (initdb refuses root). */
class ThrowawayPostgres {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-pg-outage-'));
  readonly data = path.join(this.dir, 'data');
  constructor(readonly port: number) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/ws_outage`;
  }

  private run(bin: string, args: string[]): void {
    const asRoot = process.getuid?.() === 0;
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args]] : [path.join(PG_BIN, bin), args];
    execFileSync(cmd, argv, { stdio: 'pipe', timeout: 60_000 });
  }

  init(): void {
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres', this.dir]);
    this.run('initdb', ['-D', this.data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  }

  start(): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    this.run('pg_ctl', ['-D', this.data, '-o', opts, '-l', path.join(this.dir, 'log'), '-w', '-t', '60', 'start']);
  }

  stop(): void {
    this.run('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // not running
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('PostgreSQL stopped for 60 s in the middle of an analysis', () => {
  let pg: ThrowawayPostgres;
  let pool: Pool;
  let app: FastifyInstance;
  let worker: (ChildProcess & { output: () => string }) | undefined;

  // slow history pages: the syncs are still under way when the database goes
  const opened = useSimulatedStack(
    { world, latencyMs: { 'helius:history': 400 } },
    () => ({ DATABASE_URL: pg.url }),
    {
      beforeOpen: async () => {
        pg = new ThrowawayPostgres(await freePort());
        pg.init();
        pg.start();
        await migrate(pg.url);
        pool = createPool(pg.url);
      },
      afterOpen: async () => {
        app = await buildApp({ config: loadConfig(opened.stack.processEnv), temporal: opened.stack.client, pool, redis: opened.stack.redis }, { rateLimitStore: 'memory' });
      },
      openTimeoutMs: 120_000,
      beforeClose: async () => {
        worker?.kill('SIGKILL');
        await app?.close();
        await pool?.end();
      },
      afterClose: () => pg?.destroy(),
    },
  );

  it('answers 503 while the database is away, keeps the worker up, and completes the analysis', async () => {
    worker = startWorkerProcess(opened.stack.processEnv);
    const started = await app.inject({ method: 'POST', url: '/v1/analyses', payload: { wallets, sync: 'force' } });
    expect(started.statusCode).toBe(202);
    const { analysisId } = started.json();
    const handle = opened.stack.client.workflow.getHandle(analysisWorkflowId(analysisId));
    await waitFor('the syncs to be under way', async () => {
      const p = await handle.query(progressQuery).catch(() => null);
      return !!p && p.phase === 'syncing' && Object.values(p.wallets).some((w) => w.pages >= 1);
    });

    pg.stop();
    const stoppedAt = Date.now();
    for (const res of [
      await app.inject({ method: 'GET', url: `/v1/analyses/${analysisId}` }),
      await app.inject({ method: 'POST', url: '/v1/wallets/status', payload: { wallets } }),
      await app.inject({ method: 'POST', url: '/v1/analyses', payload: { wallets } }),
    ]) {
      expect({ status: res.statusCode, type: res.json().type, retryAfter: res.headers['retry-after'] }).toEqual({
        status: 503,
        type: problemType('databaseUnavailable'),
        retryAfter: expect.stringMatching(/^\d+$/),
      });
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.postgres.ok).toBe(false);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
    expect({ exitCode: worker.exitCode, signal: worker.signalCode }).toEqual({ exitCode: null, signal: null });
    pg.start();

    const summary = await handle.result();
    expect(summary.failedWallets).toEqual([]);
    const view = await app.inject({ method: 'GET', url: `/v1/analyses/${analysisId}` });
    expect(view.statusCode).toBe(200);
    expect(view.json().status).toBe('completed');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks.postgres.ok).toBe(true);
    // the same worker process did it all
    expect({ exitCode: worker.exitCode, signal: worker.signalCode }).toEqual({ exitCode: null, signal: null });
    // every transaction stored once
    const { rows } = await pool.query(
      `SELECT w.address, w.transaction_count, (SELECT count(*)::int FROM wallet_transactions t WHERE t.wallet = w.address) AS tx_rows FROM wallets w ORDER BY w.address`,
    );
    expect(rows.map((r) => [r.address, r.transaction_count, r.tx_rows])).toEqual(
      wallets.map((w) => [w, opened.sim.world.historyLength(opened.sim.world.indexOf(w)!), opened.sim.world.historyLength(opened.sim.world.indexOf(w)!)]),
    );
  }, 360_000);
});
