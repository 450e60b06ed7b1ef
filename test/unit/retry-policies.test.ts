import { NON_RETRYABLE_PROVIDER_ERRORS, InvalidApiKeyError, QuotaExhaustedError, InvalidRequestError, InvalidAddressError, MalformedResponseError, ProviderRateLimitedError, ProviderUnavailableError, UnsupportedMethodError } from '../../src/providers';
import { NON_RETRYABLE_ERROR_TYPES } from '../../src/workflows/contract';
import { msToNumber } from '@temporalio/common/lib/time';
import { COMPUTE_RETRY, HISTORY_CHUNK_RETRY_TIMEOUT, PROVIDER_RETRY, PROVIDER_RETRY_TIMEOUT, STORE_OUTAGE_BUDGET, STORE_RETRY, STORE_STEP } from '../../src/workflows/policies';

const details = { provider: 'helius' as const, operation: 'test' };

describe('retry policies', () => {
  it('workflows treat exactly the provider errors that retrying cannot fix as non-retryable', () => {
    expect([...NON_RETRYABLE_ERROR_TYPES].sort()).toEqual([...NON_RETRYABLE_PROVIDER_ERRORS].sort());
    expect(PROVIDER_RETRY.nonRetryableErrorTypes).toBe(NON_RETRYABLE_ERROR_TYPES);
  });

  it('the error names Temporal matches are the class names', () => {
    const nonRetryable = [
      new InvalidApiKeyError('bad key', details),
      new QuotaExhaustedError('max usage reached', details),
      new InvalidRequestError('bad params', details),
      new InvalidAddressError('xyz', details),
      new UnsupportedMethodError('Method not found', details),
      new MalformedResponseError('missing field', details),
    ].map((e) => e.name);
    expect(nonRetryable.sort()).toEqual([...NON_RETRYABLE_ERROR_TYPES].sort());
    for (const e of [new ProviderRateLimitedError('rate limited', details), new ProviderUnavailableError('503', details, 'http-5xx')]) {
      expect(NON_RETRYABLE_ERROR_TYPES).not.toContain(e.name);
    }
  });

  it('provider calls are bounded by time, not attempts: a 429 must not use up a budget of attempts', () => {
    expect(PROVIDER_RETRY.maximumAttempts).toBeUndefined();
    expect(PROVIDER_RETRY.backoffCoefficient).toBe(2);
    expect(PROVIDER_RETRY.maximumInterval).toBeDefined();
    expect(PROVIDER_RETRY_TIMEOUT).toBe('10 minutes');
    expect(HISTORY_CHUNK_RETRY_TIMEOUT).toBe('30 minutes');
  });

  it('every policy backs off exponentially to a bounded interval', () => {
    for (const policy of [PROVIDER_RETRY, STORE_RETRY, COMPUTE_RETRY]) {
      expect(policy.backoffCoefficient).toBe(2);
      expect(policy.maximumInterval).toBeDefined();
    }
  });

  it('store steps retry for an outage budget bounded by time, not by a count a short outage uses up', () => {
    for (const policy of [STORE_RETRY, COMPUTE_RETRY]) {
      expect(policy.maximumAttempts).toBeUndefined();
      expect(policy.backoffCoefficient).toBe(2);
      expect(msToNumber(policy.maximumInterval!)).toBeLessThanOrEqual(10_000);
    }
    expect(STORE_STEP.retry).toBe(STORE_RETRY);
    expect(msToNumber(STORE_STEP.scheduleToCloseTimeout)).toBe(msToNumber(STORE_OUTAGE_BUDGET));
    // the bar: an analysis survives a 60 s database outage
    expect(msToNumber(STORE_OUTAGE_BUDGET)).toBeGreaterThanOrEqual(60_000);
    // a short step lost with its worker is retried within seconds
    expect(msToNumber(STORE_STEP.startToCloseTimeout)).toBeLessThanOrEqual(30_000);
  });
});
