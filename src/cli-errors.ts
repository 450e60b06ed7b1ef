// Entry points end with one line a user can act on, not a stack trace, for errors we expect.
import { ConfigError } from './config';
import { ServiceUnavailableError } from './store/errors';

export function exitWithOneLine(err: unknown): never {
  if (err instanceof ConfigError || err instanceof ServiceUnavailableError) {
    console.error(`error: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
}
