// One classification for every provider failure. Temporal retries activities; the clients never
// retry on their own. A 429 is "later", not "broken": it carries the provider's Retry-After, which
// the worker hands to Temporal as the next retry delay (src/temporal/activity-failures.ts). A workflow lists NON_RETRYABLE_PROVIDER_ERRORS in `nonRetryableErrorTypes`,
// which Temporal matches against the thrown error's `name`.
import { redactSecrets } from '../redact';

export type ProviderName = 'helius' | 'solana-rpc' | 'dexscreener';

export interface ProviderErrorDetails {
  provider: ProviderName;
  /** e.g. "GET /v0/addresses/{address}/transactions" or "rpc getBalance"; never carries a query string */
  operation: string;
  status?: number;
  /** JSON-RPC error code when the provider answered with one */
  rpcCode?: number;
  /** how long the provider asked us to wait (its `Retry-After` header), in ms */
  retryAfterMs?: number;
}

export abstract class ProviderError extends Error {
  abstract readonly retryable: boolean;
  readonly provider: ProviderName;
  readonly operation: string;
  readonly status?: number;
  readonly rpcCode?: number;
  /** the provider's `Retry-After`, in ms: the activity's next retry waits this long */
  readonly retryAfterMs?: number;

  constructor(message: string, details: ProviderErrorDetails) {
    super(redactSecrets(`${details.provider} ${details.operation}: ${message}`));
    this.provider = details.provider;
    this.operation = details.operation;
    this.status = details.status;
    this.rpcCode = details.rpcCode;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 429 "rate limited" (and Helius' burst 401 "please try again later"): retry after a pause. */
export class ProviderRateLimitedError extends ProviderError {
  override readonly name = 'ProviderRateLimitedError';
  readonly retryable = true;
}

/** 5xx, connection refused/reset, timeouts, a body cut short: the service may answer next time. */
export class ProviderUnavailableError extends ProviderError {
  override readonly name = 'ProviderUnavailableError';
  readonly retryable = true;
  constructor(
    message: string,
    details: ProviderErrorDetails,
    /** `refused`: a 401/403 to a request sent without an API key (an edge's challenge) */
    readonly reason: 'http-5xx' | 'network' | 'timeout' | 'truncated-body' | 'rpc-server-error' | 'refused',
  ) {
    super(message, details);
  }
}

/** 401/403: the API key is missing, wrong or revoked. Retrying cannot help. */
export class InvalidApiKeyError extends ProviderError {
  override readonly name = 'InvalidApiKeyError';
  readonly retryable = false;
}

/** 429 "max usage reached": the plan's credits are spent until the next billing period. */
export class QuotaExhaustedError extends ProviderError {
  override readonly name = 'QuotaExhaustedError';
  readonly retryable = false;
}

/** 400, JSON-RPC -32600/-32601/-32602, or a 404 that is not a pagination continuation. */
export class InvalidRequestError extends ProviderError {
  override readonly name: string = 'InvalidRequestError';
  readonly retryable = false;
}

/** JSON-RPC -32601: the endpoint does not serve the method (getProgramAccountsV2 is Helius's: Solana's own RPC, among others, refuses it). */
export class UnsupportedMethodError extends InvalidRequestError {
  override readonly name = 'UnsupportedMethodError';
}

/** A wallet or mint address that is not a base58 32-byte public key (checked before sending, or refused by the provider). */
export class InvalidAddressError extends InvalidRequestError {
  override readonly name = 'InvalidAddressError';
  readonly address: string;
  constructor(address: string, details: ProviderErrorDetails, reason = 'is not a base58-encoded 32-byte public key') {
    super(`address ${JSON.stringify(address)} ${reason}`, details);
    this.address = address;
  }
}

/** The provider answered 200 but the payload lacks a field we need (names the field and the signature/mint). */
export class MalformedResponseError extends ProviderError {
  override readonly name = 'MalformedResponseError';
  readonly retryable = false;
  constructor(
    message: string,
    details: ProviderErrorDetails,
    readonly field?: string,
    readonly subject?: string,
  ) {
    super(message, details);
  }
}

export const NON_RETRYABLE_PROVIDER_ERRORS: string[] = [
  'InvalidApiKeyError',
  'QuotaExhaustedError',
  'InvalidRequestError',
  'InvalidAddressError',
  'UnsupportedMethodError',
  'MalformedResponseError',
];

/**
 * Whether retrying the same call can succeed. Works on our error classes and on errors that crossed
 * a serialization boundary (Temporal's ApplicationFailure keeps the name as `type`).
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof ProviderError) return err.retryable;
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; type?: unknown };
    if (typeof e.type === 'string' && NON_RETRYABLE_PROVIDER_ERRORS.includes(e.type)) return false;
    if (typeof e.name === 'string' && NON_RETRYABLE_PROVIDER_ERRORS.includes(e.name)) return false;
  }
  return true;
}
