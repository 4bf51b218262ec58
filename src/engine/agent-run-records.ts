/**
 * The agent run's row in PostgreSQL at the two moments every agent job passes through: started
 * (which also reads what the agent needs of its project) and completed. One plain statement each:
 * these run once per agent job, the engine's hottest path, so they skip the ORM.
 * Rare transitions (failure, cancellation) stay with Prisma in the agent runner.
 */
import type { SqlExecutor } from '../db/sql-executor.js';
import type { ModelSwitch } from '../models/model-router.js';

export interface StartedAgentRun {
  agentRunId: string;
  stageRunId: string;
  project: { name: string; requirements: string; ownerId: string; status: string };
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

export class AgentRunRecords {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * Marks the run `running` for this attempt; undefined when the project has no such agent run or
   * the run is already completed (a completed run is never reopened: see `status`).
   */
  async start(projectId: string, instanceKey: string, attempt: number): Promise<StartedAgentRun | undefined> {
    const rows = await this.sql.query<{ id: string; stage_run_id: string; name: string; requirements: string; owner_id: string; status: string }>(
      `UPDATE "AgentRun" r
          SET "status" = 'running', "attempt" = $3, "startedAt" = timezone('UTC', now()), "error" = NULL
         FROM "Project" p
        WHERE r."projectId" = $1::uuid AND r."instanceKey" = $2 AND r."status" <> 'completed' AND p."id" = r."projectId"
        RETURNING r."id", r."stageRunId" AS stage_run_id, p."name", p."requirements", p."ownerId" AS owner_id, p."status"::text AS status`,
      [projectId, instanceKey, attempt],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { agentRunId: row.id, stageRunId: row.stage_run_id, project: { name: row.name, requirements: row.requirements, ownerId: row.owner_id, status: row.status } };
  }

  /** The run's status, or undefined when the project has no such agent run. */
  async status(projectId: string, instanceKey: string): Promise<string | undefined> {
    const rows = await this.sql.query<{ status: string }>(`SELECT "status"::text AS status FROM "AgentRun" WHERE "projectId" = $1::uuid AND "instanceKey" = $2`, [projectId, instanceKey]);
    return rows[0]?.status;
  }

  async complete(run: CompletedAgentRun): Promise<void> {
    await this.sql.query(
      `UPDATE "AgentRun"
          SET "status" = 'completed', "completedAt" = timezone('UTC', now()), "durationMs" = $2, "provider" = $3, "model" = $4,
              "inputTokens" = $5, "outputTokens" = $6, "modelSwitches" = COALESCE($7::jsonb, "modelSwitches")
        WHERE "id" = $1::uuid`,
      [run.agentRunId, run.durationMs, run.provider, run.model, run.inputTokens, run.outputTokens, run.switches.length > 0 ? JSON.stringify(run.switches) : null],
    );
  }
}
