/**
 * A budget on Redis: {limit, spent, reserved, absorbed} in integer micro-dollars under one base
 * key (and three companions), changed only by the atomic Lua scripts of ./budget-scripts.ts
 * (their header states the keys, the arguments and the invariant spent + reserved ≤ limit).
 * Two kinds exist: a project's budget (./project-budget.ts) and an account's monthly spending
 * cap (./user-spend.ts). Each keeps its four keys under one hash tag, so every script touches a
 * single Redis Cluster slot.
 *
 * A budget missing from Redis (new, expired keys, Redis lost its data) is created from its
 * `load` source (PostgreSQL) on first use, HSETNX-like: of two processes initialising at once the
 * first wins and the second changes nothing. `rebuild` replaces it outright and forgets the
 * reservations in flight (their settles are then charged as far as the budget allows).
 */
import type { Redis } from 'ioredis';
import { runScript } from '../redis/run-script.js';
import { ADJUST_SCRIPT, EXTEND_SCRIPT, INIT_SCRIPT, RAISE_SCRIPT, RELEASE_SCRIPT, RESERVE_SCRIPT, SET_LIMIT_SCRIPT, SETTLE_SCRIPT, SNAPSHOT_SCRIPT } from './budget-scripts.js';

export interface BudgetSnapshot {
  limitMicros: bigint;
  spentMicros: bigint;
  reservedMicros: bigint;
  /** Real cost that could not be charged because the budget was full (see budget-scripts.ts). */
  absorbedMicros: bigint;
  /** limit − spent − reserved: what a new reservation may take (negative after a cap was lowered below it). */
  availableMicros: bigint;
}

export type ReserveOutcome = { status: 'reserved' | 'refused' | 'already_settled'; snapshot: BudgetSnapshot; /** What the call holds now. */ heldMicros: bigint };

export interface SettleOutcome {
  /** `duplicate`: this call was settled before; nothing changed and `chargedMicros` is the earlier charge. */
  status: 'settled' | 'duplicate';
  chargedMicros: bigint;
  /** The reservation the settle freed (0 when it had expired or was never made). */
  heldMicros: bigint;
  snapshot: BudgetSnapshot;
}

export interface BudgetSource {
  limitMicros: bigint;
  spentMicros: bigint;
}

export interface AtomicBudgetOptions {
  /** How long a reservation holds money if its caller never settles nor releases it (crash). Default 15 min. */
  reservationTtlMs?: number;
  /** Idle time after which the keys expire (and are re-created from PostgreSQL on next use). Default 7 days. */
  keyTtlSeconds?: number;
  /** Where a missing budget is initialised from; default: none (a missing budget throws). */
  load?: () => Promise<BudgetSource>;
}

export class BudgetNotInitializedError extends Error {
  constructor(what: string) {
    super(`${what} has no budget in Redis and no source to create it from`);
    this.name = 'BudgetNotInitializedError';
  }
}

export const MAX_AMOUNT_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

function amountArg(value: bigint, what: string): string {
  if (value < 0n || value > MAX_AMOUNT_MICROS) throw new RangeError(`${what} must be between 0 and ${MAX_AMOUNT_MICROS} micro-dollars, got ${value}`);
  return value.toString();
}

type Reply = (string | number)[];

const big = (value: string | number | undefined): bigint => BigInt(value ?? 0);

function snapshotOf(reply: Reply, from: number): BudgetSnapshot {
  const [limitMicros, spentMicros, reservedMicros, absorbedMicros] = [big(reply[from]), big(reply[from + 1]), big(reply[from + 2]), big(reply[from + 3])];
  return { limitMicros, spentMicros, reservedMicros, absorbedMicros, availableMicros: limitMicros - spentMicros - reservedMicros };
}

async function run(redis: Redis, script: string, keys: string[], args: string[]): Promise<Reply> {
  return (await runScript(redis, script, keys, args)) as Reply;
}

export class AtomicBudget {
  readonly keys: [string, string, string, string];
  private readonly reservationTtlMs: number;
  private readonly keyTtlSeconds: number;

  /** `baseKey` must carry the hash tag its companions share; `label` names the budget in errors. */
  constructor(
    private readonly redis: Redis,
    baseKey: string,
    private readonly label: string,
    private readonly options: AtomicBudgetOptions = {},
  ) {
    this.keys = [baseKey, `${baseKey}:reservations`, `${baseKey}:deadlines`, `${baseKey}:settled`];
    this.reservationTtlMs = options.reservationTtlMs ?? 15 * 60_000;
    this.keyTtlSeconds = options.keyTtlSeconds ?? 7 * 24 * 3600;
  }

  /** Creates the budget unless it exists; true when this call created it. */
  async init(source: BudgetSource): Promise<boolean> {
    const reply = await run(this.redis, INIT_SCRIPT, this.keys, [amountArg(source.limitMicros, 'limit'), amountArg(source.spentMicros, 'spent'), String(this.keyTtlSeconds), '0']);
    return Number(reply[1]) === 1;
  }

  /** Replaces the budget with `source` (reservations and the settled set are dropped). */
  async rebuild(source: BudgetSource): Promise<BudgetSnapshot> {
    await run(this.redis, INIT_SCRIPT, this.keys, [amountArg(source.limitMicros, 'limit'), amountArg(source.spentMicros, 'spent'), String(this.keyTtlSeconds), '1']);
    return this.snapshotOrThrow();
  }

  /**
   * Holds `amountMicros` for `callId` if spent + reserved + amount ≤ limit; with `minimumMicros`,
   * holds what is free up to the amount when that is at least the minimum. Idempotent per callId.
   */
  async reserve(callId: string, amountMicros: bigint, minimumMicros?: bigint): Promise<ReserveOutcome> {
    const args = [callId, amountArg(amountMicros, 'amount'), String(this.reservationTtlMs), String(this.keyTtlSeconds)];
    if (minimumMicros !== undefined) args.push(amountArg(minimumMicros < amountMicros ? minimumMicros : amountMicros, 'minimum'));
    const reply = await this.withBudget(RESERVE_SCRIPT, args);
    const code = Number(reply[0]);
    return { status: code === 1 ? 'reserved' : code === 2 ? 'already_settled' : 'refused', snapshot: snapshotOf(reply, 1), heldMicros: big(reply[5]) };
  }

  /** Adds `extraMicros` to the reservation of a call in flight if it fits; false when it does not (or the call holds nothing). */
  async extend(callId: string, extraMicros: bigint): Promise<{ ok: boolean; snapshot: BudgetSnapshot }> {
    const reply = await this.withBudget(EXTEND_SCRIPT, [callId, amountArg(extraMicros, 'extra'), String(this.keyTtlSeconds)]);
    return { ok: Number(reply[0]) === 1, snapshot: snapshotOf(reply, 1) };
  }

  /** Frees the call's reservation and charges its real cost, capped so that spent never exceeds limit. */
  async settle(callId: string, actualMicros: bigint): Promise<SettleOutcome> {
    const reply = await this.withBudget(SETTLE_SCRIPT, [callId, amountArg(actualMicros, 'cost'), String(this.keyTtlSeconds)]);
    return { status: Number(reply[0]) === 1 ? 'settled' : 'duplicate', chargedMicros: big(reply[1]), heldMicros: big(reply[6]), snapshot: snapshotOf(reply, 2) };
  }

  /**
   * Lowers a settled call's charge to `chargedMicros` (another budget charged less for the same
   * call); the difference moves from spent to absorbed. Idempotent; never raises a charge.
   */
  async adjust(callId: string, chargedMicros: bigint): Promise<BudgetSnapshot> {
    const reply = await this.withBudget(ADJUST_SCRIPT, [callId, amountArg(chargedMicros, 'charge'), String(this.keyTtlSeconds)]);
    return snapshotOf(reply, 1);
  }

  /** Frees the call's reservation; false when it held nothing (already freed, settled or expired). */
  async release(callId: string): Promise<boolean> {
    const reply = await run(this.redis, RELEASE_SCRIPT, this.keys, [callId]);
    return Number(reply[0]) === 1;
  }

  /** Sets a new limit; refused (`ok: false`) below what is spent and reserved. */
  async raise(limitMicros: bigint): Promise<{ ok: boolean; snapshot: BudgetSnapshot }> {
    const reply = await this.withBudget(RAISE_SCRIPT, [amountArg(limitMicros, 'limit'), String(this.keyTtlSeconds)]);
    return { ok: Number(reply[0]) === 1, snapshot: snapshotOf(reply, 1) };
  }

  /** Sets a new limit unconditionally, also below what is spent and reserved (an admin's cap). */
  async setLimit(limitMicros: bigint): Promise<BudgetSnapshot> {
    const reply = await this.withBudget(SET_LIMIT_SCRIPT, [amountArg(limitMicros, 'limit'), String(this.keyTtlSeconds)]);
    return snapshotOf(reply, 1);
  }

  async snapshot(): Promise<BudgetSnapshot | undefined> {
    const reply = await run(this.redis, SNAPSHOT_SCRIPT, this.keys, []);
    return Number(reply[0]) === 1 ? snapshotOf(reply, 1) : undefined;
  }

  /** The budget now, created from its source if Redis has none. */
  async current(): Promise<BudgetSnapshot> {
    const existing = await this.snapshot();
    if (existing) return existing;
    if (!this.options.load) throw new BudgetNotInitializedError(this.label);
    await this.init(await this.options.load());
    return this.snapshotOrThrow();
  }

  private async snapshotOrThrow(): Promise<BudgetSnapshot> {
    const snapshot = await this.snapshot();
    if (!snapshot) throw new BudgetNotInitializedError(this.label);
    return snapshot;
  }

  /** Runs a script; when the budget is missing, initialises it from the source and runs it again. */
  private async withBudget(script: string, args: string[]): Promise<Reply> {
    const reply = await run(this.redis, script, this.keys, args);
    if (Number(reply[0]) !== -1) return reply;
    if (!this.options.load) throw new BudgetNotInitializedError(this.label);
    await this.init(await this.options.load());
    const again = await run(this.redis, script, this.keys, args);
    if (Number(again[0]) === -1) throw new BudgetNotInitializedError(this.label);
    return again;
  }
}
