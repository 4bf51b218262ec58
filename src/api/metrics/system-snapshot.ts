/**
 * System-wide figures for /metrics and an admin's /api/metrics, read from the stores (BullMQ job counts,
 * PostgreSQL): every replica reports the same truth, so Prometheus may scrape any number of them
 * (aggregate with max, not sum). One read serves all callers for `ttlMs`, so scrapes and polling
 * dashboards cost the stores a bounded amount whatever their number. A user's /api/metrics reads
 * `forOwner`: the same project and agent figures, counted over that user's projects only.
 */
import type { EngineDeps } from '../../engine/engine-deps.js';

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'failed', 'completed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export interface SystemFigures {
  at: Date;
  queues: { name: string; counts: Record<QueueState, number> }[];
  projectsByStatus: Record<string, number>;
  activeProjects: number;
  activeAgents: number;
  throughput: { agentsCompletedLastMinute: number; agentsCompletedLast5Minutes: number; agentsCompletedLastHour: number; projectsCompletedLastHour: number };
  costByModel: { provider: string; model: string; costMicros: bigint }[];
  conflicts: { type: string; strategy: string; status: string; count: number }[];
}

const ACTIVE_STATUSES = new Set(['queued', 'running', 'needs_review']);

/** The figures one user may see: their own projects' and agents'. */
export type OwnerFigures = Pick<SystemFigures, 'at' | 'projectsByStatus' | 'activeProjects' | 'activeAgents' | 'throughput'>;

type Where = { project?: { ownerId: string } };

export class SystemSnapshot {
  private cached: { at: number; figures: Promise<SystemFigures> } | undefined;

  constructor(
    private readonly deps: Pick<EngineDeps, 'prisma' | 'queues'>,
    private readonly ttlMs = 2_000,
  ) {}

  get(): Promise<SystemFigures> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.figures;
    const figures = this.read();
    this.cached = { at: Date.now(), figures };
    // A failed read is not cached: the next caller tries again.
    figures.catch(() => {
      if (this.cached?.figures === figures) this.cached = undefined;
    });
    return figures;
  }

  /** One user's figures: read each time (indexed counts over their projects), never shared. */
  forOwner(ownerId: string): Promise<OwnerFigures> {
    return this.projectFigures({ project: { ownerId } });
  }

  private async projectFigures(scope: Where): Promise<OwnerFigures> {
    const { prisma } = this.deps;
    const now = Date.now();
    const since = (ms: number) => new Date(now - ms);
    const projectWhere = scope.project ?? {};
    const [statuses, running, lastMinute, last5, lastHour, projectsDone] = await Promise.all([
      prisma.project.groupBy({ by: ['status'], where: projectWhere, _count: { _all: true } }),
      prisma.agentRun.count({ where: { ...scope, status: 'running' } }),
      prisma.agentRun.count({ where: { ...scope, status: 'completed', completedAt: { gte: since(60_000) } } }),
      prisma.agentRun.count({ where: { ...scope, status: 'completed', completedAt: { gte: since(300_000) } } }),
      prisma.agentRun.count({ where: { ...scope, status: 'completed', completedAt: { gte: since(3_600_000) } } }),
      prisma.project.count({ where: { ...projectWhere, status: 'completed', completedAt: { gte: since(3_600_000) } } }),
    ]);
    return {
      at: new Date(now),
      projectsByStatus: Object.fromEntries(statuses.map((s) => [s.status, s._count._all])),
      activeProjects: statuses.filter((s) => ACTIVE_STATUSES.has(s.status)).reduce((sum, s) => sum + s._count._all, 0),
      activeAgents: running,
      throughput: { agentsCompletedLastMinute: lastMinute, agentsCompletedLast5Minutes: last5, agentsCompletedLastHour: lastHour, projectsCompletedLastHour: projectsDone },
    };
  }

  private async read(): Promise<SystemFigures> {
    const { prisma } = this.deps;
    const [projects, queues, costs, conflicts] = await Promise.all([
      this.projectFigures({}),
      Promise.all(
        this.deps.queues.all().map(async (queue) => ({ name: queue.name, counts: (await queue.getJobCounts(...QUEUE_STATES)) as Record<QueueState, number> })),
      ),
      prisma.costLedgerEntry.groupBy({ by: ['provider', 'model'], _sum: { costMicros: true } }),
      prisma.conflict.groupBy({ by: ['type', 'strategy', 'status'], _count: { _all: true } }),
    ]);
    return {
      ...projects,
      queues,
      costByModel: costs.map((c) => ({ provider: c.provider, model: c.model, costMicros: c._sum.costMicros ?? 0n })),
      conflicts: conflicts.map((c) => ({ type: c.type, strategy: c.strategy ?? 'none', status: c.status, count: c._count._all })),
    };
  }
}
