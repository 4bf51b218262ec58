/** Schemas of the health and system-metrics endpoints. */
import { z } from 'zod';
import { QUEUE_STATES } from '../metrics/system-snapshot.js';

export const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'not ready']),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
    failed: z.array(z.string()).meta({ description: 'the dependencies that did not answer' }),
    models: z.unknown().optional().meta({ description: 'model providers: configured, answering, and the model each tier uses (as `zekka doctor`; refreshed at most once a minute)' }),
  })
  .meta({ id: 'Readiness' });

const counts = z.object(Object.fromEntries(QUEUE_STATES.map((s) => [s, z.number().int()])) as Record<(typeof QUEUE_STATES)[number], z.ZodNumber>);

export const systemMetricsSchema = z
  .object({
    scope: z.enum(['all', 'mine']).meta({ description: '`all`: the whole cluster (admins); `mine`: the caller’s own projects' }),
    at: z.iso.datetime(),
    activeProjects: z.number().int(),
    activeAgents: z.number().int(),
    projectsByStatus: z.record(z.string(), z.number().int()),
    throughput: z.object({
      agentsCompletedLastMinute: z.number().int(),
      agentsCompletedLast5Minutes: z.number().int(),
      agentsCompletedLastHour: z.number().int(),
      agentsPerMinute: z.number().meta({ description: 'average over the last 5 minutes' }),
      projectsCompletedLastHour: z.number().int(),
    }),
    queueTotals: counts.optional().meta({ description: 'admins only: jobs per state over every queue' }),
    queues: z.array(z.object({ name: z.string(), counts })).optional().meta({ description: 'admins only' }),
  })
  .meta({ id: 'SystemMetrics' });
