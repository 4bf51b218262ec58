/**
 * The root of a run: after all ten stages it writes the manifest (every artifact with its
 * version and hash, and the run's totals), marks the project completed and announces it.
 */
import type { ProjectJobData } from '../../queues/job-catalog.js';
import type { EngineDeps } from './engine-deps.js';
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

export async function computeTotals(deps: EngineDeps, projectId: string): Promise<ProjectTotals> {
  const [stages, agents, artifacts, conflicts, tokens, cost] = await Promise.all([
    deps.prisma.stageRun.count({ where: { projectId, status: 'completed' } }),
    deps.prisma.agentRun.groupBy({ by: ['status'], where: { projectId }, _count: { _all: true } }),
    deps.prisma.artifact.count({ where: { projectId } }),
    deps.prisma.conflict.groupBy({ by: ['strategy'], where: { projectId }, _count: { _all: true } }),
    deps.prisma.agentRun.aggregate({ where: { projectId }, _sum: { inputTokens: true, outputTokens: true } }),
    deps.prisma.costLedgerEntry.aggregate({ where: { projectId }, _sum: { costMicros: true } }),
  ]);
  const count = (status: string) => agents.find((a) => a.status === status)?._count._all ?? 0;
  return {
    stages,
    agents: { total: agents.reduce((sum, a) => sum + a._count._all, 0), completed: count('completed'), failed: count('failed') },
    artifacts,
    conflicts: {
      total: conflicts.reduce((sum, c) => sum + c._count._all, 0),
      byStrategy: Object.fromEntries(conflicts.map((c) => [c.strategy ?? 'unresolved', c._count._all])),
    },
    tokens: { input: tokens._sum.inputTokens ?? 0, output: tokens._sum.outputTokens ?? 0 },
    costMicros: (cost._sum.costMicros ?? 0n).toString(),
  };
}

export async function finishProject(deps: EngineDeps, data: ProjectJobData): Promise<ProjectTotals> {
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
  const completed = await deps.prisma.project.updateMany({
    where: { id: projectId, runId, status: { in: ['queued', 'running'] } },
    data: { status: 'completed', completedAt: new Date(), currentStage: 10, failureReason: null },
  });
  await deps.state.set(projectId, { status: 'completed' });
  if (completed.count > 0) await deps.events.publish({ type: 'project.completed', projectId, data: { ...totals, artifacts: files.length + 1 } });
  return { ...totals, artifacts: files.length + 1 };
}
