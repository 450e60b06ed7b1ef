// Last line of defence of the long-running processes (worker, API): a dependency fault that escapes
// every handler (an 'error' event of a socket nobody listens to, a rejected promise nobody awaits)
// is logged and survived; the next operation on that dependency fails and is retried, so the
// process must stay up. Anything else is a bug: logged, then the process exits as Node would.
import type { Logger } from './logger';
import { isConnectionError } from './store/errors';

export function guardProcess(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  const handle = (kind: string) => (err: unknown) => {
    if (isConnectionError(err)) {
      logger.warn({ err }, `${kind} from a lost PostgreSQL or Redis connection: ignored, the next operation reconnects`);
      return;
    }
    logger.fatal({ err }, `${kind}: exiting`);
    exit(1);
  };
  process.on('uncaughtException', handle('uncaught exception'));
  process.on('unhandledRejection', handle('unhandled rejection'));
}
