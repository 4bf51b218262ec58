/**
 * The Verification table and the rows a repair round needs, in one place (plain SQL on the
 * engine's pool). A verification is keyed by (project, run, round): a job delivered again after
 * its worker died rewrites the same row, so a run has one report per round.
 */
import { jsonColumn, type SqlExecutor } from '../db/sql-executor.js';
import type { VerificationReport } from './verify-workspace.js';

export interface VerificationRow {
  id: string;
  runId: string;
  round: number;
  status: 'running' | 'passed' | 'failed' | 'unverifiable';
  profile: string | null;
  summary: string;
  report: VerificationReport | null;
  startedAt: Date;
  completedAt: Date | null;
}

export interface PlannedRepair {
  instanceKey: string;
  agentId: string;
  stage: number;
  jobId: string;
}

const NOW = `timezone('UTC', now())`;

interface Row {
  id: string;
  run_id: string;
  round: number;
  status: VerificationRow['status'];
  profile: string | null;
  summary: string;
  report: unknown;
  started_at: Date;
  completed_at: Date | null;
}

const COLUMNS = `"id", "runId" AS run_id, "round", "status"::text AS status, "profile", "summary", "report", "startedAt" AS started_at, "completedAt" AS completed_at`;

function toRow(row: Row): VerificationRow {
  return {
    id: row.id,
    runId: row.run_id,
    round: Number(row.round),
    status: row.status,
    profile: row.profile,
    summary: row.summary,
    report: (jsonColumn(row.report) as VerificationReport | null) ?? null,
    startedAt: row.started_at,
    completedAt: row.completed_at,
  };
}

export class VerificationRecords {
  constructor(private readonly sql: SqlExecutor) {}

  async begin(projectId: string, runId: string, round: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO "Verification" ("id", "projectId", "runId", "round", "status", "startedAt")
       VALUES (gen_random_uuid(), $1::uuid, $2, $3, 'running', ${NOW})
       ON CONFLICT ("projectId", "runId", "round") DO UPDATE SET "status" = 'running', "startedAt" = ${NOW}, "completedAt" = NULL, "report" = NULL, "summary" = ''`,
      [projectId, runId, round],
    );
  }

  async finish(projectId: string, runId: string, round: number, report: VerificationReport): Promise<void> {
    await this.sql.query(
      `UPDATE "Verification" SET "status" = $4::"VerificationStatus", "profile" = $5, "summary" = $6, "report" = $7::jsonb, "completedAt" = ${NOW}
        WHERE "projectId" = $1::uuid AND "runId" = $2 AND "round" = $3`,
      [projectId, runId, round, report.status, report.profile, report.summary, JSON.stringify(report)],
    );
  }

  /** Every verification of the project, newest run and round first. */
  async list(projectId: string): Promise<VerificationRow[]> {
    const rows = await this.sql.query<Row & Record<string, unknown>>(`SELECT ${COLUMNS} FROM "Verification" WHERE "projectId" = $1::uuid ORDER BY "startedAt" DESC, "round" DESC`, [projectId]);
    return rows.map(toRow);
  }

  /** The last round of a run, or undefined when the run verified nothing. */
  async lastOfRun(projectId: string, runId: string): Promise<VerificationRow | undefined> {
    const rows = await this.sql.query<Row & Record<string, unknown>>(`SELECT ${COLUMNS} FROM "Verification" WHERE "projectId" = $1::uuid AND "runId" = $2 ORDER BY "round" DESC LIMIT 1`, [projectId, runId]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Who wrote the current version of each path (an agent instance key, or `zekka`/`arbitrator:…`). */
  async authors(projectId: string, paths: readonly string[]): Promise<Map<string, string>> {
    if (paths.length === 0) return new Map();
    const rows = await this.sql.query<{ path: string; author: string }>(
      `SELECT a."path", v."author" FROM "Artifact" a JOIN "ArtifactVersion" v ON v."artifactId" = a."id" AND v."version" = a."currentVersion"
        WHERE a."projectId" = $1::uuid AND a."path" = ANY($2::text[])`,
      [projectId, paths],
    );
    return new Map(rows.map((row) => [row.path, row.author]));
  }

  /** The agent role of an instance that ran in the project (repairs are run by the role that wrote the file). */
  async rolesOf(projectId: string, instanceKeys: readonly string[]): Promise<Map<string, { agentId: string; stage: number }>> {
    if (instanceKeys.length === 0) return new Map();
    const rows = await this.sql.query<{ instance_key: string; agent_id: string; stage: number }>(
      `SELECT r."instanceKey" AS instance_key, r."agentId" AS agent_id, s."stage" FROM "AgentRun" r JOIN "StageRun" s ON s."id" = r."stageRunId"
        WHERE r."projectId" = $1::uuid AND r."instanceKey" = ANY($2::text[])`,
      [projectId, instanceKeys],
    );
    return new Map(rows.map((row) => [row.instance_key, { agentId: row.agent_id, stage: Number(row.stage) }]));
  }

  /** Agent runs for a repair round, under the stage run of each role's stage; a completed one is kept (a redelivered verify job). */
  async planRepairs(projectId: string, repairs: readonly PlannedRepair[]): Promise<Set<string>> {
    if (repairs.length === 0) return new Set();
    const rows = await this.sql.query<{ instance_key: string }>(
      `WITH planned AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS p("instanceKey" text, "agentId" text, "stage" int, "jobId" text)
       ), inserted AS (
         INSERT INTO "AgentRun" ("id", "projectId", "stageRunId", "agentId", "instanceKey", "jobId", "critical")
         SELECT gen_random_uuid(), $1::uuid, s."id", p."agentId", p."instanceKey", p."jobId", false
           FROM planned p JOIN "StageRun" s ON s."projectId" = $1::uuid AND s."stage" = p."stage"
         ON CONFLICT ("projectId", "instanceKey") DO UPDATE
           SET "jobId" = EXCLUDED."jobId", "status" = 'pending', "error" = NULL, "attempt" = 0, "startedAt" = NULL, "completedAt" = NULL
           WHERE "AgentRun"."status" <> 'completed'
         RETURNING "instanceKey"
       )
       SELECT "instanceKey" AS instance_key FROM inserted`,
      [projectId, JSON.stringify(repairs)],
    );
    return new Set(rows.map((row) => row.instance_key));
  }
}
