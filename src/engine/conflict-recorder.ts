/**
 * Records a conflict and queues its arbitration as a child of the stage that raised it, so the
 * stage cannot complete before the conflict is settled. Idempotent: a retried job finds its
 * conflict by `dedupeKey` and re-adds the same arbitration job id (a no-op in BullMQ).
 *
 * Every type goes through here: code (an agent's edit collided), resource (an agent's write could
 * not take its file lock, or the budget refused a critical agent), design and requirement (the
 * stage's collect step found agents' records disagree, ./conflicts/stage-conflicts.ts).
 */
import { ARBITRATION_QUEUE, queueDefinition, type ArbitrationJobData } from '../../queues/job-catalog.js';
import type { BusDeps, EngineDeps, StoreDeps } from './engine-deps.js';
import { jobIds } from './job-ids.js';
import { insertConflict, type NewConflictRow } from './conflicts/conflict-rows.js';

export interface ConflictInput extends Omit<NewConflictRow, 'dedupeKey'> {
  runId: string;
  stage: number;
  /** Unique per conflict within the run (default: raisedBy + path). */
  dedupeKey?: string;
  /** The stage job (BullMQ parent reference: id and qualified queue name). */
  stageJob: { id: string; queue: string };
}

export type CodeConflictInput = Omit<ConflictInput, 'type' | 'path'> & { path: string };

export async function recordCodeConflict(deps: StoreDeps & BusDeps & Pick<EngineDeps, 'queues'>, input: CodeConflictInput): Promise<string> {
  return recordConflict(deps, { ...input, type: 'code' });
}

export async function recordConflict(deps: StoreDeps & BusDeps & Pick<EngineDeps, 'queues'>, input: ConflictInput): Promise<string> {
  const dedupeKey = `${input.projectId}.${input.runId}.${input.dedupeKey ?? `${input.raisedBy}.${input.path ?? input.topic ?? input.type}`}`;
  const { runId: _runId, stage: _stage, stageJob: _stageJob, dedupeKey: _dedupeKey, ...row } = input;
  const conflict = await insertConflict(deps.sql, { ...row, dedupeKey });
  if (conflict.created) {
    await deps.events.publish({
      type: 'conflict.detected',
      projectId: input.projectId,
      data: { conflictId: conflict.id, type: input.type, path: input.path ?? null, topic: input.topic ?? null, stage: input.stage, raisedBy: input.raisedBy },
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
