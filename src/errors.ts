// Process-level errors and how they become text. Pure (no Node modules, no I/O at import): the
// workflow bundle imports describeFailure too.
import { redactSecrets } from './redact';

/** An error whose message tells the user what to do: entry points print the message alone, without a stack trace. */
export class ActionableError extends Error {}

/** A configuration error names the variable and says what is wrong with it. */
export class ConfigError extends ActionableError {
  override name = 'ConfigError';
}

/** A backing service is missing, unreachable or misconfigured. */
export class ServiceUnavailableError extends ActionableError {
  override name = 'ServiceUnavailableError';
  constructor(
    readonly service: 'PostgreSQL' | 'Redis' | 'Temporal',
    message: string,
  ) {
    super(message);
  }
}

/** How deep describeFailure follows causes and AggregateErrors (a cycle stops here too). */
const MAX_DEPTH = 10;

function describe(err: unknown, depth: number): string {
  if (depth < MAX_DEPTH && err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0], depth + 1);
  if (err && typeof err === 'object') {
    const e = err as { cause?: unknown; type?: unknown; code?: unknown; message?: unknown };
    // Temporal wraps an activity's or a child's error, fetch wraps the socket's: the innermost one says what happened.
    if (depth < MAX_DEPTH && e.cause !== undefined && e.cause !== null && e.cause !== err) return describe(e.cause, depth + 1);
    const message = typeof e.message === 'string' && e.message !== '' ? e.message : undefined;
    // A Temporal failure's type (e.g. InvalidApiKeyError) always: the workflows group failures by it.
    if (typeof e.type === 'string' && e.type !== '') return message ? `${e.type}: ${message}` : e.type;
    // A Node or PostgreSQL error code, unless the message says it already.
    const code = typeof e.code === 'string' && e.code !== '' ? e.code : undefined;
    if (code && message && !message.includes(code)) return `${code}: ${message}`;
    const text = message ?? code;
    if (text) return text;
  }
  return String(err);
}

/**
 * Any thrown value as one line a user can read, with API keys removed: the innermost cause of a
 * wrapped failure, the first of an AggregateError (one connection attempt per address), prefixed by
 * its failure type or error code, e.g. "28P01: password authentication failed for user \"app\"" or
 * "InvalidApiKeyError: helius getTransactions: the API key was rejected".
 */
export function describeFailure(err: unknown): string {
  return (
    redactSecrets(describe(err, 0))
      .replace(/\s*\n\s*/g, ' ')
      // control characters (a NUL in a provider's error body): nothing to read, and PostgreSQL refuses a NUL in text
      // eslint-disable-next-line no-control-regex
      .replace(/\s*[\u0000-\u001f\u007f][\s\u0000-\u001f\u007f]*/g, ' ')
      .trim()
  );
}

/**
 * describeFailure for a client (an API answer): network addresses (host:port, IPv4, bracketed IPv6,
 * gRPC's dns:/ipv4:/unix: targets) are the operator's, for the log only. What is left still says
 * what happened (UNAVAILABLE, ECONNREFUSED, a namespace not found, a deadline).
 */
export function describeFailureForClients(err: unknown): string {
  return describeFailure(err)
    .replace(/\b(?:dns|ipv4|ipv6|unix|unix-abstract):\S+/g, '<address>')
    .replace(/\[[0-9a-f:.]+\](?::\d+)?/gi, '<address>')
    .replace(/(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?::\d+)?(?![\w:])/gi, (m) => (/^\d{1,2}(?::\d{2}){1,2}$/.test(m) ? m : '<address>'))
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<address>')
    // host:port, not a time (12:30:00) nor a date-time's part
    .replace(/(?<![\w.:-])(?=[a-z0-9.-]*[a-z])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*:\d{2,5}\b(?!:)/gi, '<address>');
}

/** Node's parseArgs errors (an unknown option, a missing value) are usage mistakes, not bugs. */
export const isArgumentError = (err: unknown): err is Error & { code: string } =>
  err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && (err as Error & { code: string }).code.startsWith('ERR_PARSE_ARGS_');

/** An error the user can act on as its message alone (one line, secrets redacted), anything else with its stack, on stderr. */
export function printOneLine(err: unknown): void {
  if (err instanceof ActionableError || isArgumentError(err)) console.error(`error: ${redactSecrets((err as Error).message)}`);
  else console.error(err);
}

/** For an entry point's last catch: `printOneLine`, then exit. */
export function exitWithOneLine(err: unknown, exitCode = 1): never {
  printOneLine(err);
  process.exit(exitCode);
}

/**
 * A refusal of PostgreSQL's that the same statement meets again, however often it is retried: a
 * data exception (SQLSTATE class 22: a value out of range, a malformed one, a \u0000 in text) or a
 * NOT NULL or CHECK violation (23502, 23514). Not a unique or foreign-key violation (23505, 23503):
 * those can be races that a retry settles (a row inserted or removed by another step meanwhile).
 * (Pure: it reads the error's `code`, as `pg` sets it.)
 */
export function isPermanentDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (/^22[0-9A-Z]{3}$/.test(code) || code === '23502' || code === '23514');
}
