/**
 * An account's spending cap: what all of one user's projects may spend together in one calendar
 * month (UTC). Monthly, not lifetime: that is how paid model APIs bill and cap, so the number
 * means what operators and users expect ("$100 a month"), and a user who reached it waits for
 * the 1st (or asks an admin) instead of being locked out for good.
 *
 * The cap is User.spendCapMicros, or the configured default when that is null
 * (USER_SPEND_CAP_USD; `none` there means no default cap). On Redis each (user, month) is an
 * ./atomic-budget.ts under the user's hash tag: limit = the cap (no cap: 2^53 − 1 micro-dollars,
 * so spend is still counted), spent = the user's cost ledger rows dated in that month. A month
 * missing from Redis is created from PostgreSQL on first use, exactly like a project's budget.
 *
 * A call belongs to the month it was reserved in: the guard dates its ledger row with the
 * reservation's time (./project-budget-guard.ts), so the ledger's months and Redis' months
 * count the same calls even for a call in flight at midnight on the 1st.
 */
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/prisma-types.js';
import type { SpendWindow } from '../models/budget-guard.js';
import { userSpendKey } from '../redis/keys.js';
import { AtomicBudget, MAX_AMOUNT_MICROS, type AtomicBudgetOptions, type BudgetSource } from './atomic-budget.js';
import { usdToMicros } from './pricing.js';

/** The limit a month carries when the account has no cap: spend is counted, nothing is refused. */
export const NO_CAP_MICROS = MAX_AMOUNT_MICROS;

export function spendWindow(at: Date): SpendWindow {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  return { id: `${year}-${String(month + 1).padStart(2, '0')}`, start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
}

export interface SpendCapConfig {
  /** The cap of accounts without their own; null: no cap. */
  defaultMicros: bigint | null;
}

/** `USER_SPEND_CAP_USD` (a number of dollars, or `none`) as a SpendCapConfig. */
export function spendCapConfig(usd: number | 'none'): SpendCapConfig {
  return { defaultMicros: usd === 'none' ? null : usdToMicros(usd) };
}

/** The cap in force for an account: its own, else the default; null when there is none. */
export function effectiveCap(own: bigint | null, config: SpendCapConfig): bigint | null {
  return own ?? config.defaultMicros;
}

export interface UserSpendOptions extends AtomicBudgetOptions {
  namespace?: string;
}

export class UserSpend extends AtomicBudget {
  constructor(
    redis: Redis,
    readonly userId: string,
    readonly window: SpendWindow,
    options: UserSpendOptions = {},
  ) {
    super(redis, userSpendKey(userId, window.id, options.namespace), `account ${userId} (${window.id})`, options);
  }
}

/** The user's cap and the sum of their ledger rows dated in `window`. */
export async function loadUserSpendFromDatabase(prisma: PrismaClient, userId: string, window: SpendWindow, config: SpendCapConfig): Promise<BudgetSource> {
  const [user, spent] = await Promise.all([prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { spendCapMicros: true } }), ledgerSpend(prisma, userId, window)]);
  return { limitMicros: effectiveCap(user.spendCapMicros, config) ?? NO_CAP_MICROS, spentMicros: spent };
}

async function ledgerSpend(prisma: PrismaClient, userId: string, window: SpendWindow): Promise<bigint> {
  const sum = await prisma.costLedgerEntry.aggregate({ where: { userId, createdAt: { gte: window.start, lt: window.end } }, _sum: { costMicros: true } });
  return sum._sum.costMicros ?? 0n;
}

export interface AccountSpend {
  period: 'month';
  window: SpendWindow;
  /** null: no cap. */
  capMicros: bigint | null;
  /** Own: set by an admin for this account; default: USER_SPEND_CAP_USD. */
  capSource: 'own' | 'default';
  /** What the ledger holds for this month (calls in flight are not in it yet). */
  spentMicros: bigint;
  /** cap − spent, never below 0; null without a cap. */
  remainingMicros: bigint | null;
}

/** The account's month as PostgreSQL knows it (the ledger is the truth), for /api/costs. */
export async function accountSpend(prisma: PrismaClient, userId: string, config: SpendCapConfig, now: Date = new Date()): Promise<AccountSpend> {
  const window = spendWindow(now);
  const [user, spentMicros] = await Promise.all([prisma.user.findUnique({ where: { id: userId }, select: { spendCapMicros: true } }), ledgerSpend(prisma, userId, window)]);
  const own = user?.spendCapMicros ?? null;
  const capMicros = effectiveCap(own, config);
  const remainingMicros = capMicros === null ? null : capMicros > spentMicros ? capMicros - spentMicros : 0n;
  return { period: 'month', window, capMicros, capSource: own === null ? 'default' : 'own', spentMicros, remainingMicros };
}
