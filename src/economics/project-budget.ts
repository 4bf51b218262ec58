/**
 * One project's budget on Redis (an ./atomic-budget.ts under the project's hash tag
 * `{projectId}`): {limit, spent, reserved, absorbed} in integer micro-dollars, changed only by
 * the atomic Lua scripts of ./budget-scripts.ts.
 *
 * PostgreSQL holds the truth: limit = Project.budgetMicros, spent = the sum of the project's cost
 * ledger. A budget missing from Redis is created from there on first use; `rebuild` replaces it
 * outright and forgets reservations in flight, so run it while the project is idle.
 */
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/prisma-types.js';
import { projectKeys } from '../redis/keys.js';
import { AtomicBudget, type AtomicBudgetOptions, type BudgetSource } from './atomic-budget.js';

export { BudgetNotInitializedError, type BudgetSnapshot, type BudgetSource } from './atomic-budget.js';

export interface ProjectBudgetOptions extends AtomicBudgetOptions {
  namespace?: string;
}

export class ProjectBudget extends AtomicBudget {
  constructor(
    redis: Redis,
    readonly projectId: string,
    options: ProjectBudgetOptions = {},
  ) {
    super(redis, projectKeys(projectId, options.namespace).budget, `project ${projectId}`, options);
  }
}

/** The budget as PostgreSQL knows it: the project's limit and the sum of its cost ledger. */
export async function loadBudgetFromDatabase(prisma: PrismaClient, projectId: string): Promise<BudgetSource> {
  const [project, ledger] = await Promise.all([
    prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: { budgetMicros: true } }),
    prisma.costLedgerEntry.aggregate({ where: { projectId }, _sum: { costMicros: true } }),
  ]);
  return { limitMicros: project.budgetMicros, spentMicros: ledger._sum.costMicros ?? 0n };
}
