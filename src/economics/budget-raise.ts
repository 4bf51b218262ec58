/**
 * Changing a project's budget (a user raising it after `budget_exhausted`; lowering is allowed
 * down to what is spent and reserved). The new limit is checked and set in Redis by the atomic
 * raise script while the project's row is locked in PostgreSQL, so concurrent changes apply in
 * one order in both stores; Project.budgetMicros is written in the same transaction. Resuming
 * the project is the caller's business (ProjectService.resume).
 */
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/prisma-types.js';
import { NotFoundError, ValidationError } from '../errors/app-error.js';
import { microsToUsd } from './pricing.js';
import { loadBudgetFromDatabase, ProjectBudget, type BudgetSnapshot } from './project-budget.js';

export interface RaiseBudgetInput {
  prisma: PrismaClient;
  redis: Redis;
  namespace?: string;
  projectId: string;
  budgetMicros: bigint;
}

export async function raiseProjectBudget({ prisma, redis, namespace, projectId, budgetMicros }: RaiseBudgetInput): Promise<BudgetSnapshot> {
  if (budgetMicros <= 0n) throw new ValidationError('budget must be positive', { field: 'budgetUsd' });
  const budget = new ProjectBudget(redis, projectId, { namespace, load: () => loadBudgetFromDatabase(prisma, projectId) });
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Project" WHERE "id" = ${projectId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw new NotFoundError('project');
    const { ok, snapshot } = await budget.raise(budgetMicros);
    if (!ok) {
      const floor = snapshot.spentMicros + snapshot.reservedMicros;
      throw new ValidationError(`budget must be at least $${microsToUsd(floor)} (spent $${microsToUsd(snapshot.spentMicros)}, reserved by calls in flight $${microsToUsd(snapshot.reservedMicros)})`, {
        field: 'budgetUsd',
        spentMicros: snapshot.spentMicros.toString(),
        reservedMicros: snapshot.reservedMicros.toString(),
      });
    }
    await tx.project.update({ where: { id: projectId }, data: { budgetMicros } });
    return snapshot;
  });
}
