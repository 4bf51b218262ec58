/**
 * Builds one run of a project as a BullMQ flow:
 *
 *   project (root: manifest, totals, completion)
 *   └─ verify                  (the software proven in the sandbox, repaired; when verification is on)
 *      └─ stage.10-qa
 *         └─ stage.09-deployment … └─ stage.01-requirements   (deepest runs first)
 *
 * Agent jobs are not in the tree yet: each stage adds its agents as children when it runs
 * (its `dispatch` step), because which agents run depends on what earlier stages produced.
 * A run may start at a later stage (retry from the stage that failed), or at 11: verification
 * alone (a run whose stages all completed but whose software failed its checks).
 */
import type { FlowJob } from 'bullmq';
import { stageQueueName } from '../agents/stages.js';
import { PROJECT_QUEUE, queueDefinition, VERIFY_QUEUE, type ProjectJobData, type StageJobData, type VerifyJobData } from '../../queues/job-catalog.js';
import { jobIds } from './job-ids.js';

export function buildProjectFlow(projectId: string, runId: string, firstStage: number, options: { verify: boolean; reviewPlan?: boolean }): FlowJob {
  // A run that writes the plan (it starts at Requirements) stops before stage 2 when the plan is to be reviewed.
  const reviewAt = options.reviewPlan && firstStage === 1 ? 2 : undefined;
  let chain: FlowJob | undefined;
  for (let stage = firstStage; stage <= 10; stage++) {
    const queueName = stageQueueName(stage);
    const definition = queueDefinition(queueName);
    const data: StageJobData = { projectId, runId, stage, step: 'dispatch', ...(stage === reviewAt ? { reviewPlan: true } : {}) };
    const node: FlowJob = {
      name: definition.jobName,
      queueName,
      data,
      opts: { ...definition.jobOptions, jobId: jobIds.stage(projectId, runId, stage) },
      children: chain ? [chain] : undefined,
    };
    chain = node;
  }
  if (options.verify) {
    const verify = queueDefinition(VERIFY_QUEUE);
    const data: VerifyJobData = { projectId, runId, round: 0, step: 'verify' };
    chain = { name: verify.jobName, queueName: VERIFY_QUEUE, data, opts: { ...verify.jobOptions, jobId: jobIds.verify(projectId, runId) }, children: chain ? [chain] : undefined };
  }
  const root = queueDefinition(PROJECT_QUEUE);
  const data: ProjectJobData = { projectId, runId };
  return {
    name: root.jobName,
    queueName: PROJECT_QUEUE,
    data,
    opts: { ...root.jobOptions, jobId: jobIds.project(projectId, runId) },
    children: chain ? [chain] : undefined,
  };
}
