/**
 * The contract between the model router and the project's budget. Before each model call the
 * router reserves what the call is expected to cost (with `purpose`, from that purpose's history
 * of output sizes; without, the worst case); while the answer streams it extends the reservation
 * (`extend`) and stops the stream when that is refused; after it, it settles the real cost (or
 * releases the reservation when the call failed). The router owns this port; src/economics/ implements it on
 * Redis (atomic Lua, src/economics/project-budget-guard.ts), so no interleaving of parallel agents
 * on any number of workers can overspend a budget. All money is integer micro-dollars.
 */
import type { TokenUsage } from './provider.js';

/** A calendar month (UTC) of an account's spending cap (src/economics/user-spend.ts). */
export interface SpendWindow {
  /** `YYYY-MM` (UTC). */
  id: string;
  /** Inclusive. */
  start: Date;
  /** Exclusive: the next month's start. */
  end: Date;
}

export interface CallEstimate {
  provider: string;
  model: string;
  /** Prompt tokens, counted before the call. */
  inputTokens: number;
  /** The most the model may answer. */
  maxOutputTokens: number;
  /**
   * Whose history of output sizes predicts this call's (e.g. the agent role id): the guard holds
   * the expected output with a margin instead of the worst case. Absent: the worst case.
   */
  purpose?: string;
}

export interface Reservation {
  /** Unique per model call; also the cost ledger's idempotency key. */
  callId: string;
  provider: string;
  model: string;
  /** What is held now (`extend` raises it). */
  amountMicros: bigint;
  /** Prompt tokens the hold was sized for (with the guard's margin). */
  inputTokens?: number;
  /** Output tokens what is held pays for, after the prompt's share. */
  outputTokens?: number;
  /**
   * The most output this call may produce: what is held plus what the budget had free when it was
   * reserved, capped at the estimate's maxOutputTokens. The provider is asked for no more.
   */
  outputLimit?: number;
  purpose?: string;
  /** When it was reserved: the call's ledger row is dated so (it decides the cap's month). */
  reservedAt?: Date;
  /** The month of the owner's spending cap that holds this call too; absent when no cap applies. */
  accountWindow?: SpendWindow;
}

/** Which limit refused a reservation: the project's budget or the owner's monthly spending cap. */
export type RefusalScope = 'budget' | 'account_cap';

export interface SettledCall {
  /** What the budget was charged and the ledger records. */
  costMicros: bigint;
  /** The price of the usage; above `costMicros` only when the real cost outgrew a full budget. */
  listCostMicros?: bigint;
  /** True when this call had been settled before: nothing was charged again. */
  duplicate?: boolean;
}

export interface BudgetGuard {
  /** Reserves the worst-case cost; undefined when it does not fit in what is left. */
  reserve(estimate: CallEstimate): Promise<Reservation | undefined>;
  /**
   * Holds more for a call in flight, so that it may produce `outputTokens` in all; false when that
   * does not fit what is left (then stop the call). Raises `reservation.amountMicros` and
   * `outputTokens` in place. A guard without it holds each call's worst case.
   */
  extend?(reservation: Reservation, outputTokens: number): Promise<boolean>;
  /** After `reserve` returned undefined: which limit refused it (default: the budget). */
  lastRefusal?(): RefusalScope | undefined;
  /**
   * After `reserve` returned undefined: other calls in flight hold reservations, so room may come
   * back when they settle (the router waits for it rather than stopping the project).
   */
  refusalMayClear?(): boolean;
  /**
   * Charges the real cost, frees the rest, writes the ledger row. The charge is capped at what the
   * budget has free, so spent never exceeds the limit (src/economics/budget-scripts.ts); settling
   * the same reservation again charges nothing. When it throws, call it again (do not release).
   */
  settle(reservation: Reservation, usage: TokenUsage, latencyMs: number): Promise<SettledCall>;
  /** Frees a reservation whose call failed. */
  release(reservation: Reservation): Promise<void>;
}
