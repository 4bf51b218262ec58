/**
 * Chooses the model for an agent call. Until the provider chain lands (issue #4) the router
 * sends every tier to one provider, with a model name per tier.
 */
import type { ModelTier } from '../agents/types.js';
import type { CompletionRequest, CompletionResult, LlmProvider } from './provider.js';

export type RoutedRequest = Omit<CompletionRequest, 'model'> & { tier: ModelTier };

export interface ModelRouter {
  complete(request: RoutedRequest): Promise<CompletionResult>;
}

export class SingleProviderRouter implements ModelRouter {
  constructor(
    private readonly provider: LlmProvider,
    private readonly modelForTier: (tier: ModelTier) => string = (tier) => `${provider.name}-${tier}`,
  ) {}

  complete({ tier, ...request }: RoutedRequest): Promise<CompletionResult> {
    return this.provider.complete({ ...request, model: this.modelForTier(tier) });
  }
}
