/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON */
/**
 * GET /api/costs shows the caller's month against the account's spending cap: the default from
 * configuration until an admin sets the account's own, this month's ledger spend (earlier months
 * not counted), and what remains.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { spendWindow } from '../../src/economics/user-spend.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';

describe('api: the account spending cap in /api/costs', function () {
  this.timeout(60_000);
  let api: ApiHarness;

  before(async () => {
    api = await startApiHarness({ engine: { workers: false } });
  });
  after(async () => {
    await api?.close();
  });

  it('shows the cap, this month’s spend and what remains', async () => {
    const { id, token } = await api.user('cap');
    const prisma = api.engine.deps.prisma;
    const project = await prisma.project.create({ data: { ownerId: id, name: 'capped', requirements: 'x', budgetMicros: 5_000_000n } });
    const window = spendWindow(new Date());
    const entry = (costMicros: bigint, createdAt: Date) => ({
      data: { idempotencyKey: randomUUID(), projectId: project.id, userId: id, provider: 'anthropic', model: 'claude-sonnet-4-6', inputTokens: 1, outputTokens: 1, costMicros, latencyMs: 1, createdAt },
    });
    await prisma.costLedgerEntry.create(entry(1_250_000n, window.start));
    await prisma.costLedgerEntry.create(entry(7_000_000n, new Date(window.start.getTime() - 1))); // last month: not counted

    const costs = await api.request('GET', '/api/costs', { token });
    expect(costs.status).to.equal(200);
    expect(costs.json.account).to.deep.equal({
      period: 'month',
      windowStart: window.start.toISOString(),
      windowEnd: window.end.toISOString(),
      capMicros: '100000000',
      capUsd: 100,
      capSource: 'default',
      spentMicros: '1250000',
      spentUsd: 1.25,
      remainingMicros: '98750000',
      remainingUsd: 98.75,
    });

    await prisma.user.update({ where: { id }, data: { spendCapMicros: 1_000_000n } });
    const over = await api.request('GET', '/api/costs', { token });
    expect(over.json.account).to.include({ capUsd: 1, capSource: 'own', spentUsd: 1.25, remainingMicros: '0', remainingUsd: 0 });
  });
});
