/**
 * An account's monthly spending cap cannot be overspent either: one owner's several projects,
 * each with its own budget, run agents at once on four worker processes; each call is held against
 * its project's budget and the owner's cap (two atomic steps on two Redis slots, see
 * src/economics/project-budget-guard.ts). Checked for every generated case: the cap's month and
 * every project keep spent + reserved ≤ limit whenever sampled; afterwards nothing is reserved
 * anywhere, the owner's ledger for the month ≤ cap, each project's ledger ≤ its budget, and Redis
 * agrees with the ledger to the micro-dollar for the month and for every project.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ledgerTotal } from '../../src/economics/cost-ledger.js';
import { createPriceTable } from '../../src/economics/pricing.js';
import { ProjectBudget, type BudgetSnapshot } from '../../src/economics/project-budget.js';
import { spendWindow, UserSpend } from '../../src/economics/user-spend.js';
import { testNamespace } from '../support/environment.js';
import { createProject, openFixture, type EconomicsFixture } from './economics-fixtures.js';
import type { AgentPlan, CallOutcome } from './fixtures/budget-worker-protocol.js';
import { callArbitrary, startWorker, stopWorkers, type Worker } from './fixtures/budget-workers.js';

const WORKERS = 4;
const prices = createPriceTable();
const demandOf = (calls: { model: string; provider: string; actualInput: number; actualOutput: number }[]) =>
  calls.reduce((sum, c) => sum + prices.costMicros(c.model, { inputTokens: c.actualInput, outputTokens: c.actualOutput }, c.provider), 0n);

const scenarioArbitrary = fc
  .record({
    projects: fc.integer({ min: 2, max: 4 }),
    // The cap as a share of what all calls would really cost; each project's budget as a share of its own calls' cost.
    capPercent: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 120 }), weight: 9 }),
    budgetPercents: fc.array(fc.integer({ min: 20, max: 300 }), { minLength: 4, maxLength: 4 }),
    agents: fc.array(fc.record({ project: fc.nat(3), calls: fc.array(callArbitrary, { minLength: 1, maxLength: 8 }) }), { minLength: 4 * WORKERS, maxLength: 48, size: 'max' }),
  })
  .map(({ projects, capPercent, budgetPercents, agents }) => {
    const placed = agents.map((a) => ({ ...a, project: a.project % projects }));
    const budgets = Array.from({ length: projects }, (_, p) => (demandOf(placed.filter((a) => a.project === p).flatMap((a) => a.calls)) * BigInt(budgetPercents[p] ?? 100)) / 100n);
    return { capMicros: (demandOf(placed.flatMap((a) => a.calls)) * BigInt(capPercent)) / 100n, budgets, agents: placed };
  });

const json = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
const withinLimit = (s: BudgetSnapshot) => s.spentMicros + s.reservedMicros <= s.limitMicros;

describe('economics: the account spending cap cannot be overspent across projects (worker processes, property-based)', function () {
  this.timeout(600_000);
  let fx: EconomicsFixture;
  let workers: Worker[] = [];
  let runs = 0;

  before(async () => {
    fx = await openFixture();
    workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker()));
  });

  after(async () => {
    await stopWorkers(workers);
    await fx.close();
  });

  it('parallel agents of one owner on several projects and processes never exceed the cap nor any budget', async () => {
    let capRefusals = 0;
    const now = new Date();
    const window = spendWindow(now);
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async ({ capMicros, budgets, agents }) => {
        runs++;
        const first = await createProject(fx.prisma, budgets[0] ?? 0n);
        const userId = first.userId;
        await fx.prisma.user.update({ where: { id: userId }, data: { spendCapMicros: capMicros } });
        const projectIds = [first.projectId];
        for (const budgetMicros of budgets.slice(1)) {
          projectIds.push((await fx.prisma.project.create({ data: { ownerId: userId, name: 'capped', requirements: 'a cap test project', budgetMicros } })).id);
        }
        const projectBudgets = projectIds.map((id) => new ProjectBudget(fx.redis, id, { namespace: testNamespace() }));
        const month = new UserSpend(fx.redis, userId, window, { namespace: testNamespace() });
        // The month as PostgreSQL has it (a fresh owner: nothing spent); the workers' guards find it.
        await month.init({ limitMicros: capMicros, spentMicros: 0n });
        const plans: AgentPlan[] = agents.map((a, i) => ({ key: `agent-${i}`, projectId: projectIds[a.project], calls: a.calls }));
        const running = workers.map((worker, w) =>
          worker.run({ type: 'run', runKey: `cap-${runs}-w${w}`, projectId: first.projectId, userId, spendCap: true, now: now.toISOString(), agents: plans.filter((_, i) => i % WORKERS === w) }),
        );

        let done = false;
        const samples: BudgetSnapshot[] = [];
        const sampling = (async () => {
          while (!done) {
            const snapshot = await month.snapshot();
            if (snapshot) samples.push(snapshot);
            const project = await projectBudgets[samples.length % projectBudgets.length]?.snapshot();
            if (project) samples.push(project);
            await new Promise((resolve) => setTimeout(resolve, 1)); // sample, but leave the CPU to the workers
          }
        })();
        let results: CallOutcome[];
        try {
          results = (await Promise.all(running)).flat();
        } finally {
          done = true;
          await sampling;
        }
        for (const s of samples) expect(withinLimit(s), `sampled ${json(s)}`).to.equal(true);
        expect(results).to.have.length(agents.flatMap((a) => a.calls).length);

        // The owner's month: nothing reserved, within the cap, equal to the ledger and to the calls' charges.
        const ledger = await fx.prisma.costLedgerEntry.aggregate({ where: { userId, createdAt: { gte: window.start, lt: window.end } }, _sum: { costMicros: true } });
        const ledgerMicros = ledger._sum.costMicros ?? 0n;
        expect(ledgerMicros <= capMicros, `ledger ${ledgerMicros} within the cap ${capMicros}`).to.equal(true);
        const final = await month.snapshot();
        if (!final) throw new Error('no spend month after the run');
        expect(final.reservedMicros).to.equal(0n);
        expect(final.limitMicros).to.equal(capMicros);
        expect(final.spentMicros).to.equal(ledgerMicros);
        const charged = results.filter((r) => r.outcome === 'settled').reduce((sum, r) => sum + BigInt(r.chargedMicros), 0n);
        expect(charged).to.equal(ledgerMicros);

        // Every project: nothing reserved, within its budget, equal to its ledger.
        for (const [p, budget] of projectBudgets.entries()) {
          const snapshot = await budget.snapshot();
          if (!snapshot) {
            expect(results.some((r) => r.projectId === projectIds[p]), `project ${p} had calls but no budget`).to.equal(false);
            continue;
          }
          expect(snapshot.reservedMicros, `project ${p} reserved`).to.equal(0n);
          expect(snapshot.spentMicros <= (budgets[p] ?? 0n)).to.equal(true);
          expect(await ledgerTotal(fx.prisma, projectIds[p] ?? '')).to.equal(snapshot.spentMicros);
        }
        capRefusals += results.filter((r) => r.refusedBy === 'account_cap').length;
      }),
      { numRuns: 8, plugins: [fc.interruptAfterTimeLimit(200_000)] },
    );
    // The generator must have exercised what the property is about.
    expect(capRefusals, 'reservations refused by the account cap across the runs').to.be.above(0);
  });
});
