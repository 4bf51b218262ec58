/**
 * The stage hook for conflicts found in agents' structured records, run at the start of a stage's
 * collect step (stage 1: requirement conflicts, stage 2: design conflicts):
 *
 *   1. read the stage's records (current versions) and find the disputes;
 *   2. each dispute not raised before in this stage run is recorded and queued on `arbitration` as
 *      a child of this stage job (src/engine/conflict-recorder.ts); if any was, the job goes back
 *      to waiting-children and collect runs again once they are settled;
 *   3. with every dispute settled, the stage writes its settled record (agreed + arbitrated), which
 *      later stages read as context.
 * A dispute already raised and left unsettled is not raised again: collect then fails the stage
 * for the unsettled conflict, as it does for code conflicts.
 */
import type { Job } from 'bullmq';
import type { Prisma } from '../../db/prisma-types.js';
import { CONTRADICTION_RECORDS_DIR, DECISION_RECORDS_DIR, recordJson, SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH } from '../../agents/structured-records.js';
import type { Logger } from '../../logging/logger.js';
import type { StageJobData } from '../../../queues/job-catalog.js';
import { recordConflict } from '../conflict-recorder.js';
import type { BusDeps, EngineDeps, StoreDeps, WorkspaceDeps } from '../engine-deps.js';
import { designDisputes, settledDecisions } from './design-conflicts.js';
import type { Dispute, RecordFile } from './dispute.js';
import { requirementDisputes, settledRequirements } from './requirement-conflicts.js';

type Resolutions = ReadonlyMap<string, { resolution: string; strategy: string }>;

interface RecordKind {
  type: 'design' | 'requirement';
  dir: string;
  settledPath: string;
  disputes(files: readonly RecordFile[], logger: Logger): Dispute[];
  settled(files: readonly RecordFile[], resolutions: Resolutions, logger: Logger): Record<string, unknown> | undefined;
}

const KIND_OF_STAGE: Readonly<Record<number, RecordKind>> = {
  1: { type: 'requirement', dir: CONTRADICTION_RECORDS_DIR, settledPath: SETTLED_REQUIREMENTS_PATH, disputes: requirementDisputes, settled: settledRequirements },
  2: { type: 'design', dir: DECISION_RECORDS_DIR, settledPath: SETTLED_DECISIONS_PATH, disputes: designDisputes, settled: settledDecisions },
};

/** Returns true when the stage job now waits for the conflicts it raised. */
export async function raiseRecordConflicts(deps: StoreDeps & BusDeps & WorkspaceDeps & Pick<EngineDeps, 'logger' | 'queues'>, job: Job<StageJobData>, token: string, data: StageJobData): Promise<boolean> {
  const kind = KIND_OF_STAGE[data.stage];
  if (!kind) return false;
  const { projectId, runId, stage } = data;
  const files = await recordFiles(deps, projectId, kind.dir);
  if (files.length === 0) return false;
  const stageRun = await deps.prisma.stageRun.findUniqueOrThrow({ where: { projectId_stage: { projectId, stage } }, select: { id: true } });
  const known = await deps.prisma.conflict.findMany({
    where: { stageRunId: stageRun.id, type: kind.type },
    orderBy: { createdAt: 'asc' },
    select: { topic: true, ours: true, theirs: true, status: true, resolution: true, strategy: true },
  });
  let raised = 0;
  for (const dispute of kind.disputes(files, deps.logger)) {
    const ours = JSON.stringify(dispute.ours);
    const theirs = JSON.stringify(dispute.theirs);
    if (known.some((c) => c.topic === dispute.topic && c.ours === ours && c.theirs === theirs)) continue;
    await recordConflict(deps, {
      type: kind.type,
      projectId,
      runId,
      stage,
      stageRunId: stageRun.id,
      topic: dispute.topic,
      ours,
      theirs,
      base: '',
      raisedBy: dispute.raisedBy,
      dedupeKey: `${kind.type}.${dispute.topic}`,
      stageJob: { id: job.id ?? '', queue: job.queueQualifiedName },
      details: dispute.details as Prisma.InputJsonValue,
    });
    raised++;
  }
  if (raised > 0 && (await job.moveToWaitingChildren(token))) return true;

  const resolutions = new Map(
    (await deps.prisma.conflict.findMany({ where: { stageRunId: stageRun.id, type: kind.type, status: 'resolved' }, orderBy: { resolvedAt: 'asc' }, select: { topic: true, resolution: true, strategy: true } })).map((c) => [
      c.topic ?? '',
      { resolution: c.resolution ?? '', strategy: c.strategy ?? 'unknown' },
    ]),
  );
  const settled = kind.settled(files, resolutions, deps.logger);
  if (settled) await writeSettled(deps, projectId, stage, kind.settledPath, recordJson(settled));
  return false;
}

async function recordFiles(deps: StoreDeps & BusDeps & WorkspaceDeps & Pick<EngineDeps, 'logger' | 'queues'>, projectId: string, dir: string): Promise<RecordFile[]> {
  const files = await deps.artifacts.currentFiles(projectId, dir, '.json');
  return files
    .filter((f) => !f.path.slice(dir.length).includes('/'))
    .map((f) => ({ path: f.path, agent: f.path.slice(dir.length, -'.json'.length), content: f.content }));
}

async function writeSettled(deps: StoreDeps & BusDeps & WorkspaceDeps & Pick<EngineDeps, 'logger' | 'queues'>, projectId: string, stage: number, path: string, content: string): Promise<void> {
  const author = `engine:settled-record:stage-${stage}`;
  await deps.locks.withLock(projectId, path, author, async (lock) => {
    const current = await deps.artifacts.current(projectId, path);
    if (current?.content === content) return;
    await deps.artifacts.write({ projectId, path, content, baseVersion: current?.version ?? null, fenceToken: lock.token, author, stage });
  });
}
