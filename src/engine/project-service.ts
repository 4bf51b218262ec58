/**
 * Projects: create, execute, resume (retry from the stage that failed), accept, cancel. The
 * status changes go through the lifecycle's transition table (src/engine/project-lifecycle.ts).
 * Each execution is a run (`r1`, `r2` …) whose id is part of every job id, so executing twice
 * enqueues nothing new and a resume starts a fresh flow from the first unfinished stage.
 */
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { analyzeRequestCached } from '../agents/analysis-cache.js';
import { selectAgents } from '../agents/selection.js';
import type { Project } from '../db/prisma-types.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/app-error.js';
import { agentQueueName, ARBITRATION_QUEUE } from '../../queues/job-catalog.js';
import type { ProjectServiceDeps } from './engine-deps.js';
import { buildProjectFlow } from './flow-builder.js';
import { jobIds } from './job-ids.js';
import { ACTIVE_STATUSES, RESUMABLE_STATUSES, TransitionRefusedError } from './project-lifecycle.js';
import { projectOptionsSchema } from './project-options.js';
import { raiseProjectBudget } from '../economics/budget-raise.js';
import { budgetEventData } from '../economics/project-budget-guard.js';
import { loadBudgetFromDatabase, ProjectBudget } from '../economics/project-budget.js';

export const MICROS_PER_USD = 1_000_000;

export const createProjectSchema = z.object({
  ownerId: z.string().uuid(),
  name: z.string().trim().min(1).max(200),
  requirements: z.string().trim().min(10, 'must describe the software (at least 10 characters)').max(100_000),
  budgetUsd: z.number().positive().max(1_000_000).optional(),
  options: projectOptionsSchema.default({}),
});

export type CreateProjectInput = z.input<typeof createProjectSchema>;

const ACTIVE: readonly Project['status'][] = ACTIVE_STATUSES;
const RESUMABLE: readonly Project['status'][] = RESUMABLE_STATUSES;

export class ProjectService {
  constructor(
    private readonly deps: ProjectServiceDeps,
    private readonly defaultBudgetUsd = 10,
  ) {}

  async create(input: CreateProjectInput): Promise<Project> {
    const parsed = createProjectSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ValidationError(`${issue?.path.join('.') || 'body'}: ${issue?.message}`, { field: issue?.path.join('.') });
    }
    const { ownerId, name, requirements, budgetUsd, options } = parsed.data;
    const plan = selectAgents(analyzeRequestCached(requirements), options as Parameters<typeof selectAgents>[1]);
    if (plan.length === 0) throw new ValidationError('options: the selection leaves no agent to run', { field: 'options' });
    const project = await this.deps.prisma.project.create({
      data: { ownerId, name, requirements, options, budgetMicros: BigInt(Math.round((budgetUsd ?? this.defaultBudgetUsd) * MICROS_PER_USD)) },
    });
    await this.deps.events.publish({ type: 'project.created', projectId: project.id, data: { name, agents: plan.length, budgetMicros: project.budgetMicros.toString() } });
    return project;
  }

  async get(projectId: string): Promise<Project> {
    const project = await this.deps.prisma.project.findUnique({ where: { id: projectId } });
    if (!project) throw new NotFoundError('project');
    return project;
  }

  /** Starts the project; a second call while it is active returns the same run. */
  async execute(projectId: string): Promise<{ runId: string; started: boolean }> {
    const project = await this.get(projectId);
    if (ACTIVE.includes(project.status) && project.runId) return { runId: project.runId, started: false };
    if (project.status === 'completed') throw new ConflictError('project already completed');
    if (RESUMABLE.includes(project.status)) return this.resume(projectId);
    return this.startRun(project, 1, 'enqueue');
  }

  /** Retries a failed, cancelled or budget-exhausted project from its first unfinished stage; continues one awaiting plan review with its (edited) plan. */
  async resume(projectId: string): Promise<{ runId: string; started: boolean }> {
    const project = await this.get(projectId);
    if (ACTIVE.includes(project.status) && project.runId) return { runId: project.runId, started: false };
    if (!RESUMABLE.includes(project.status)) throw new ConflictError(`a ${project.status} project cannot be resumed`);
    const finished = await this.deps.stageRuns.completedStages(projectId);
    let firstStage = 1;
    while (firstStage <= 10 && finished.has(firstStage)) firstStage++;
    // Every stage completed (software that failed its checks): the new run only verifies and repairs.
    if (firstStage > 10 && !this.deps.verifyRuns) firstStage = 10;
    return this.startRun(project, firstStage, 'resume');
  }

  private async startRun(project: Project, firstStage: number, transition: 'enqueue' | 'resume'): Promise<{ runId: string; started: boolean }> {
    const runNumber = Number(project.runId?.slice(1) ?? 0) + 1;
    const runId = `r${runNumber}`;
    // The transition is a compare-and-set on the status: of two concurrent executes, exactly one starts the run.
    try {
      const claimed = await this.deps.lifecycle.apply(project.id, transition, { runId, event: { runId, fromStage: firstStage } });
      if (!claimed) {
        const current = await this.get(project.id);
        return { runId: current.runId ?? runId, started: false };
      }
      await this.enqueueRun(project.id, runId, firstStage, (project.options as { reviewPlan?: boolean } | null)?.reviewPlan === true);
    } catch (error) {
      // Claimed but not enqueued (Redis went away between the two): the project must not wait for
      // a run that will never come; it fails, and a resume starts it again.
      const reason = `the run could not be enqueued: ${error instanceof Error ? error.message : String(error)}`;
      await this.deps.lifecycle.apply(project.id, 'fail', { runId, reason }).catch(() => undefined);
      throw error;
    }
    this.deps.logger.info('project run enqueued', { projectId: project.id, runId, firstStage });
    return { runId, started: true };
  }

  private async enqueueRun(projectId: string, runId: string, firstStage: number, reviewPlan: boolean): Promise<void> {
    await this.deps.state.clearCancelled(projectId);
    // On the context bus before the first agent asks (else the first stage's agents all load it at once).
    await new ProjectBudget(this.deps.redis, projectId, { namespace: this.deps.namespace }).init(await loadBudgetFromDatabase(this.deps.prisma, projectId));
    await this.deps.queues.flows.add(buildProjectFlow(projectId, runId, firstStage, { verify: this.deps.verifyRuns, reviewPlan }));
  }

  /** Sets the budget (a user raising it after `budget_exhausted`); never below what is spent and reserved. */
  async setBudget(projectId: string, budgetUsd: number): Promise<Project> {
    await this.get(projectId);
    if (!Number.isFinite(budgetUsd) || budgetUsd <= 0 || budgetUsd > 1_000_000) throw new ValidationError('budgetUsd: must be a positive number of dollars up to 1,000,000', { field: 'budgetUsd' });
    const budgetMicros = BigInt(Math.round(budgetUsd * MICROS_PER_USD));
    const snapshot = await raiseProjectBudget({ prisma: this.deps.prisma, redis: this.deps.redis, namespace: this.deps.namespace, projectId, budgetMicros });
    await this.deps.events.publish({ type: 'cost.updated', projectId, data: budgetEventData(snapshot) });
    return this.get(projectId);
  }

  /** Stops starting new agents, removes waiting jobs; in-flight agents finish without writing. */
  async cancel(projectId: string): Promise<Project> {
    await this.get(projectId);
    // One conditional update: a cancel racing a completion either wins or changes nothing; the
    // run it cancels is the one the project held at that moment (not one read before it).
    const cancelled = await this.deps.lifecycle.applyReturningRun(projectId, 'cancel');
    if (!cancelled) {
      const current = await this.get(projectId);
      throw new ConflictError(`a ${current.status} project cannot be cancelled`);
    }
    const { runId } = cancelled;
    if (runId) await this.deps.state.markCancelled(projectId, runId);
    const pending = await this.deps.agentRuns.cancelPending(projectId);
    if (runId) await this.removeWaitingJobs(projectId, runId, pending);
    return this.get(projectId);
  }

  /** A person accepts a project whose software did not pass its own checks: it becomes completed. */
  async accept(projectId: string): Promise<Project> {
    await this.get(projectId);
    try {
      await this.deps.lifecycle.require(projectId, 'accept', { event: { acceptedUnverified: true } });
    } catch (error) {
      if (error instanceof TransitionRefusedError) throw new ConflictError(error.message);
      throw error;
    }
    return this.get(projectId);
  }

  private async removeWaitingJobs(projectId: string, runId: string, agents: readonly { agentId: string; instanceKey: string }[]): Promise<void> {
    const conflicts = await this.deps.prisma.conflict.findMany({ where: { projectId, status: { in: ['open', 'needs_review'] } }, select: { id: true } });
    const removals = [
      ...agents.map((a) => ({ queue: agentQueueName(a.agentId), id: jobIds.agent(projectId, runId, a.instanceKey) })),
      ...conflicts.map((c) => ({ queue: ARBITRATION_QUEUE, id: jobIds.arbitration(projectId, runId, c.id) })),
    ];
    for (const { queue, id } of removals) {
      // A job that is running cannot be removed; it sees the cancel flag and stops on its own.
      await this.deps.queues
        .get(queue)
        .remove(id)
        .catch((error: unknown) => this.deps.logger.debug('job not removed on cancel', { jobId: id, error: String(error) }));
    }
  }
}

/** Thrown inside processors when the run they belong to was cancelled. */
export class RunCancelledError extends UnrecoverableError {
  constructor() {
    super('project cancelled');
  }
}

