// One logger for the whole process (pino, JSON lines). Temporal's own logs are routed here too,
// so workflow and activity log lines carry workflowId, runId and activityId as fields.
import pino, { type Logger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

export type { Logger };

export function createLogger(level: string, name = 'wallet-similarity'): Logger {
  return pino({
    name,
    level,
    // Secrets travel in provider URLs as api-key=...; never print them.
    redact: { paths: ['apiKey', '*.apiKey', 'headers.authorization', 'headers["x-api-key"]'], censor: '<redacted>' },
  });
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Adapts pino to the Temporal SDK's logger interface (Runtime.install({ logger })). */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => logger[LEVELS[level]]({ ...meta }, message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
