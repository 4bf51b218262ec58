/**
 * Project rows → the API's JSON (money as exact micros and USD, ISO dates, the stage named).
 * The two reads clients poll (one project, a page of projects) are plain SQL on Database.sql:
 * the ORM costs more CPU per query than the rest of such a request.
 */
import { STAGES } from '../../agents/stages.js';
import type { Project } from '../../db/prisma-types.js';
import type { SqlExecutor, SqlRow } from '../../db/sql-executor.js';
import { PROJECT_SPENT_SQL, projectSpent } from '../../economics/cost-ledger.js';
import type { ListCursor } from '../schemas/projects.js';
import { iso, isoOrNull, money } from '../schemas/common.js';
import type { ProjectDetailView, ProjectView } from '../schemas/projects.js';

export function stageRef(number: number | null | undefined): ProjectView['currentStage'] {
  const stage = number ? STAGES[number - 1] : undefined;
  return stage ? { number: stage.number, key: stage.key, name: stage.name } : null;
}

/** A project's row with what it has spent (the sum of its ledger: src/economics/cost-ledger.ts). */
export type ProjectRow = Omit<Project, 'requirements'> & { spentMicros: bigint };

/** A project row read through Prisma, with its spend added (one query on the ledger). */
export async function withSpent<P extends Omit<Project, 'requirements'>>(sql: SqlExecutor, project: P): Promise<P & { spentMicros: bigint }> {
  return { ...project, spentMicros: await projectSpent(sql, project.id) };
}

export function projectView(p: ProjectRow): ProjectView {
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

interface DetailRow extends ProjectRow {
  requirements: string;
  stagesCompleted: number;
  agentsTotal: number;
  agentsCompleted: number;
  agentsFailed: number;
  agentsRunning: number;
}

// Timestamps come back as timestamptz (the columns hold UTC) and money as text, so both drivers
// (node-postgres, PGlite) give the same JavaScript values whatever the process's time zone.
const PROJECT_COLUMNS = `p."id"::text AS "id", p."ownerId"::text AS "ownerId", p."name", p."options", p."status"::text AS "status", p."runId",
  p."currentStage", p."budgetMicros"::text AS "budgetMicros", ${PROJECT_SPENT_SQL('p')}::text AS "spentMicros", p."failureReason",
  p."createdAt" AT TIME ZONE 'UTC' AS "createdAt", p."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt",
  p."startedAt" AT TIME ZONE 'UTC' AS "startedAt", p."completedAt" AT TIME ZONE 'UTC' AS "completedAt"`;

function toProject<T extends SqlRow>(row: T): T & ProjectRow {
  return { ...row, budgetMicros: BigInt(String(row.budgetMicros)), spentMicros: BigInt(String(row.spentMicros)) } as unknown as T & ProjectRow;
}

/**
 * The project with its progress counts in one round trip (the hottest read of the API: clients
 * poll it). Undefined when there is no such project.
 */
export async function loadProjectDetail(sql: SqlExecutor, projectId: string): Promise<DetailRow | undefined> {
  const rows = await sql.query(
    `SELECT ${PROJECT_COLUMNS}, p."requirements",
      (SELECT count(*) FROM "StageRun" s WHERE s."projectId" = p."id" AND s."status" = 'completed')::int AS "stagesCompleted",
      a."total"::int AS "agentsTotal", a."completed"::int AS "agentsCompleted", a."failed"::int AS "agentsFailed", a."running"::int AS "agentsRunning"
    FROM "Project" p
    CROSS JOIN LATERAL (
      SELECT count(*) AS "total", count(*) FILTER (WHERE r."status" = 'completed') AS "completed",
        count(*) FILTER (WHERE r."status" = 'failed') AS "failed", count(*) FILTER (WHERE r."status" = 'running') AS "running"
      FROM "AgentRun" r WHERE r."projectId" = p."id"
    ) a
    WHERE p."id" = $1::uuid`,
    [projectId],
  );
  const row = rows[0];
  return row ? (toProject(row) as unknown as DetailRow) : undefined;
}

export interface ProjectPageQuery {
  ownerId?: string;
  status?: Project['status'];
  cursor?: ListCursor;
  limit: number;
}

/** Newest first, without the requirements (up to 100k characters each: not part of a list item). */
export async function loadProjectPage(sql: SqlExecutor, query: ProjectPageQuery): Promise<ProjectRow[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (query.ownerId) conditions.push(`p."ownerId" = ${param(query.ownerId)}::uuid`);
  if (query.status) conditions.push(`p."status" = ${param(query.status)}::"ProjectStatus"`);
  if (query.cursor) {
    const at = `(${param(query.cursor.createdAt.toISOString())}::timestamptz AT TIME ZONE 'UTC')`;
    conditions.push(`(p."createdAt" < ${at} OR (p."createdAt" = ${at} AND p."id" < ${param(query.cursor.id)}::uuid))`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const rows = await sql.query(`SELECT ${PROJECT_COLUMNS} FROM "Project" p ${where} ORDER BY p."createdAt" DESC, p."id" DESC LIMIT ${param(query.limit)}`, params);
  return rows.map(toProject);
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
