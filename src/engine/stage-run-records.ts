/**
 * A stage run's rows in PostgreSQL at the moments every stage job passes through: the project it
 * reads, dispatch (the stage run, the project's progress and the agent runs, in one statement) and
 * collect (everything the failure policy judges, in one statement; then the result).
 *
 * Stage jobs sit on every project's critical path, twice per stage, so these are plain SQL with as
 * few round trips as the logic allows (see src/engine/agent-run-records.ts for the agent side).
 * Every write of the StageRun table is here. The project's status is written by
 * src/engine/project-lifecycle.ts: begin embeds its `start-stage` statement.
 */
import { jsonColumn, type SqlExecutor } from '../db/sql-executor.js';
import { PLAN_AGENT_RUNS } from './agent-run-records.js';
import { statusUpdateSql } from './project-lifecycle.js';

// The project's progress at a stage's start, as the lifecycle writes it ($5 stage, $6 run).
const START_STAGE = statusUpdateSql('start-stage', 5);
if (START_STAGE.params.join() !== 'stage,runId') throw new Error('start-stage parameters changed: update StageRunRecords.begin');

export interface StageProject {
  status: string;
  requirements: string;
  options: unknown;
}

export interface PlannedAgentRun {
  instanceKey: string;
  agentId: string;
  jobId: string;
  critical: boolean;
}

export interface BegunStageRun {
  stageRunId: string;
  /** Planned instances an earlier run of this stage completed: they are not run again. */
  done: ReadonlySet<string>;
  /** Conflicts an earlier run of this stage left unsettled. */
  unsettledConflictIds: string[];
}

export interface StageAgentRun {
  agentId: string;
  instanceKey: string;
  status: string;
  error: string | null;
  attempt: number;
  critical: boolean;
}

export interface StageOutcome {
  stageRunId: string;
  runs: StageAgentRun[];
  artifactPaths: ReadonlySet<string>;
  conflicts: { type: string; path: string | null; topic: string | null; status: string }[];
}

export interface CompletedStageRun {
  stageRunId: string;
  succeeded: number;
  failed: number;
  result: Record<string, unknown>;
}

const NOW = `timezone('UTC', now())`;

export class StageRunRecords {
  constructor(private readonly sql: SqlExecutor) {}

  async project(projectId: string): Promise<StageProject> {
    const rows = await this.sql.query<{ status: string; requirements: string; options: unknown }>(
      `SELECT "status"::text AS status, "requirements", "options" FROM "Project" WHERE "id" = $1::uuid`,
      [projectId],
    );
    const row = rows[0];
    if (!row) throw new Error(`project ${projectId} does not exist`);
    return { status: row.status, requirements: row.requirements, options: jsonColumn(row.options) };
  }

  /**
   * Starts (or restarts) the stage run and marks the project running at this stage; creates the
   * planned agent runs, resetting those an earlier run left unfinished and keeping completed ones.
   * One statement, so one transaction: a crash cannot leave a stage run without its agent runs.
   */
  async begin(projectId: string, runId: string, stage: number, plan: readonly PlannedAgentRun[]): Promise<BegunStageRun> {
    const rows = await this.sql.query<{ stage_run_id: string; done: unknown; unsettled: unknown }>(
      `WITH stage_run AS (
         INSERT INTO "StageRun" ("id", "projectId", "stage", "status", "agentsTotal", "startedAt")
         VALUES (gen_random_uuid(), $1::uuid, $2, 'running', $3, ${NOW})
         ON CONFLICT ("projectId", "stage") DO UPDATE
           SET "status" = 'running', "agentsTotal" = EXCLUDED."agentsTotal", "error" = NULL, "startedAt" = EXCLUDED."startedAt",
               "completedAt" = NULL, "attempt" = "StageRun"."attempt" + 1
         RETURNING "id"
       ), progress AS (
         ${START_STAGE.sql}
       ), planned AS (
         SELECT * FROM jsonb_to_recordset($4::jsonb) AS p("instanceKey" text, "agentId" text, "jobId" text, "critical" boolean)
       ), to_run AS (
         ${PLAN_AGENT_RUNS.insert}
         SELECT gen_random_uuid(), $1::uuid, stage_run."id", p."agentId", p."instanceKey", p."jobId", p."critical" FROM planned p, stage_run
         ${PLAN_AGENT_RUNS.onConflict}
         RETURNING "instanceKey"
       )
       SELECT stage_run."id" AS stage_run_id,
              (SELECT COALESCE(json_agg(p."instanceKey"), '[]') FROM planned p WHERE p."instanceKey" NOT IN (SELECT "instanceKey" FROM to_run)) AS done,
              (SELECT COALESCE(json_agg(c."id"), '[]') FROM "Conflict" c WHERE c."stageRunId" = stage_run."id" AND c."status" <> 'resolved') AS unsettled
         FROM stage_run`,
      [projectId, stage, plan.length, JSON.stringify(plan), stage, runId],
    );
    const row = rows[0];
    if (!row) throw new Error(`stage ${stage} of project ${projectId} was not recorded`);
    return { stageRunId: row.stage_run_id, done: new Set(jsonColumn(row.done) as string[]), unsettledConflictIds: jsonColumn(row.unsettled) as string[] };
  }

  /** What collect judges: the stage's agent runs and conflicts, and every artifact path of the project. */
  async outcome(projectId: string, stage: number): Promise<StageOutcome> {
    const rows = await this.sql.query<{ id: string; runs: unknown; artifacts: unknown; conflicts: unknown }>(
      `SELECT s."id",
              (SELECT COALESCE(json_agg(json_build_object('agentId', r."agentId", 'instanceKey', r."instanceKey", 'status', r."status", 'error', r."error",
                                                          'attempt', r."attempt", 'critical', r."critical")), '[]')
                 FROM "AgentRun" r WHERE r."stageRunId" = s."id") AS runs,
              (SELECT COALESCE(json_agg(a."path"), '[]') FROM "Artifact" a WHERE a."projectId" = s."projectId") AS artifacts,
              (SELECT COALESCE(json_agg(json_build_object('type', c."type", 'path', c."path", 'topic', c."topic", 'status', c."status")), '[]')
                 FROM "Conflict" c WHERE c."stageRunId" = s."id") AS conflicts
         FROM "StageRun" s WHERE s."projectId" = $1::uuid AND s."stage" = $2`,
      [projectId, stage],
    );
    const row = rows[0];
    if (!row) throw new Error(`stage ${stage} of project ${projectId} has no stage run`);
    return {
      stageRunId: row.id,
      runs: jsonColumn(row.runs) as StageAgentRun[],
      artifactPaths: new Set(jsonColumn(row.artifacts) as string[]),
      conflicts: jsonColumn(row.conflicts) as StageOutcome['conflicts'],
    };
  }

  async complete(run: CompletedStageRun): Promise<void> {
    await this.sql.query(
      `UPDATE "StageRun" SET "status" = 'completed', "completedAt" = ${NOW}, "agentsSucceeded" = $2, "agentsFailed" = $3, "result" = $4::jsonb WHERE "id" = $1::uuid`,
      [run.stageRunId, run.succeeded, run.failed, JSON.stringify(run.result)],
    );
  }

  /** The stage's run stopped before it finished: cancelled, or failed with a reason (the budget ran out). */
  async stop(projectId: string, stage: number, status: 'cancelled' | 'failed', error?: string): Promise<void> {
    await this.sql.query(
      `UPDATE "StageRun" SET "status" = $3::"StageStatus", "error" = COALESCE($4, "error"), "completedAt" = CASE WHEN $3 = 'failed' THEN ${NOW} ELSE "completedAt" END
        WHERE "projectId" = $1::uuid AND "stage" = $2 AND "status" IN ('pending', 'running')`,
      [projectId, stage, status, error ?? null],
    );
  }

  async fail(run: CompletedStageRun & { error: string }): Promise<void> {
    await this.sql.query(
      `UPDATE "StageRun" SET "status" = 'failed', "completedAt" = ${NOW}, "error" = $5, "agentsSucceeded" = $2, "agentsFailed" = $3, "result" = $4::jsonb WHERE "id" = $1::uuid`,
      [run.stageRunId, run.succeeded, run.failed, JSON.stringify(run.result), run.error],
    );
  }

  /** The stages of the project that completed (a resume starts after them). */
  async completedStages(projectId: string): Promise<Set<number>> {
    const rows = await this.sql.query<{ stage: number }>(`SELECT "stage" FROM "StageRun" WHERE "projectId" = $1::uuid AND "status" = 'completed'`, [projectId]);
    return new Set(rows.map((row) => Number(row.stage)));
  }
}
