// Last line of defence of the long-running processes (worker, API): a dependency fault that escapes
// every handler (an 'error' event of a socket nobody listens to, a rejected promise nobody awaits)
// is logged and survived (and so is a Temporal call retried after its connection closed); the next
// operation on that dependency fails and is retried, so the process must stay up. Anything else is a bug: logged, then the process exits as Node would.
import type { Logger } from './logger';
import { isConnectionError } from './store/errors';

/**
 * What grpc-js throws when a call starts on a closed channel. The Temporal client's retry timer
 * cannot be cancelled: a call the API already gave up on (src/temporal/deadline.ts) may retry once
 * more after the connection was closed at shutdown, and that retry throws this from the timer. Its
 * caller is gone, so nothing is lost.
 */
export function isClosedTemporalChannel(err: unknown): boolean {
  return err instanceof Error && err.message === 'Channel has been shut down';
}

export function guardProcess(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  const handle = (kind: string) => (err: unknown) => {
    if (isConnectionError(err)) {
      logger.warn({ err }, `${kind} from a lost PostgreSQL or Redis connection: ignored, the next operation reconnects`);
      return;
    }
    if (isClosedTemporalChannel(err)) {
      logger.warn({ err }, `${kind} from a call abandoned before the Temporal connection closed: ignored`);
      return;
    }
    logger.fatal({ err }, `${kind}: exiting`);
    exit(1);
  };
  process.on('uncaughtException', handle('uncaught exception'));
  process.on('unhandledRejection', handle('unhandled rejection'));
}
