/**
 * The root of a run: after all ten stages (and the verification, when on) it writes the manifest
 * (every artifact with its version and hash, and the run's totals) and ends the project:
 * `completed` when its software passed its checks (or verification is off, or the stack has no
 * profile — the report says so), `verification_failed` when it still failed after its repairs.
 */
import type { ProjectJobData } from '../../queues/job-catalog.js';
import { jsonColumn } from '../db/sql-executor.js';
import type { BusDeps, EngineDeps, FinisherDeps, RunRecordDeps, StoreDeps, WorkspaceDeps } from './engine-deps.js';
import { jobIds } from './job-ids.js';
import { RunCancelledError } from './project-service.js';

export const MANIFEST_PATH = 'zekka-manifest.json';

export interface ProjectTotals {
  stages: number;
  agents: { total: number; completed: number; failed: number };
  artifacts: number;
  conflicts: { total: number; byStrategy: Record<string, number> };
  tokens: { input: number; output: number };
  costMicros: string;
}

/** The run's totals in one statement (the root job is on the critical path; the demo prints them too). */
export async function computeTotals(deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & Pick<EngineDeps, 'verifications'>, projectId: string): Promise<ProjectTotals> {
  const rows = await deps.sql.query<{ stages: number; agents: unknown; artifacts: number; conflicts: unknown; input_tokens: string; output_tokens: string; cost: string }>(
    `SELECT (SELECT count(*)::int FROM "StageRun" WHERE "projectId" = $1::uuid AND "status" = 'completed') AS stages,
            (SELECT COALESCE(json_object_agg(status, n), '{}') FROM (SELECT "status"::text AS status, count(*)::int AS n FROM "AgentRun" WHERE "projectId" = $1::uuid GROUP BY 1) a) AS agents,
            (SELECT count(*)::int FROM "Artifact" WHERE "projectId" = $1::uuid) AS artifacts,
            (SELECT COALESCE(json_object_agg(strategy, n), '{}')
               FROM (SELECT COALESCE("strategy", 'unresolved') AS strategy, count(*)::int AS n FROM "Conflict" WHERE "projectId" = $1::uuid GROUP BY 1) c) AS conflicts,
            (SELECT COALESCE(sum("inputTokens"), 0)::text FROM "AgentRun" WHERE "projectId" = $1::uuid) AS input_tokens,
            (SELECT COALESCE(sum("outputTokens"), 0)::text FROM "AgentRun" WHERE "projectId" = $1::uuid) AS output_tokens,
            (SELECT COALESCE(sum("costMicros"), 0)::text FROM "CostLedgerEntry" WHERE "projectId" = $1::uuid) AS cost`,
    [projectId],
  );
  const row = rows[0];
  if (!row) throw new Error(`no totals for project ${projectId}`);
  const agents = jsonColumn(row.agents) as Record<string, number>;
  const byStrategy = jsonColumn(row.conflicts) as Record<string, number>;
  const sum = (values: Record<string, number>): number => Object.values(values).reduce((total, n) => total + n, 0);
  return {
    stages: Number(row.stages),
    agents: { total: sum(agents), completed: agents.completed ?? 0, failed: agents.failed ?? 0 },
    artifacts: Number(row.artifacts),
    conflicts: { total: sum(byStrategy), byStrategy },
    tokens: { input: Number(row.input_tokens), output: Number(row.output_tokens) },
    costMicros: BigInt(row.cost).toString(),
  };
}

export async function finishProject(deps: FinisherDeps, data: ProjectJobData): Promise<ProjectTotals> {
  const { projectId, runId } = data;
  // Reads go out together: the root job is the last step between the final stage and "completed".
  const [cancelled, snapshot, totals, current] = await Promise.all([
    deps.state.isCancelled(projectId, runId),
    deps.artifacts.snapshot(projectId),
    computeTotals(deps, projectId),
    deps.artifacts.current(projectId, MANIFEST_PATH),
  ]);
  if (cancelled) throw new RunCancelledError();
  const files = snapshot.filter((f) => f.path !== MANIFEST_PATH);
  const manifest = {
    _generatedBy: 'zekka',
    projectId,
    runId,
    totals: { ...totals, artifacts: files.length },
    artifacts: files.map((f) => ({ path: f.path, version: f.version, sha256: f.sha256, bytes: Buffer.byteLength(f.content) })),
  };
  const content = `${JSON.stringify(manifest, null, 2)}\n`;
  await deps.locks.withLock(projectId, MANIFEST_PATH, jobIds.project(projectId, runId), (lock) =>
    deps.artifacts.write({ projectId, path: MANIFEST_PATH, content, baseVersion: current?.version ?? null, fenceToken: lock.token, author: 'zekka', stage: 10 }),
  );
  const verification = await deps.verifications.lastOfRun(projectId, runId);
  const event = { ...totals, artifacts: files.length + 1, verification: verification ? { status: verification.status, summary: verification.summary, round: verification.round } : null };
  if (verification?.status === 'failed') {
    await deps.lifecycle.apply(projectId, 'complete-unverified', { runId, reason: `the software did not pass its checks after ${verification.round} repair round(s): ${verification.summary}`, event });
  } else {
    await deps.lifecycle.apply(projectId, 'complete', { runId, event });
  }
  return { ...totals, artifacts: files.length + 1 };
}
