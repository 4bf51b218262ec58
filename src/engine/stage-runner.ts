/**
 * A stage job is a two-step processor (BullMQ's "step job" pattern):
 *
 *   dispatch — select this stage's agents from the plan as the workspace holds it now
 *              (src/engine/plan-source.ts), record them, add one child job per agent (this stage
 *              job as parent), save `step: collect` in the job data, move to waiting-children;
 *              or, in a run that reviews its plan, stop the run before this stage (awaiting_plan_review);
 *   collect  — resumed once every child (agents and any arbitration jobs they raised) finished:
 *              apply the failure policy, check the declared artifacts exist and every conflict
 *              was settled, persist the stage result, announce it.
 *
 * A critical agent's final failure, an unsettled conflict or a cancel makes `collect` throw an
 * UnrecoverableError; the stage chain's `failParentOnFailure` then fails the later stages and the
 * project root, so nothing is left waiting for children that will never come.
 */
import { UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import { getRole, producedPaths } from '../agents/catalog/index.js';
import { InvalidPlanError } from '../agents/plan.js';
import { roleInLayout } from '../agents/role-layout.js';
import { selectAgents } from '../agents/selection.js';
import { getStage } from '../agents/stages.js';
import type { RequestAnalysis, SelectionOptions } from '../agents/types.js';
import { agentQueueName, ARBITRATION_QUEUE, queueDefinition, type AgentJobData, type ArbitrationJobData, type StageJobData } from '../../queues/job-catalog.js';
import type { BusDeps, EngineDeps, RunRecordDeps, StageDeps } from './engine-deps.js';
import { jobIds } from './job-ids.js';
import { raiseRecordConflicts } from './conflicts/record-disputes.js';
import { analysisFromWorkspace } from './plan-source.js';
import { RunCancelledError } from './project-service.js';
import type { StageProject } from './stage-run-records.js';

export interface StageResult {
  stage: number;
  agents: number;
  succeeded: number;
  failed: string[];
  conflicts: number;
}

export async function runStage(deps: StageDeps, job: Job<StageJobData>, token: string, data: StageJobData): Promise<StageResult> {
  // Independent reads go out together: a stage job sits on the project's critical path.
  const [cancelled, project] = await Promise.all([deps.state.isCancelled(data.projectId, data.runId), deps.stageRuns.project(data.projectId)]);
  if (cancelled) {
    await deps.stageRuns.stop(data.projectId, data.stage, 'cancelled');
    throw new RunCancelledError();
  }
  if (project.status === 'budget_exhausted') {
    // The stage stays unfinished, so a resume after raising the budget starts here again.
    await deps.stageRuns.stop(data.projectId, data.stage, 'failed', 'the project budget is exhausted');
    throw new UnrecoverableError('the project budget is exhausted');
  }
  if (data.step === 'dispatch') {
    if (data.reviewPlan) await pauseForPlanReview(deps, data);
    const waiting = await dispatch(deps, job, token, data, project);
    if (waiting) throw new WaitingChildrenError();
  } else if (await job.moveToWaitingChildren(token)) {
    // A collect that runs again after its worker died or its lock lapsed (the job was saved as
    // `collect` just before it first waited) must not judge agents that are still pending or running.
    throw new WaitingChildrenError();
  }
  if (await raiseRecordConflicts(deps, job, token, data)) throw new WaitingChildrenError();
  return collect(deps, job, data, project);
}

/** Returns true when the job now waits for its children. */
async function dispatch(deps: StageDeps, job: Job<StageJobData>, token: string, data: StageJobData, project: StageProject): Promise<boolean> {
  const { projectId, runId, stage } = data;
  const plan = selectAgents(await stageAnalysis(deps, data, project), project.options as SelectionOptions).filter((a) => a.stage === stage);
  const planned = plan.map((a) => ({ instanceKey: a.instanceKey, agentId: a.agentId, jobId: jobIds.agent(projectId, runId, a.instanceKey), critical: a.critical }));
  const begun = await deps.stageRuns.begin(projectId, runId, stage, planned);
  const todo = plan.filter((a) => !begun.done.has(a.instanceKey));
  // Announced before any agent of the stage can start (and announce itself).
  await deps.events.publish({ type: 'stage.started', projectId, data: { stage, name: getStage(stage).name, agents: plan.length, toRun: todo.length } });
  const parent = { id: job.id ?? '', queue: job.queueQualifiedName };
  // Virtual start times: this project's agents interleave with other projects' on shared queues.
  const priorities = await deps.fairShare.priorities(projectId, todo.map((agent) => agentQueueName(agent.agentId)));
  const children = [
    ...todo.map((agent, k) => {
      const queueName = agentQueueName(agent.agentId);
      const definition = queueDefinition(queueName);
      const child: AgentJobData = { projectId, runId, stage, agentId: agent.agentId, instanceKey: agent.instanceKey, subject: agent.subject, critical: agent.critical };
      return { name: definition.jobName, queueName, data: child, opts: { ...definition.jobOptions, jobId: jobIds.agent(projectId, runId, agent.instanceKey), parent, priority: priorities[k] } };
    }),
    // Conflicts an earlier run of this stage left unsettled are arbitrated again, as children of this run's stage job.
    ...begun.unsettledConflictIds.map((conflictId) => {
      const definition = queueDefinition(ARBITRATION_QUEUE);
      const child: ArbitrationJobData = { projectId, runId, stage, conflictId };
      return { name: definition.jobName, queueName: ARBITRATION_QUEUE, data: child, opts: { ...definition.jobOptions, jobId: jobIds.arbitration(projectId, runId, conflictId), parent } };
    }),
  ];
  if (children.length > 0) await deps.queues.flows.addBulk(children);
  await job.updateData({ ...data, step: 'collect' });
  return job.moveToWaitingChildren(token);
}

async function collect(deps: StageDeps, job: Job<StageJobData>, data: StageJobData, project: StageProject): Promise<StageResult> {
  const { projectId, stage } = data;
  const stageDef = getStage(stage);

  // Read together: the stage's outcome, and the agents whose last attempt died with its worker and
  // so never recorded their failure. Those (rare) are recorded here and the outcome read again.
  const [ignored, firstRead] = await Promise.all([job.getIgnoredChildrenFailures(), deps.stageRuns.outcome(projectId, stage)]);
  let outcome = firstRead;
  if (Object.keys(ignored).length > 0) {
    for (const [jobKey, reason] of Object.entries(ignored)) {
      const childId = jobKey.slice(jobKey.lastIndexOf(':') + 1);
      await deps.agentRuns.failByJob(projectId, childId, reason);
    }
    outcome = await deps.stageRuns.outcome(projectId, stage);
  }
  const { stageRunId, runs, artifactPaths: artifacts, conflicts: raised } = outcome;
  const problems: string[] = [];
  const failed: string[] = [];
  const analysis = await stageAnalysis(deps, data, project);
  for (const run of runs) {
    const catalogued = getRole(run.agentId);
    const role = roleInLayout(catalogued, analysis) ?? catalogued;
    let error = run.status === 'completed' ? undefined : (run.error ?? `ended ${run.status}`);
    if (!error) {
      const missing = producedPaths(role, instanceSubject(run.instanceKey)).filter((p) => !artifacts.has(p));
      if (missing.length > 0) error = `did not produce ${missing.join(', ')}`;
    }
    if (!error) continue;
    failed.push(run.instanceKey);
    if (run.critical) problems.push(`${role.name}${run.instanceKey.includes('.') ? ` (${run.instanceKey})` : ''} failed after ${run.attempt} attempt${run.attempt === 1 ? '' : 's'}: ${error}`);
  }
  for (const conflict of raised.filter((c) => c.status !== 'resolved')) problems.push(`${conflict.type} conflict on ${conflict.path ?? conflict.topic ?? '(no path)'} was not settled (${conflict.status})`);
  const conflicts = raised.length;

  const result: StageResult = { stage, agents: runs.length, succeeded: runs.length - failed.length, failed, conflicts };
  if (problems.length > 0) {
    const reason = `stage ${stage} ${stageDef.name}: ${problems.join('; ')}`;
    await failStage(deps, data, stageRunId, result, reason);
    throw new UnrecoverableError(reason);
  }
  await deps.stageRuns.complete({ stageRunId, succeeded: result.succeeded, failed: failed.length, result: { ...result } });
  await deps.events.publish({ type: 'stage.completed', projectId, data: { ...result, name: stageDef.name } });
  return result;
}

/**
 * What this stage's agents are chosen from: the plan in the workspace as the earlier stages left it
 * (the analyser's findings for stage 1, or without a plan). An invalid plan fails the stage, naming the field.
 */
async function stageAnalysis(deps: BusDeps & RunRecordDeps & Pick<EngineDeps, 'snapshots'>, data: StageJobData, project: StageProject): Promise<RequestAnalysis> {
  const snapshot = await deps.snapshots.get(data.projectId, data.runId, data.stage);
  try {
    return analysisFromWorkspace(project.requirements, snapshot.contents).analysis;
  } catch (error) {
    if (!(error instanceof InvalidPlanError)) throw error;
    const reason = `stage ${data.stage} ${getStage(data.stage).name}: ${error.message}`;
    await deps.stageRuns.stop(data.projectId, data.stage, 'failed', reason);
    await deps.events.publish({ type: 'stage.failed', projectId: data.projectId, data: { stage: data.stage, reason } });
    await deps.lifecycle.apply(data.projectId, 'fail', { runId: data.runId, reason, event: { stage: data.stage, reason } });
    throw new UnrecoverableError(reason);
  }
}

/**
 * The run ends here, before this stage begins: the project waits as awaiting_plan_review, and a
 * resume (a new run from this stage) continues with the plan as the person left it. The failure
 * of this stage job ends the run's later stages and root (failParentOnFailure); their `fail`
 * transition is refused, as the project is no longer running. A redelivered job whose run
 * already paused finds the transition refused and ends the same way.
 */
async function pauseForPlanReview(deps: RunRecordDeps & Pick<EngineDeps, 'logger'>, data: StageJobData): Promise<never> {
  const paused = await deps.lifecycle.apply(data.projectId, 'await-plan-review', { runId: data.runId, event: { stage: data.stage } });
  if (paused) deps.logger.info('run paused for plan review', { projectId: data.projectId, runId: data.runId });
  throw new UnrecoverableError('the run stopped for plan review: read or edit the plan, then resume the project');
}

/** `component-generator.task-board` → `task-board`; undefined for a single-instance role. */
function instanceSubject(instanceKey: string): string | undefined {
  const dot = instanceKey.indexOf('.');
  return dot === -1 ? undefined : instanceKey.slice(dot + 1);
}

async function failStage(deps: BusDeps & RunRecordDeps & Pick<EngineDeps, 'logger' | 'queues'>, data: StageJobData, stageRunId: string, result: StageResult, reason: string): Promise<void> {
  const { projectId, runId, stage } = data;
  await deps.stageRuns.fail({ stageRunId, succeeded: result.succeeded, failed: result.failed.length, result: { ...result }, error: reason });
  await deps.events.publish({ type: 'stage.failed', projectId, data: { stage, reason } });
  await deps.lifecycle.apply(projectId, 'fail', { runId, reason, event: { stage, reason } });
  deps.logger.warn('stage failed', { projectId, stage, reason });
}

