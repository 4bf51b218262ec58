/**
 * The project's status machine: the one place that writes `Project.status`.
 *
 *   created ──enqueue──→ queued ──start-stage──→ running ──complete──────────→ completed
 *                          ↑                       │ ├──complete-unverified──→ verification_failed ──accept──→ completed
 *                          │                       │ ├──pause-for-review──→ needs_review ──resume-from-review──→ running
 *                          │                       │ ├──fail──→ failed
 *                          │                       │ └──exhaust-budget──→ budget_exhausted
 *   (any active or created) ──cancel──→ cancelled
 *                          │                       │ └──await-plan-review──→ awaiting_plan_review (the run ends; the plan may be edited)
 *   failed | cancelled | budget_exhausted | verification_failed | awaiting_plan_review ──resume──→ queued
 *
 * Every transition is one conditional UPDATE (`WHERE status = ANY(from)`, and the run id when the
 * writer belongs to a run): of two writers racing, exactly one wins, and a late writer of an old
 * run changes nothing. A cancel cannot overwrite a completion, and a completion cannot overwrite a
 * cancel. The transition that was applied publishes its event; one that was refused publishes nothing.
 *
 * Hot paths that must write the status inside a larger statement (a stage's begin) embed the
 * statement this module gives them (`statusUpdateSql`), so the rules still live here.
 */
import type { SqlExecutor } from '../db/sql-executor.js';
import type { EventType, NewEvent } from './events/event-schema.js';

export const PROJECT_STATUSES = ['created', 'queued', 'running', 'needs_review', 'completed', 'verification_failed', 'failed', 'cancelled', 'budget_exhausted', 'awaiting_plan_review'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** A run is under way: the project holds jobs in the queues. */
export const ACTIVE_STATUSES: readonly ProjectStatus[] = ['queued', 'running', 'needs_review'];
/** Stopped short of completion; `resume` starts a new run from the first unfinished step. */
export const RESUMABLE_STATUSES: readonly ProjectStatus[] = ['failed', 'cancelled', 'budget_exhausted', 'verification_failed', 'awaiting_plan_review'];

type Column = 'runId' | 'failureReason' | 'completedAt' | 'currentStage' | 'startedAt';

export interface TransitionRule {
  from: readonly ProjectStatus[];
  to: ProjectStatus;
  /** The writer must belong to the project's current run. */
  sameRun: boolean;
  /** What else the transition sets: a fixed SQL expression, or `$param` filled from the call. */
  sets: Partial<Record<Column, string>>;
  publishes?: EventType;
}

const NOW = `timezone('UTC', now())`;

export const TRANSITIONS = {
  enqueue: { from: ['created'], to: 'queued', sameRun: false, sets: { runId: '$runId', failureReason: 'NULL', completedAt: 'NULL' }, publishes: 'project.started' },
  resume: { from: RESUMABLE_STATUSES, to: 'queued', sameRun: false, sets: { runId: '$runId', failureReason: 'NULL', completedAt: 'NULL' }, publishes: 'project.started' },
  'start-stage': { from: ['queued', 'running'], to: 'running', sameRun: true, sets: { currentStage: '$stage', startedAt: `COALESCE("startedAt", ${NOW})` } },
  'pause-for-review': { from: ['queued', 'running'], to: 'needs_review', sameRun: false, sets: { failureReason: '$reason' }, publishes: 'project.needs_review' },
  'await-plan-review': { from: ['queued', 'running'], to: 'awaiting_plan_review', sameRun: true, sets: { failureReason: 'NULL' }, publishes: 'project.awaiting_plan_review' },
  'resume-from-review': { from: ['needs_review'], to: 'running', sameRun: false, sets: { failureReason: 'NULL' } },
  complete: { from: ['queued', 'running'], to: 'completed', sameRun: true, sets: { completedAt: NOW, currentStage: '10', failureReason: 'NULL' }, publishes: 'project.completed' },
  'complete-unverified': { from: ['queued', 'running'], to: 'verification_failed', sameRun: true, sets: { completedAt: NOW, currentStage: '10', failureReason: '$reason' }, publishes: 'project.verification_failed' },
  accept: { from: ['verification_failed'], to: 'completed', sameRun: false, sets: { failureReason: 'NULL' }, publishes: 'project.completed' },
  fail: { from: ['queued', 'running', 'needs_review'], to: 'failed', sameRun: true, sets: { failureReason: '$reason', completedAt: NOW }, publishes: 'project.failed' },
  'exhaust-budget': { from: ['queued', 'running', 'needs_review'], to: 'budget_exhausted', sameRun: true, sets: { failureReason: '$reason', completedAt: NOW }, publishes: 'project.budget_exhausted' },
  cancel: { from: ['created', 'queued', 'running', 'needs_review'], to: 'cancelled', sameRun: false, sets: { failureReason: `'cancelled by the user'`, completedAt: NOW }, publishes: 'project.cancelled' },
} as const satisfies Record<string, TransitionRule>;

export type ProjectTransition = keyof typeof TRANSITIONS;

export interface TransitionInput {
  /** The run the writer belongs to (required by `sameRun` transitions), or the new run's id (enqueue, resume). */
  runId?: string;
  reason?: string;
  stage?: number;
  /** Data of the event the transition publishes. */
  event?: NewEvent['data'];
}

const PARAMS: Record<string, keyof TransitionInput> = { $runId: 'runId', $reason: 'reason', $stage: 'stage' };

/** The target status when `transition` may leave `from`; undefined when the table refuses it. */
export function nextStatus(from: ProjectStatus, transition: ProjectTransition): ProjectStatus | undefined {
  const rule: TransitionRule = TRANSITIONS[transition];
  return rule.from.includes(from) ? rule.to : undefined;
}

/**
 * The conditional UPDATE of one transition, `$1` being the project id; further parameters are
 * numbered from `firstParam` in the order of `params` (the names they come from).
 */
export function statusUpdateSql(transition: ProjectTransition, firstParam = 2): { sql: string; params: (keyof TransitionInput)[] } {
  const rule: TransitionRule = TRANSITIONS[transition];
  const params: (keyof TransitionInput)[] = [];
  const placeholder = (name: keyof TransitionInput): string => {
    params.push(name);
    return `$${firstParam + params.length - 1}`;
  };
  const sets = [`"status" = '${rule.to}'`, `"updatedAt" = ${NOW}`];
  for (const [column, value] of Object.entries(rule.sets)) {
    const param = PARAMS[value];
    const cast = column === 'currentStage' ? '::int' : '::text';
    sets.push(`"${column}" = ${param ? `${placeholder(param)}${cast}` : value}`);
  }
  const from = rule.from.map((status) => `'${status}'`).join(', ');
  const where = [`"id" = $1::uuid`, `"status" IN (${from})`];
  if (rule.sameRun) where.push(`"runId" = ${placeholder('runId')}::text`);
  return { sql: `UPDATE "Project" SET ${sets.join(', ')} WHERE ${where.join(' AND ')}`, params };
}

export class TransitionRefusedError extends Error {
  constructor(
    readonly transition: ProjectTransition,
    readonly status: string | undefined,
  ) {
    super(status === undefined ? 'project not found' : `a ${status} project cannot ${transition.replaceAll('-', ' ')}`);
    this.name = 'TransitionRefusedError';
  }
}

export interface ProjectLifecycleDeps {
  sql: SqlExecutor;
  events: { publish(event: NewEvent): Promise<unknown> };
}

export class ProjectLifecycle {
  constructor(private readonly deps: ProjectLifecycleDeps) {}

  /**
   * Applies the transition when the table and the project's current status (and run) allow it.
   * Returns true when this call changed the status, false when it was refused.
   */
  async apply(projectId: string, transition: ProjectTransition, input: TransitionInput = {}): Promise<boolean> {
    return (await this.applyReturningRun(projectId, transition, input)) !== undefined;
  }

  /** As `apply`; when applied, the run the project held as it changed (`null` before its first run). */
  async applyReturningRun(projectId: string, transition: ProjectTransition, input: TransitionInput = {}): Promise<{ runId: string | null } | undefined> {
    const { sql, params } = statusUpdateSql(transition);
    for (const name of params) {
      if (input[name] === undefined) throw new Error(`the ${transition} transition needs ${name}`);
    }
    const rows = await this.deps.sql.query<{ run_id: string | null }>(`${sql} RETURNING "runId" AS run_id`, [projectId, ...params.map((name) => input[name])]);
    const row = rows[0];
    if (!row) return undefined;
    const rule: TransitionRule = TRANSITIONS[transition];
    if (rule.publishes) await this.deps.events.publish({ type: rule.publishes, projectId, data: input.event });
    return { runId: row.run_id };
  }

  /** As `apply`, but a refusal throws, naming the status that refused it. */
  async require(projectId: string, transition: ProjectTransition, input: TransitionInput = {}): Promise<void> {
    if (await this.apply(projectId, transition, input)) return;
    const rows = await this.deps.sql.query<{ status: string }>(`SELECT "status"::text AS status FROM "Project" WHERE "id" = $1::uuid`, [projectId]);
    throw new TransitionRefusedError(transition, rows[0]?.status);
  }
}
