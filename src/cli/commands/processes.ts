/**
 * Long-running processes: `zekka worker`, `zekka arbitrator`, `zekka api` (health only until the
 * API gateway lands), `zekka dev` (all in one). Each runs until SIGTERM/SIGINT; the shutdown
 * manager closes HTTP first, then workers, then queue handles, the database and Redis.
 */
import type { Command } from 'commander';
import { redisReady } from '../../redis/connection.js';
import { registerRuntimeShutdown, startRuntime, type Runtime } from '../../runtime/runtime.js';
import { startHealthServer } from '../../observability/health-server.js';
import { WorkerPool } from '../../../workers/worker-pool.js';
import { registerDemoCommand } from './demo.js';

function waitForShutdown(runtime: Runtime): Promise<void> {
  return new Promise<void>((resolve) => {
    runtime.shutdown.listen();
    runtime.shutdown.register('done', () => resolve());
  });
}

async function serve(runtime: Runtime, port: number, withWorkers?: string): Promise<void> {
  const health = await startHealthServer({
    port,
    checks: { database: () => runtime.database.ready(), redis: () => redisReady(runtime.redis) },
  });
  runtime.shutdown.register('http', () => health.close());
  if (withWorkers) {
    const pool = new WorkerPool({ deps: runtime.deps, connection: runtime.redis, prefix: runtime.env.QUEUE_PREFIX, queueGlobs: withWorkers, agentConcurrency: runtime.env.WORKER_CONCURRENCY, lockDurationMs: runtime.env.JOB_LOCK_DURATION_MS, queueConcurrency: runtime.env.QUEUE_CONCURRENCY });
    runtime.shutdown.register('workers', () => pool.close());
    runtime.logger.info('workers started', { queues: pool.queueNames.length, port: health.port });
  }
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
      const runtime = await startRuntime({ service: 'worker', allowEmbedded: false, onExit });
      await serve(runtime, runtime.env.WORKER_METRICS_PORT, runtime.env.WORKER_QUEUES);
    });
  program
    .command('arbitrator')
    .description('settle conflicts from the arbitration queue (health and metrics on ARBITRATOR_PORT)')
    .action(async () => {
      const runtime = await startRuntime({ service: 'arbitrator', allowEmbedded: false, onExit });
      await serve(runtime, runtime.env.ARBITRATOR_PORT, 'arbitration');
    });
  program
    .command('api')
    .description('serve HTTP on PORT (currently /health, /health/ready and /metrics)')
    .action(async () => {
      const runtime = await startRuntime({ service: 'api', allowEmbedded: false, onExit });
      await serve(runtime, runtime.env.PORT);
    });
  program
    .command('dev')
    .description('run everything in one process (embedded database when DATABASE_URL is unset)')
    .action(async () => {
      const runtime = await startRuntime({ service: 'dev', allowEmbedded: true, onExit });
      await serve(runtime, runtime.env.PORT, '*');
    });
  registerDemoCommand(program);
}
