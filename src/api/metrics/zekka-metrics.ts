/**
 * The Prometheus metrics (prom-client), on a registry per process — no global default registry.
 *
 *   zekka_http_request_duration_seconds{method,route,status}   histogram (API)
 *   zekka_http_requests_total{method,route,status}             counter (API)
 *   zekka_agent_execution_seconds{stage,agent,outcome}         histogram, observed where agents run
 *   zekka_active_projects, zekka_active_agents                 gauges          ┐
 *   zekka_token_cost_usd_total{provider,model}                 counter         │ read from the stores
 *   zekka_conflicts_detected_total{type}                       counter         │ at scrape time
 *   zekka_conflicts_resolved_total{type,strategy}              counter         │ (SystemSnapshot):
 *   zekka_conflict_resolution_rate{type,strategy}              gauge (0..1)    │ the same on every
 *   zekka_queue_jobs{queue,state}                              gauge           ┘ API replica
 * `route` is the matched route template (or `unmatched`), so label sets stay bounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SystemFigures, SystemSnapshot } from './system-snapshot.js';

export interface ZekkaMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  agentDuration: Histogram<'stage' | 'agent' | 'outcome'>;
  verifications: Counter<'profile' | 'result'>;
}

/** Metrics every process has: default process metrics and the agent execution histogram. */
export function createProcessMetrics(registry = new Registry()): Pick<ZekkaMetrics, 'registry' | 'agentDuration' | 'verifications'> {
  collectDefaultMetrics({ register: registry, prefix: 'zekka_process_' });
  const agentDuration = new Histogram({
    name: 'zekka_agent_execution_seconds',
    help: 'Time one agent job took, by stage, agent role and outcome',
    labelNames: ['stage', 'agent', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const verifications = new Counter({
    name: 'zekka_verifications_total',
    help: "Verifications of a run's software, by toolchain profile and result (passed, failed, unverifiable, error)",
    labelNames: ['profile', 'result'] as const,
    registers: [registry],
  });
  return { registry, agentDuration, verifications };
}

const USD_PER_MICRO = 1 / 1_000_000;

export function createApiMetrics(system: SystemSnapshot, registry = new Registry()): ZekkaMetrics {
  const base = createProcessMetrics(registry);
  const labels = ['method', 'route', 'status'] as const;
  const httpDuration = new Histogram({
    name: 'zekka_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: labels,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // The store-derived metrics are refilled from one snapshot at each scrape. A store that does not
  // answer leaves them at their last values; the scrape still succeeds.
  const refill =
    <M extends { reset(): void }>(fill: (metric: M, figures: SystemFigures) => void) =>
    async function (this: M): Promise<void> {
      const figures = await system.get().catch(() => undefined);
      if (!figures) return;
      this.reset();
      fill(this, figures);
    };
  const httpRequests = new Counter({ name: 'zekka_http_requests_total', help: 'HTTP requests by method, route template and status', labelNames: labels, registers: [registry] });

  new Gauge({
    name: 'zekka_active_projects',
    help: 'Projects queued, running or waiting for review',
    registers: [registry],
    collect: refill<Gauge>((gauge, figures) => gauge.set(figures.activeProjects)),
  });
  new Gauge({
    name: 'zekka_active_agents',
    help: 'Agent jobs running now',
    registers: [registry],
    collect: refill<Gauge>((gauge, figures) => gauge.set(figures.activeAgents)),
  });
  new Counter({
    name: 'zekka_token_cost_usd_total',
    help: 'Money spent on model calls, by provider and model (from the cost ledger)',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
    collect: refill<Counter<string>>((metric, figures) => {
      for (const c of figures.costByModel) metric.inc({ provider: c.provider, model: c.model }, Number(c.costMicros) * USD_PER_MICRO);
    }),
  });
  new Counter({
    name: 'zekka_conflicts_detected_total',
    help: 'Conflicts detected, by type',
    labelNames: ['type'] as const,
    registers: [registry],
    collect: refill<Counter<string>>((metric, figures) => {
      for (const c of figures.conflicts) metric.inc({ type: c.type }, c.count);
    }),
  });
  new Counter({
    name: 'zekka_conflicts_resolved_total',
    help: 'Conflicts resolved, by type and strategy',
    labelNames: ['type', 'strategy'] as const,
    registers: [registry],
    collect: refill<Counter<string>>((metric, figures) => {
      for (const c of figures.conflicts) if (c.status === 'resolved') metric.inc({ type: c.type, strategy: c.strategy }, c.count);
    }),
  });
  new Gauge({
    name: 'zekka_conflict_resolution_rate',
    help: 'Share of the conflicts of a type resolved by each strategy (0..1)',
    labelNames: ['type', 'strategy'] as const,
    registers: [registry],
    collect: refill<Gauge<string>>((metric, figures) => {
      const conflicts = figures.conflicts;
      const detected = new Map<string, number>();
      for (const c of conflicts) detected.set(c.type, (detected.get(c.type) ?? 0) + c.count);
      for (const c of conflicts) if (c.status === 'resolved') metric.inc({ type: c.type, strategy: c.strategy }, c.count / (detected.get(c.type) ?? 1));
    }),
  });
  new Gauge({
    name: 'zekka_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    collect: refill<Gauge<string>>((metric, figures) => {
      for (const q of figures.queues) for (const [state, count] of Object.entries(q.counts)) metric.set({ queue: q.name, state }, count);
    }),
  });
  return { ...base, httpDuration, httpRequests };
}
