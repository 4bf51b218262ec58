import { expect } from 'chai';
import { setUserSpendCap } from '../../src/economics/spend-cap-change.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { waitFor } from '../support/wait-for.js';

describe('engine: budgets', function () {
  this.timeout(180_000);
  let h: Harness;
  afterEach(async () => h?.close());

  async function ledgerSum(projectId: string): Promise<bigint> {
    const sum = await h.deps.prisma.costLedgerEntry.aggregate({ where: { projectId }, _sum: { costMicros: true } });
    return sum._sum.costMicros ?? 0n;
  }

  it('stops a project as budget_exhausted saying where and how much, then finishes after the budget is raised', async () => {
    // Every call is priced as Claude Sonnet; $0.40 pays for a few agents only.
    h = await createHarness({ modelForTier: () => 'claude-sonnet-4-6' });
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md', budgetUsd: 0.4 });
    expect(await h.runToEnd(projectId)).to.equal('project.budget_exhausted');

    // Calls in flight when the budget ran out still settle; wait until the run has wound down.
    const root = await h.deps.queues.get('project').getJob(`${projectId}.r1`);
    await waitFor(`the project's root job ${projectId}.r1 to fail once the run wound down`, async (note) => note(await root?.getState()) === 'failed');
    expect(await h.deps.prisma.agentRun.count({ where: { projectId, status: 'running' } })).to.equal(0);
    const stopped = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(stopped.status).to.equal('budget_exhausted');
    expect(stopped.failureReason).to.match(/^budget exhausted at stage \d+ [A-Za-z ]+ \([^)]+\): spent \$\d+\.\d{4} of \$0\.4000; .*Raise the budget and resume the project\.$/);
    const spent = await ledgerSum(projectId);
    expect(spent > 0n, 'something was spent').to.equal(true);
    expect(spent <= stopped.budgetMicros, `spent ${spent} within ${stopped.budgetMicros}`).to.equal(true);

    const refused = await h.projects.setBudget(projectId, 0.000001).catch((e: Error) => e);
    expect(refused).to.be.instanceOf(Error).with.property('message').that.matches(/budget must be at least \$/);
    await h.projects.setBudget(projectId, 50);
    const resumed = await h.runToEnd(projectId, () => h.projects.resume(projectId));
    expect(resumed, (await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).failureReason ?? '').to.equal('project.completed');
    const done = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    const spentInTotal = await ledgerSum(projectId);
    expect(spentInTotal <= done.budgetMicros).to.equal(true);
    const runs = await h.deps.prisma.agentRun.findMany({ where: { projectId } });
    expect(runs.filter((r) => r.status !== 'completed').map((r) => `${r.instanceKey}:${r.status}`)).to.deep.equal([]);
    const charged = runs.reduce((sum, r) => sum + r.costMicros, 0n);
    expect(charged, 'agent runs carry the cost of all their attempts').to.equal(spentInTotal);
  });

  it('stops a project as budget_exhausted naming the account cap when the owner’s monthly cap runs out, then finishes once an admin raises it', async () => {
    h = await createHarness({ modelForTier: () => 'claude-sonnet-4-6' });
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md', budgetUsd: 50 });
    // The project's own budget is ample; the owner's cap ($0.40 this month) is what runs out.
    const cap = { prisma: h.deps.prisma, redis: h.deps.redis, namespace: h.deps.namespace, userId: h.ownerId, config: h.deps.spendCap };
    await setUserSpendCap({ ...cap, capMicros: 400_000n });
    expect(await h.runToEnd(projectId)).to.equal('project.budget_exhausted');
    const root = await h.deps.queues.get('project').getJob(`${projectId}.r1`);
    await waitFor('the root job to fail', async (note) => note(await root?.getState()) === 'failed');
    const stopped = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(stopped.failureReason).to.match(/^account spending cap reached at stage \d+ [A-Z a-z]+ \(/);
    for (const part of ["account's monthly spending cap", 'zekka users cap']) expect(stopped.failureReason).to.include(part);
    expect(stopped.failureReason?.endsWith('resume the project.')).to.equal(true);
    const owned = await h.deps.prisma.costLedgerEntry.aggregate({ where: { userId: h.ownerId }, _sum: { costMicros: true } });
    const spent = owned._sum.costMicros ?? 0n;
    expect(spent > 0n && spent <= 400_000n, `the owner spent ${spent} of 400000`).to.equal(true);

    await setUserSpendCap({ ...cap, capMicros: null }); // back to the default ($100)
    expect(await h.runToEnd(projectId, () => h.projects.resume(projectId))).to.equal('project.completed');
  });
});

