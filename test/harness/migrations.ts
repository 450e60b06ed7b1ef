// The project's migrations by name, and a database brought up to a given point of them: for tests of
// what a migration does to a database that older code filled, and pages stored as older code stored them.
import fs from 'node:fs';
import { runner } from 'node-pg-migrate';
import type { Pool } from 'pg';
import { MIGRATIONS_DIR, createPool, dropDatabase, ensureDatabase, migrate, type Queryable } from '../../src/store/db';
import { testEnv } from './env';
import type { EnhancedTransaction, SwapLeg } from '../../src/domain';
import type { WalletTransfer } from '../../src/domain/detection/types';
import { insertLegsCte, legRows } from '../../src/store/swap-legs';
import { linkTransactionsCte } from '../../src/store/wallet-transactions';
import { transferRows } from '../../src/store/wallet-transfers';
import { countStoredPageCte, SYNC_LEASE_SECONDS } from '../../src/store/wallets';

/** Every migration's name (its file without .sql), in the order they apply. */
export function migrationNames(): string[] {
  return fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
}

/** Creates the database if missing and applies its first `count` migrations only (migrate() applies the rest). */
export async function migrateFirst(databaseUrl: string, count: number): Promise<void> {
  await ensureDatabase(databaseUrl);
  await runner({ databaseUrl, dir: MIGRATIONS_DIR, direction: 'up', migrationsTable: 'pgmigrations', count, log: () => undefined });
}

/** Runs the Down steps of the newest `count` applied migrations. */
export async function undoNewest(databaseUrl: string, count: number): Promise<void> {
  await runner({ databaseUrl, dir: MIGRATIONS_DIR, direction: 'down', migrationsTable: 'pgmigrations', count, log: () => undefined });
}

/** A database of its own migrated part of the way (databaseBefore). */
export interface PartlyMigrated {
  /** its URL */
  url: string;
  /** a pool of 2 connections on it */
  pool: Pool;
  /** applies the migrations from the one it stopped before on: their names */
  migrateRest(): Promise<string[]>;
  /** runs the down steps of those migrations, newest first, back to before that one */
  undo(): Promise<void>;
  /** ends the pool and drops the database */
  close(): Promise<void>;
}

/** A database of its own (named after the test database, `name` and the process), migrated up to (not including) `migration`. */
export async function databaseBefore(migration: string, name: string): Promise<PartlyMigrated> {
  const base = new URL(testEnv().databaseUrl);
  base.pathname = `/${base.pathname.slice(1)}_${name}_${process.pid}`;
  const url = base.toString();
  const files = migrationNames();
  const before = files.indexOf(migration);
  if (before < 0) throw new Error(`no migration named ${migration}`);
  await migrateFirst(url, before);
  const pool = createPool(url, 2);
  return {
    url,
    pool,
    migrateRest: () => migrate(url),
    undo: () => undoNewest(url, files.length - before),
    close: async () => {
      await pool.end();
      await dropDatabase(url);
    },
  };
}

/**
 * A history page stored as a worker before migration 1795540000000 stored it: the raw transactions
 * as jsonb in transactions.payload (today's page statement writes payload_json, a column such a
 * database does not have yet), with their links, legs, transfers and the wallet's counts from the
 * same parts as today's statement, without those of later migrations (the failed fees of
 * 1795690000000; transfers with the columns the database has, `insertTransfersAsBefore`). For tests
 * that fill a database migrated only part of the way.
 */
export async function storePageAsBefore(pool: Queryable, wallet: string, txs: readonly EnhancedTransaction[], legs: readonly SwapLeg[], transfers: readonly WalletTransfer[]): Promise<void> {
  const oldest = txs.length > 0 ? txs.reduce((a, b) => (b.slot < a.slot ? b : a)) : null;
  await pool.query(
    `WITH
      page AS MATERIALIZED (
        SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(signature text, slot bigint, timestamp bigint, type text, source text, failed boolean, payload jsonb)),
      stored AS (
        INSERT INTO transactions (signature, slot, timestamp, type, source, failed, payload)
        SELECT signature, slot, timestamp, type, source, failed, payload FROM page ON CONFLICT (signature) DO NOTHING),
      ${linkTransactionsCte('linked', 'page')},
      ${insertLegsCte('new_legs', '$3')},
      new_transfers AS (${INSERT_TRANSFERS_AS_BEFORE('$4')}),
      ${countStoredPageCte('counted', { linked: 'linked', failedLinked: 'SELECT count(*) FROM linked JOIN page USING (signature) WHERE page.failed', newLegs: 'new_legs', firstParam: 5 })}
    SELECT 1`,
    [
      wallet,
      JSON.stringify(txs.map((tx) => ({ signature: tx.signature, slot: tx.slot, timestamp: tx.timestamp, type: tx.type, source: tx.source, failed: tx.transactionError != null, payload: tx }))),
      JSON.stringify(legRows(legs)),
      JSON.stringify(transferRowsOf(wallet, transfers)),
      txs.length,
      oldest?.signature ?? null,
      oldest?.timestamp ?? null,
      SYNC_LEASE_SECONDS,
    ],
  );
}

/**
 * Stores a wallet's transfers into the columns wallet_transfers has in a database migrated only part
 * of the way (before 1795740000000 it has no `nft`), as a worker of that time stored them.
 */
export async function insertTransfersAsBefore(db: Queryable, wallet: string, transfers: readonly WalletTransfer[]): Promise<void> {
  await db.query(INSERT_TRANSFERS_AS_BEFORE('$1'), [JSON.stringify(transferRowsOf(wallet, transfers))]);
}

/** Rows of whatever columns the table has: jsonb_populate_recordset leaves out the keys it has no column for. */
const INSERT_TRANSFERS_AS_BEFORE = (rowsParam: string) =>
  `INSERT INTO wallet_transfers SELECT * FROM jsonb_populate_recordset(null::wallet_transfers, ${rowsParam}::jsonb) ON CONFLICT (wallet, signature, transfer_index) DO NOTHING RETURNING signature`;

const transferRowsOf = (wallet: string, transfers: readonly WalletTransfer[]) => transferRows(transfers).map((r) => ({ ...r, wallet }));
