/**
 * Builds one run of a project as a BullMQ flow:
 *
 *   project (root: manifest, totals, completion)
 *   └─ stage.10-qa
 *      └─ stage.09-deployment … └─ stage.01-requirements   (deepest runs first)
 *
 * Agent jobs are not in the tree yet: each stage adds its agents as children when it runs
 * (its `dispatch` step), because which agents run depends on what earlier stages produced.
 * A run may start at a later stage (retry from the stage that failed).
 */
import type { FlowJob } from 'bullmq';
import { stageQueueName } from '../agents/stages.js';
import { PROJECT_QUEUE, queueDefinition, type ProjectJobData, type StageJobData } from '../../queues/job-catalog.js';
import { jobIds } from './job-ids.js';

export function buildProjectFlow(projectId: string, runId: string, firstStage: number): FlowJob {
  let chain: FlowJob | undefined;
  for (let stage = firstStage; stage <= 10; stage++) {
    const queueName = stageQueueName(stage);
    const definition = queueDefinition(queueName);
    const data: StageJobData = { projectId, runId, stage, step: 'dispatch' };
    const node: FlowJob = {
      name: definition.jobName,
      queueName,
      data,
      opts: { ...definition.jobOptions, jobId: jobIds.stage(projectId, runId, stage) },
      children: chain ? [chain] : undefined,
    };
    chain = node;
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
