/**
 * A budget conflict (the budget refused a critical agent, src/engine/conflicts/resource-conflicts.ts)
 * is a decision about money, which no strategy may take for the owner: the merge and the models
 * do not apply, and "human review" is the budget flow that already exists — the project stops as
 * budget_exhausted; its owner raises the budget and resumes it (or cancels).
 *
 *   project still budget_exhausted → the conflict waits as needs_review and the job ends ('deferred');
 *       the stage then fails for its critical agent, as a budget stop always did;
 *   the project runs again (resumed) → the resumed stage re-queues the conflict, which resolves as
 *       `manual` with the budget the owner set; the stage re-runs the agent meanwhile.
 */
import type { Conflict } from '../db/prisma-types.js';
import type { BudgetDeps, BusDeps, EngineDeps, ModelDeps, StoreDeps, WorkspaceDeps } from '../engine/engine-deps.js';
import { microsToUsd } from '../economics/pricing.js';
import type { ArbitrationServices } from './arbitration-services.js';
import { recordAttempt } from './attempt-log.js';
import { markResolved } from './strategy-chain.js';


export async function settleBudgetConflict(deps: StoreDeps & BusDeps & WorkspaceDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'logger'>, services: ArbitrationServices, conflict: Conflict): Promise<'resolved' | 'deferred'> {
  const project = await deps.prisma.project.findUniqueOrThrow({ where: { id: conflict.projectId }, select: { status: true, budgetMicros: true } });
  if (project.status === 'budget_exhausted') {
    const reason = `the budget refused ${conflict.raisedBy}, a critical agent: raise the budget and resume the project`;
    const waiting = await deps.prisma.conflict.updateMany({ where: { id: conflict.id, status: 'open' }, data: { status: 'needs_review', details: { ...(conflict.details as object | null), reason } } });
    if (waiting.count > 0) await recordAttempt(deps, services, { conflictId: conflict.id, type: conflict.type, strategy: 'human', outcome: 'needs_review' });
    return 'deferred';
  }
  const resolution = JSON.stringify({ decision: 'budget raised and project resumed', budgetUsd: microsToUsd(project.budgetMicros), retried: conflict.raisedBy });
  await recordAttempt(deps, services, { conflictId: conflict.id, type: conflict.type, strategy: 'human', outcome: 'resolved' });
  await markResolved(deps, services, conflict, 'manual', resolution);
  return 'resolved';
}
