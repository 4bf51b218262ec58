/**
 * The worker pool of a long-running process (`zekka worker`, `arbitrator`, `dev`, `demo`): the
 * processors of the queues it serves, with the arbitration services its configuration builds
 * (src/arbitration/arbitrator-setup.ts), closed by the shutdown manager.
 */
import type { ArbitrationServices } from '../../arbitration/arbitration-services.js';
import type { Runtime } from '../../runtime/runtime.js';
import { WorkerPool } from '../../../workers/worker-pool.js';

export function startProcessPool(runtime: Runtime, queueGlobs: string, arbitration: ArbitrationServices): WorkerPool {
  const { env } = runtime;
  const pool = new WorkerPool({
    deps: runtime.deps,
    arbitration,
    verification: runtime.verification,
    connection: runtime.redis,
    prefix: env.QUEUE_PREFIX,
    queueGlobs,
    agentConcurrency: env.WORKER_CONCURRENCY,
    lockDurationMs: env.JOB_LOCK_DURATION_MS,
    queueConcurrency: env.QUEUE_CONCURRENCY,
  });
  runtime.shutdown.register('workers', () => pool.close());
  return pool;
}
