/**
 * Long-running processes: `zekka worker`, `zekka arbitrator`, `zekka api` (the API gateway),
 * `zekka dev` (all in one). Each runs until SIGTERM/SIGINT; the shutdown manager closes HTTP
 * first, then workers, then queue handles, the database and Redis. Workers and arbitrators serve
 * /health and /metrics on their own port, so Prometheus scrapes every pod.
 */
import type { Command } from 'commander';
import { buildModelReport, type ModelReport } from '../../models/router/model-report.js';
import { apiOptionsFromEnv } from '../../api/api-options.js';
import { createApiObservability, createApp } from '../../api/app.js';
import { createProcessMetrics, type ZekkaMetrics } from '../../api/metrics/zekka-metrics.js';
import { observeAgentJobs, observeVerifications } from '../../api/metrics/worker-metrics.js';
import { attachRealtime } from '../../api/realtime/realtime-server.js';
import { realtimeLimitsFromEnv } from '../../api/realtime/realtime-limits.js';
import { createSocketAuth } from '../../api/realtime/socket-auth.js';
import { startApiServer } from '../../api/server.js';
import { ProjectAccess } from '../../api/services/project-access.js';
import { redisReady } from '../../redis/connection.js';
import { registerRuntimeShutdown, startRuntime, type Runtime } from '../../runtime/runtime.js';
import { startHealthServer, type RouteHook } from '../../observability/health-server.js';
import { setUpArbitrator } from '../../arbitration/arbitrator-setup.js';
import type { ArbitrationServices } from '../../arbitration/arbitration-services.js';
import type { WorkerPool } from '../../../workers/worker-pool.js';
import { startProcessPool } from './process-pool.js';
import { registerDemoCommand } from './demo.js';

function waitForShutdown(runtime: Runtime): Promise<void> {
  return new Promise<void>((resolve) => {
    runtime.shutdown.listen();
    runtime.shutdown.register('done', () => resolve());
  });
}

function startWorkers(runtime: Runtime, queueGlobs: string, metrics: Pick<ZekkaMetrics, 'agentDuration' | 'verifications'>, arbitration: ArbitrationServices): WorkerPool {
  const pool = startProcessPool(runtime, queueGlobs, arbitration);
  observeAgentJobs(pool.workers, metrics);
  observeVerifications(pool.workers, metrics);
  return pool;
}

/** Workers and arbitrators: the queue processors plus a small health/metrics server. */
async function serve(runtime: Runtime, port: number, withWorkers: string, arbitrator = false): Promise<void> {
  const metrics = createProcessMetrics();
  // Every pool gets the configured strategy chain; only `zekka arbitrator` serves the GitHub webhook.
  const arbitration = setUpArbitrator(runtime.deps, runtime.env, metrics.registry);
  const routes: RouteHook | undefined = arbitrator ? arbitration.routes : undefined;
  const health = await startHealthServer({
    port,
    host: runtime.env.LISTEN_ADDRESS,
    routes,
    registry: metrics.registry,
    checks: { database: () => runtime.database.ready(), redis: () => redisReady(runtime.redis) },
  });
  runtime.shutdown.register('http', () => health.close());
  const pool = startWorkers(runtime, withWorkers, metrics, arbitration.services);
  runtime.logger.info('workers started', { queues: pool.queueNames.length, port: health.port });
  registerRuntimeShutdown(runtime);
  await waitForShutdown(runtime);
}

/** The model report probes providers over the network: refresh it at most once a minute. */
function cachedModelReport(runtime: Runtime): () => Promise<ModelReport> {
  let cached: { at: number; report: Promise<ModelReport> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > 60_000) {
      const report = buildModelReport(runtime.env, { timeoutMs: 2_000 });
      cached = { at: Date.now(), report };
      report.catch(() => (cached = undefined));
    }
    return cached.report;
  };
}

/** The API gateway (and, for `zekka dev`, every processor in the same process). */
async function serveApi(runtime: Runtime, withWorkers?: string): Promise<void> {
  const observability = createApiObservability(runtime.deps);
  const apiOptions = apiOptionsFromEnv(runtime.env);
  const app = createApp(
    {
      engine: runtime.deps,
      observability,
      checks: { database: () => runtime.database.ready(), redis: () => redisReady(runtime.redis) },
      modelReport: cachedModelReport(runtime),
    },
    apiOptions,
  );
  const server = await startApiServer(app, {
    port: runtime.env.PORT,
    host: runtime.env.LISTEN_ADDRESS,
    attach: (http) =>
      attachRealtime(http, {
        engine: runtime.deps,
        auth: createSocketAuth(runtime.deps.prisma, apiOptions.jwtSecret),
        access: new ProjectAccess(runtime.deps.prisma),
        logger: runtime.logger,
        corsOrigins: apiOptions.corsOrigins,
        limits: realtimeLimitsFromEnv(runtime.env),
      }),
  });
  runtime.shutdown.register('http', () => server.close());
  if (withWorkers) {
    startWorkers(runtime, withWorkers, observability.metrics, setUpArbitrator(runtime.deps, runtime.env, observability.metrics.registry).services);
  }
  runtime.logger.info('API listening', { port: server.port, docs: '/api/docs', workers: Boolean(withWorkers) });
  registerRuntimeShutdown(runtime);
  await waitForShutdown(runtime);
}

export function registerProcessCommands(program: Command): void {
  const onExit = (code: number) => {
    // 130: a second signal during shutdown — the user wants out now.
    if (code === 130) process.exit(130);
    process.exitCode = code;
  };
  program
    .command('worker')
    .description('run the processors of the queues matched by WORKER_QUEUES (metrics and health on WORKER_METRICS_PORT)')
    .action(async () => {
      const runtime = await startRuntime({ service: 'worker', jwtSecret: 'required', allowEmbedded: false, onExit });
      await serve(runtime, runtime.env.WORKER_METRICS_PORT, runtime.env.WORKER_QUEUES);
    });
  program
    .command('arbitrator')
    .description('settle conflicts from the arbitration queue (health and metrics on ARBITRATOR_PORT)')
    .action(async () => {
      const runtime = await startRuntime({ service: 'arbitrator', jwtSecret: 'required', allowEmbedded: false, onExit });
      await serve(runtime, runtime.env.ARBITRATOR_PORT, 'arbitration', true);
    });
  program
    .command('api')
    .description('serve the REST API on PORT (/api/*, /api/docs, /health, /metrics, /admin/queues)')
    .action(async () => {
      const runtime = await startRuntime({ service: 'api', jwtSecret: 'required', allowEmbedded: false, onExit });
      await serveApi(runtime);
    });
  program
    .command('dev')
    .description('run everything in one process (embedded database when DATABASE_URL is unset)')
    .action(async () => {
      const runtime = await startRuntime({ service: 'dev', jwtSecret: 'generate', allowEmbedded: true, onExit });
      await serveApi(runtime, '*');
    });
  registerDemoCommand(program);
}
