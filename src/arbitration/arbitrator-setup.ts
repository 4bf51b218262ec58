/**
 * What a process serving the arbitration queue adds to the runtime: the arbitration services
 * (strategy order, providers, metrics on the process registry, GitHub review when GITHUB_TOKEN and
 * GITHUB_REPO are set), which its worker pool requires, and the `POST /webhooks/github` route that
 * `zekka arbitrator` mounts on its HTTP server.
 */
import type { Registry } from 'prom-client';
import type { Env } from '../config/env.js';
import type { BusDeps, EngineDeps, RunRecordDeps, StoreDeps, WorkspaceDeps } from '../engine/engine-deps.js';
import type { RouteHook } from '../observability/health-server.js';
import { UserProviderCache } from '../models/credentials/user-provider-cache.js';
import { createProviders } from '../models/providers/create-providers.js';
import { createArbitrationMetrics } from './arbitration-metrics.js';
import { createArbitrationServices, type ArbitrationServices } from './arbitration-services.js';
import { GithubReview } from './github-review.js';
import { GithubWebhookHandler } from './github-webhook.js';

export interface ArbitratorSetup {
  services: ArbitrationServices;
  github: GithubReview | undefined;
  /** The webhook route; undefined without GitHub configured. */
  routes: RouteHook | undefined;
}

export function setUpArbitrator(deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & Pick<EngineDeps, 'logger' | 'queues'>, env: Env, registry: Registry): ArbitratorSetup {
  const github = env.GITHUB_TOKEN && env.GITHUB_REPO ? new GithubReview({ token: env.GITHUB_TOKEN, repo: env.GITHUB_REPO, baseUrl: env.GITHUB_API_URL, publicApiUrl: env.PUBLIC_API_URL }) : undefined;
  const services = createArbitrationServices({ env, providers: createProviders(env), userProviders: new UserProviderCache(env), metrics: createArbitrationMetrics(registry), review: github });
  const routes = github ? new GithubWebhookHandler(deps, { secret: env.GITHUB_WEBHOOK_SECRET, github }).route() : undefined;
  return { services, github, routes };
}
