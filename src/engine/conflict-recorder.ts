/**
 * Records a conflict and queues its arbitration as a child of the stage that raised it, so the
 * stage cannot complete before the conflict is settled. Idempotent: a retried agent job finds its
 * conflict by `dedupeKey` and re-adds the same arbitration job id (a no-op in BullMQ).
 */
import type { Prisma } from '../db/prisma-types.js';
import { ARBITRATION_QUEUE, queueDefinition, type ArbitrationJobData } from '../../queues/job-catalog.js';
import type { EngineDeps } from './engine-deps.js';
import { jobIds } from './job-ids.js';

export interface CodeConflictInput {
  projectId: string;
  runId: string;
  stage: number;
  stageRunId: string;
  path: string;
  baseVersion: number | null;
  base: string;
  ours: string;
  theirs: string;
  raisedBy: string;
  /** The stage job (BullMQ parent reference: id and qualified queue name). */
  stageJob: { id: string; queue: string };
  details?: Prisma.InputJsonValue;
}

export async function recordCodeConflict(deps: EngineDeps, input: CodeConflictInput): Promise<string> {
  const dedupeKey = `${input.projectId}.${input.runId}.${input.raisedBy}.${input.path}`;
  const existing = await deps.prisma.conflict.findUnique({ where: { dedupeKey }, select: { id: true } });
  const conflict =
    existing ??
    (await deps.prisma.conflict.create({
      data: {
        projectId: input.projectId,
        stageRunId: input.stageRunId,
        type: 'code',
        path: input.path,
        baseVersion: input.baseVersion,
        base: input.base,
        ours: input.ours,
        theirs: input.theirs,
        raisedBy: input.raisedBy,
        dedupeKey,
        details: input.details,
      },
      select: { id: true },
    }));
  if (!existing) {
    await deps.events.publish({
      type: 'conflict.detected',
      projectId: input.projectId,
      data: { conflictId: conflict.id, type: 'code', path: input.path, stage: input.stage, raisedBy: input.raisedBy },
    });
  }
  const definition = queueDefinition(ARBITRATION_QUEUE);
  const data: ArbitrationJobData = { projectId: input.projectId, runId: input.runId, stage: input.stage, conflictId: conflict.id };
  await deps.queues.get(ARBITRATION_QUEUE).add(definition.jobName, data, {
    ...definition.jobOptions,
    jobId: jobIds.arbitration(input.projectId, input.runId, conflict.id),
    parent: input.stageJob,
  });
  return conflict.id;
}
