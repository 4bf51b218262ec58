/**
 * The model router: for one agent call, walks the tier's preference list until a model answers.
 *
 * For each candidate, in order:
 *   1. provider cooling down (after a retry-after or a transient failure)? wait if the call's wait
 *      allowance covers it, else pass over it (`rate_limited`);
 *   2. circuit open? pass over it (`circuit_open`);
 *   3. reserve the call's expected cost on the budget guard (the role's output history; the worst
 *      case with `reserveWorstCase`); refused while other calls hold reservations → wait for them
 *      (`budgetWaitMs`) and try again; refused → pass over it (`budget`); the model has no price →
 *      pass over it (`unpriced`: it is never called, so never charged $0);
 *   4. take a slot in the cluster-wide rate limit; wait while the allowance lasts, else release and
 *      pass over it (`rate_limited`);
 *   5. call, streamed, at most the output the reservation and the free budget pay for; the hold is
 *      extended as the answer streams and the stream stopped when that is refused (StreamBudget).
 *      Success: settle the budget and the rate-limit tokens, return. Failure: settle what the
 *      stream produced (or release), count it on the circuit (not a 429), cool the provider down
 *      briefly when transient, and move on. A 429 or an overload whose retry-after fits the
 *      allowance, or a stream cut mid-way, is retried once on the same candidate (a switch from
 *      the model to itself, with the reason).
 * An answer cut off at its output limit is continued in follow-up calls (./continuation.ts).
 * Every pass-over that leads to a next candidate is reported as a switch. None left: a budget
 * error if the budget refused them all, else an error listing each attempt.
 *
 * A request with `credentials` (the project owner's own keys) uses the catalogue that counts those
 * providers as configured, and calls them through the user's cached clients (UserProviderCache):
 * their circuits and cool-downs are the user's own lane, and they skip the server's rate limits.
 */
import type { ModelTier } from '../../agents/types.js';
import { UnpricedModelError } from '../../errors/app-error.js';
import type { Reservation } from '../budget-guard.js';
import { credentialProviders, type ProviderCredentials } from '../credentials/provider-credentials.js';
import { serverRoutes, type ProviderRoute, type UserProviderCache } from '../credentials/user-provider-cache.js';
import { formatModelRef, type ModelCatalog, type ModelRef } from '../model-catalog.js';
import type { ModelRouter, ModelSwitch, RoutedRequest, RoutedResult } from '../model-router.js';
import { estimatePromptTokens, type CompletionResult, type LlmProvider, type TokenUsage } from '../provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { completeInParts } from './continuation.js';
import { StreamBudget } from './stream-budget.js';
import type { RateLimiter, RateTicket } from './rate-limiter.js';
import { AllModelsFailedError, budgetExceeded, isBudgetRefusal, type RouteAttempt } from './routing-errors.js';

export interface TieredRouterOptions {
  catalog: ModelCatalog;
  providers: ReadonlyMap<string, LlmProvider>;
  /** The catalogue when a request brings keys for these providers (sorted names); default: `catalog`. */
  catalogWith?: (extraProviders: readonly string[]) => ModelCatalog;
  /** Clients for users' own keys; without it, `credentials` on a request are ignored. */
  userProviders?: UserProviderCache;
  rateLimiter?: RateLimiter;
  circuits?: CircuitBreakers;
  /** The most one call waits in total (rate-limit slots, retry-after, back-off) before falling back. Default 5 s. */
  maxWaitMs?: number;
  /** Cool-down of a provider after a transient failure without retry-after. Default 250 ms. */
  backoffMs?: number;
  /**
   * Hold each call's worst case (its full maxOutputTokens) instead of its expected output: the
   * policy before streaming budgets, kept for comparison (bench:economics). Default false.
   */
  reserveWorstCase?: boolean;
  /** Cost of a worst case, for the budget error's "the cheapest call needed …" (e.g. the price table). */
  price?: (ref: ModelRef, usage: TokenUsage) => bigint;
  /**
   * How long a call refused by a budget that other calls in flight hold waits for them to give
   * back what they do not use (they settle below their holds), polling every `budgetPollMs`.
   * Default 120 s (a model call's length); then the refusal stands.
   */
  budgetWaitMs?: number;
  /** Default 250 ms. */
  budgetPollMs?: number;
  /** Follow-up calls for an answer that stops at its output limit. Default 4. */
  maxContinuations?: number;
  /** Told about every candidate that did not answer (logs, metrics). */
  onAttempt?: (attempt: RouteAttempt & { tier: ModelTier }) => void;
  now?: () => number;
}

interface CallState {
  tier: ModelTier;
  request: Omit<RoutedRequest, 'tier' | 'budget' | 'credentials'>;
  routes: ReadonlyMap<string, ProviderRoute>;
  budget: RoutedRequest['budget'];
  inputTokens: number;
  /** Wait allowance left for this call, in ms. */
  waitLeft: number;
  /** Reported with the result: models passed over, and retries of one model (from = to). */
  switches: ModelSwitch[];
  /** How long this call may still wait for other calls to give budget back, in ms. */
  budgetWaitLeft: number;
}

type Outcome = { result: RoutedResult } | { attempt: RouteAttempt };

export class TieredRouter implements ModelRouter {
  private readonly circuits: CircuitBreakers;
  private readonly cooldownUntil = new Map<string, number>();
  private readonly maxWaitMs: number;
  private readonly backoffMs: number;
  private readonly budgetWaitMs: number;
  private readonly budgetPollMs: number;
  private readonly now: () => number;
  private readonly serverRoutes: ReadonlyMap<string, ProviderRoute>;
  /** At most one catalogue per combination of brought providers (a handful). */
  private readonly catalogs = new Map<string, ModelCatalog>();

  constructor(private readonly options: TieredRouterOptions) {
    this.serverRoutes = serverRoutes(options.providers);
    this.circuits = options.circuits ?? new CircuitBreakers();
    this.maxWaitMs = options.maxWaitMs ?? 5_000;
    this.backoffMs = options.backoffMs ?? 250;
    this.budgetWaitMs = options.budgetWaitMs ?? 120_000;
    this.budgetPollMs = options.budgetPollMs ?? 250;
    this.now = options.now ?? Date.now;
  }

  /** The tier's candidates in order (for diagnostics). */
  candidates(tier: ModelTier): readonly ModelRef[] {
    return this.options.catalog[tier];
  }

  async complete(request: RoutedRequest): Promise<RoutedResult> {
    return completeInParts(request, (part, previous) => this.walk(part, previous), this.options.maxContinuations);
  }

  /** One model call: the tier's candidates in order (the model of the part before first). */
  private async walk({ tier, budget, credentials, ...request }: RoutedRequest, previous: RoutedResult | undefined): Promise<RoutedResult> {
    const { catalog, routes } = this.forCredentials(credentials);
    const candidates = preferring(catalog[tier], previous);
    const switches: ModelSwitch[] = [];
    const state: CallState = { tier, request, routes, budget, inputTokens: estimatePromptTokens(request), waitLeft: this.maxWaitMs, switches, budgetWaitLeft: this.budgetWaitMs };
    const attempts: RouteAttempt[] = [];
    for (const [index, ref] of candidates.entries()) {
      const outcome = await this.attempt(ref, state);
      if ('result' in outcome) return { ...outcome.result, switches };
      attempts.push(outcome.attempt);
      this.options.onAttempt?.({ ...outcome.attempt, tier });
      const next = candidates[index + 1];
      if (next) switches.push({ from: formatModelRef(ref), to: formatModelRef(next), reason: outcome.attempt.outcome });
    }
    if (attempts.length > 0 && attempts.every(isBudgetRefusal)) throw budgetExceeded(tier, attempts);
    throw new AllModelsFailedError(tier, attempts);
  }

  private forCredentials(credentials: ProviderCredentials | undefined): { catalog: ModelCatalog; routes: ReadonlyMap<string, ProviderRoute> } {
    const brought = credentialProviders(credentials);
    const users = this.options.userProviders;
    if (brought.length === 0 || !users) return { catalog: this.options.catalog, routes: this.serverRoutes };
    const key = brought.join(',');
    let catalog = this.catalogs.get(key);
    if (!catalog) {
      catalog = this.options.catalogWith?.(brought) ?? this.options.catalog;
      this.catalogs.set(key, catalog);
    }
    return { catalog, routes: users.routesFor(this.options.providers, credentials) };
  }

  private async attempt(ref: ModelRef, state: CallState): Promise<Outcome> {
    const model = formatModelRef(ref);
    const passOver = (outcome: RouteAttempt['outcome'], message: string, extra: Partial<RouteAttempt> = {}): Outcome => ({ attempt: { model, outcome, message, ...extra } });
    const route = state.routes.get(ref.provider);
    if (!route) return passOver('not_configured', `provider ${ref.provider} is not configured`);
    const { provider, lane } = route;
    let retried = false;
    for (;;) {
      const cooling = (this.cooldownUntil.get(lane) ?? 0) - this.now();
      if (cooling > 0) {
        if (cooling > state.waitLeft) return passOver('rate_limited', `${ref.provider} is cooling down for another ${cooling} ms`);
        await this.wait(cooling, state);
      }
      if (!this.circuits.tryAcquire(lane)) return passOver('circuit_open', `${ref.provider} failed repeatedly; its circuit is open`);
      let reservation: Reservation | undefined;
      if (state.budget) {
        const estimate = { provider: ref.provider, model: ref.model, inputTokens: state.inputTokens, maxOutputTokens: state.request.maxOutputTokens, purpose: state.request.task.agentId };
        try {
          reservation = await state.budget.reserve(this.options.reserveWorstCase ? { ...estimate, purpose: undefined } : estimate);
        } catch (error) {
          this.circuits.abandon(lane);
          // A model without a price is never called (it would be charged $0): the next candidate may have one.
          if (error instanceof UnpricedModelError) return passOver('unpriced', error.message);
          throw error;
        }
        if (!reservation && state.budget.lastRefusal?.() !== 'account_cap' && state.budget.refusalMayClear?.() && (await this.waitForBudget(state))) {
          this.circuits.abandon(lane);
          continue;
        }
        if (!reservation) {
          this.circuits.abandon(lane);
          const maxOutputTokens = state.request.maxOutputTokens;
          const costMicros = this.options.price?.(ref, { inputTokens: state.inputTokens, outputTokens: maxOutputTokens });
          const estimated = { inputTokens: state.inputTokens, maxOutputTokens, costMicros };
          if (state.budget.lastRefusal?.() === 'account_cap') return passOver('spend_cap', "the call does not fit what is left of the account's monthly spending cap", { estimate: estimated });
          return passOver('budget', 'the call does not fit the remaining budget', { estimate: estimated });
        }
      }
      // The most the budget can pay for (held + free), never more than the role may write.
      const maxOutputTokens = Math.min(state.request.maxOutputTokens, reservation?.outputLimit ?? state.request.maxOutputTokens);
      let ticket: RateTicket | undefined;
      try {
        ticket = await this.rateSlot(ref.provider, state.inputTokens + maxOutputTokens, state, route.sharedLimits);
      } finally {
        if (!ticket) {
          this.circuits.abandon(lane);
          if (reservation) await state.budget?.release(reservation);
        }
      }
      if (!ticket) {
        return passOver('rate_limited', `the cluster-wide rate limit of ${ref.provider} has no room within ${this.maxWaitMs} ms`);
      }

      const started = this.now();
      const metered = new StreamBudget(state.budget, reservation, state.request.signal);
      let result: CompletionResult;
      try {
        result = checked(await provider.complete({ ...state.request, model: ref.model, maxOutputTokens, signal: metered.signal, onOutputTokens: metered.onOutputTokens }), ref);
      } catch (thrown) {
        await metered.idle();
        const error = asProviderError(thrown, ref, state.request.signal);
        // A stream that failed after producing output is billed for it: settled once, under this
        // call's id; the retry (here or by the job) is a call of its own.
        if (reservation) await this.settleFailed(state, reservation, error, this.now() - started);
        await this.options.rateLimiter?.settle(ticket, state.inputTokens + (error.consumed?.outputTokens ?? 0));
        if (metered.stopped && !state.request.signal?.aborted) {
          this.circuits.abandon(lane);
          return passOver('budget', `the budget ran out while the answer streamed (${error.consumed?.outputTokens ?? 0} output tokens)`);
        }
        if (error.kind === 'cancelled') {
          this.circuits.abandon(lane);
          throw error;
        }
        if (error.kind === 'rate_limited') this.circuits.abandon(lane);
        else this.circuits.recordFailure(lane);
        const retryAfter = error.retryAfterMs ?? (error.kind === 'interrupted' ? this.backoffMs : undefined);
        if (error.transient) this.coolDown(lane, retryAfter ?? this.backoffMs);
        // Once on the same model: a 429 or an overload that says when to come back, a broken stream.
        if (!retried && retryAfter !== undefined && retryAfter <= state.waitLeft && RETRIED_ON_SAME_MODEL.has(error.kind)) {
          retried = true;
          state.switches.push({ from: model, to: model, reason: error.kind });
          continue;
        }
        return passOver(error.kind, error.message);
      }
      await metered.idle();
      this.circuits.recordSuccess(lane);
      await this.options.rateLimiter?.settle(ticket, result.usage.inputTokens + result.usage.outputTokens);
      const settled = reservation ? await state.budget?.settle(reservation, result.usage, this.now() - started) : undefined;
      return { result: { ...result, costMicros: settled?.costMicros ?? 0n, switches: [] } };
    }
  }

  /** Settles what a failed call produced, or releases its reservation when it produced nothing. */
  private async settleFailed(state: CallState, reservation: Reservation, error: ProviderError, latencyMs: number): Promise<void> {
    if (error.consumed) await state.budget?.settle(reservation, error.consumed, latencyMs);
    else await state.budget?.release(reservation);
  }

  private async rateSlot(provider: string, tokens: number, state: CallState, shared: boolean): Promise<RateTicket | undefined> {
    const limiter = shared ? this.options.rateLimiter : undefined;
    if (!limiter) return { provider, bucket: -1, tokens };
    for (;;) {
      const decision = await limiter.acquire(provider, tokens);
      if (decision.admitted) return decision.ticket;
      if (decision.waitMs > state.waitLeft) return undefined;
      await this.wait(decision.waitMs, state);
    }
  }

  /** Waits a little for calls in flight to give back what they hold; false once the budget wait is used up. */
  private async waitForBudget(state: CallState): Promise<boolean> {
    const step = Math.min(this.budgetPollMs, state.budgetWaitLeft);
    if (step <= 0) return false;
    state.budgetWaitLeft -= step;
    await delay(step, state.request.signal);
    return true;
  }

  private coolDown(provider: string, ms: number): void {
    const until = this.now() + Math.min(ms, 10 * 60_000);
    if (until > (this.cooldownUntil.get(provider) ?? 0)) this.cooldownUntil.set(provider, until);
  }

  private async wait(ms: number, state: CallState): Promise<void> {
    state.waitLeft -= ms;
    await delay(ms, state.request.signal);
  }
}

/** A provider's answer the agent can use (one cut off is continued); the router holds every provider to it. */
function checked(result: CompletionResult, ref: ModelRef): CompletionResult {
  const options = { provider: ref.provider, model: ref.model };
  if (result.stopReason !== 'max_tokens' && result.text.trim() === '') throw new ProviderError('bad_response', 'the answer is empty', options);
  return result;
}

/** Failures worth a second try on the same model (when the wait fits the call's allowance). */
const RETRIED_ON_SAME_MODEL: ReadonlySet<ProviderError['kind']> = new Set(['rate_limited', 'overloaded', 'interrupted']);

/** The candidates, the model that wrote the part before first (a continuation reads best in one voice). */
function preferring(candidates: readonly ModelRef[], previous: RoutedResult | undefined): readonly ModelRef[] {
  const index = previous ? candidates.findIndex((ref) => ref.provider === previous.provider && ref.model === previous.model) : -1;
  if (index <= 0) return candidates;
  return [candidates[index] as ModelRef, ...candidates.slice(0, index), ...candidates.slice(index + 1)];
}

function asProviderError(error: unknown, ref: ModelRef, signal: AbortSignal | undefined): ProviderError {
  if (error instanceof ProviderError) return error;
  const options = { provider: ref.provider, model: ref.model, cause: error };
  if (signal?.aborted) return new ProviderError('cancelled', 'the caller aborted the call', options);
  return new ProviderError('server', error instanceof Error ? error.message : String(error), options);
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ProviderError('cancelled', 'the caller aborted while waiting', { provider: 'router', model: '-', cause: signal.reason }));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ProviderError('cancelled', 'the caller aborted while waiting', { provider: 'router', model: '-', cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
