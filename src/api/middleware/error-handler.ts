/**
 * One error format for every 4xx and 5xx: RFC 9457 `application/problem+json`
 * `{type, title, status, detail, instance, requestId, code, errors?}`. Details of server errors
 * stay in the log (with the request id); the client never sees a stack or an internal message.
 */
import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError, NotFoundError } from '../../errors/app-error.js';
import { isDatabaseUnavailable } from '../../db/database-outage.js';
import type { Logger } from '../../logging/logger.js';
import { isRedisUnavailable } from '../../redis/connection.js';
import { ServiceUnavailableError } from '../../errors/app-error.js';
import { RequestValidationError, type FieldError } from '../http-errors.js';
import { requestIdOf } from './request-context.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  code: string;
  errors?: FieldError[];
}

interface HttpLikeError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
  code?: unknown;
  message?: unknown;
  limit?: unknown;
}

interface Classified {
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

const CODE_BY_STATUS: Record<number, string> = { 400: 'bad_request', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large', 415: 'unsupported_media_type' };

/** Sorts any thrown value into a status, a stable code and a detail safe to show. */
export function classify(error: unknown): Classified {
  // Before AppError: Prisma's and node-postgres's own errors are not AppErrors, a DatabaseUnavailableError is.
  if (isDatabaseUnavailable(error)) return { status: 503, code: 'database_unavailable', detail: 'the database (PostgreSQL) is unreachable; try again shortly', headers: { 'Retry-After': '5' } };
  if (error instanceof RequestValidationError) return { status: 400, code: error.code, detail: error.message, errors: error.errors };
  if (error instanceof AppError) {
    if (error.status < 500 || error instanceof ServiceUnavailableError) {
      const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
      const retry = error.details?.retryAfterSeconds;
      return {
        status: error.status,
        code: error.code,
        detail: error.message,
        errors: field ? [{ field, in: 'body', message: error.message.replace(/^[\w.]+: /, '') }] : undefined,
        headers: typeof retry === 'number' ? { 'Retry-After': String(retry) } : undefined,
      };
    }
    return { status: 500, code: 'internal_error', detail: 'internal error' };
  }
  if (isRedisUnavailable(error)) return { status: 503, code: 'unavailable', detail: 'the queue store (Redis) is unreachable; try again shortly', headers: { 'Retry-After': '5' } };
  const e = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
  if (e.type === 'entity.parse.failed') return { status: 400, code: 'malformed_json', detail: 'the request body is not valid JSON' };
  if (e.type === 'entity.too.large') return { status: 413, code: 'payload_too_large', detail: `the request body is larger than ${String(e.limit)} bytes` };
  if (e.code === 'P2025') return { status: 404, code: 'not_found', detail: 'not found' };
  if (e.code === 'P2002') return { status: 409, code: 'conflict', detail: 'already exists' };
  const status = Number(e.status ?? e.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    const detail = e.expose === true && typeof e.message === 'string' ? e.message : (STATUS_CODES[status] ?? 'bad request');
    return { status, code: CODE_BY_STATUS[status] ?? 'bad_request', detail };
  }
  return { status: 500, code: 'internal_error', detail: 'internal error' };
}

export function problemOf(req: Request, res: Response, classified: Classified): Problem {
  return {
    type: `urn:zekka:problem:${classified.code}`,
    title: STATUS_CODES[classified.status] ?? 'Error',
    status: classified.status,
    detail: classified.detail,
    instance: req.originalUrl.split('?')[0] ?? req.path,
    requestId: requestIdOf(res),
    code: classified.code,
    ...(classified.errors ? { errors: classified.errors } : {}),
  };
}

export function sendProblem(req: Request, res: Response, classified: Classified): void {
  for (const [name, value] of Object.entries(classified.headers ?? {})) res.setHeader(name, value);
  res.status(classified.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemOf(req, res, classified)));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      // A streamed response (an archive) broke halfway: nothing sensible can be sent any more.
      logger.warn('error after the response started', { path: req.path, error: error instanceof Error ? error.message : String(error) });
      next(error);
      return;
    }
    const classified = classify(error);
    if (classified.status >= 500) {
      const err = error instanceof Error ? error : new Error(String(error));
      logger.error('request failed', { method: req.method, path: req.path, error: err.message, stack: err.stack, cause: err.cause instanceof Error ? err.cause.message : undefined });
    }
    sendProblem(req, res, classified);
  };
}

/** The last route: anything unmatched is a 404 in the common format. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`route ${req.method} ${req.path}`));
}
