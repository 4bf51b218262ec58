/**
 * A project's plan (docs/plan.json) as a person reads and edits it. The plan may change while no
 * run is under way and no stage after Requirements has started: typically a project waiting as
 * awaiting_plan_review (option `reviewPlan`), whose resume then chooses the later stages' agents
 * from the edited plan. An edit is a new version of the artifact, written under the file's lock
 * as a stage-1 file (the stage that owns the plan), so the later stages' snapshots read it.
 */
import { parsePlan, parsePlanText, PLAN_PATH, planText, type Plan } from '../agents/plan.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/app-error.js';
import type { StoreDeps, WorkspaceDeps } from './engine-deps.js';
import { ACTIVE_STATUSES, type ProjectStatus } from './project-lifecycle.js';

/** The author recorded on versions a person wrote through the API or the CLI. */
export const PLAN_EDITOR = 'user';

export interface ProjectPlan {
  plan: Plan;
  /** The artifact version; a PUT may name it to refuse an edit made on an older plan. */
  version: number;
  /** Whether the plan may change now (see `whyLocked`). */
  editable: boolean;
}

export class ProjectPlans {
  constructor(private readonly deps: StoreDeps & Pick<WorkspaceDeps, 'artifacts' | 'locks'>) {}

  async get(projectId: string): Promise<ProjectPlan> {
    const [current, locked] = await Promise.all([this.deps.artifacts.current(projectId, PLAN_PATH), this.whyLocked(projectId)]);
    if (!current) throw new NotFoundError('plan (the Requirements stage has not written it yet)');
    return { plan: parsePlanText(current.content), version: current.version, editable: locked === undefined };
  }

  /** Replaces the plan; `expectedVersion`, when given, must be the version the edit was made on. */
  async replace(projectId: string, value: unknown, expectedVersion?: number): Promise<ProjectPlan> {
    let plan: Plan;
    try {
      plan = parsePlan(value);
    } catch (error) {
      const field = (error as { field?: string }).field ?? '(root)';
      throw new ValidationError(error instanceof Error ? error.message : String(error), { field });
    }
    const locked = await this.whyLocked(projectId);
    if (locked) throw new ConflictError(`the plan cannot change now: ${locked}`);
    const content = planText(plan);
    const outcome = await this.deps.locks.withLock(projectId, PLAN_PATH, `${projectId}.plan-edit`, async (lock) => {
      const current = await this.deps.artifacts.current(projectId, PLAN_PATH);
      if (!current) throw new ConflictError('the project has no plan yet: the Requirements stage writes it');
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new ConflictError(`the plan is at version ${current.version}, not ${expectedVersion}: read it again and redo the edit`);
      }
      return this.deps.artifacts.write({ projectId, path: PLAN_PATH, content, baseVersion: current.version, fenceToken: lock.token, author: PLAN_EDITOR, stage: 1 });
    });
    if (outcome.kind === 'moved') throw new ConflictError('the plan changed while it was being saved: read it again and redo the edit');
    return { plan, version: outcome.version, editable: true };
  }

  /** Why the plan cannot change now, or undefined when it can. */
  private async whyLocked(projectId: string): Promise<string | undefined> {
    const rows = await this.deps.sql.query<{ status: ProjectStatus | null; later: boolean }>(
      `SELECT p."status"::text AS status,
              EXISTS (SELECT 1 FROM "StageRun" s WHERE s."projectId" = p."id" AND s."stage" > 1) AS later
         FROM "Project" p WHERE p."id" = $1::uuid`,
      [projectId],
    );
    const row = rows[0];
    if (!row?.status) throw new NotFoundError('project');
    if (ACTIVE_STATUSES.includes(row.status)) return `the project is ${row.status}; it can change while the project awaits plan review, or is stopped before the Architecture stage`;
    if (row.status === 'completed' || row.later) return 'the stages after Requirements have already started from it';
    return undefined;
  }
}
