/**
 * winston JSON logs. Every line carries the correlation id of the work it belongs to
 * (an HTTP request id or a job id), taken from AsyncLocalStorage so callers never pass it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import winston from 'winston';

const correlation = new AsyncLocalStorage<{ correlationId: string }>();

/** Runs `fn` with `correlationId` attached to every log line written inside it. */
export function withCorrelation<T>(correlationId: string, fn: () => T): T {
  return correlation.run({ correlationId }, fn);
}

export function currentCorrelationId(): string | undefined {
  return correlation.getStore()?.correlationId;
}

const addCorrelation = winston.format((info) => {
  const id = currentCorrelationId();
  if (id && info.correlationId === undefined) info.correlationId = id;
  return info;
});

export type Logger = winston.Logger;

export function createLogger(options: { level?: string; service?: string; silent?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  return winston.createLogger({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { service: options.service ?? 'zekka', pid: process.pid },
    format: winston.format.combine(addCorrelation(), winston.format.timestamp(), winston.format.errors({ stack: false }), winston.format.json()),
    // stderr, so a command's own output on stdout stays clean.
    transports: [options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] })],
  });
}
