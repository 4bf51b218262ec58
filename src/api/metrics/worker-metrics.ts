/**
 * Agent execution time, observed in the process that runs the agent (worker pods, or `zekka dev`),
 * from BullMQ's own timestamps: processedOn → finishedOn of each attempt; and the verifications
 * that process ran, by profile and result.
 */
import type { Job, Worker } from 'bullmq';
import { VERIFY_QUEUE } from '../../../queues/job-catalog.js';
import type { ZekkaMetrics } from './zekka-metrics.js';

interface AgentJobData {
  stage?: unknown;
  agentId?: unknown;
}

export function observeAgentJobs(workers: readonly Worker[], metrics: Pick<ZekkaMetrics, 'agentDuration'>): void {
  const observe = (job: Job | undefined, outcome: string) => {
    if (!job?.processedOn || !job.finishedOn) return;
    const data = (job.data ?? {}) as AgentJobData;
    const stage = typeof data.stage === 'number' ? String(data.stage) : '';
    const agent = typeof data.agentId === 'string' ? data.agentId : '';
    metrics.agentDuration.observe({ stage, agent, outcome }, Math.max(0, job.finishedOn - job.processedOn) / 1000);
  };
  for (const worker of workers) {
    if (!worker.name.startsWith('agent.')) continue;
    worker.on('completed', (job: Job, result: unknown) => {
      const status = (result as { status?: unknown } | undefined)?.status;
      observe(job, typeof status === 'string' ? status : 'completed');
    });
    worker.on('failed', (job: Job | undefined) => observe(job, 'failed'));
  }
}

export function observeVerifications(workers: readonly Worker[], metrics: Pick<ZekkaMetrics, 'verifications'>): void {
  for (const worker of workers) {
    if (worker.name !== VERIFY_QUEUE) continue;
    worker.on('completed', (_job: Job, result: unknown) => {
      const { status, profile } = (result ?? {}) as { status?: unknown; profile?: unknown };
      metrics.verifications.inc({ profile: typeof profile === 'string' ? profile : 'none', result: typeof status === 'string' ? status : 'unknown' });
    });
    worker.on('failed', (job: Job | undefined, error: Error) => {
      const final = job !== undefined && (job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError');
      if (final) metrics.verifications.inc({ profile: 'none', result: 'error' });
    });
  }
}
