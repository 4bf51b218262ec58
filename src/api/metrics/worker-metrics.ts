/**
 * Agent execution time, observed in the process that runs the agent (worker pods, or `zekka dev`),
 * from BullMQ's own timestamps: processedOn → finishedOn of each attempt.
 */
import type { Job, Worker } from 'bullmq';
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
