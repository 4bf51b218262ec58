import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { prismaExecutor } from '../../src/db/sql-executor.js';
import { recordCall } from '../../src/economics/cost-ledger.js';
import { CostReport } from '../../src/economics/cost-report.js';
import { NotFoundError } from '../../src/errors/app-error.js';
import { createProject, openFixture, type EconomicsFixture } from './economics-fixtures.js';

describe('economics: cost report', () => {
  let fx: EconomicsFixture;

  before(async () => {
    fx = await openFixture();
  });

  after(async () => {
    await fx.close();
  });

  it('totals by project, model, user and UTC day, BigInt-safe', async () => {
    const a = await createProject(fx.prisma, 10_000_000_000_000n);
    const b = await createProject(fx.prisma, 1_000_000n);
    await fx.prisma.project.update({ where: { id: b.projectId }, data: { ownerId: a.userId, name: 'second' } });
    const huge = 4_000_000_000_000_001n; // beyond 2^53: must stay exact as a string
    const calls = [
      { projectId: a.projectId, model: 'claude-sonnet-4-5', provider: 'anthropic', cost: huge, input: 10, output: 20 },
      { projectId: a.projectId, model: 'claude-sonnet-4-5', provider: 'anthropic', cost: 5n, input: 1, output: 2 },
      { projectId: a.projectId, model: 'llama3.2', provider: 'ollama', cost: 0n, input: 100, output: 200 },
      { projectId: b.projectId, model: 'gemini-2.5-pro', provider: 'gemini', cost: 7n, input: 3, output: 4 },
    ];
    for (const call of calls) {
      await recordCall(prismaExecutor(fx.prisma), {
        idempotencyKey: randomUUID(),
        projectId: call.projectId,
        userId: a.userId,
        provider: call.provider,
        model: call.model,
        inputTokens: call.input,
        outputTokens: call.output,
        costMicros: call.cost,
        latencyMs: 1,
      });
    }
    // One call of project b happened two days ago (UTC).
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await fx.prisma.costLedgerEntry.updateMany({ where: { projectId: b.projectId }, data: { createdAt: twoDaysAgo } });

    const report = new CostReport(fx.prisma);
    const user = await report.costsForUser(a.userId);
    expect(user.total).to.deep.equal({
      calls: 4,
      inputTokens: 114,
      outputTokens: 226,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costMicros: (huge + 12n).toString(),
      costUsd: Number(huge + 12n) / 1e6,
      cacheSavingsMicros: '0',
      cacheSavingsUsd: 0,
    });
    expect(user.byProject.map((p) => [p.projectId, p.costMicros, p.calls])).to.deep.equal([
      [a.projectId, (huge + 5n).toString(), 3],
      [b.projectId, '7', 1],
    ]);
    expect(user.byProject[1]?.projectName).to.equal('second');
    expect(user.byModel.map((m) => [m.model, m.costMicros])).to.deep.equal([
      ['claude-sonnet-4-5', (huge + 5n).toString()],
      ['gemini-2.5-pro', '7'],
      ['llama3.2', '0'],
    ]);
    const today = new Date().toISOString().slice(0, 10);
    expect(user.byDay.map((d) => [d.day, d.costMicros, d.calls])).to.deep.equal([
      [twoDaysAgo.toISOString().slice(0, 10), '7', 1],
      [today, (huge + 5n).toString(), 3],
    ]);

    const recent = await report.costsForUser(a.userId, { from: new Date(Date.now() - 86_400_000) });
    expect(recent.total.costMicros).to.equal((huge + 5n).toString());
    expect(recent.byDay).to.have.length(1);
    const old = await report.costsForUser(a.userId, { to: new Date(Date.now() - 86_400_000) });
    expect(old.total).to.include({ calls: 1, costMicros: '7' });

    const project = await report.costsForProject(a.projectId);
    expect(project).to.include({ budgetMicros: '10000000000000', spentMicros: (huge + 5n).toString() });
    expect(project.total.calls).to.equal(3);
    expect(project.byUser).to.deep.equal([{ userId: a.userId, ...project.total }]);
    expect(project.byDay).to.have.length(1);
    // JSON-safe: no BigInt anywhere.
    expect(() => JSON.stringify(project)).to.not.throw();
    expect(() => JSON.stringify(user)).to.not.throw();

    let error: unknown;
    await report.costsForProject(randomUUID()).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(NotFoundError);
  });
});
