/**
 * A person's answer to a conflict that needs review: take ours (the file as it is; for a design or
 * requirement conflict, the first side), take theirs (the colliding edit, the other side), or
 * supply the content (a design or requirement answer must be a valid record for its topic). The answer is stored on the conflict and its
 * arbitration job is promoted, so it is applied at once by whichever arbitrator picks it up.
 */
import { ARBITRATION_QUEUE } from '../../queues/job-catalog.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/app-error.js';
import type { EngineDeps, RunRecordDeps, StoreDeps, WorkspaceDeps } from '../engine/engine-deps.js';
import { jobIds } from '../engine/job-ids.js';
import { isBudgetConflict } from '../engine/conflicts/budget-conflict-kind.js';
import { isRecordConflict, validateRecordProposal } from './record-proposals.js';

export type ReviewAnswer = { take: 'ours' | 'theirs' } | { content: string };

export async function resolveConflict(deps: StoreDeps & WorkspaceDeps & RunRecordDeps & Pick<EngineDeps, 'queues'>, projectId: string, conflictId: string, answer: ReviewAnswer): Promise<void> {
  const conflict = await deps.prisma.conflict.findFirst({ where: { id: conflictId, projectId } });
  if (!conflict) throw new NotFoundError('conflict');
  if (isBudgetConflict(conflict)) throw new ConflictError('a budget conflict is settled by raising the project budget and resuming the project');
  if (conflict.status !== 'needs_review') throw new ConflictError(`conflict is ${conflict.status}, not waiting for review`);
  let content: string;
  if ('content' in answer) content = answer.content;
  else if (answer.take === 'theirs') content = conflict.theirs ?? '';
  else if (conflict.path === null) content = conflict.ours ?? '';
  else {
    const current = await deps.artifacts.current(projectId, conflict.path);
    content = current?.content ?? conflict.ours ?? '';
  }
  if (content.length > 1_000_000) throw new ValidationError('content: larger than 1 MB', { field: 'content' });
  if (isRecordConflict(conflict)) {
    // A reviewer may state any choice, but it must be a record of the conflict's type and topic.
    const checked = validateRecordProposal(conflict, content, { maxBytes: 1_000_000, fromModel: false });
    if (!checked.ok) throw new ValidationError(`content: ${checked.reason}`, { field: 'content' });
    content = checked.canonical ?? content;
  }
  const claimed = await deps.prisma.conflict.updateMany({
    where: { id: conflictId, status: 'needs_review' },
    data: { status: 'resolving', strategy: 'manual', resolution: content },
  });
  if (claimed.count === 0) throw new ConflictError('conflict was answered already');
  const stillWaiting = await deps.prisma.conflict.count({ where: { projectId, status: 'needs_review' } });
  if (stillWaiting === 0) {
    await deps.lifecycle.apply(projectId, 'resume-from-review');
  }
  const project = await deps.prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: { runId: true } });
  const job = await deps.queues.get(ARBITRATION_QUEUE).getJob(jobIds.arbitration(projectId, project.runId ?? '', conflictId));
  if (job && (await job.isDelayed())) await job.promote();
}
