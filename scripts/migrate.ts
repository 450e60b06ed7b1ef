// `npm run migrate`: applies every pending migration to DATABASE_URL (creating the database if needed).
import { ConfigError, loadConfig } from '../src/config';
import { exitWithOneLine } from '../src/cli-errors';
import { migrate } from '../src/store/db';
import { ServiceUnavailableError } from '../src/store/errors';

async function main(): Promise<void> {
  const config = loadConfig();
  const applied = await migrate(config.DATABASE_URL);
  console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database is up to date: no pending migrations');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof ServiceUnavailableError) exitWithOneLine(err);
  // A failed migration: one line with what PostgreSQL said, no stack trace.
  console.error(`error: migration failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  process.exit(1);
});
