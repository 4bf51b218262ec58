/**
 * The API gateway as an Express app, built from explicit dependencies (no module singletons):
 *
 *   request id → HTTP metrics → helmet → CORS → /api rate limit → JSON body (size limit → 413)
 *   → routes (each: its own limits → authentication → zod validation → handler)
 *   → Swagger UI, Bull Board → the web dashboard at / (never /api…) → 404 → problem+json errors
 *
 * The routes register themselves in an OpenAPI registry as they are mounted, so /api/openapi.json
 * describes exactly what is validated.
 */
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { CostReport } from '../economics/cost-report.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import { ProjectService } from '../engine/project-service.js';
import { redisReady } from '../redis/connection.js';
import type { ApiContext } from './api-context.js';
import type { ApiOptions } from './api-options.js';
import { createAuthentication } from './auth/authenticator.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { ProviderKeyVault } from '../models/credentials/provider-key-vault.js';
import { httpMetrics } from './metrics/http-metrics.js';
import { SystemSnapshot } from './metrics/system-snapshot.js';
import { createApiMetrics, type ZekkaMetrics } from './metrics/zekka-metrics.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { createRateLimits } from './middleware/rate-limits.js';
import { requestContext } from './middleware/request-context.js';
import { ApiRouter } from './openapi/api-router.js';
import { generateOpenApiDocument, registerSecuritySchemes, type OpenApiDocument } from './openapi/document.js';
import { mountAdminQueues } from './routes/admin-queues.js';
import { registerApiKeyRoutes } from './routes/api-keys.js';
import { registerArtifactRoutes } from './routes/artifacts.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerCostRoutes } from './routes/costs.js';
import { mountDashboard } from './routes/dashboard.js';
import { mountDocs } from './routes/docs.js';
import { registerProjectRunRoutes } from './routes/project-runs.js';
import { registerProjectRoutes } from './routes/projects.js';
import { registerProjectPlanRoutes } from './routes/project-plan.js';
import { registerProjectVerificationRoutes } from './routes/project-verification.js';
import { registerProviderKeyRoutes } from './routes/provider-keys.js';
import { registerSystemRoutes, type ReadinessCheck } from './routes/system.js';
import { AuditLog } from './services/audit-log.js';
import { ProjectAccess } from './services/project-access.js';

export interface ApiObservability {
  metrics: ZekkaMetrics;
  system: SystemSnapshot;
}

export interface ApiDependencies {
  engine: EngineDeps;
  /** Readiness checks; default: PostgreSQL (SELECT 1) and Redis (PING). */
  checks?: Record<string, ReadinessCheck>;
  /** Which model providers are configured and answer, and the model each tier uses (shown by readiness, never failing it). */
  modelReport?: () => Promise<unknown>;
  projects?: ProjectService;
  costs?: CostReport;
  /** Pass one to share the registry with in-process workers (`zekka dev`). */
  observability?: ApiObservability;
  /** Milliseconds since the epoch, for login throttling; default Date.now (tests move time on). */
  clock?: () => number;
}

export function createApiObservability(engine: EngineDeps): ApiObservability {
  const system = new SystemSnapshot(engine);
  return { system, metrics: createApiMetrics(system) };
}

function defaultChecks(engine: EngineDeps): Record<string, ReadinessCheck> {
  return {
    database: async () => {
      try {
        await engine.prisma.$queryRaw`SELECT 1`;
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
      }
    },
    redis: () => redisReady(engine.redis),
  };
}

export function createApp(deps: ApiDependencies, options: ApiOptions): Express {
  const { engine } = deps;
  const { metrics, system } = deps.observability ?? createApiObservability(engine);
  const auth = createAuthentication(engine.prisma, options.jwtSecret);
  const registry = new OpenAPIRegistry();
  registerSecuritySchemes(registry);
  const api = new ApiRouter(registry, { authenticate: auth.authenticate, requireAdmin: auth.requireAdmin });
  const limits = createRateLimits(engine.redis, options.rateLimitKeyPrefix, options.rateLimit);
  const ctx: ApiContext = {
    api,
    engine,
    projects: deps.projects ?? new ProjectService(engine, options.defaultBudgetUsd),
    costs: deps.costs ?? new CostReport(engine.prisma, engine.spendCap),
    access: new ProjectAccess(engine.prisma),
    audit: new AuditLog(engine.prisma),
    auth,
    hasher: new PasswordHasher(),
    tokens: { secret: options.jwtSecret, expiresInSeconds: options.jwtExpiresInSeconds },
    vault: new ProviderKeyVault(engine.prisma, options.providerKeyring),
    limits,
    loginThrottle: new LoginThrottle(engine.redis, options.rateLimitKeyPrefix, options.loginThrottle, deps.clock),
    metrics,
    system,
  };

  const app = express();
  app.set('trust proxy', options.trustProxy);
  app.set('etag', 'weak');
  app.use(requestContext(engine.logger));
  app.use(httpMetrics(metrics));
  app.use(helmet());
  app.use(
    cors({
      origin: options.corsOrigins.length > 0 ? options.corsOrigins : false,
      exposedHeaders: ['X-Request-Id', 'Location', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Content-Disposition'],
      maxAge: 600,
    }),
  );
  app.use('/api', limits.api);
  app.use(express.json({ limit: options.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));

  registerSystemRoutes(ctx, deps.checks ?? defaultChecks(engine), deps.modelReport);
  registerAuthRoutes(ctx);
  registerApiKeyRoutes(ctx);
  registerProviderKeyRoutes(ctx);
  registerProjectRoutes(ctx);
  registerProjectRunRoutes(ctx);
  registerProjectVerificationRoutes(ctx);
  registerProjectPlanRoutes(ctx);
  registerArtifactRoutes(ctx);
  registerCostRoutes(ctx);
  app.use(api.router);

  let document: OpenApiDocument | undefined;
  mountDocs(app, () => (document ??= generateOpenApiDocument(registry, options.version)));
  mountAdminQueues(app, engine.queues.all(), [auth.authenticateBrowser, auth.requireAdmin]);
  mountDashboard(app, options.dashboardDir);

  app.use(notFoundHandler());
  app.use(errorHandler(engine.logger));
  return app;
}
