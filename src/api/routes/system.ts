/**
 * Operations endpoints: liveness, readiness (PostgreSQL and Redis; 503 naming what failed),
 * Prometheus text at /metrics, and system figures as JSON at /api/metrics: an admin sees the
 * whole cluster (every tenant's projects and agents, queue depths); a user sees the figures of
 * their own projects and no queue depths — those count every tenant's work.
 */
import type { ApiContext } from '../api-context.js';
import { QUEUE_STATES, type QueueState, type SystemFigures } from '../metrics/system-snapshot.js';
import { healthSchema, readinessSchema, systemMetricsSchema } from '../schemas/system.js';

export type ReadinessCheck = () => Promise<{ ok: boolean; error?: string }>;

export function registerSystemRoutes(ctx: ApiContext, checks: Record<string, ReadinessCheck>, modelReport?: () => Promise<unknown>): void {
  const { api, metrics, system } = ctx;
  const tag = 'operations';

  api.route({ method: 'get', path: '/health', operationId: 'health', summary: 'Liveness', tag, auth: 'none', responses: { 200: { description: 'the process answers', schema: healthSchema } } }, (_input, _req, res) => {
    res.json({ status: 'ok' });
  });

  api.route(
    { method: 'get', path: '/health/ready', operationId: 'readiness', summary: 'Readiness: PostgreSQL and Redis answer', tag, auth: 'none', responses: { 200: { description: 'ready', schema: readinessSchema }, 503: { description: 'not ready; `failed` names what', schema: readinessSchema } } },
    async (_input, _req, res) => {
      const results = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => [name, await check().catch((error: unknown) => ({ ok: false, error: error instanceof Error ? error.message : String(error) }))] as const),
      );
      const failed = results.filter(([, r]) => !r.ok).map(([name]) => name);
      const models = modelReport ? await modelReport().catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) })) : undefined;
      res.status(failed.length === 0 ? 200 : 503).json({ status: failed.length === 0 ? 'ready' : 'not ready', checks: Object.fromEntries(results), failed, models });
    },
  );

  api.route(
    { method: 'get', path: '/metrics', operationId: 'prometheusMetrics', summary: 'Prometheus metrics (text exposition format)', tag, auth: 'none', responses: { 200: { description: 'metrics', contentType: 'text/plain; version=0.0.4' } } },
    async (_input, _req, res) => {
      const text = await metrics.registry.metrics();
      res.type(metrics.registry.contentType).send(text);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/metrics',
      operationId: 'systemMetrics',
      summary: 'Active projects and agents, throughput; queue depths for admins',
      description: 'An admin gets the whole cluster (`scope: all`, with queue depths); any other caller gets the figures of their own projects (`scope: mine`, no queue depths).',
      tag,
      auth: 'user',
      responses: { 200: { description: 'system figures', schema: systemMetricsSchema } },
    },
    async ({ user }, _req, res) => {
      const caller = user();
      if (caller.role !== 'admin') {
        const mine = await system.forOwner(caller.id);
        res.json({ scope: 'mine', ...mine, at: mine.at.toISOString(), throughput: withRate(mine.throughput) });
        return;
      }
      const figures = await system.get();
      const queueTotals = Object.fromEntries(QUEUE_STATES.map((s) => [s, 0])) as Record<QueueState, number>;
      for (const q of figures.queues) for (const s of QUEUE_STATES) queueTotals[s] += q.counts[s] ?? 0;
      res.json({
        scope: 'all',
        at: figures.at.toISOString(),
        activeProjects: figures.activeProjects,
        activeAgents: figures.activeAgents,
        projectsByStatus: figures.projectsByStatus,
        throughput: withRate(figures.throughput),
        queueTotals,
        queues: figures.queues,
      });
    },
  );
}

function withRate(throughput: SystemFigures['throughput']): SystemFigures['throughput'] & { agentsPerMinute: number } {
  return { ...throughput, agentsPerMinute: Math.round((throughput.agentsCompletedLast5Minutes / 5) * 10) / 10 };
}
