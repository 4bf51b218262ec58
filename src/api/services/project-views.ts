/** Project rows → the API's JSON (money as exact micros and USD, ISO dates, the stage named). */
import { STAGES } from '../../agents/stages.js';
import type { PrismaClient, Project } from '../../db/prisma-types.js';
import { iso, isoOrNull, money } from '../schemas/common.js';
import type { ProjectDetailView, ProjectView } from '../schemas/projects.js';

export function stageRef(number: number | null | undefined): ProjectView['currentStage'] {
  const stage = number ? STAGES[number - 1] : undefined;
  return stage ? { number: stage.number, key: stage.key, name: stage.name } : null;
}

export function projectView(p: Omit<Project, 'requirements'>): ProjectView {
  const remaining = p.budgetMicros > p.spentMicros ? p.budgetMicros - p.spentMicros : 0n;
  return {
    id: p.id,
    ownerId: p.ownerId,
    name: p.name,
    status: p.status,
    runId: p.runId,
    currentStage: stageRef(p.currentStage),
    budget: money(p.budgetMicros),
    spent: money(p.spentMicros),
    remaining: money(remaining),
    options: (p.options ?? {}) as Record<string, unknown>,
    failureReason: p.failureReason,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    startedAt: isoOrNull(p.startedAt),
    completedAt: isoOrNull(p.completedAt),
  };
}

interface DetailRow extends Project {
  stagesCompleted: number;
  agentsTotal: number;
  agentsCompleted: number;
  agentsFailed: number;
  agentsRunning: number;
}

/**
 * The project with its progress counts in one round trip (the hottest read of the API: clients
 * poll it). Undefined when there is no such project.
 */
export async function loadProjectDetail(prisma: PrismaClient, projectId: string): Promise<DetailRow | undefined> {
  const rows = await prisma.$queryRaw<DetailRow[]>`
    SELECT p."id"::text AS "id", p."ownerId"::text AS "ownerId", p."name", p."requirements", p."options", p."status"::text AS "status", p."runId",
      p."currentStage", p."budgetMicros", p."spentMicros", p."failureReason", p."createdAt", p."updatedAt", p."startedAt", p."completedAt",
      (SELECT count(*) FROM "StageRun" s WHERE s."projectId" = p."id" AND s."status" = 'completed')::int AS "stagesCompleted",
      a."total"::int AS "agentsTotal", a."completed"::int AS "agentsCompleted", a."failed"::int AS "agentsFailed", a."running"::int AS "agentsRunning"
    FROM "Project" p
    CROSS JOIN LATERAL (
      SELECT count(*) AS "total", count(*) FILTER (WHERE r."status" = 'completed') AS "completed",
        count(*) FILTER (WHERE r."status" = 'failed') AS "failed", count(*) FILTER (WHERE r."status" = 'running') AS "running"
      FROM "AgentRun" r WHERE r."projectId" = p."id"
    ) a
    WHERE p."id" = ${projectId}::uuid`;
  return rows[0];
}

export function projectDetail(row: DetailRow): ProjectDetailView {
  const stagesTotal = STAGES.length;
  const percent = row.status === 'completed' ? 100 : Math.round((row.stagesCompleted / stagesTotal) * 1000) / 10;
  return {
    ...projectView(row),
    requirements: row.requirements,
    progress: {
      stagesCompleted: row.stagesCompleted,
      stagesTotal,
      agentsTotal: row.agentsTotal,
      agentsCompleted: row.agentsCompleted,
      agentsFailed: row.agentsFailed,
      agentsRunning: row.agentsRunning,
      percent,
    },
  };
}
