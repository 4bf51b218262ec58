// The project status machine, exhaustively: for every status and every transition, the real
// conditional UPDATE changes the row exactly when the table allows it (and publishes exactly then),
// a writer of another run changes nothing, and of two racing writers exactly one wins.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { pgExecutor } from '../../src/db/sql-executor.js';
import type { NewEvent } from '../../src/engine/events/event-schema.js';
import { nextStatus, PROJECT_STATUSES, ProjectLifecycle, TRANSITIONS, TransitionRefusedError, type ProjectStatus, type ProjectTransition } from '../../src/engine/project-lifecycle.js';
import { testDatabaseUrl } from '../support/environment.js';

describe('engine: the project lifecycle', function () {
  this.timeout(60_000);
  let pool: pg.Pool;
  let lifecycle: ProjectLifecycle;
  let published: NewEvent[];
  let ownerId = '';

  before(async () => {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    ownerId = randomUUID();
    await pool.query(`INSERT INTO "User" ("id", "email", "passwordHash", "updatedAt") VALUES ($1, $2, 'x', now())`, [ownerId, `lifecycle-${ownerId}@example.com`]);
  });
  beforeEach(() => {
    published = [];
    lifecycle = new ProjectLifecycle({ sql: pgExecutor(pool), events: { publish: (event) => Promise.resolve(published.push(event)) } });
  });
  after(async () => {
    await pool.end();
  });

  async function projectIn(status: ProjectStatus, runId = 'r1'): Promise<string> {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO "Project" ("id", "ownerId", "name", "requirements", "status", "runId", "budgetMicros", "updatedAt") VALUES ($1, $2, 'p', 'requirements', $3, $4, 1000000, now())`,
      [id, ownerId, status, runId],
    );
    return id;
  }

  async function statusOf(id: string): Promise<string> {
    const { rows } = await pool.query<{ status: string }>(`SELECT "status"::text AS status FROM "Project" WHERE "id" = $1`, [id]);
    return rows[0]?.status ?? 'missing';
  }

  const input = { runId: 'r1', reason: 'because', stage: 3 };
  const transitions = Object.keys(TRANSITIONS) as ProjectTransition[];

  for (const from of PROJECT_STATUSES) {
    it(`from ${from}: applies exactly the transitions the table lists`, async () => {
      for (const transition of transitions) {
        const id = await projectIn(from);
        const expected = nextStatus(from, transition);
        published = [];
        const applied = await lifecycle.apply(id, transition, input);
        expect(applied, `${from} --${transition}-->`).to.equal(expected !== undefined);
        expect(await statusOf(id), `${from} --${transition}-->`).to.equal(expected ?? from);
        const event = TRANSITIONS[transition] as { publishes?: string };
        expect(published.map((e) => e.type), `${from} --${transition}--> publishes`).to.deep.equal(expected !== undefined && event.publishes ? [event.publishes] : []);
      }
    });
  }

  it('holds the transition table the design states, and nothing else', () => {
    const allowed = PROJECT_STATUSES.flatMap((from) => transitions.flatMap((transition) => (nextStatus(from, transition) ? [`${from} --${transition}--> ${nextStatus(from, transition)}`] : [])));
    expect(allowed.sort()).to.deep.equal(
      [
        'created --enqueue--> queued',
        'created --cancel--> cancelled',
        'queued --start-stage--> running',
        'queued --pause-for-review--> needs_review',
        'queued --complete--> completed',
        'queued --complete-unverified--> verification_failed',
        'queued --fail--> failed',
        'queued --exhaust-budget--> budget_exhausted',
        'queued --cancel--> cancelled',
        'running --start-stage--> running',
        'running --pause-for-review--> needs_review',
        'running --complete--> completed',
        'running --complete-unverified--> verification_failed',
        'running --fail--> failed',
        'running --exhaust-budget--> budget_exhausted',
        'running --cancel--> cancelled',
        'needs_review --resume-from-review--> running',
        'needs_review --fail--> failed',
        'needs_review --exhaust-budget--> budget_exhausted',
        'needs_review --cancel--> cancelled',
        'verification_failed --accept--> completed',
        'verification_failed --resume--> queued',
        'failed --resume--> queued',
        'cancelled --resume--> queued',
        'budget_exhausted --resume--> queued',
        'queued --await-plan-review--> awaiting_plan_review',
        'running --await-plan-review--> awaiting_plan_review',
        'awaiting_plan_review --resume--> queued',
      ].sort(),
    );
  });

  it('refuses a transition of the current run written by another run', async () => {
    const id = await projectIn('running', 'r2');
    expect(await lifecycle.apply(id, 'complete', { runId: 'r1' })).to.equal(false);
    expect(await lifecycle.apply(id, 'fail', { runId: 'r1', reason: 'late' })).to.equal(false);
    expect(await statusOf(id)).to.equal('running');
    expect(await lifecycle.apply(id, 'complete', { runId: 'r2' })).to.equal(true);
    expect(await statusOf(id)).to.equal('completed');
  });

  it('lets exactly one of a racing cancel and completion win, and never lets cancel overwrite a completion', async () => {
    for (let round = 0; round < 20; round++) {
      const id = await projectIn('running');
      const [cancelled, completed] = await Promise.all([lifecycle.apply(id, 'cancel'), lifecycle.apply(id, 'complete', { runId: 'r1' })]);
      expect(cancelled !== completed, `round ${round}: exactly one wins`).to.equal(true);
      expect(await statusOf(id)).to.equal(cancelled ? 'cancelled' : 'completed');
    }
    const done = await projectIn('completed');
    expect(await lifecycle.apply(done, 'cancel')).to.equal(false);
    expect(await statusOf(done)).to.equal('completed');
  });

  it('says which status refused a required transition, and which parameter is missing', async () => {
    const id = await projectIn('completed');
    const error = await lifecycle.require(id, 'cancel').catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(TransitionRefusedError);
    expect((error as Error).message).to.equal('a completed project cannot cancel');
    const running = await projectIn('running');
    const missing = await lifecycle.apply(running, 'fail', { reason: 'x' }).catch((caught: unknown) => caught);
    expect((missing as Error).message).to.equal('the fail transition needs runId');
  });
});
