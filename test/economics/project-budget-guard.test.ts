import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { raiseProjectBudget } from '../../src/economics/budget-raise.js';
import { ledgerTotal } from '../../src/economics/cost-ledger.js';
import { createPriceTable } from '../../src/economics/pricing.js';
import { UnpricedModelError } from '../../src/errors/app-error.js';
import { parseModelPrices } from '../../src/config/model-prices.js';
import { ProjectBudget } from '../../src/economics/project-budget.js';
import { createBudgetGuard, type BudgetGuardOptions } from '../../src/economics/project-budget-guard.js';
import { OutputHistory } from '../../src/economics/output-history.js';
import type { NewEvent } from '../../src/engine/events/event-schema.js';
import { ValidationError } from '../../src/errors/app-error.js';
import { testDatabaseUrl, testNamespace } from '../support/environment.js';
import { createProject, openFixture, type EconomicsFixture, type TestProject } from './economics-fixtures.js';

const sonnet = { provider: 'anthropic', model: 'claude-sonnet-4-5' };

describe('economics: project budget guard (Redis + PostgreSQL ledger)', () => {
  let fx: EconomicsFixture;
  let project: TestProject;
  let events: NewEvent[];

  before(async () => {
    fx = await openFixture();
  });

  after(async () => {
    await fx.close();
  });

  beforeEach(async () => {
    project = await createProject(fx.prisma, 1_000_000n); // $1
    events = [];
  });

  const guardFor = (extra: Partial<BudgetGuardOptions> = {}) =>
    createBudgetGuard({
      prisma: fx.prisma,
      redis: fx.redis,
      namespace: testNamespace(),
      ...project,
      callKeyPrefix: `job-${randomUUID()}#1`,
      events: { publish: (event) => Promise.resolve(events.push(event)) },
      ...extra,
    });

  const spentInDatabase = async () => ledgerTotal(fx.prisma, project.projectId);

  it('reserves the worst case: the prompt estimate with its margin, plus every output token', async () => {
    const guard = guardFor({ inputMargin: { ratio: 0.25, tokens: 32 } });
    const reservation = await guard.reserve({ ...sonnet, inputTokens: 1_000, maxOutputTokens: 2_000 });
    // (1000 × 1.25 + 32) × $3/M + 2000 × $15/M = 3846 + 30000 µ$
    expect(reservation?.amountMicros).to.equal(3_846n + 30_000n);
    expect(reservation?.callId).to.match(/^job-.*#1:1$/);
    expect((await guard.snapshot()).reservedMicros).to.equal(33_846n);
  });

  it('with a purpose, holds its expected output from history, extends the hold while it fits, and takes the last cents only when nothing else is held', async () => {
    const purpose = `role-${randomUUID()}`;
    const history = new OutputHistory(fx.redis, { namespace: testNamespace() });
    const guard = guardFor();
    const estimate = { ...sonnet, inputTokens: 1_000, maxOutputTokens: 8_000, purpose };
    // No history yet: the whole output limit (the worst case).
    const first = await guard.reserve(estimate);
    expect(first?.amountMicros).to.equal(3_846n + 120_000n);
    if (!first) throw new Error('expected a reservation');
    await guard.settle(first, { inputTokens: 1_000, outputTokens: 400 }, 5);
    expect(await history.expected(purpose, 'anthropic', 'claude-sonnet-4-5')).to.equal(460);
    // Now 400 × 1.15 = 460 output tokens; the provider may be asked for what the free budget pays.
    const second = await guard.reserve(estimate);
    if (!second) throw new Error('expected a reservation');
    expect(second.amountMicros).to.equal(3_846n + 6_900n);
    expect(second.outputTokens).to.equal(460);
    expect(second.outputLimit).to.equal(8_000);
    expect(await guard.extend?.(second, 1_000)).to.equal(true);
    expect(second.amountMicros).to.equal(3_846n + 15_000n);
    expect((await guard.snapshot()).reservedMicros).to.equal(18_846n);

    // Another call holds all but $0.001: the hold cannot grow, and a new call is refused, saying room may come back.
    const hog = new ProjectBudget(fx.redis, project.projectId, { namespace: testNamespace() });
    expect((await hog.reserve('hog', (await guard.snapshot()).availableMicros - 1_000n)).status).to.equal('reserved');
    expect(await guard.extend?.(second, 2_000)).to.equal(false);
    expect(second.amountMicros).to.equal(3_846n + 15_000n);
    expect(await guard.reserve(estimate)).to.equal(undefined);
    expect(guard.refusalMayClear?.()).to.equal(true);
    // Once nothing else is held, the last cents are taken when they pay for a quarter of the expected output.
    await hog.release('hog');
    await guard.settle(second, { inputTokens: 1_000, outputTokens: 900 }, 5);
    const spendAllBut = (await guard.snapshot()).availableMicros - 8_000n;
    await hog.reserve('hog-2', spendAllBut);
    await hog.settle('hog-2', spendAllBut);
    const last = await guard.reserve(estimate);
    expect(last?.amountMicros).to.equal(8_000n);
    expect(last?.outputTokens).to.equal(Math.floor((8_000 - 3_846) / 15));
    expect(last?.outputLimit).to.equal(last?.outputTokens);
    // Once it settled, what is left pays for less than that and nothing else is held: a plain refusal.
    if (!last) throw new Error('expected a reservation');
    await guard.settle(last, { inputTokens: 1_000, outputTokens: 276 }, 5);
    expect(await guard.reserve(estimate)).to.equal(undefined);
    expect(guard.refusalMayClear?.()).to.equal(false);
    const final = await guard.snapshot();
    expect(final.spentMicros).to.equal(final.limitMicros - 860n);
  });

  it("settles: a ledger row (the project's spend is their sum), AgentRun.costMicros and a cost.updated event", async () => {
    const guard = guardFor();
    const reservation = await guard.reserve({ ...sonnet, inputTokens: 1_000, maxOutputTokens: 2_000 });
    if (!reservation) throw new Error('expected a reservation');
    const settled = await guard.settle(reservation, { inputTokens: 900, outputTokens: 700 }, 1234);
    expect(settled).to.deep.equal({ costMicros: 2_700n + 10_500n, listCostMicros: 13_200n, duplicate: false });
    const row = await fx.prisma.costLedgerEntry.findUniqueOrThrow({ where: { idempotencyKey: reservation.callId } });
    expect(row).to.include({ projectId: project.projectId, userId: project.userId, agentRunId: project.agentRunId, provider: 'anthropic', model: 'claude-sonnet-4-5', inputTokens: 900, outputTokens: 700, costMicros: 13_200n, latencyMs: 1234 });
    expect(Math.abs(row.createdAt.getTime() - Date.now())).to.be.below(60_000);
    expect(await spentInDatabase()).to.equal(13_200n);
    expect((await fx.prisma.agentRun.findUniqueOrThrow({ where: { id: project.agentRunId } })).costMicros).to.equal(13_200n);
    expect(await guard.snapshot()).to.include({ spentMicros: 13_200n, reservedMicros: 0n });
    expect(events).to.deep.equal([
      { type: 'cost.updated', projectId: project.projectId, data: { spentMicros: '13200', budgetMicros: '1000000', reservedMicros: '0', model: 'claude-sonnet-4-5', costMicros: '13200' } },
    ]);
  });

  it("settles while another transaction holds the project's row: a model call never waits on its project's lock", async () => {
    const guard = guardFor();
    const reservation = await guard.reserve({ ...sonnet, inputTokens: 1_000, maxOutputTokens: 1_000 });
    if (!reservation) throw new Error('expected a reservation');
    // What an UPDATE of the project's row holds (a rename, a status change, or the spent counter
    // every settle used to add to) until its transaction ends.
    const holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Project" WHERE "id" = $1::uuid FOR NO KEY UPDATE', [project.projectId]);
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<'waited'>((resolve) => (timer = setTimeout(() => resolve('waited'), 5_000)));
      const settled = await Promise.race([guard.settle(reservation, { inputTokens: 1_000, outputTokens: 1_000 }, 5), waited]).finally(() => clearTimeout(timer));
      expect(settled, 'the settle waited for the lock on the project row').to.deep.include({ costMicros: 18_000n, duplicate: false });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await spentInDatabase()).to.equal(18_000n);
  });

  it('never charges a settled call twice: retried, concurrent, or after a crash between Redis and PostgreSQL', async () => {
    const guard = guardFor();
    const usage = { inputTokens: 1_000, outputTokens: 1_000 };
    const a = await guard.reserve({ ...sonnet, inputTokens: 1_000, maxOutputTokens: 1_000 });
    const b = await guard.reserve({ ...sonnet, inputTokens: 1_000, maxOutputTokens: 1_000 });
    if (!a || !b) throw new Error('expected reservations');
    const results = await Promise.all([guard.settle(a, usage, 5), guard.settle(a, usage, 5), guard.settle(a, usage, 5)]);
    expect(results.map((r) => r.costMicros)).to.deep.equal([18_000n, 18_000n, 18_000n]);
    expect(results.filter((r) => !r.duplicate)).to.have.length(1);
    expect(await guard.settle(a, usage, 5)).to.deep.include({ costMicros: 18_000n, duplicate: true });

    // b: Redis settled, then the process died before the ledger row was written.
    const budget = new ProjectBudget(fx.redis, project.projectId, { namespace: testNamespace() });
    await budget.settle(b.callId, 18_000n);
    expect(await ledgerTotal(fx.prisma, project.projectId)).to.equal(18_000n);
    const retried = await guard.settle(b, usage, 5);
    expect(retried.costMicros).to.equal(18_000n);
    expect(await ledgerTotal(fx.prisma, project.projectId)).to.equal(36_000n);
    expect(await spentInDatabase()).to.equal(36_000n);
    expect((await guard.snapshot()).spentMicros).to.equal(36_000n);
    expect(await fx.prisma.costLedgerEntry.count({ where: { projectId: project.projectId } })).to.equal(2);
    expect(events.filter((e) => e.type === 'cost.updated')).to.have.length(2);
  });

  it('refuses what does not fit and frees a failed call', async () => {
    const guard = guardFor();
    // 1M × $3/M input alone is $3.75 with the margin: more than the $1 budget.
    expect(await guard.reserve({ ...sonnet, inputTokens: 1_000_000, maxOutputTokens: 0 })).to.equal(undefined);
    // Ollama is free: it always fits.
    expect(await guard.reserve({ provider: 'ollama', model: 'llama3.2', inputTokens: 1_000_000, maxOutputTokens: 8_000 })).to.include({ amountMicros: 0n });
    const big = await guard.reserve({ ...sonnet, inputTokens: 10_000, maxOutputTokens: 60_000 });
    if (!big) throw new Error('expected a reservation');
    expect(await guard.reserve({ ...sonnet, inputTokens: 10_000, maxOutputTokens: 60_000 })).to.equal(undefined);
    await guard.release(big);
    await guard.release(big);
    expect(await guard.reserve({ ...sonnet, inputTokens: 10_000, maxOutputTokens: 60_000 })).to.not.equal(undefined);
    expect(await fx.prisma.costLedgerEntry.count({ where: { projectId: project.projectId } })).to.equal(0);
  });

  it('refuses to reserve for a model without a price, before any call, holding nothing', async () => {
    const guard = guardFor();
    const error = await guard.reserve({ provider: 'anthropic', model: 'claude-unreleased-9', inputTokens: 100, maxOutputTokens: 100 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).to.be.instanceOf(UnpricedModelError);
    expect((error as UnpricedModelError).code).to.equal('model_unpriced');
    expect((error as Error).message).to.match(/no price for model anthropic:claude-unreleased-9: add it to MODEL_PRICES/);
    expect((await guard.snapshot()).reservedMicros).to.equal(0n);
    // Local models are $0 by declaration, and MODEL_PRICES can price the new model.
    expect((await guard.reserve({ provider: 'ollama', model: 'mistral-nemo', inputTokens: 100, maxOutputTokens: 100 }))?.amountMicros).to.equal(0n);
    const priced = guardFor({ prices: createPriceTable(parseModelPrices('{"claude-unreleased-9":{"input":1,"output":1}}')) });
    expect((await priced.reserve({ provider: 'anthropic', model: 'claude-unreleased-9', inputTokens: 100, maxOutputTokens: 100 }))?.amountMicros).to.be.a('bigint');
  });

  it('records exactly usage × configured prices (MODEL_PRICES)', async () => {
    const prices = createPriceTable(parseModelPrices('{"claude-sonnet-4-5":{"input":3.3,"output":16.5},"gemini-2.5-pro":{"input":1.25,"output":10}}'));
    const guard = guardFor({ prices });
    const calls = [
      { model: 'claude-sonnet-4-5', provider: 'anthropic', inputTokens: 1_234, outputTokens: 567 },
      { model: 'gemini-2.5-pro', provider: 'gemini', inputTokens: 10_001, outputTokens: 3 },
      { model: 'llama3.2', provider: 'ollama', inputTokens: 50_000, outputTokens: 5_000 },
    ];
    for (const call of calls) {
      const reservation = await guard.reserve({ provider: call.provider, model: call.model, inputTokens: call.inputTokens, maxOutputTokens: 4_096 });
      if (!reservation) throw new Error('expected a reservation');
      await guard.settle(reservation, call, 10);
    }
    // By hand, in µ$ rounded up: 1234 × 3.3 + 567 × 16.5 = 4072.2 + 9355.5 → 13428; 10001 × 1.25 + 3 × 10 = 12531.25 → 12532; 0.
    const rows = await fx.prisma.costLedgerEntry.findMany({ where: { projectId: project.projectId }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => [r.model, r.costMicros])).to.have.deep.members([
      ['claude-sonnet-4-5', 13_428n],
      ['gemini-2.5-pro', 12_532n],
      ['llama3.2', 0n],
    ]);
    expect(await ledgerTotal(fx.prisma, project.projectId)).to.equal(25_960n);
  });

  it('creates the Redis budget from PostgreSQL when it is missing (limit = budget, spent = ledger sum)', async () => {
    const guard = guardFor();
    const reservation = await guard.reserve({ ...sonnet, inputTokens: 100_000, maxOutputTokens: 10_000 });
    if (!reservation) throw new Error('expected a reservation');
    await guard.settle(reservation, { inputTokens: 100_000, outputTokens: 10_000 }, 1);
    const budget = new ProjectBudget(fx.redis, project.projectId, { namespace: testNamespace() });
    await fx.redis.del(...budget.keys); // Redis lost its data
    expect(await guardFor().snapshot()).to.include({ limitMicros: 1_000_000n, spentMicros: 450_000n, reservedMicros: 0n });
    await fx.redis.del(...budget.keys);
    expect(await guardFor().reserve({ ...sonnet, inputTokens: 0, maxOutputTokens: 36_000 })).to.include({ amountMicros: 540_096n });
  });

  it('raises the budget in both stores, refusing less than is spent and reserved', async () => {
    const guard = guardFor();
    const reservation = await guard.reserve({ ...sonnet, inputTokens: 0, maxOutputTokens: 60_000 }); // 900096 µ$
    if (!reservation) throw new Error('expected a reservation');
    await guard.settle(reservation, { inputTokens: 10_000, outputTokens: 50_000 }, 1); // 780000 µ$
    expect(await guard.reserve({ ...sonnet, inputTokens: 0, maxOutputTokens: 20_000 })).to.equal(undefined);
    const raise = (budgetMicros: bigint) => raiseProjectBudget({ prisma: fx.prisma, redis: fx.redis, namespace: testNamespace(), projectId: project.projectId, budgetMicros });
    let error: unknown;
    await raise(700_000n).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ValidationError).with.property('message').that.matches(/at least \$0\.78/);
    expect((await raise(5_000_000n)).limitMicros).to.equal(5_000_000n);
    expect((await fx.prisma.project.findUniqueOrThrow({ where: { id: project.projectId } })).budgetMicros).to.equal(5_000_000n);
    expect(await guard.reserve({ ...sonnet, inputTokens: 0, maxOutputTokens: 20_000 })).to.not.equal(undefined);
  });
});
