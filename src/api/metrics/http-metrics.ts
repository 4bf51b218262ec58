/** Observes every HTTP request's duration and count by method, route template and status. */
import type { RequestHandler } from 'express';
import { routeOf } from '../middleware/request-context.js';
import type { ZekkaMetrics } from './zekka-metrics.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export function httpMetrics(metrics: Pick<ZekkaMetrics, 'httpDuration' | 'httpRequests'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const labels = { method: METHODS.has(req.method) ? req.method : 'OTHER', route: routeOf(req, res), status: String(res.statusCode) };
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      metrics.httpRequests.inc(labels);
    });
    next();
  };
}
