// How provider failures reach Temporal. Temporal retries activities (policies.ts); a 429 or 503 that
// says when to ask again (Retry-After) becomes an ApplicationFailure with that `nextRetryDelay`
// (Temporal's "delayed retry" pattern), so the retry waits as long as the provider asked instead of
// the generic backoff. Rate limits are marked BENIGN: expected, logged at debug, not as warnings.
// Failures retrying cannot fix become non-retryable whatever policy the activity runs under, and so
// do PostgreSQL's refusals of a statement's data (isPermanentDataError).
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { ProviderError } from '../providers/errors';
import { isPermanentDataError } from '../errors';

/** Up to this much random delay is added to a Retry-After, so callers told the same second do not all return in it. */
export const RETRY_AFTER_JITTER_MS = 1_000;

export function toActivityFailure(err: unknown, random: () => number = Math.random): unknown {
  // a store step PostgreSQL refuses for its data fails at once, not after its whole outage budget
  // (5 minutes of retries; a compute step's 15 to 45) spent on the same refusal
  if (isPermanentDataError(err)) {
    const e = err as Error & { code: string };
    const failure = ApplicationFailure.create({ type: 'PostgresDataError', message: `PostgreSQL refused the data (SQLSTATE ${e.code}): ${e.message}`, nonRetryable: true });
    failure.stack = e.stack;
    return failure;
  }
  if (!(err instanceof ProviderError)) return err;
  const rateLimited = err.name === 'ProviderRateLimitedError';
  if (err.retryable && err.retryAfterMs === undefined && !rateLimited) return err;
  const failure = ApplicationFailure.create({
    type: err.name,
    message: err.message,
    nonRetryable: !err.retryable,
    ...(err.retryable && err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs + Math.floor(random() * RETRY_AFTER_JITTER_MS) } : {}),
    ...(rateLimited ? { category: ApplicationFailureCategory.BENIGN } : {}),
  });
  failure.stack = err.stack;
  return failure;
}

/** For WorkerOptions.interceptors.activity: every activity's provider and PostgreSQL data failures go through toActivityFailure. */
export const providerFailureInterceptor: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        throw toActivityFailure(err);
      }
    },
  },
});
