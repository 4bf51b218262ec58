/**
 * How a routed call ends when no model answered: every candidate refused by the budget
 * (BudgetExceededError, not worth retrying), or a list of what went wrong with each
 * (AllModelsFailedError, worth retrying later: providers recover, rate windows move on).
 */
import { AppError, BudgetExceededError, SpendCapReachedError } from '../../errors/app-error.js';
import type { ModelTier } from '../../agents/types.js';
import type { BudgetGuard } from '../budget-guard.js';

export type AttemptOutcome =
  | 'budget'
  | 'unpriced'
  | 'spend_cap'
  | 'circuit_open'
  | 'rate_limited'
  | 'not_configured'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'interrupted'
  | 'bad_response'
  | 'truncated'
  | 'auth'
  | 'client';

/** One candidate the router tried or passed over, and why it did not answer. */
export interface RouteAttempt {
  /** `provider:model`. */
  model: string;
  outcome: AttemptOutcome;
  message: string;
  /** For a budget refusal: the worst case that did not fit. */
  estimate?: { inputTokens: number; maxOutputTokens: number; costMicros?: bigint };
}

export class AllModelsFailedError extends AppError {
  readonly attempts: readonly RouteAttempt[];

  constructor(tier: ModelTier, attempts: RouteAttempt[]) {
    super(`no model answered for tier ${tier}: ${attempts.map((a) => `${a.model} ${a.outcome} (${a.message})`).join('; ')}`, {
      code: 'models_unavailable',
      status: 503,
      details: { tier, attempts: attempts.map(serializable) },
    });
    this.attempts = attempts;
  }
}

export function formatUsd(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const abs = micros < 0n ? -micros : micros;
  return `${sign}$${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`;
}

/** A refusal by the project's budget or by the owner's spending cap (`spend_cap`). */
export function isBudgetRefusal(attempt: RouteAttempt): boolean {
  return attempt.outcome === 'budget' || attempt.outcome === 'spend_cap';
}

/**
 * Every candidate was refused by the budget or the cap: says what the cheapest one needed, and
 * names the account's monthly spending cap when that is what refused the cheapest.
 */
export function budgetExceeded(tier: ModelTier, attempts: RouteAttempt[]): BudgetExceededError {
  const priced = attempts.filter((a) => a.estimate?.costMicros !== undefined);
  const cheapest = priced.length > 0 ? priced.reduce((a, b) => ((b.estimate?.costMicros ?? 0n) < (a.estimate?.costMicros ?? 0n) ? b : a)) : attempts.at(-1);
  const estimate = cheapest?.estimate;
  const need =
    estimate === undefined
      ? ''
      : `; the cheapest call (${cheapest?.model}) needed ${estimate.costMicros === undefined ? '' : `${formatUsd(estimate.costMicros)} for `}` +
        `~${estimate.inputTokens} prompt + ${estimate.maxOutputTokens} output tokens`;
  const byCap = cheapest?.outcome === 'spend_cap';
  const ErrorClass = byCap ? SpendCapReachedError : BudgetExceededError;
  const what = byCap ? "what is left of the account's monthly spending cap" : 'the remaining budget';
  return new ErrorClass(`no model for tier ${tier} fits ${what}${need}`, {
    tier,
    limit: byCap ? 'account_cap' : 'budget',
    cheapest: cheapest?.model,
    neededMicros: estimate?.costMicros?.toString(),
    attempts: attempts.map(serializable),
  });
}

function serializable(attempt: RouteAttempt): Record<string, unknown> {
  const { estimate, ...rest } = attempt;
  return estimate ? { ...rest, estimate: { ...estimate, costMicros: estimate.costMicros?.toString() } } : rest;
}

/** One model's reservation was refused: by the project's budget, or by the owner's spending cap. */
export function reservationRefused(budget: BudgetGuard, model: string, details: Record<string, unknown> = {}): BudgetExceededError {
  if (budget.lastRefusal?.() === 'account_cap') {
    return new SpendCapReachedError(`${model} does not fit what is left of the account's monthly spending cap`, { ...details, model, limit: 'account_cap' });
  }
  return new BudgetExceededError(`${model} does not fit the remaining budget`, { ...details, model, limit: 'budget' });
}
