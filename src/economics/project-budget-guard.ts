/**
 * The BudgetGuard of one agent attempt on one project: Redis decides (./project-budget.ts),
 * PostgreSQL records (./cost-ledger.ts).
 *
 * reserve  holds the prompt estimate plus a safety margin (default +25 % + 32 tokens: prompts are
 *          counted before the call with a tokenizer approximation), plus the output:
 *          - with a `purpose` (the agent role): the output it is expected to write, from that
 *            purpose's recent output sizes on this model (./output-history.ts; the full
 *            maxOutputTokens when there is none yet), or, near the end of the budget, whatever
 *            is free as long as it pays for a quarter of that (at least 64 tokens) and no other
 *            call holds a reservation — so the last cents are spent, not stranded. A refusal
 *            while other calls hold reservations says so (`refusalMayClear`): the router waits. The reservation says how many output tokens it pays
 *            for and the most the call may write (held + free then, within maxOutputTokens);
 *          - without: the full maxOutputTokens (providers enforce it, so output needs no margin).
 * extend   holds more for a call in flight whose streamed answer outgrows its hold (atomic: it
 *          fits what is left, or is refused and the caller stops the stream).
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
import { OutputHistory } from './output-history.js';
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

/** The least output a reservation near the end of the budget must pay for. */
const MIN_OUTPUT_TOKENS = 64;

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
  /** Where output sizes per purpose and model are kept; default: on `redis` under `namespace`. */
  outputHistory?: OutputHistory;
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
  const history = options.outputHistory ?? new OutputHistory(options.redis, { namespace: options.namespace });
  let calls = 0;
  let refusal: RefusalScope | undefined;
  let mayClear = false;
  const settling = new Set<string>();

  const promptTokens = (estimate: CallEstimate): number => Math.ceil(estimate.inputTokens * (1 + margin.ratio)) + margin.tokens;
  const costOf = (call: { provider: string; model: string }, inputTokens: number, outputTokens: number): bigint =>
    prices.costMicros(call.model, { inputTokens, outputTokens }, call.provider);
  /** The most output tokens (up to `most`) that `amount` pays for beside the prompt. */
  const outputTokensFor = (call: { provider: string; model: string }, inputTokens: number, amount: bigint, most: number): number => {
    if (costOf(call, inputTokens, most) <= amount) return most;
    let low = 0;
    let high = most;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (costOf(call, inputTokens, mid) <= amount) low = mid;
      else high = mid - 1;
    }
    return low;
  };

  const worstCaseMicros = (estimate: CallEstimate): bigint => costOf(estimate, promptTokens(estimate), estimate.maxOutputTokens);

  /** What to hold (and the least worth holding) for this estimate. */
  const sizeOf = async (estimate: CallEstimate): Promise<{ wanted: bigint; least?: bigint }> => {
    if (estimate.purpose === undefined) return { wanted: worstCaseMicros(estimate) };
    const inputTokens = promptTokens(estimate);
    const most = estimate.maxOutputTokens;
    const expected = Math.min(most, (await history.expected(estimate.purpose, estimate.provider, estimate.model)) ?? most);
    const least = Math.min(expected, Math.max(MIN_OUTPUT_TOKENS, Math.ceil(expected / 4)));
    return { wanted: costOf(estimate, inputTokens, expected), least: costOf(estimate, inputTokens, least) };
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

  /** The call's price had no prompt token come from or gone to a cache, minus its price. */
  const cacheSavings = (reservation: Reservation, usage: TokenUsage, listCostMicros: bigint): bigint => {
    if (!usage.cacheReadTokens && !usage.cacheWriteTokens) return 0n;
    return prices.costMicros(reservation.model, { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }, reservation.provider) - listCostMicros;
  };

  return {
    projectId,
    worstCaseMicros,

    async reserve(estimate: CallEstimate): Promise<Reservation | undefined> {
      calls += 1;
      const callId = `${options.callKeyPrefix}:${calls}`;
      const { wanted, least } = await sizeOf(estimate);
      const reservedAt = now();
      refusal = undefined;
      mayClear = false;
      const outcome = await budget.reserve(callId, wanted, least);
      if (outcome.status !== 'reserved') {
        refusal = 'budget';
        mayClear = outcome.snapshot.reservedMicros > 0n;
        return undefined;
      }
      const amountMicros = outcome.heldMicros;
      const inputTokens = promptTokens(estimate);
      const free = outcome.snapshot.availableMicros > 0n ? outcome.snapshot.availableMicros : 0n;
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
      return {
        callId,
        provider: estimate.provider,
        model: estimate.model,
        amountMicros,
        inputTokens,
        outputTokens: outputTokensFor(estimate, inputTokens, amountMicros, estimate.maxOutputTokens),
        outputLimit: outputTokensFor(estimate, inputTokens, amountMicros + free, estimate.maxOutputTokens),
        purpose: estimate.purpose,
        reservedAt,
        accountWindow: account ? window : undefined,
      };
    },

    lastRefusal: () => refusal,
    refusalMayClear: () => mayClear,

    async extend(reservation: Reservation, outputTokens: number): Promise<boolean> {
      const inputTokens = reservation.inputTokens ?? 0;
      const target = Math.min(outputTokens, reservation.outputLimit ?? outputTokens);
      if (target < outputTokens) return false;
      const extra = costOf(reservation, inputTokens, target) - reservation.amountMicros;
      if (extra > 0n) {
        if (!(await budget.extend(reservation.callId, extra)).ok) return false;
        // The project's extra hold is freed with the rest at settle or release if the cap refuses.
        const account = reservation.accountWindow && accountMonth(reservation.accountWindow);
        if (account && !(await account.extend(reservation.callId, extra)).ok) return false;
        reservation.amountMicros += extra;
      }
      reservation.outputTokens = Math.max(reservation.outputTokens ?? 0, target);
      return true;
    },

    async settle(reservation: Reservation, usage: TokenUsage, latencyMs: number): Promise<SettledCall> {
      const listCostMicros = prices.costMicros(reservation.model, usage, reservation.provider);
      // A settle tried again (it threw before) looks in the ledger: its first try may have written the row.
      const firstSettle = !settling.has(reservation.callId);
      settling.add(reservation.callId);
      const recorded = firstSettle && options.freshCallIds ? undefined : await recordedCost(sql, reservation.callId);
      if (recorded !== undefined) return { costMicros: recorded, listCostMicros, duplicate: true };

      const settled = await chargeBoth(reservation, listCostMicros);
      if (reservation.purpose !== undefined && settled.status === 'settled') {
        // A lost sample only makes the next reservation of this purpose less well sized.
        await history.record(reservation.purpose, reservation.provider, reservation.model, usage.outputTokens).catch((error: unknown) => {
          options.logger?.warn('output size not recorded', { projectId, error: error instanceof Error ? error.message : String(error) });
        });
      }
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
        cacheReadTokens: usage.cacheReadTokens ?? 0,
        cacheWriteTokens: usage.cacheWriteTokens ?? 0,
        cacheSavingsMicros: cacheSavings(reservation, usage, listCostMicros),
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
