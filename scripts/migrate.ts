// `npm run migrate`: applies every pending migration to DATABASE_URL (creating the database if needed).
import { loadConfig } from '../src/config';
import { ActionableError, describeFailure, exitWithOneLine } from '../src/errors';
import { migrate } from '../src/store/db';

async function main(): Promise<void> {
  const config = loadConfig();
  const applied = await migrate(config.DATABASE_URL);
  console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database is up to date: no pending migrations');
}

main().catch((err: unknown) => {
  if (err instanceof ActionableError) exitWithOneLine(err);
  // A failed migration: one line with what PostgreSQL said, no stack trace.
  console.error(`error: migration failed: ${describeFailure(err)}`);
  process.exit(1);
});
