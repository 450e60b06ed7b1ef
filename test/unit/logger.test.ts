// Failures logged through Temporal's logger (`{ error }`) keep their type and message, with any API
// key redacted, instead of printing as "error": {}.
import { Writable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { createLogger, temporalLogger } from '../../src/logger';
import { ProviderUnavailableError } from '../../src/providers';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('debug', 'test', stream) };
}

describe('error serialisation in logs', () => {
  it("prints an activity failure's type and message, without the API key", () => {
    const { lines, logger } = capture();
    const err = new ProviderUnavailableError('HTTP 503: upstream https://x/v0?api-key=FAKE-KEY-1 down', { provider: 'helius', operation: 'op', status: 503 }, 'http-5xx');
    temporalLogger(logger).warn('Activity failed', { error: err, durationMs: 12 });
    const line = JSON.parse(lines[0]);
    expect(line.msg).toBe('Activity failed');
    expect(line.error).toMatchObject({ type: 'ProviderUnavailableError', message: expect.stringContaining('HTTP 503: upstream') });
    expect(lines[0]).not.toContain('FAKE-KEY-1');
    expect(line.error.stack).toContain('ProviderUnavailableError');
  });

  it("uses a Temporal failure's type and follows its cause", () => {
    const { lines, logger } = capture();
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    logger.error({ err: ApplicationFailure.create({ type: 'StoreUnavailableError', message: 'PostgreSQL is away', cause }) }, 'failed');
    const line = JSON.parse(lines[0]);
    expect(line.err).toMatchObject({ type: 'StoreUnavailableError', message: 'PostgreSQL is away', cause: { type: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' } });
  });
});

describe("the SDK's warnings that describe the design", () => {
  it('logs an activity-only Worker\'s "no workflows" warning at info, with the reason, and other warnings as warnings', () => {
    const { lines, logger } = capture();
    const temporal = temporalLogger(logger);
    temporal.warn('No workflows registered, not polling for workflow tasks', { sdkComponent: 'worker', taskQueue: 'balances' });
    temporal.warn('Worker state changed', { state: 'STOPPING' });
    const [expected, other] = lines.map((l) => JSON.parse(l));
    expect(expected).toMatchObject({ level: 30, msg: 'No workflows registered, not polling for workflow tasks', taskQueue: 'balances', expected: expect.stringContaining('activities only') });
    expect(other).toMatchObject({ level: 40, msg: 'Worker state changed', state: 'STOPPING' });
    expect(other.expected).toBeUndefined();
  });
});
