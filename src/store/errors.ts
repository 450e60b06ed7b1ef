// Errors a user can act on when a backing service is missing or misconfigured.
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  constructor(
    readonly service: 'PostgreSQL' | 'Redis' | 'Temporal',
    message: string,
  ) {
    super(message);
  }
}

/** The short reason of a connection failure, e.g. "ECONNREFUSED" or "password authentication failed". */
export function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return reasonOf(err.errors[0]);
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    const message = typeof e.message === 'string' && e.message !== '' ? e.message : undefined;
    if (typeof e.code === 'string' && message && !message.includes(e.code)) return `${e.code}: ${message}`;
    if (message) return message;
    if (typeof e.code === 'string') return e.code;
  }
  return String(err);
}
