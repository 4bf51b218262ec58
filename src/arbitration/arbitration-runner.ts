/**
 * Settles one conflict (an `arbitration` job, a child of the stage that raised it).
 *
 * Conflict status machine:
 *   open ──merge clean──▶ resolved
 *     └──merge fails──▶ needs_review ──(a person answers: resolveConflict)──▶ resolving ──▶ resolved
 * While a conflict needs review its job re-delays itself (`reviewPollMs`) instead of completing,
 * so the stage keeps waiting; the project shows `needs_review` and says why. A person's answer
 * promotes the job, which then applies the answer at once.
 *
 * Every write goes through the file lock and the artifact store's version check, merging against
 * the file as it is *now*, so two arbitrations of one file cannot lose each other's edits.
 */
import { DelayedError, type Job } from 'bullmq';
import type { Conflict } from '../db/prisma-types.js';
import type { ArbitrationJobData } from '../../queues/job-catalog.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import { RunCancelledError } from '../engine/project-service.js';
import { threeWayMerge } from './three-way-merge.js';

export interface ArbitrationResult {
  conflictId: string;
  /** `superseded`: the job belongs to an earlier run of the project; the current run arbitrates. */
  status: 'resolved' | 'superseded';
  strategy: string;
}

export async function runArbitration(deps: EngineDeps, job: Job<ArbitrationJobData>, token: string, data: ArbitrationJobData): Promise<ArbitrationResult> {
  if (await deps.state.isCancelled(data.projectId, data.runId)) throw new RunCancelledError();
  const project = await deps.prisma.project.findUniqueOrThrow({ where: { id: data.projectId }, select: { runId: true } });
  if (project.runId !== data.runId) return { conflictId: data.conflictId, status: 'superseded', strategy: 'none' };
  const conflict = await deps.prisma.conflict.findUniqueOrThrow({ where: { id: data.conflictId } });
  if (conflict.status === 'resolved') return { conflictId: conflict.id, status: 'resolved', strategy: conflict.strategy ?? 'unknown' };
  if (conflict.status === 'resolving' && conflict.resolution !== null) {
    await applyContent(deps, conflict, conflict.resolution, conflict.strategy ?? 'manual', job.id ?? conflict.id);
    return { conflictId: conflict.id, status: 'resolved', strategy: conflict.strategy ?? 'manual' };
  }
  if (conflict.status === 'needs_review') return waitForReview(deps, job, token);

  const author = `arbitrator:three-way-merge`;
  const merged = await deps.locks.withLock(conflict.projectId, conflict.path ?? '', job.id ?? conflict.id, async (lock) => {
    const current = await deps.artifacts.current(conflict.projectId, conflict.path ?? '');
    const outcome = threeWayMerge(conflict.base ?? '', current?.content ?? '', conflict.theirs ?? '');
    if (!outcome.clean) return outcome;
    await deps.artifacts.write({
      projectId: conflict.projectId,
      path: conflict.path ?? '',
      content: outcome.content,
      baseVersion: current?.version ?? null,
      fenceToken: lock.token,
      author: `${author}:${conflict.id}`,
      stage: data.stage,
    });
    return outcome;
  });
  if (merged.clean) {
    await markResolved(deps, conflict, 'three-way-merge', merged.content);
    return { conflictId: conflict.id, status: 'resolved', strategy: 'three-way-merge' };
  }
  const lines = merged.regions.map((r) => r.baseLine).join(', ');
  const reason = `conflict on ${conflict.path}: ${conflict.raisedBy}'s edit overlaps another change near line ${lines}; it needs a person to resolve it`;
  await deps.prisma.conflict.update({ where: { id: conflict.id }, data: { status: 'needs_review', details: { reason, regions: merged.regions } } });
  const paused = await deps.prisma.project.updateMany({ where: { id: conflict.projectId, status: { in: ['running', 'queued'] } }, data: { status: 'needs_review', failureReason: reason } });
  await deps.state.set(conflict.projectId, { status: 'needs_review' });
  if (paused.count > 0) await deps.events.publish({ type: 'project.needs_review', projectId: conflict.projectId, data: { conflictId: conflict.id, path: conflict.path, reason } });
  return waitForReview(deps, job, token);
}

async function waitForReview(deps: EngineDeps, job: Job<ArbitrationJobData>, token: string): Promise<never> {
  await job.moveToDelayed(Date.now() + deps.limits.reviewPollMs, token);
  throw new DelayedError();
}

async function applyContent(deps: EngineDeps, conflict: Conflict, content: string, strategy: string, owner: string): Promise<void> {
  const path = conflict.path ?? '';
  await deps.locks.withLock(conflict.projectId, path, owner, async (lock) => {
    const current = await deps.artifacts.current(conflict.projectId, path);
    const stage = (await deps.prisma.stageRun.findUnique({ where: { id: conflict.stageRunId ?? '' }, select: { stage: true } }))?.stage ?? 0;
    await deps.artifacts.write({ projectId: conflict.projectId, path, content, baseVersion: current?.version ?? null, fenceToken: lock.token, author: `arbitrator:${strategy}:${conflict.id}`, stage });
  });
  await markResolved(deps, conflict, strategy, content);
}

async function markResolved(deps: EngineDeps, conflict: Conflict, strategy: string, resolution: string): Promise<void> {
  await deps.prisma.conflict.update({ where: { id: conflict.id }, data: { status: 'resolved', strategy, resolution, resolvedAt: new Date() } });
  await deps.events.publish({ type: 'conflict.resolved', projectId: conflict.projectId, data: { conflictId: conflict.id, path: conflict.path, strategy } });
}
