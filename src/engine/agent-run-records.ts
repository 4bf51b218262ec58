/**
 * The AgentRun table's writes, all in this file: started (which also reads what the agent needs
 * of its project) and completed — one plain statement each, since every agent job passes through
 * them — and the rare ones (a failed attempt, cancellation, a child that died with its worker).
 * An agent that wrote files records its completion in the statement that writes them
 * (`completeRunSql`, used by src/engine/workspace/artifact-store.ts): one round trip and one commit fewer.
 * Rows are created inside larger statements — where a stage begins (src/engine/stage-run-records.ts)
 * and where a repair round begins (src/verification) — with `PLAN_AGENT_RUNS` from here.
 * (Cost totals are added by the ledger's insert: src/economics/cost-ledger.ts.)
 */
import type { SqlExecutor } from '../db/sql-executor.js';
import type { ModelSwitch } from '../models/model-router.js';

export interface StartedAgentRun {
  agentRunId: string;
  stageRunId: string;
  /** `options`: the project's agent selection options (which instances each stage runs). */
  project: { name: string; requirements: string; ownerId: string; status: string; options: unknown };
}

export interface CompletedAgentRun {
  agentRunId: string;
  durationMs: number;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  switches: readonly ModelSwitch[];
}

/**
 * Planning agent runs: `INSERT INTO … SELECT <values> FROM …` + this. A run planned again (a resumed
 * stage, a redelivered job) starts afresh unless it completed: a completed run is never reopened.
 */
export const PLAN_AGENT_RUNS = {
  insert: `INSERT INTO "AgentRun" ("id", "projectId", "stageRunId", "agentId", "instanceKey", "jobId", "critical")`,
  onConflict: `ON CONFLICT ("projectId", "instanceKey") DO UPDATE
           SET "jobId" = EXCLUDED."jobId", "status" = 'pending', "error" = NULL, "attempt" = 0, "startedAt" = NULL, "completedAt" = NULL
           WHERE "AgentRun"."status" <> 'completed'`,
};

/**
 * The UPDATE that records a completed run, its parameters numbered from `param` on (a caller
 * building a larger statement passes its own counter). Shared by `complete` and the artifact
 * store's write-and-complete statement.
 */
export function completeRunSql(run: CompletedAgentRun, param: (value: unknown) => string): string {
  return `UPDATE "AgentRun"
          SET "status" = 'completed', "completedAt" = timezone('UTC', now()), "durationMs" = ${param(run.durationMs)}, "provider" = ${param(run.provider)},
              "model" = ${param(run.model)}, "inputTokens" = ${param(run.inputTokens)}, "outputTokens" = ${param(run.outputTokens)},
              "modelSwitches" = COALESCE(${param(run.switches.length > 0 ? JSON.stringify(run.switches) : null)}::jsonb, "modelSwitches")
        WHERE "id" = ${param(run.agentRunId)}::uuid`;
}

export class AgentRunRecords {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * Marks the run `running` for this attempt; undefined when the project has no such agent run or
   * the run is already completed (a completed run is never reopened: see `status`).
   */
  async start(projectId: string, instanceKey: string, attempt: number): Promise<StartedAgentRun | undefined> {
    const rows = await this.sql.query<{ id: string; stage_run_id: string; name: string; requirements: string; owner_id: string; status: string; options: unknown }>(
      `UPDATE "AgentRun" r
          SET "status" = 'running', "attempt" = $3, "startedAt" = timezone('UTC', now()), "error" = NULL
         FROM "Project" p
        WHERE r."projectId" = $1::uuid AND r."instanceKey" = $2 AND r."status" <> 'completed' AND p."id" = r."projectId"
        RETURNING r."id", r."stageRunId" AS stage_run_id, p."name", p."requirements", p."ownerId" AS owner_id, p."status"::text AS status, p."options"`,
      [projectId, instanceKey, attempt],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { agentRunId: row.id, stageRunId: row.stage_run_id, project: { name: row.name, requirements: row.requirements, ownerId: row.owner_id, status: row.status, options: row.options } };
  }

  /** The run's status, or undefined when the project has no such agent run. */
  async status(projectId: string, instanceKey: string): Promise<string | undefined> {
    const rows = await this.sql.query<{ status: string }>(`SELECT "status"::text AS status FROM "AgentRun" WHERE "projectId" = $1::uuid AND "instanceKey" = $2`, [projectId, instanceKey]);
    return rows[0]?.status;
  }

  async complete(run: CompletedAgentRun): Promise<void> {
    const params: unknown[] = [];
    await this.sql.query(completeRunSql(run, (value) => `$${params.push(value)}`), params);
  }

  /**
   * A failed attempt: `pending` again while attempts remain, `failed` (with its end time) after the
   * last. A completed run stays completed (a late duplicate delivery that failed changes nothing).
   */
  async attemptFailed(projectId: string, instanceKey: string, error: string, final: boolean): Promise<void> {
    await this.sql.query(
      `UPDATE "AgentRun" SET "status" = $3::"AgentRunStatus", "error" = $4, "completedAt" = CASE WHEN $5 THEN timezone('UTC', now()) ELSE NULL END
        WHERE "projectId" = $1::uuid AND "instanceKey" = $2 AND "status" <> 'completed'`,
      [projectId, instanceKey, final ? 'failed' : 'pending', error.slice(0, 2_000), final],
    );
  }

  /** A run whose project was cancelled before it finished. */
  async cancel(projectId: string, instanceKey: string): Promise<void> {
    await this.sql.query(
      `UPDATE "AgentRun" SET "status" = 'cancelled', "completedAt" = timezone('UTC', now())
        WHERE "projectId" = $1::uuid AND "instanceKey" = $2 AND "status" IN ('pending', 'running')`,
      [projectId, instanceKey],
    );
  }

  /** Every run of the project still waiting to start; returns them (their jobs are removed from the queues). */
  async cancelPending(projectId: string): Promise<{ agentId: string; instanceKey: string }[]> {
    const rows = await this.sql.query<{ agent_id: string; instance_key: string }>(
      `UPDATE "AgentRun" SET "status" = 'cancelled' WHERE "projectId" = $1::uuid AND "status" = 'pending' RETURNING "agentId" AS agent_id, "instanceKey" AS instance_key`,
      [projectId],
    );
    return rows.map((row) => ({ agentId: row.agent_id, instanceKey: row.instance_key }));
  }

  /** A child job whose last attempt died with its worker: its run never recorded the failure. */
  async failByJob(projectId: string, jobId: string, reason: string): Promise<void> {
    await this.sql.query(
      `UPDATE "AgentRun" SET "status" = 'failed', "error" = $3, "completedAt" = timezone('UTC', now())
        WHERE "projectId" = $1::uuid AND "jobId" = $2 AND "status" IN ('pending', 'running')`,
      [projectId, jobId, reason.slice(0, 2_000)],
    );
  }
}
