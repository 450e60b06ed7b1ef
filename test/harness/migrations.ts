// The project's migrations by name, and a database brought up to a given point of them: for tests of
// what a migration does to a database that older code filled.
import fs from 'node:fs';
import { runner } from 'node-pg-migrate';
import { MIGRATIONS_DIR, ensureDatabase } from '../../src/store/db';

/** Every migration's name (its file without .sql), in the order they apply. */
export function migrationNames(): string[] {
  return fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
}

/** Creates the database if missing and applies its first `count` migrations only (migrate() applies the rest). */
export async function migrateFirst(databaseUrl: string, count: number): Promise<void> {
  await ensureDatabase(databaseUrl);
  await runner({ databaseUrl, dir: MIGRATIONS_DIR, direction: 'up', migrationsTable: 'pgmigrations', count, log: () => undefined });
}
