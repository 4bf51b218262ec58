/**
 * The provider an LLM strategy calls for one project: the owner's own client when they stored a
 * key for that provider (src/models/credentials/), else the server's. When the owner's key for
 * that provider cannot be used on this process, the strategy gets a provider that fails with that
 * reason, so the chain records the attempt as failed (with the reason) and moves on, as for any
 * other failed call.
 */
import type { ModelDeps } from '../engine/engine-deps.js';
import { BYO_PROVIDERS, ProviderKeysUnavailableError, type ProviderCredentials } from '../models/credentials/provider-credentials.js';
import type { CompletionResult, LlmProvider } from '../models/provider.js';
import type { ArbitrationServices } from './arbitration-services.js';

export async function strategyProvider(deps: ModelDeps, services: ArbitrationServices, providerName: string, ownerId: string): Promise<LlmProvider | undefined> {
  const server = services.providers.get(providerName);
  if (!services.userProviders || !(BYO_PROVIDERS as readonly string[]).includes(providerName)) return server;
  let credentials: ProviderCredentials | undefined;
  try {
    credentials = await deps.credentials?.forOwner(ownerId);
  } catch (error) {
    if (error instanceof ProviderKeysUnavailableError && error.providers.includes(providerName)) return failingProvider(providerName, error);
    if (!(error instanceof ProviderKeysUnavailableError)) throw error;
  }
  return services.userProviders.routesFor(services.providers, credentials).get(providerName)?.provider;
}

function failingProvider(name: string, error: Error): LlmProvider {
  return {
    name,
    complete(): Promise<CompletionResult> {
      return Promise.reject(error);
    },
  };
}
