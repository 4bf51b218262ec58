/**
 * Runs the processors of the queues a process serves. `WORKER_QUEUES` is a comma-separated list
 * of globs over queue names (`*`, `agent.*,stage.*`, `agent.frontend-*` …) so pods can specialise.
 * Closing waits for active jobs up to a deadline; whatever does not finish is left to BullMQ's
 * stalled-job recovery and picked up by another worker.
 */
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import picomatch from 'picomatch';
import type { Redis } from 'ioredis';
import type { ArbitrationServices } from '../src/arbitration/arbitration-services.js';
import type { VerificationSettings } from '../src/verification/verification-settings.js';
import type { EngineDeps } from '../src/engine/engine-deps.js';
import { QUEUES, type QueueDefinition } from '../queues/job-catalog.js';
import { createProcessor } from './processors.js';

export interface WorkerPoolOptions {
  deps: EngineDeps;
  /**
   * How the arbitration queue's jobs are settled (src/arbitration/arbitrator-setup.ts builds them
   * from the configuration). Required of every pool: one that serves the arbitration queue without
   * them must not compile, and a pool that does not serve it never reads them.
   */
  arbitration: ArbitrationServices;
  /** Where and how the verify queue's jobs run (src/verification); required for the same reason. */
  verification: VerificationSettings;
  /** A connection to duplicate for each worker (BullMQ needs `maxRetriesPerRequest: null`). */
  connection: Redis;
  prefix: string;
  queueGlobs: string;
  /** Overrides the catalogue's concurrency for agent queues. */
  agentConcurrency?: number;
  /** Per-queue overrides, `glob=n,glob=n` (first match wins), e.g. `agent.frontend-*=5`. */
  queueConcurrency?: string;
  /** Overrides every queue's lock duration (how soon a dead worker's jobs are taken over). */
  lockDurationMs?: number;
}

export function matchQueues(globs: string): QueueDefinition[] {
  const patterns = globs.split(',').map((g) => g.trim()).filter((g) => g.length > 0);
  if (patterns.length === 0) throw new Error('WORKER_QUEUES names no queue');
  const match = picomatch(patterns);
  const matched = QUEUES.filter((q) => match(q.name));
  if (matched.length === 0) throw new Error(`WORKER_QUEUES=${globs} matches none of the ${QUEUES.length} queues`);
  return matched;
}

/** Parses `glob=n,glob=n` into matchers, first match wins. */
export function parseQueueConcurrency(spec: string | undefined): (queue: string) => number | undefined {
  const rules = (spec ?? '')
    .split(',')
    .map((part) => part.split('=').map((s) => s.trim()))
    .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== '' && pair[1] !== '')
    .map(([glob, n]) => ({ match: picomatch(glob), concurrency: Number(n) }));
  return (queue) => rules.find((rule) => rule.match(queue))?.concurrency;
}

export class WorkerPool {
  readonly workers: Worker[];
  readonly arbitration: ArbitrationServices;

  constructor(private readonly options: WorkerPoolOptions) {
    const { deps } = options;
    this.arbitration = options.arbitration;
    // Queue handles write each queue's settings (e.g. the event stream cap) into Redis.
    deps.queues.all();
    const override = parseQueueConcurrency(options.queueConcurrency);
    this.workers = matchQueues(options.queueGlobs).map((definition) => {
      const worker = new Worker(definition.name, createProcessor(definition.kind, deps, { arbitration: options.arbitration, verification: options.verification }), {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: override(definition.name) ?? (definition.kind === 'agent' ? (options.agentConcurrency ?? definition.concurrency) : definition.concurrency),
        name: `${hostname()}:${process.pid}`,
        lockDuration: options.lockDurationMs ?? definition.lockDurationMs,
        stalledInterval: Math.min(30_000, options.lockDurationMs ?? definition.lockDurationMs),
        maxStalledCount: 2,
        autorun: true,
      });
      worker.on('failed', (job, error) => {
        if (job) void this.onFinalFailure(definition, job, error).catch((e: unknown) => deps.logger.error('failure bookkeeping failed', { error: String(e) }));
      });
      worker.on('error', (error) => deps.logger.error('worker error', { queue: definition.name, error: error.message }));
      return worker;
    });
  }

  get queueNames(): string[] {
    return this.workers.map((w) => w.name);
  }

  /** Stage and project jobs that fail for good outside their own bookkeeping (crashes, Redis or DB errors). */
  private async onFinalFailure(definition: QueueDefinition, job: Job, error: Error): Promise<void> {
    // A verify job fails its run's root through failParentOnFailure, in Lua: no worker sees the root fail.
    if (definition.kind !== 'stage' && definition.kind !== 'project' && definition.kind !== 'verify') return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError';
    if (!final) return;
    const data = job.data as { projectId?: string; runId?: string; stage?: number };
    if (!data.projectId) return;
    const where = definition.kind === 'verify' ? 'verification' : data.stage ? `stage ${data.stage}` : 'project';
    const reason = `${where}: ${error.message}`;
    if (!data.runId) return;
    await this.options.deps.lifecycle.apply(data.projectId, 'fail', { runId: data.runId, reason, event: { reason } });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
