/**
 * Thin processors: validate `job.data` against the catalogue's schema, then call the service.
 * Every log line written while a job runs carries the job id as its correlation id.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { z } from 'zod';
import { runAgent } from '../src/engine/agent-runner.js';
import type { EngineDeps } from '../src/engine/engine-deps.js';
import { finishProject } from '../src/engine/project-finisher.js';
import { runStage } from '../src/engine/stage-runner.js';
import { runArbitration } from '../src/arbitration/arbitration-runner.js';
import type { ArbitrationServices } from '../src/arbitration/arbitration-services.js';
import { withCorrelation } from '../src/logging/logger.js';
import { runVerification } from '../src/verification/verification-runner.js';
import type { VerificationSettings } from '../src/verification/verification-settings.js';
import { agentJobSchema, arbitrationJobSchema, projectJobSchema, stageJobSchema, verifyJobSchema, type AgentJobData, type ArbitrationJobData, type QueueKind, type StageJobData, type VerifyJobData } from '../queues/job-catalog.js';

/**
 * An agent job runs only within its project's bound (src/engine/agent-slot-cap.ts); over it, the job
 * goes back to wait a moment without spending an attempt, and comes back at its fair-share priority.
 */
async function runAgentInItsSlot(deps: EngineDeps, job: Job<unknown>, token: string | undefined, data: AgentJobData, meta: Parameters<typeof runAgent>[2]): Promise<unknown> {
  if (!deps.slotCap.enabled) return runAgent(deps, data, meta);
  if (!(await deps.slotCap.admit(data.projectId, meta.jobId))) {
    await job.moveToDelayed(Date.now() + deps.slotCap.deferMs, token);
    throw new DelayedError();
  }
  try {
    return await runAgent(deps, data, meta);
  } finally {
    await deps.slotCap.release(data.projectId, meta.jobId);
  }
}

export type Processor = (job: Job<unknown>, token?: string) => Promise<unknown>;

function parse<S extends z.ZodType>(schema: S, job: Job<unknown>): z.infer<S> {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid job data for ${job.queueName}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** What the jobs of some queues need besides the engine: a process serving them cannot be built without. */
export interface ProcessorServices {
  arbitration: ArbitrationServices;
  verification: VerificationSettings;
}

export function createProcessor(kind: QueueKind, deps: EngineDeps, { arbitration, verification }: ProcessorServices): Processor {
  const run = (job: Job<unknown>, token: string | undefined): Promise<unknown> => {
    switch (kind) {
      case 'project':
        return finishProject(deps, parse(projectJobSchema, job));
      case 'stage':
        return runStage(deps, job as Job<StageJobData>, token ?? '', parse(stageJobSchema, job));
      case 'agent': {
        const maxAttempts = job.opts.attempts ?? 1;
        const stageJob = job.parent ? { id: job.parent.id, queue: job.parent.queueKey } : undefined;
        if (!stageJob) throw new UnrecoverableError(`agent job ${job.id} has no parent stage`);
        return runAgentInItsSlot(deps, job, token, parse(agentJobSchema, job), { jobId: job.id ?? '', attemptsMade: job.attemptsMade, delivery: job.attemptsStarted, maxAttempts, stageJob: { id: stageJob.id ?? '', queue: stageJob.queue } });
      }
      case 'arbitration':
        return runArbitration(deps, arbitration, job as Job<ArbitrationJobData>, token ?? '', parse(arbitrationJobSchema, job));
      case 'verify':
        return runVerification(deps, verification, job as Job<VerifyJobData>, token ?? '', parse(verifyJobSchema, job));
    }
  };
  return (job, token) => withCorrelation(job.id ?? job.name, () => run(job, token));
}
