/**
 * The account's monthly spending cap around the project budget guard: two projects of one owner
 * share it, a refusal by the cap frees the project's hold and says it was the cap, a cap lowered
 * below what is spent still charges the calls in flight what they held (and the project gives back
 * the rest), the ledger dates a call by its reservation (its month), and a month missing from
 * Redis is rebuilt from the ledger.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ledgerTotal } from '../../src/economics/cost-ledger.js';
import { createBudgetGuard, type BudgetGuardOptions } from '../../src/economics/project-budget-guard.js';
import { ProjectBudget } from '../../src/economics/project-budget.js';
import { setUserSpendCap } from '../../src/economics/spend-cap-change.js';
import { spendWindow, UserSpend, type SpendCapConfig } from '../../src/economics/user-spend.js';
import { SpendCapReachedError } from '../../src/errors/app-error.js';
import { budgetExceeded, reservationRefused } from '../../src/models/router/routing-errors.js';
import { testNamespace } from '../support/environment.js';
import { createProject, openFixture, type EconomicsFixture, type TestProject } from './economics-fixtures.js';

const sonnet = { provider: 'anthropic', model: 'claude-sonnet-4-5' };
// 1000 prompt tokens (+25 % + 32) and 2000 output tokens: 33_846 µ$ worst case.
const call = { ...sonnet, inputTokens: 1_000, maxOutputTokens: 2_000 };
const WORST = 33_846n;
const config: SpendCapConfig = { defaultMicros: 100_000n }; // $0.10 by default
const NOW = new Date('2031-05-31T23:59:59.900Z');

describe('economics: account spending cap', () => {
  let fx: EconomicsFixture;
  let a: TestProject;
  let b: { projectId: string };

  before(async () => {
    fx = await openFixture();
  });
  after(async () => {
    await fx.close();
  });
  beforeEach(async () => {
    a = await createProject(fx.prisma, 10_000_000n); // $10: the cap, not the project, is the limit here
    b = await fx.prisma.project.create({ data: { ownerId: a.userId, name: 'second', requirements: 'x', budgetMicros: 10_000_000n } }).then((p) => ({ projectId: p.id }));
  });

  const guardFor = (projectId: string, extra: Partial<BudgetGuardOptions> = {}) =>
    createBudgetGuard({ prisma: fx.prisma, redis: fx.redis, namespace: testNamespace(), projectId, userId: a.userId, callKeyPrefix: `job-${randomUUID()}#1`, spendCap: config, now: () => NOW, ...extra });
  const month = () => new UserSpend(fx.redis, a.userId, spendWindow(NOW), { namespace: testNamespace() });

  it('windows are calendar months in UTC', () => {
    expect(spendWindow(new Date('2031-12-31T23:59:59.999Z'))).to.deep.equal({ id: '2031-12', start: new Date('2031-12-01T00:00:00Z'), end: new Date('2032-01-01T00:00:00Z') });
    expect(spendWindow(new Date('2032-01-01T00:00:00Z')).id).to.equal('2032-01');
  });

  it('is shared by the owner’s projects: the cap refuses, frees the project’s hold, and says so', async () => {
    const [ga, gb] = [guardFor(a.projectId), guardFor(b.projectId)];
    // $0.10 holds two worst cases (67_692 µ$) but not three.
    expect(await ga.reserve(call)).to.include({ amountMicros: WORST });
    expect(await gb.reserve(call)).to.include({ amountMicros: WORST });
    expect(await gb.reserve(call)).to.equal(undefined);
    expect(gb.lastRefusal?.()).to.equal('account_cap');
    expect((await new ProjectBudget(fx.redis, b.projectId, { namespace: testNamespace() }).snapshot())?.reservedMicros, 'project b holds only its first call').to.equal(WORST);
    expect((await month().snapshot())?.reservedMicros).to.equal(2n * WORST);

    const error = reservationRefused(gb, 'anthropic:claude-sonnet-4-5');
    expect(error).to.be.instanceOf(SpendCapReachedError);
    expect(error.message).to.include("account's monthly spending cap");
    const routed = budgetExceeded('standard', [{ model: 'anthropic:claude-sonnet-4-5', outcome: 'spend_cap', message: 'x', estimate: { inputTokens: 1, maxOutputTokens: 2, costMicros: WORST } }]);
    expect(routed).to.be.instanceOf(SpendCapReachedError);
    expect(routed.message).to.match(/^no model for tier standard fits what is left of the account's monthly spending cap/);

    // A refusal by the project's own budget is reported as the budget's.
    await fx.prisma.project.update({ where: { id: a.projectId }, data: { budgetMicros: 1n } });
    const tiny = await createProject(fx.prisma, 1n);
    const gt = createBudgetGuard({ prisma: fx.prisma, redis: fx.redis, namespace: testNamespace(), ...tiny, callKeyPrefix: 'tiny', spendCap: config, now: () => NOW });
    expect(await gt.reserve(call)).to.equal(undefined);
    expect(gt.lastRefusal?.()).to.equal('budget');
  });

  it('settles on both, dates the ledger row with the reservation (its month), and releases on both', async () => {
    const ga = guardFor(a.projectId);
    const reservation = await ga.reserve(call);
    if (!reservation) throw new Error('expected a reservation');
    const settled = await ga.settle(reservation, { inputTokens: 1_000, outputTokens: 100 }, 5); // 3000 + 1500 µ$
    expect(settled.costMicros).to.equal(4_500n);
    const row = await fx.prisma.costLedgerEntry.findUniqueOrThrow({ where: { idempotencyKey: reservation.callId } });
    expect(row.createdAt.toISOString()).to.equal(NOW.toISOString()); // May, although settled later
    expect(await month().snapshot()).to.include({ spentMicros: 4_500n, reservedMicros: 0n });

    const failed = await ga.reserve(call);
    if (!failed) throw new Error('expected a reservation');
    await ga.release(failed);
    expect(await month().snapshot()).to.include({ spentMicros: 4_500n, reservedMicros: 0n });
    expect((await ga.snapshot()).reservedMicros).to.equal(0n);
  });

  it('an admin lowering the cap below what is spent stops new calls; calls in flight are charged what they held, the project gives back the rest', async () => {
    const ga = guardFor(a.projectId);
    const inFlight = await ga.reserve(call);
    if (!inFlight) throw new Error('expected a reservation');
    const changed = await setUserSpendCap({ prisma: fx.prisma, redis: fx.redis, namespace: testNamespace(), userId: a.userId, capMicros: 0n, config, now: NOW });
    expect(changed).to.include({ from: null, to: 0n });
    expect(changed.month.limitMicros).to.equal(0n);
    expect(await guardFor(b.projectId).reserve(call)).to.equal(undefined);
    // The call cost more than it held (a long prompt): the cap takes what it held, no more.
    const settled = await ga.settle(inFlight, { inputTokens: 20_000, outputTokens: 2_000 }, 5); // 60_000 + 30_000 µ$
    expect(settled.costMicros).to.equal(WORST);
    expect(await month().snapshot()).to.include({ spentMicros: WORST, absorbedMicros: 90_000n - WORST });
    expect(await ga.snapshot()).to.include({ spentMicros: WORST, absorbedMicros: 90_000n - WORST });
    expect(await ledgerTotal(fx.prisma, a.projectId)).to.equal(WORST);
    expect((await fx.prisma.user.findUniqueOrThrow({ where: { id: a.userId } })).spendCapMicros).to.equal(0n);
    const audit = await fx.prisma.auditLogEntry.findFirstOrThrow({ where: { action: 'user.spend_cap_changed', targetId: a.userId } });
    expect(audit.details).to.deep.equal({ from: null, to: '0', via: 'cli' });
  });

  it('a month missing from Redis is rebuilt from the ledger: the cap in force and only this month’s rows', async () => {
    const ga = guardFor(a.projectId);
    const first = await ga.reserve(call);
    if (!first) throw new Error('expected a reservation');
    await ga.settle(first, { inputTokens: 1_000, outputTokens: 100 }, 5); // 4_500 µ$ in May
    const april = await guardFor(b.projectId, { now: () => new Date('2031-04-30T12:00:00Z') }).reserve(call);
    if (!april) throw new Error('expected a reservation');
    await guardFor(b.projectId).settle(april, { inputTokens: 1_000, outputTokens: 2_000 }, 5); // 33_000 µ$ in April
    await fx.prisma.user.update({ where: { id: a.userId }, data: { spendCapMicros: 50_000n } });
    await fx.redis.del(...month().keys);

    const again = await guardFor(a.projectId).reserve(call);
    expect(await month().snapshot()).to.include({ limitMicros: 50_000n, spentMicros: 4_500n, reservedMicros: WORST });
    expect(again).to.not.equal(undefined);
    expect(await guardFor(b.projectId).reserve(call), '4_500 + 2 × 33_846 > 50_000').to.equal(undefined);
  });
});
