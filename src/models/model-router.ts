/**
 * Chooses the model for an agent call. `TieredRouter` (src/models/router/) walks each tier's
 * preference list with budget, circuit breakers and cluster-wide rate limits;
 * `SingleProviderRouter` sends every tier to one provider (tests, single-model setups).
 */
import type { ModelTier } from '../agents/types.js';
import type { BudgetGuard } from './budget-guard.js';
import { completeInParts } from './router/continuation.js';
import { reservationRefused } from './router/routing-errors.js';
import type { ProviderCredentials } from './credentials/provider-credentials.js';
import { estimatePromptTokens, type CompletionRequest, type CompletionResult, type LlmProvider } from './provider.js';

export type RoutedRequest = Omit<CompletionRequest, 'model'> & {
  tier: ModelTier;
  /** The project's budget: each call reserves before (TieredRouter: its expected cost, extended as it streams), and settles after. */
  budget?: BudgetGuard;
  /** The project owner's own provider keys: those providers' calls go out with them (TieredRouter). */
  credentials?: ProviderCredentials;
};

/** A model the router passed over for another one, and why (`budget`, `rate_limited`, `server` …). */
export interface ModelSwitch {
  /** `provider:model`. */
  from: string;
  to: string;
  reason: string;
}

export type RoutedResult = CompletionResult & {
  /** What the budget guard settled (integer micro-dollars); 0n without a guard. */
  costMicros: bigint;
  switches: ModelSwitch[];
};

export interface ModelRouter {
  complete(request: RoutedRequest): Promise<RoutedResult>;
}


export class SingleProviderRouter implements ModelRouter {
  constructor(
    private readonly provider: LlmProvider,
    private readonly modelForTier: (tier: ModelTier) => string = (tier) => `${provider.name}-${tier}`,
  ) {}

  async complete(request: RoutedRequest): Promise<RoutedResult> {
    return completeInParts(request, (part) => this.once(part));
  }

  /** One call, holding its worst case on the budget. */
  private async once({ tier, budget, credentials: _ignored, ...request }: RoutedRequest): Promise<RoutedResult> {
    const model = this.modelForTier(tier);
    if (!budget) return { ...(await this.provider.complete({ ...request, model })), costMicros: 0n, switches: [] };
    const reservation = await budget.reserve({ provider: this.provider.name, model, inputTokens: estimatePromptTokens(request), maxOutputTokens: request.maxOutputTokens });
    if (!reservation) throw reservationRefused(budget, `${this.provider.name}:${model}`, { tier });
    const started = Date.now();
    let result: CompletionResult;
    try {
      result = await this.provider.complete({ ...request, model });
    } catch (error) {
      await budget.release(reservation);
      throw error;
    }
    const settled = await budget.settle(reservation, result.usage, Date.now() - started);
    return { ...result, costMicros: settled.costMicros, switches: [] };
  }
}
