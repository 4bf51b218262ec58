/**
 * SDK clients for users' own keys, built once and reused: a bounded LRU keyed by provider and a
 * SHA-256 of the key (the key itself is never a map key, so a heap dump of the cache's index or a
 * debug print of it shows no secret). Each entry is an ordinary Anthropic/Gemini provider pointed
 * at the same base URL and time-out as the server's own.
 *
 * `routesFor` gives the router its per-request provider table: the server's providers, with each
 * provider the request brings a key for replaced by the user's client. A user's client gets its
 * own circuit-breaker/cool-down lane (one user's revoked key must not open the server's circuit)
 * and stays out of the server's cluster-wide rate limits (those count the server's account).
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { LlmProvider } from '../provider.js';
import { AnthropicProvider } from '../providers/anthropic-provider.js';
import type { ProviderEnv } from '../providers/create-providers.js';
import { GeminiProvider } from '../providers/gemini-provider.js';
import { credentialProviders, type ByoProvider, type ProviderCredentials } from './provider-credentials.js';

export interface ProviderRoute {
  provider: LlmProvider;
  /** Circuit breaker and cool-down key: the provider name for the server's, `name#<hash>` for a user's. */
  lane: string;
  /** Counts against the server's cluster-wide rate limits. */
  sharedLimits: boolean;
}

export type UserProviderEnv = Pick<ProviderEnv, 'ANTHROPIC_BASE_URL' | 'GEMINI_BASE_URL' | 'MODEL_TIMEOUT_MS' | 'PROMPT_CACHING'>;

export class UserProviderCache {
  private readonly clients: LRUCache<string, LlmProvider>;

  constructor(
    private readonly env: UserProviderEnv,
    maxClients = 256,
  ) {
    this.clients = new LRUCache({ max: maxClients });
  }

  get size(): number {
    return this.clients.size;
  }

  /** The cached client for this key, built on first use. */
  provider(name: ByoProvider, apiKey: string): { provider: LlmProvider; lane: string } {
    const lane = `${name}#${createHash('sha256').update(apiKey).digest('hex').slice(0, 32)}`;
    let provider = this.clients.get(lane);
    if (!provider) {
      provider = this.build(name, apiKey);
      this.clients.set(lane, provider);
    }
    return { provider, lane };
  }

  /** The server's providers with the request's own keys in place of the server's. */
  routesFor(server: ReadonlyMap<string, LlmProvider>, credentials: ProviderCredentials | undefined): Map<string, ProviderRoute> {
    const routes = serverRoutes(server);
    for (const name of credentialProviders(credentials)) {
      routes.set(name, { ...this.provider(name, credentials?.[name] as string), sharedLimits: false });
    }
    return routes;
  }

  private build(name: ByoProvider, apiKey: string): LlmProvider {
    const timeoutMs = this.env.MODEL_TIMEOUT_MS;
    const caching = this.env.PROMPT_CACHING ?? true;
    if (name === 'anthropic') return new AnthropicProvider({ apiKey, baseURL: this.env.ANTHROPIC_BASE_URL, timeoutMs, promptCaching: caching });
    return new GeminiProvider({ apiKey, baseUrl: this.env.GEMINI_BASE_URL, timeoutMs, contextCaching: caching });
  }
}

/** The server's own providers as routes (their lane is their name). */
export function serverRoutes(server: ReadonlyMap<string, LlmProvider>): Map<string, ProviderRoute> {
  return new Map([...server].map(([name, provider]) => [name, { provider, lane: name, sharedLimits: true }]));
}
