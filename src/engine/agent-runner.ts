/**
 * Runs one agent instance: load its context, call the model, check the output against the
 * role's contract, write its files under per-file locks, and record everything.
 *
 * Idempotency: writes are skipped when this author already wrote the same content (a retry after a
 * crash), conflicts are keyed by run + agent + path, and the ledger key is the job attempt.
 * Cancellation is checked before the model call and again before any write.
 */
import { UnrecoverableError } from 'bullmq';
import { getRole } from '../agents/catalog/index.js';
import { roleInLayout } from '../agents/role-layout.js';
import { checkPlanOutput } from '../agents/plan.js';
import type { PromptReuse } from '../agents/prompt.js';
import { selectAgents } from '../agents/selection.js';
import type { SelectionOptions, StageNumber } from '../agents/types.js';
import type { AgentTask } from '../agents/agent-task.js';
import { originalInstance } from '../verification/repair-plan.js';
import { answerAgentTask } from './agent-calls.js';
import { promptReuse } from './prompt-reuse.js';
import { createBudgetGuard } from '../economics/project-budget-guard.js';
import { BudgetExceededError, SpendCapReachedError } from '../errors/app-error.js';
import { markBudgetExhausted } from './budget-exhaustion.js';
import type { AgentJobData } from '../../queues/job-catalog.js';
import { recordCodeConflict } from './conflict-recorder.js';
import { guardLocks, recordBudgetConflict, recordLockConflict } from './conflicts/resource-conflicts.js';
import type { AgentExecutionDeps, BudgetDeps, BusDeps, EngineDeps, ModelDeps, RunRecordDeps, StoreDeps, WorkspaceDeps } from './engine-deps.js';
import { HeldEvents } from './events/held-events.js';
import { analysisFromWorkspace } from './plan-source.js';
import { RunCancelledWhileLockingError } from './workspace/file-locks.js';
import { checkAgentPaths, isAllowedPath } from './workspace/workspace-paths.js';
import type { StageSnapshot } from './workspace/stage-snapshot-cache.js';

export interface AgentJobMeta {
  jobId: string;
  /** Attempts already made before this one. */
  attemptsMade: number;
  /**
   * Deliveries of this job so far, this one included (BullMQ's attemptsStarted): it also counts a
   * delivery whose worker died, which attemptsMade does not. Default: attemptsMade + 1.
   */
  delivery?: number;
  maxAttempts: number;
  stageJob: { id: string; queue: string };
}

export interface AgentResult {
  instanceKey: string;
  status: 'completed' | 'cancelled';
  written: string[];
  conflicts: string[];
  inputTokens: number;
  outputTokens: number;
}

export async function runAgent(deps: AgentExecutionDeps, data: AgentJobData, meta: AgentJobMeta): Promise<AgentResult> {
  const { projectId, runId, instanceKey } = data;
  const role = getRole(data.agentId);
  const idle: AgentResult = { instanceKey, status: 'cancelled', written: [], conflicts: [], inputTokens: 0, outputTokens: 0 };
  const started = Date.now();
  const attempt = meta.attemptsMade + 1;
  // Model-call ids are unique per delivery: a job delivered again after its worker died calls the
  // model again (the answer was lost with the worker) and must not collide with the calls, maybe
  // already settled, of the delivery that died.
  const callKeyPrefix = `${meta.jobId}#${meta.delivery ?? attempt}`;
  const run = await deps.agentRuns.start(projectId, instanceKey, attempt);
  if (!run) {
    // A job delivered again after its run completed (its worker died before BullMQ recorded the
    // job as done): the work is done and recorded; doing it again would pay for the model again.
    if ((await deps.agentRuns.status(projectId, instanceKey)) === 'completed') return { ...idle, status: 'completed' };
    throw new UnrecoverableError(`agent run ${instanceKey} of project ${projectId} does not exist`);
  }
  const { project } = run;
  const agentRun = { id: run.agentRunId, stageRunId: run.stageRunId };
  // The guard's cost.updated events leave with this job's next event (its completion or failure).
  const held = new HeldEvents(deps.events);
  // The start is announced unless the run was cancelled (one script: the announcement is the cancel
  // check); a run found cancelled is marked so at once (its attempt counted as started, no model
  // called, nothing written). Awaited with the stage snapshot, which does not depend on it.
  const announced = deps.events.publishUnlessCancelled({ type: 'agent.started', projectId, data: { stage: data.stage, agentId: role.id, instanceKey, attempt } }, runId);

  try {
    // A repair works on the workspace as it is now; a stage's agents on what earlier stages left.
    const [snapshot, startSeq] = await Promise.all([data.repair ? currentWorkspace(deps, projectId) : deps.snapshots.get(projectId, runId, data.stage), announced]);
    if (startSeq === 0) return await markCancelled(deps, data, idle);
    // Another agent's call already found the budget spent: this one is refused like that call was.
    if (project.status === 'budget_exhausted') throw new BudgetExceededError('the project budget is exhausted');
    const earlier = snapshot.versions;
    // The plan the Requirements stage wrote, as this stage found it (the analyser's findings before it exists).
    const { analysis, plan } = analysisFromWorkspace(project.requirements, snapshot.contents);
    const task: AgentTask = {
      projectId,
      projectName: project.name,
      requirements: project.requirements,
      analysis,
      ...(plan ? { plan } : {}),
      stage: data.stage as StageNumber,
      agentId: role.id,
      instanceKey,
      subject: data.subject,
      // Filled by answerAgentTask (src/engine/agent-calls.ts) with the map and the files that fit.
      context: [],
      repair: data.repair,
    };
    // The paths this request's profile gives the role (src/agents/role-layout.ts).
    const laidOut = roleInLayout(role, task.analysis) ?? role;
    const budget = createBudgetGuard({
      prisma: deps.prisma,
      sql: deps.sql,
      redis: deps.redis,
      namespace: deps.namespace,
      projectId,
      userId: project.ownerId,
      agentRunId: agentRun.id,
      callKeyPrefix,
      // Only this delivery uses these call ids: a call's first settle cannot find a ledger row.
      freshCallIds: meta.delivery !== undefined,
      events: held.holder,
      prices: deps.prices,
      spendCap: deps.spendCap,
      logger: deps.logger,
    });
    // A repair runs an instance again: what others wrote since it last did is worth its attention.
    const [changed, credentials] = await Promise.all([
      data.repair ? deps.artifacts.changedSince(projectId, [instanceKey, originalInstance(instanceKey)]).then((paths) => new Set(paths)) : undefined,
      deps.credentials?.forOwner(project.ownerId),
    ]);
    const reuse = stagePromptReuse(task, project.options, snapshot);
    const answer = await answerAgentTask(deps, { role, laidOut, task, snapshot, changed, reuse, budget, credentials });
    for (const change of answer.switches) {
      await held.publish({ type: 'agent.model_switched', projectId, data: { stage: data.stage, agentId: role.id, instanceKey, ...change } });
    }
    const output = answer.output;
    checkAgentPaths(
      output.files.map((f) => f.path),
      laidOut.writes,
    );
    // The plan chooses the later stages' agents: a missing or invalid one fails this attempt (retried), naming the field.
    // A repair rewrites only the files it was given, so it need not write the plan again.
    checkPlanOutput(data.repair ? [] : laidOut.produces, output.files);

    const bases = new Map(earlier.map((f) => [f.path, f.version]));
    const paths = output.files.map((f) => f.path);
    // The run is recorded as completed by the statement that writes its files, unless a file
    // clashed (then it is completed below, once the conflict is recorded). Its duration ends here.
    const record = {
      agentRunId: agentRun.id,
      durationMs: Date.now() - started,
      provider: answer.provider,
      model: answer.model,
      inputTokens: answer.usage.inputTokens,
      outputTokens: answer.usage.outputTokens,
      switches: answer.switches,
    };
    const completedEvent = (files: number, conflicts: number) =>
      ({ type: 'agent.completed', projectId, data: { stage: data.stage, agentId: role.id, instanceKey, files, conflicts, durationMs: record.durationMs, model: answer.model } }) as const;
    let completedWithWrites = false;
    // When the write completed the run, the completion is announced at once: its script leaves in
    // the same write to the bus as the locks' release.
    let announcedCompletion: Promise<void> | undefined;
    // The last cancel check is made by the lock script itself: a run cancelled by now takes no lock
    // and writes nothing.
    let cancelled = false;
    const outcomes = await guardLocks(paths.length, () =>
      deps.locks.withLocks(projectId, paths, meta.jobId, async (locks) => {
        const files = output.files.map((file, i) => ({ path: file.path, content: file.content, baseVersion: bases.get(file.path) ?? null, fenceToken: locks[i]?.token ?? 0 }));
        const written = await deps.artifacts.writeAndComplete({ projectId, author: instanceKey, agentRunId: agentRun.id, stage: data.stage, files }, record);
        completedWithWrites = written.completed;
        if (completedWithWrites) {
          announcedCompletion = held.publish(completedEvent(paths.length, 0));
          announcedCompletion.catch(() => undefined);
        }
        return written.outcomes;
      }, runId).catch((error: unknown) => {
        if (!(error instanceof RunCancelledWhileLockingError)) throw error;
        cancelled = true;
        return [];
      }),
    );
    const usage = { inputTokens: answer.usage.inputTokens, outputTokens: answer.usage.outputTokens };
    if (announcedCompletion) {
      await announcedCompletion;
      return { instanceKey, status: 'completed', written: paths, conflicts: [], ...usage };
    }
    if (cancelled) return await markCancelled(deps, data, idle, held);
    const written: string[] = [];
    const conflicts: string[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const file = output.files[i];
      if (!file) continue;
      if (outcome.kind === 'written' || outcome.kind === 'unchanged') {
        written.push(file.path);
        continue;
      }
      const baseVersion = bases.get(file.path) ?? null;
      const base = baseVersion === null ? '' : (snapshot.contents.get(file.path) ?? '');
      const clash = { projectId, runId, stage: data.stage, stageRunId: agentRun.stageRunId, path: file.path, baseVersion, base, theirs: file.content, raisedBy: instanceKey, stageJob: meta.stageJob };
      conflicts.push(
        outcome.kind === 'moved' ? await recordCodeConflict(deps, { ...clash, ours: outcome.currentContent }) : await recordLockConflict(deps, { ...clash, reason: outcome.reason }),
      );
    }

    if (!completedWithWrites) await deps.agentRuns.complete(record);
    await held.publish(completedEvent(written.length, conflicts.length));
    return { instanceKey, status: 'completed', written, conflicts, ...usage };
  } catch (error) {
    if (error instanceof BudgetExceededError) {
      // Not retried: the next attempt would be refused too. The project stops until the budget is raised.
      await recordFailure(deps, data, { ...meta, maxAttempts: meta.attemptsMade + 1 }, error, held);
      const limit = error instanceof SpendCapReachedError ? 'account_cap' : 'budget';
      await markBudgetExhausted(deps, { projectId, runId, stage: data.stage, agentName: role.name, detail: error.message, limit });
      if (data.critical) await recordBudgetConflict(deps, data, { stageRunId: agentRun.stageRunId, stageJob: meta.stageJob }, error.message);
      throw new UnrecoverableError(error.message);
    }
    await recordFailure(deps, data, meta, error, held);
    throw error;
  }
}

/** Every current file of the project, as a repair starts from it. */
async function currentWorkspace(deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'limits' | 'logger'>, projectId: string): Promise<StageSnapshot> {
  const files = await deps.artifacts.snapshot(projectId);
  return { versions: files.map((f) => ({ path: f.path, version: f.version })), contents: new Map(files.map((f) => [f.path, f.content])) };
}

/**
 * Which prompt prefixes other agents of the stage share (./prompt-reuse.ts); a repair's context is
 * its own. Two roles get the same files in the same order (src/engine/context/context-plan.ts) when
 * they read and edit the same files of the snapshot: that is the key compared. A wrong guess costs
 * a cache write nobody reads, or a read missed, never a wrong answer.
 */
function stagePromptReuse(task: AgentTask, options: unknown, snapshot: StageSnapshot): PromptReuse {
  if (task.repair) return { files: false, role: false };
  const stage = selectAgents(task.analysis, (options ?? {}) as SelectionOptions).filter((instance) => instance.stage === task.stage);
  // Every agent of the stage asks the same questions of the same snapshot (one object per stage in
  // the snapshot cache): each role's key is worked out once per snapshot, not once per agent.
  let keys = contextKeys.get(snapshot);
  if (!keys) contextKeys.set(snapshot, (keys = new Map<string, string>()));
  const known = keys;
  return promptReuse(task, stage, (agentId) => {
    let key = known.get(agentId);
    if (key === undefined) {
      const role = getRole(agentId);
      const writes = (roleInLayout(role, task.analysis) ?? role).writes;
      const seen = snapshot.versions.filter((file) => isAllowedPath(file.path, role.reads) || isAllowedPath(file.path, writes));
      known.set(agentId, (key = seen.map((file) => `${file.path}@${file.version}`).join('\n')));
    }
    return key;
  });
}

const contextKeys = new WeakMap<StageSnapshot, Map<string, string>>();

async function recordFailure(
  deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'limits' | 'logger'>,
  data: AgentJobData,
  meta: AgentJobMeta,
  error: unknown,
  held: HeldEvents,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const final = meta.attemptsMade + 1 >= meta.maxAttempts || (error instanceof Error && error.name === 'UnrecoverableError');
  await deps.agentRuns.attemptFailed(data.projectId, data.instanceKey, message, final);
  await held.publish({
    type: final ? 'agent.failed' : 'agent.retrying',
    projectId: data.projectId,
    data: { stage: data.stage, agentId: data.agentId, instanceKey: data.instanceKey, attempt: meta.attemptsMade + 1, error: message.slice(0, 500) },
  });
  deps.logger.warn('agent attempt failed', { projectId: data.projectId, instanceKey: data.instanceKey, attempt: meta.attemptsMade + 1, final, error: message });
}

async function markCancelled(
  deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'limits' | 'logger'>,
  data: AgentJobData,
  result: AgentResult,
  held?: HeldEvents,
): Promise<AgentResult> {
  // A cancelled run's model call was paid for all the same: its cost.updated still goes out.
  await Promise.all([deps.agentRuns.cancel(data.projectId, data.instanceKey), held?.publish()]);
  return result;
}
