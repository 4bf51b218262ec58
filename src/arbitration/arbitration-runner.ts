/**
 * Settles one conflict (an `arbitration` job, a child of the stage that raised it).
 *
 * Conflict status machine:
 *   open ──a strategy resolves (merge, an LLM)──▶ resolved
 *     └──every automatic strategy fails──▶ needs_review ──(a person answers: resolveConflict)──▶ resolving ──▶ resolved
 * The strategies run in the configured order (./strategy-chain.ts); `human` ends the chain. While
 * a conflict needs review its job re-delays itself (`reviewPollMs`) instead of completing, so the
 * stage keeps waiting; the project shows `needs_review` and says why. With GitHub configured an
 * issue is opened for the person (./github-review.ts). A person's answer promotes the job, which
 * then applies the answer at once.
 *
 * A budget conflict skips the chain: only its owner can settle it (./budget-conflicts.ts).
 *
 * Every write goes through the file lock and the artifact store's version check, merging against
 * the file as it is *now*, so two arbitrations of one file cannot lose each other's edits.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Conflict } from '../db/prisma-types.js';
import type { ArbitrationJobData } from '../../queues/job-catalog.js';
import type { ArbitrationDeps, BudgetDeps, BusDeps, EngineDeps, ModelDeps, RunRecordDeps, StoreDeps, WorkspaceDeps } from '../engine/engine-deps.js';
import { RunCancelledError } from '../engine/project-service.js';
import { loadArbitrationSubject } from '../engine/conflicts/conflict-rows.js';
import type { ArbitrationServices } from './arbitration-services.js';
import { recordAttempt } from './attempt-log.js';
import { settleBudgetConflict } from './budget-conflicts.js';
import { isBudgetConflict } from '../engine/conflicts/budget-conflict-kind.js';
import { markResolved, runStrategyChain } from './strategy-chain.js';

export interface ArbitrationResult {
  conflictId: string;
  /**
   * `superseded`: the job belongs to an earlier run of the project; the current run arbitrates.
   * `deferred`: a budget conflict waits for its owner to raise the budget and resume (./budget-conflicts.ts).
   */
  status: 'resolved' | 'superseded' | 'deferred';
  strategy: string;
}

export async function runArbitration(deps: ArbitrationDeps, services: ArbitrationServices, job: Job<ArbitrationJobData>, token: string, data: ArbitrationJobData): Promise<ArbitrationResult> {
  if (await deps.state.isCancelled(data.projectId, data.runId)) throw new RunCancelledError();
  const subject = await loadArbitrationSubject(deps.sql, data.conflictId);
  if (!subject) throw new UnrecoverableError(`conflict ${data.conflictId} of project ${data.projectId} no longer exists`);
  const { project, conflict } = subject;
  if (project.runId !== data.runId) return { conflictId: data.conflictId, status: 'superseded', strategy: 'none' };
  if (conflict.status === 'resolved') return { conflictId: conflict.id, status: 'resolved', strategy: conflict.strategy ?? 'unknown' };
  if (isBudgetConflict(conflict)) {
    const settled = await settleBudgetConflict(deps, services, conflict);
    return { conflictId: conflict.id, status: settled, strategy: settled === 'resolved' ? 'manual' : 'none' };
  }
  if (conflict.status === 'resolving' && conflict.resolution !== null) {
    await applyContent(deps, services, conflict, conflict.resolution, conflict.strategy ?? 'manual', job.id ?? conflict.id);
    return { conflictId: conflict.id, status: 'resolved', strategy: conflict.strategy ?? 'manual' };
  }
  if (conflict.status === 'needs_review') return waitForReview(deps, job, token);

  // Unique per delivery (attemptsStarted also counts a delivery whose worker died): the lock owner,
  // and the prefix of the model calls' ids, which must not collide with a dead delivery's calls.
  const owner = `${job.id ?? conflict.id}#${job.attemptsStarted}`;
  const outcome = await runStrategyChain(deps, services, conflict, { stage: data.stage, owner });
  if (outcome.resolved) return { conflictId: conflict.id, status: 'resolved', strategy: outcome.strategy };

  const { reason } = outcome;
  const claimed = await deps.prisma.conflict.updateMany({ where: { id: conflict.id, status: 'open' }, data: { status: 'needs_review', details: { reason, ...outcome.details } } });
  if (claimed.count > 0) {
    await recordAttempt(deps, services, { conflictId: conflict.id, type: conflict.type, strategy: 'human', outcome: 'needs_review' });
    await openReview(deps, services, conflict, project.name, reason);
  }
  await deps.lifecycle.apply(conflict.projectId, 'pause-for-review', { reason, event: { conflictId: conflict.id, path: conflict.path, reason } });
  return waitForReview(deps, job, token);
}

/** Opens the GitHub issue when configured. A failure is logged: the API can still answer the conflict. */
async function openReview(deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'limits' | 'logger'>, services: ArbitrationServices, conflict: Conflict, projectName: string, reason: string): Promise<void> {
  if (!services.review || conflict.reviewUrl) return;
  try {
    const current = conflict.path ? await deps.artifacts.current(conflict.projectId, conflict.path) : undefined;
    const url = await services.review.open({
      conflictId: conflict.id,
      projectId: conflict.projectId,
      projectName,
      type: conflict.type,
      path: conflict.path ?? conflict.topic,
      reason,
      base: conflict.base ?? '',
      ours: current?.content ?? conflict.ours ?? '',
      theirs: conflict.theirs ?? '',
    });
    await deps.prisma.conflict.update({ where: { id: conflict.id }, data: { reviewUrl: url } });
  } catch (error) {
    deps.logger.warn('could not open a review issue', { conflictId: conflict.id, error: error instanceof Error ? error.message : String(error) });
  }
}

async function waitForReview(deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'limits' | 'logger'>, job: Job<ArbitrationJobData>, token: string): Promise<never> {
  await job.moveToDelayed(Date.now() + deps.limits.reviewPollMs, token);
  throw new DelayedError();
}

/** A person's answer: a file is written now; a design or requirement record goes into the stage's settled record when it collects. */
async function applyContent(deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'limits' | 'logger'>, services: ArbitrationServices, conflict: Conflict, content: string, strategy: string, owner: string): Promise<void> {
  const path = conflict.path;
  if (path !== null) {
    await deps.locks.withLock(conflict.projectId, path, owner, async (lock) => {
      const current = await deps.artifacts.current(conflict.projectId, path);
      const stage = (await deps.prisma.stageRun.findUnique({ where: { id: conflict.stageRunId ?? '' }, select: { stage: true } }))?.stage ?? 0;
      await deps.artifacts.write({ projectId: conflict.projectId, path, content, baseVersion: current?.version ?? null, fenceToken: lock.token, author: `arbitrator:${strategy}:${conflict.id}`, stage });
    });
  }
  await recordAttempt(deps, services, { conflictId: conflict.id, type: conflict.type, strategy: 'human', outcome: 'resolved' });
  await markResolved(deps, services, conflict, strategy, content);
}
