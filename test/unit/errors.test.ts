import { ApplicationFailure, ActivityFailure, RetryState } from '@temporalio/common';
import { ActionableError, ConfigError, ServiceUnavailableError, describeFailure, describeFailureForClients } from '../../src/errors';

describe('describeFailure', () => {
  it('drops control characters (a NUL in a provider\'s error body cannot be stored as text)', () => {
    expect(describeFailure(new Error('HTTP 500: bad\u0000 body\u0007 here'))).toBe('HTTP 500: bad body here');
  });

  it('gives the message of an Error, and a thrown non-Error as text', () => {
    expect(describeFailure(new Error('the wallet list is empty'))).toBe('the wallet list is empty');
    expect(describeFailure('plain text')).toBe('plain text');
    expect(describeFailure(42)).toBe('42');
    expect(describeFailure(undefined)).toBe('undefined');
  });

  it('prefixes a Node error code the message does not already state', () => {
    expect(describeFailure(Object.assign(new Error('password authentication failed'), { code: '28P01' }))).toBe('28P01: password authentication failed');
    expect(describeFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(describeFailure({ code: 'ETIMEDOUT' })).toBe('ETIMEDOUT');
  });

  it('reports the first error of an AggregateError (one connection attempt per address)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    expect(describeFailure(new AggregateError([refused, new Error('second')], ''))).toBe('connect ECONNREFUSED ::1:5432');
  });

  it('reports the innermost cause, with its Temporal failure type, of a wrapped failure', () => {
    const inner = ApplicationFailure.create({ type: 'InvalidApiKeyError', message: 'helius getTransactions: the API key was rejected', nonRetryable: true });
    const wrapped = new ActivityFailure('Activity task failed', 'syncHistoryChunk', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', inner);
    expect(describeFailure(wrapped)).toBe('InvalidApiKeyError: helius getTransactions: the API key was rejected');
    const fetchFailed = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' }) });
    expect(describeFailure(fetchFailed)).toBe('connect ECONNREFUSED 127.0.0.1:3000');
  });

  it('is one line with API keys removed', () => {
    expect(describeFailure(new Error('GET https://x.example/v0?api-key=s3cr3tvalue failed\n  at line 2'))).toBe('GET https://x.example/v0?api-key=*** failed at line 2');
  });

  it('stops on a cause that points back at itself', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(['a', 'b']).toContain(describeFailure(a));
  });
});

describe('describeFailureForClients', () => {
  it('keeps what happened and leaves the operator\'s addresses out', () => {
    const cases: Array<[string, string]> = [
      ['14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.0.3.7:7233 (2026-12-05T05:20:00.000Z)', '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED <address> (2026-12-05T05:20:00.000Z)'],
      ['14 UNAVAILABLE: Name resolution failed for target dns:temporal-frontend.prod.svc:7233', '14 UNAVAILABLE: Name resolution failed for target <address>'],
      ['connect ECONNREFUSED ::1:7233', 'connect ECONNREFUSED <address>'],
      ['connect ECONNREFUSED [fd00::12]:7233', 'connect ECONNREFUSED <address>'],
      ['getaddrinfo ENOTFOUND temporal.internal.example.com:7233', 'getaddrinfo ENOTFOUND <address>'],
      ['5 NOT_FOUND: Namespace no-such-namespace-1 is not found.', '5 NOT_FOUND: Namespace no-such-namespace-1 is not found.'],
      ['Temporal did not answer within 3000 ms', 'Temporal did not answer within 3000 ms'],
      ['the sweep ran at 12:30:00 and 12:30', 'the sweep ran at 12:30:00 and 12:30'],
    ];
    expect(cases.map(([message]) => describeFailureForClients(new Error(message)))).toEqual(cases.map(([, expected]) => expected));
  });
});

describe('process-level errors', () => {
  it('are actionable: entry points print their message as one line', () => {
    expect(new ConfigError('API_PORT must be a number')).toBeInstanceOf(ActionableError);
    const unavailable = new ServiceUnavailableError('Temporal', 'cannot reach Temporal at 127.0.0.1:1');
    expect(unavailable).toBeInstanceOf(ActionableError);
    expect(unavailable.name).toBe('ServiceUnavailableError');
    expect(unavailable.service).toBe('Temporal');
  });
});
