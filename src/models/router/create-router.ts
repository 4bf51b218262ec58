/**
 * The production wiring of the model router from the environment: the configured providers, the
 * catalogue of each tier, the cluster-wide rate limits in Redis (only when a limit is set), and
 * the cache of clients for users' own keys (requests that carry `credentials`).
 */
import type { Redis } from 'ioredis';
import type { Env } from '../../config/env.js';
import { UserProviderCache } from '../credentials/user-provider-cache.js';
import { buildModelCatalog, type ModelCatalog } from '../model-catalog.js';
import type { LlmProvider } from '../provider.js';
import { createProviders } from '../providers/create-providers.js';
import { CircuitBreakers, type CircuitBreakerOptions } from './circuit-breaker.js';
import { limitsFromEnv, RedisRateLimiter } from './rate-limiter.js';
import { TieredRouter, type TieredRouterOptions } from './tiered-router.js';

export interface ModelRouterSetup {
  router: TieredRouter;
  catalog: ModelCatalog;
  providers: Map<string, LlmProvider>;
}

export interface CreateModelRouterOptions {
  env: Env;
  /** Needed only when a rate limit is configured. */
  redis?: Redis;
  circuits?: CircuitBreakerOptions;
  price?: TieredRouterOptions['price'];
  onAttempt?: TieredRouterOptions['onAttempt'];
  /** The offline model (src/offline-model), the provider of last resort. */
  offline: LlmProvider;
}

export function createModelRouter({ env, redis, circuits, price, onAttempt, offline }: CreateModelRouterOptions): ModelRouterSetup {
  const providers = createProviders(env);
  providers.set('offline', offline);
  const catalog = buildModelCatalog(env);
  const limits = limitsFromEnv(env);
  const limited = Object.values(limits).some((limit) => limit.requestsPerMinute !== undefined || limit.tokensPerMinute !== undefined);
  if (limited && !redis) throw new Error('model rate limits are configured but no Redis connection was given');
  const rateLimiter = limited && redis ? new RedisRateLimiter({ redis, namespace: env.REDIS_NAMESPACE, limits }) : undefined;
  const router = new TieredRouter({
    catalog,
    providers,
    catalogWith: (extraProviders) => buildModelCatalog(env, extraProviders),
    userProviders: new UserProviderCache(env),
    rateLimiter,
    circuits: new CircuitBreakers(circuits),
    maxWaitMs: env.MODEL_MAX_WAIT_MS,
    budgetWaitMs: env.MODEL_BUDGET_WAIT_MS,
    price,
    onAttempt,
  });
  return { router, catalog, providers };
}
