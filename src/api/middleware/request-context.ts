/**
 * Every request gets an id — the caller's `X-Request-Id` when it is a sane token, else a new UUID —
 * echoed in the response header, in problem documents and (through the logger's correlation
 * context) in every log line written while the request is handled. The access log line goes out
 * at the `http` level when the response finishes.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { withCorrelation, type Logger } from '../../logging/logger.js';

const SANE_ID = /^[\w.:-]{1,128}$/;

export function requestIdOf(res: Response): string {
  const id: unknown = res.locals.requestId;
  return typeof id === 'string' ? id : '';
}

/** The matched route template (`/api/projects/:id`), or `unmatched`: a bounded label set for metrics and logs. */
export function routeOf(req: { route?: { path?: unknown }; baseUrl?: string }, res: Response): string {
  const mounted: unknown = res.locals.routeLabel;
  if (typeof mounted === 'string') return mounted;
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SANE_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    // Most deployments log at `info`: then the access line is not even built.
    if (logger.isLevelEnabled('http')) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        logger.http('request', { correlationId: requestId, method: req.method, route: routeOf(req, res), status: res.statusCode, ms: Math.round(ms * 10) / 10 });
      });
    }
    withCorrelation(requestId, () => next());
  };
}
