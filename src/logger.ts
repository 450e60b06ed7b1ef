// One logger for the whole process (pino, JSON lines). Temporal's own logs are routed here too,
// so workflow and activity log lines carry workflowId, runId and activityId as fields.
import pino, { type Logger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { redactRequestUrl, redactSecrets } from './redact';

export type { Logger };

export function createLogger(level: string, name = 'wallet-similarity', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    // Secrets travel in provider URLs as api-key=...; never print them.
    redact: { paths: ['apiKey', '*.apiKey', 'headers.authorization', 'headers["x-api-key"]'], censor: '<redacted>' },
    // Temporal logs failures as `error` (pino knows only `err`): an Error has no enumerable fields and would print as {}
    serializers: { err: serializeError, error: serializeError, req: serializeRequest },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** An Error as log fields: type (a Temporal failure's type, else the class name), message, code, stack and cause, with secrets redacted. */
export function serializeError(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error)) return value;
  const e = value as Error & { type?: unknown; code?: unknown };
  const out: Record<string, unknown> = { type: typeof e.type === 'string' && e.type ? e.type : e.name, message: redactSecrets(e.message) };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (e.stack) out.stack = redactSecrets(e.stack);
  if (e.cause !== undefined && depth < 5) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

/**
 * fastify's `req` log field (its "incoming request" line) with the URL redacted: a key sent in the
 * query (`?api-key=…`) never reaches the log. The fields are fastify's own.
 */
export function serializeRequest(req: { method?: string; url?: string; headers?: Record<string, unknown>; host?: string; ip?: string; socket?: { remotePort?: number } }): Record<string, unknown> {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactRequestUrl(req.url) : req.url,
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Warnings of the SDK that describe our design, not a fault: logged at info with the reason, so an
 * operator's alerts on `warn` do not fire at every start. The balances and enrichment queues' Workers
 * run activities only (workflows run on the analysis queue: src/workflows/contract.ts), and the SDK
 * warns once for each.
 */
const EXPECTED_WARNINGS: ReadonlyMap<string, string> = new Map([
  ['No workflows registered, not polling for workflow tasks', "this task queue's Worker runs activities only; workflows run on the analysis queue"],
]);

/** Adapts pino to the Temporal SDK's logger interface (Runtime.install({ logger })). */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const expected = level === 'WARN' ? EXPECTED_WARNINGS.get(message) : undefined;
    if (expected !== undefined) logger.info({ ...meta, expected }, message);
    else logger[LEVELS[level]]({ ...meta }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
