/**
 * The BudgetGuard of one agent attempt on one project: Redis decides (./project-budget.ts),
 * PostgreSQL records (./cost-ledger.ts).
 *
 * reserve  holds the worst case: the prompt estimate plus a safety margin (default +25 % + 32
 *          tokens: prompts are counted before the call with a tokenizer approximation), plus the
 *          full maxOutputTokens (providers enforce it, so output needs no margin).
 * settle   1. the ledger has a row for this call → it was settled before: return its charge and
 *             touch nothing (a retried job never charges a settled call twice); with
 *             `freshCallIds` a call's first settle skips this lookup;
 *          2. Redis settles atomically (itself idempotent per callId, so a settle retried after a
 *             crash between 2 and 3 gets the same charge back and does not charge again);
 *          3. one SQL statement inserts the ledger row (and adds it to AgentRun.costMicros; the
 *             project's spend is the sum of its ledger, not a counter on its row);
 *          4. `cost.updated` is published with the budget as strings.
 *          If it throws, call settle again with the same reservation (do not release it).
 * release  frees the reservation of a call that failed.
 *
 * With `spendCap` and a `userId`, every call is also held against the owner's monthly spending
 * cap (./user-spend.ts), in two atomic steps on two Redis slots (budget-scripts.ts explains why
 * no single script can do both): reserve holds the project's budget, then the month's cap, and
 * frees the project's hold when the cap refuses; settle charges both at once (one round trip),
 * each what its own budget allows, and lowers the higher charge to the lower (`adjust`); the
 * ledger row records that final charge, dated with the reservation's time (so in the month the
 * cap counted it). A refusal by the cap is reported as such (`lastRefusal`).
 *
 * Call ids are `<callKeyPrefix>:<n>`, n counting this guard's reservations: the prefix must be
 * unique per guard (e.g. `<jobId>#<attempt>`). A call id is also the ledger's idempotency key.
 */
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/prisma-types.js';
import { retryWhileDatabaseUnavailable } from '../db/database-outage.js';
import { prismaExecutor, type SqlExecutor } from '../db/sql-executor.js';
import type { Logger } from '../logging/logger.js';
import type { BudgetGuard, CallEstimate, RefusalScope, Reservation, SettledCall, SpendWindow } from '../models/budget-guard.js';
import type { TokenUsage } from '../models/provider.js';
import { recordCall, recordedCost } from './cost-ledger.js';
import { createPriceTable, type PriceTable } from './pricing.js';
import { loadBudgetFromDatabase, ProjectBudget, type BudgetSnapshot, type ProjectBudgetOptions } from './project-budget.js';
import { loadUserSpendFromDatabase, spendWindow, UserSpend, type SpendCapConfig } from './user-spend.js';

/** The one event the guard publishes, a subset of the engine's event schema. */
interface CostUpdatedEvent {
  type: 'cost.updated';
  projectId: string;
  data: Record<string, string>;
}

export interface InputMargin {
  /** Fraction added to the estimated prompt tokens. */
  ratio: number;
  /** Tokens added on top (message framing, tool preambles). */
  tokens: number;
}

export const DEFAULT_INPUT_MARGIN: InputMargin = { ratio: 0.25, tokens: 32 };

export interface BudgetGuardOptions {
  prisma: PrismaClient;
  /** Plain SQL for the ledger (Database.sql); default: the same statements through Prisma's raw API. */
  sql?: SqlExecutor;
  redis: Redis;
  namespace?: string;
  projectId: string;
  userId?: string | null;
  agentRunId?: string | null;
  /** Unique per guard, e.g. `<jobId>#<attempt>`. */
  callKeyPrefix: string;
  /**
   * No other guard ever used this prefix (it names one delivery of one job), so a call's first
   * settle cannot find a ledger row and skips the lookup; a settle tried again still looks.
   */
  freshCallIds?: boolean;
  /** Where `cost.updated` goes (the engine's event bus); declared here so economics needs no engine types. */
  events?: { publish(event: CostUpdatedEvent): Promise<unknown> };
  /** Default: the built-in table without overrides; pass `createPriceTable(env.MODEL_PRICES)`. */
  prices?: PriceTable;
  inputMargin?: InputMargin;
  reservationTtlMs?: ProjectBudgetOptions['reservationTtlMs'];
  /** Hold every call against the owner's (`userId`) monthly spending cap too; default: no cap. */
  spendCap?: SpendCapConfig;
  /** The clock that dates reservations (and so picks the cap's month); default `new Date()`. */
  now?: () => Date;
  logger?: Logger;
}

export interface ProjectBudgetGuard extends BudgetGuard {
  readonly projectId: string;
  /** What `reserve` would hold for this estimate. */
  worstCaseMicros(estimate: CallEstimate): bigint;
  /** The budget now (created from PostgreSQL if Redis has none). */
  snapshot(): Promise<BudgetSnapshot>;
}

/** The cost.updated event's data: money as strings (BigInt does not survive JSON). */
export function budgetEventData(snapshot: BudgetSnapshot): Record<string, string> {
  return {
    spentMicros: snapshot.spentMicros.toString(),
    budgetMicros: snapshot.limitMicros.toString(),
    reservedMicros: snapshot.reservedMicros.toString(),
  };
}

export function createBudgetGuard(options: BudgetGuardOptions): ProjectBudgetGuard {
  const { prisma, projectId } = options;
  const sql = options.sql ?? prismaExecutor(prisma);
  const prices = options.prices ?? createPriceTable();
  const margin = options.inputMargin ?? DEFAULT_INPUT_MARGIN;
  const budget = new ProjectBudget(options.redis, projectId, {
    namespace: options.namespace,
    reservationTtlMs: options.reservationTtlMs,
    load: () => loadBudgetFromDatabase(prisma, projectId),
  });
  const { userId, spendCap } = options;
  const now = options.now ?? (() => new Date());
  const accountMonth = (window: SpendWindow): UserSpend | undefined =>
    userId && spendCap
      ? new UserSpend(options.redis, userId, window, { namespace: options.namespace, reservationTtlMs: options.reservationTtlMs, load: () => loadUserSpendFromDatabase(prisma, userId, window, spendCap) })
      : undefined;
  let calls = 0;
  let refusal: RefusalScope | undefined;
  const settling = new Set<string>();

  const worstCaseMicros = (estimate: CallEstimate): bigint => {
    const inputTokens = Math.ceil(estimate.inputTokens * (1 + margin.ratio)) + margin.tokens;
    return prices.costMicros(estimate.model, { inputTokens, outputTokens: estimate.maxOutputTokens }, estimate.provider);
  };

  const publish = async (snapshot: BudgetSnapshot, call: Record<string, string>): Promise<void> => {
    if (!options.events) return;
    try {
      await options.events.publish({ type: 'cost.updated', projectId, data: { ...budgetEventData(snapshot), ...call } });
    } catch (error) {
      // The charge is recorded; a lost progress event must not fail the call.
      options.logger?.warn('cost.updated not published', { projectId, error: error instanceof Error ? error.message : String(error) });
    }
  };

  /**
   * The project and the cap settle at once (their scripts leave in one write), each charging what
   * its own budget allows; the one that charged more gives the difference back (`adjust` only
   * lowers), so both end with the lower charge. A settle tried again finds its earlier charges
   * (scripts idempotent per callId) and ends the same way.
   */
  const chargeBoth = async (reservation: Reservation, listCostMicros: bigint): Promise<{ status: 'settled' | 'duplicate'; chargedMicros: bigint; snapshot: BudgetSnapshot }> => {
    const account = reservation.accountWindow && accountMonth(reservation.accountWindow);
    if (!account) return budget.settle(reservation.callId, listCostMicros);
    const [settled, capped] = await Promise.all([budget.settle(reservation.callId, listCostMicros), account.settle(reservation.callId, listCostMicros)]);
    const chargedMicros = capped.chargedMicros < settled.chargedMicros ? capped.chargedMicros : settled.chargedMicros;
    const [snapshot] = await Promise.all([
      settled.chargedMicros > chargedMicros ? budget.adjust(reservation.callId, chargedMicros) : settled.snapshot,
      capped.chargedMicros > chargedMicros ? account.adjust(reservation.callId, chargedMicros) : undefined,
    ]);
    return { status: settled.status, chargedMicros, snapshot };
  };

  return {
    projectId,
    worstCaseMicros,

    async reserve(estimate: CallEstimate): Promise<Reservation | undefined> {
      calls += 1;
      const callId = `${options.callKeyPrefix}:${calls}`;
      const amountMicros = worstCaseMicros(estimate);
      const reservedAt = now();
      refusal = undefined;
      const outcome = await budget.reserve(callId, amountMicros);
      if (outcome.status !== 'reserved') {
        refusal = 'budget';
        return undefined;
      }
      const window = spendWindow(reservedAt);
      const account = accountMonth(window);
      if (account) {
        // The project's hold is given back unless the cap holds the call too (also when asking threw).
        const held = await account.reserve(callId, amountMicros).catch(async (error: unknown) => {
          await budget.release(callId);
          throw error;
        });
        if (held.status !== 'reserved') {
          await budget.release(callId);
          refusal = 'account_cap';
          return undefined;
        }
      }
      return { callId, provider: estimate.provider, model: estimate.model, amountMicros, reservedAt, accountWindow: account ? window : undefined };
    },

    lastRefusal: () => refusal,

    async settle(reservation: Reservation, usage: TokenUsage, latencyMs: number): Promise<SettledCall> {
      const listCostMicros = prices.costMicros(reservation.model, usage, reservation.provider);
      // A settle tried again (it threw before) looks in the ledger: its first try may have written the row.
      const firstSettle = !settling.has(reservation.callId);
      settling.add(reservation.callId);
      const recorded = firstSettle && options.freshCallIds ? undefined : await recordedCost(sql, reservation.callId);
      if (recorded !== undefined) return { costMicros: recorded, listCostMicros, duplicate: true };

      const settled = await chargeBoth(reservation, listCostMicros);
      // Redis has charged the call by now: a ledger write cut off by a database restart is written
      // again (it is idempotent) rather than thrown away, which would leave the charge unrecorded
      // and have a retried job pay for the model once more.
      const { inserted } = await retryWhileDatabaseUnavailable(() => recordCall(sql, {
        idempotencyKey: reservation.callId,
        projectId,
        userId: options.userId,
        agentRunId: options.agentRunId,
        provider: reservation.provider,
        model: reservation.model,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costMicros: settled.chargedMicros,
        latencyMs,
        createdAt: reservation.reservedAt,
      }));
      if (settled.chargedMicros < listCostMicros && settled.status === 'settled') {
        options.logger?.warn('call cost more than the budget had left; the rest is absorbed', {
          projectId,
          callId: reservation.callId,
          listCostMicros: listCostMicros.toString(),
          chargedMicros: settled.chargedMicros.toString(),
          reservedMicros: reservation.amountMicros.toString(),
        });
      }
      if (inserted) await publish(settled.snapshot, { model: reservation.model, costMicros: settled.chargedMicros.toString() });
      return { costMicros: settled.chargedMicros, listCostMicros, duplicate: !inserted };
    },

    async release(reservation: Reservation): Promise<void> {
      const account = reservation.accountWindow && accountMonth(reservation.accountWindow);
      await Promise.all([budget.release(reservation.callId), account?.release(reservation.callId)]);
    },

    async snapshot(): Promise<BudgetSnapshot> {
      return budget.current();
    },
  };
}
