/**
 * Conflict rows at the moments every conflict passes through: recorded (by the agent or stage that
 * found it), loaded (by its arbitration job, with what it needs of the project), resolved. Plain
 * SQL, one statement each: the offline agents raise conflicts in every project, and each one sits
 * between its stage and that stage's completion. Rare transitions (needs_review, a person's
 * answer, review links) stay with Prisma.
 *
 * Timestamps are written in UTC (as Prisma does) whatever the session's time zone, and read back
 * as epoch milliseconds, so no driver's notion of a zone-less timestamp gets a say.
 */
import type { Conflict, ConflictType, Prisma } from '../../db/prisma-types.js';
import { jsonColumn, type SqlExecutor } from '../../db/sql-executor.js';

export interface NewConflictRow {
  projectId: string;
  stageRunId: string;
  type: ConflictType;
  /** The file, for code conflicts and resource conflicts on a file's lock. */
  path?: string;
  /** What a non-file conflict is about (a decision or requirement topic, `budget:<agent>`). */
  topic?: string;
  baseVersion?: number | null;
  base?: string;
  ours?: string;
  theirs?: string;
  raisedBy: string;
  dedupeKey: string;
  details?: Prisma.InputJsonValue;
}

const NOW = `timezone('UTC', now())`;

/** Inserts the conflict unless its dedupe key exists; `created` says which happened. */
export async function insertConflict(sql: SqlExecutor, row: NewConflictRow): Promise<{ id: string; created: boolean }> {
  const inserted = await sql.query<{ id: string }>(
    `INSERT INTO "Conflict" ("id", "projectId", "stageRunId", "type", "path", "topic", "baseVersion", "base", "ours", "theirs", "raisedBy", "dedupeKey", "details", "createdAt")
     VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3::"ConflictType", $4, $5, $6::int, $7, $8, $9, $10, $11, $12::jsonb, ${NOW})
     ON CONFLICT ("dedupeKey") DO NOTHING
     RETURNING "id"`,
    [
      row.projectId,
      row.stageRunId,
      row.type,
      row.path ?? null,
      row.topic ?? null,
      row.baseVersion ?? null,
      row.base ?? null,
      row.ours ?? null,
      row.theirs ?? null,
      row.raisedBy,
      row.dedupeKey,
      row.details === undefined ? null : JSON.stringify(row.details),
    ],
  );
  if (inserted[0]) return { id: inserted[0].id, created: true };
  const existing = await sql.query<{ id: string }>(`SELECT "id" FROM "Conflict" WHERE "dedupeKey" = $1`, [row.dedupeKey]);
  if (!existing[0]) throw new Error(`conflict ${row.dedupeKey} was neither inserted nor found`);
  return { id: existing[0].id, created: false };
}

export interface ArbitrationSubject {
  conflict: Conflict;
  project: { runId: string | null; name: string };
}

/** The conflict and what its arbitration needs of the project; undefined when either is gone. */
export async function loadArbitrationSubject(sql: SqlExecutor, conflictId: string): Promise<ArbitrationSubject | undefined> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT c."id", c."projectId", c."stageRunId", c."type"::text AS type, c."status"::text AS status, c."path", c."topic", c."baseVersion", c."base", c."ours",
            c."theirs", c."raisedBy", c."dedupeKey", c."details", c."strategy", c."resolution", c."reviewUrl",
            (extract(epoch FROM c."createdAt") * 1000)::float8 AS created_ms, (extract(epoch FROM c."resolvedAt") * 1000)::float8 AS resolved_ms,
            p."runId" AS project_run_id, p."name" AS project_name
       FROM "Conflict" c JOIN "Project" p ON p."id" = c."projectId"
      WHERE c."id" = $1::uuid`,
    [conflictId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const details = row.details;
  const conflict: Conflict = {
    id: row.id as string,
    projectId: row.projectId as string,
    stageRunId: (row.stageRunId as string | null) ?? null,
    type: row.type as Conflict['type'],
    status: row.status as Conflict['status'],
    path: (row.path as string | null) ?? null,
    topic: (row.topic as string | null) ?? null,
    baseVersion: row.baseVersion === null || row.baseVersion === undefined ? null : Number(row.baseVersion),
    base: (row.base as string | null) ?? null,
    ours: (row.ours as string | null) ?? null,
    theirs: (row.theirs as string | null) ?? null,
    raisedBy: row.raisedBy as string,
    dedupeKey: row.dedupeKey as string,
    details: jsonColumn(details) ?? null,
    strategy: (row.strategy as string | null) ?? null,
    resolution: (row.resolution as string | null) ?? null,
    reviewUrl: (row.reviewUrl as string | null) ?? null,
    createdAt: new Date(Number(row.created_ms)),
    resolvedAt: row.resolved_ms === null || row.resolved_ms === undefined ? null : new Date(Number(row.resolved_ms)),
  };
  return { conflict, project: { runId: (row.project_run_id as string | null) ?? null, name: row.project_name as string } };
}

export async function markConflictResolved(sql: SqlExecutor, conflictId: string, strategy: string, resolution: string): Promise<void> {
  await sql.query(`UPDATE "Conflict" SET "status" = 'resolved', "strategy" = $2, "resolution" = $3, "resolvedAt" = ${NOW} WHERE "id" = $1::uuid`, [conflictId, strategy, resolution]);
}
