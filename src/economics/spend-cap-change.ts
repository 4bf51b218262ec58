/**
 * An admin changing an account's spending cap (`zekka users cap`). As with a project's budget
 * (./budget-raise.ts), the user's row is locked in PostgreSQL while the current month's limit is
 * set in Redis, and User.spendCapMicros and the audit entry are written in the same transaction:
 * concurrent changes apply in one order in both stores. The month is created from PostgreSQL
 * first when Redis has none, so a guard initialising it at the same moment cannot leave the old
 * cap behind (its HSETNX-like init finds the month existing and changes nothing).
 *
 * Lowering below what the month has spent is allowed: it is how an admin stops an account now.
 * Calls in flight are still charged what they reserved (budget-scripts.ts, setlimit).
 */
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/prisma-types.js';
import { NotFoundError } from '../errors/app-error.js';
import type { BudgetSnapshot } from './atomic-budget.js';
import { effectiveCap, loadUserSpendFromDatabase, NO_CAP_MICROS, spendWindow, UserSpend, type SpendCapConfig } from './user-spend.js';

export interface SpendCapChange {
  prisma: PrismaClient;
  redis: Redis;
  namespace?: string;
  userId: string;
  /** The account's own cap; null: back to the configured default. */
  capMicros: bigint | null;
  config: SpendCapConfig;
  now?: Date;
}

export interface SpendCapChanged {
  from: bigint | null;
  to: bigint | null;
  /** The current month on Redis after the change. */
  month: BudgetSnapshot;
}

export async function setUserSpendCap({ prisma, redis, namespace, userId, capMicros, config, now = new Date() }: SpendCapChange): Promise<SpendCapChanged> {
  const window = spendWindow(now);
  const spend = new UserSpend(redis, userId, window, { namespace, load: () => loadUserSpendFromDatabase(prisma, userId, window, config) });
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ spendCapMicros: bigint | null }[]>`SELECT "spendCapMicros" FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
    const row = locked[0];
    if (!row) throw new NotFoundError('user');
    const from = row.spendCapMicros;
    const month = await spend.setLimit(effectiveCap(capMicros, config) ?? NO_CAP_MICROS);
    await tx.user.update({ where: { id: userId }, data: { spendCapMicros: capMicros } });
    await tx.auditLogEntry.create({
      data: { actorId: null, action: 'user.spend_cap_changed', targetType: 'user', targetId: userId, details: { from: from?.toString() ?? null, to: capMicros?.toString() ?? null, via: 'cli' } },
    });
    return { from, to: capMicros, month };
  });
}
