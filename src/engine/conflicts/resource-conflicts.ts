/**
 * Resource conflicts, raised by the agent runner:
 *
 *   lock    an agent's write could not take its file lock within the lock wait (another holder
 *           kept it past the limit), or its lease ran out and a newer holder wrote first (the
 *           fencing token refused the write). The agent's content is kept on the conflict as
 *           "theirs" with the version it started from, and the agent completes: the arbitrator
 *           retries the write later against the file as it is then (the merge step), so the
 *           edit is neither lost nor written over someone else's.
 *   budget  the budget refused a critical agent's call (no model it may use fits what is left).
 *           The project stops as budget_exhausted, as before; the conflict records the refusal and
 *           is settled by its owner raising the budget and resuming (src/arbitration/budget-conflicts.ts).
 */
import type { AgentJobData } from '../../../queues/job-catalog.js';
import { StaleLockError } from '../../errors/app-error.js';
import { recordConflict, type CodeConflictInput } from '../conflict-recorder.js';
import type { BusDeps, EngineDeps, StoreDeps } from '../engine-deps.js';
import { BUDGET_TOPIC_PREFIX } from './budget-conflict-kind.js';
import { LockBusyError } from '../workspace/file-locks.js';
import type { WriteOutcome } from '../workspace/artifact-store.js';

export type GuardedWrite = WriteOutcome | { kind: 'lock_failed'; reason: string };

/**
 * Runs an agent's locked batch write. Its locks are taken together, so a lock contended past the
 * wait, or a lease lost before the write, defers every file of the batch (`lock_failed`).
 */
export async function guardLocks(files: number, write: () => Promise<WriteOutcome[]>): Promise<GuardedWrite[]> {
  try {
    return await write();
  } catch (error) {
    let reason: string;
    if (error instanceof LockBusyError) reason = `the lock was contended beyond the wait limit (${error.message})`;
    else if (error instanceof StaleLockError) reason = `the lease was lost before the write (${error.message})`;
    else throw error;
    return Array.from({ length: files }, () => ({ kind: 'lock_failed' as const, reason }));
  }
}

export async function recordLockConflict(deps: StoreDeps & BusDeps & Pick<EngineDeps, 'queues'>, input: CodeConflictInput & { reason: string }): Promise<string> {
  const { reason, ...conflict } = input;
  return recordConflict(deps, {
    ...conflict,
    type: 'resource',
    topic: `lock:${input.path}`,
    dedupeKey: `resource.${input.raisedBy}.${input.path}`,
    details: { resource: 'lock', reason },
  });
}

export async function recordBudgetConflict(deps: StoreDeps & BusDeps & Pick<EngineDeps, 'queues'>, data: AgentJobData, where: { stageRunId: string; stageJob: { id: string; queue: string } }, detail: string): Promise<string> {
  return recordConflict(deps, {
    type: 'resource',
    projectId: data.projectId,
    runId: data.runId,
    stage: data.stage,
    stageRunId: where.stageRunId,
    topic: `${BUDGET_TOPIC_PREFIX}${data.instanceKey}`,
    raisedBy: data.instanceKey,
    dedupeKey: `resource.budget.${data.instanceKey}`,
    stageJob: where.stageJob,
    details: { resource: 'budget', reason: detail },
  });
}
