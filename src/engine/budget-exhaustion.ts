/**
 * A project whose budget cannot pay for the next call stops as `budget_exhausted`, saying where it
 * stopped and how much was spent; it resumes (from the unfinished stage) once the budget is raised.
 * When the owner's monthly spending cap refused the call (`limit: 'account_cap'`), the status is
 * the same but the reason names the account's cap, since raising the project's budget won't help.
 */
import { getStage } from '../agents/stages.js';
import { projectSpent } from '../economics/cost-ledger.js';
import { microsToUsd } from '../economics/pricing.js';
import type { EngineDeps, RunRecordDeps, StoreDeps } from './engine-deps.js';

export async function markBudgetExhausted(
  deps: StoreDeps & RunRecordDeps & Pick<EngineDeps, 'logger'>,
  where: { projectId: string; runId: string; stage: number; agentName: string; detail: string; limit?: 'budget' | 'account_cap' },
): Promise<void> {
  const { projectId, stage } = where;
  const [{ budgetMicros }, spentMicros] = await Promise.all([
    deps.prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: { budgetMicros: true } }),
    projectSpent(deps.sql, projectId),
  ]);
  const at = `at stage ${stage} ${getStage(stage).name} (${where.agentName})`;
  const reason =
    where.limit === 'account_cap'
      ? `account spending cap reached ${at}: ${where.detail}. The cap renews on the 1st of the month (UTC), or an admin raises it (zekka users cap); then resume the project.`
      : `budget exhausted ${at}: spent $${microsToUsd(spentMicros).toFixed(4)} ` +
        `of $${microsToUsd(budgetMicros).toFixed(4)}; ${where.detail}. Raise the budget and resume the project.`;
  // Only the run that hit the limit stops the project: a late agent of an older run changes nothing.
  const stopped = await deps.lifecycle.apply(projectId, 'exhaust-budget', {
    runId: where.runId,
    reason,
    event: { stage, agent: where.agentName, reason, limit: where.limit ?? 'budget', spentMicros: spentMicros.toString(), budgetMicros: budgetMicros.toString() },
  });
  if (!stopped) return;
  deps.logger.warn('project budget exhausted', { projectId, stage, reason });
}
