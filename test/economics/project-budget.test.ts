import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { BudgetNotInitializedError, ProjectBudget } from '../../src/economics/project-budget.js';
import { createRedis } from '../../src/redis/connection.js';
import { testNamespace, testRedisUrl } from '../support/environment.js';

describe('economics: project budget (Redis, Lua)', () => {
  let redis: Redis;

  before(() => {
    redis = createRedis({ url: testRedisUrl(), name: 'zekka:test:budget' });
  });

  after(async () => {
    await redis.quit();
  });

  const budgetOf = (limit: bigint, spent = 0n, options: { reservationTtlMs?: number } = {}) => {
    const budget = new ProjectBudget(redis, randomUUID(), { namespace: testNamespace(), ...options });
    return { budget, ready: budget.init({ limitMicros: limit, spentMicros: spent }) };
  };

  it('keeps its keys on one cluster slot, under the project hash tag', () => {
    const budget = new ProjectBudget(redis, 'p1', { namespace: 'ns' });
    expect(budget.keys).to.deep.equal(['ns:project:{p1}:budget', 'ns:project:{p1}:budget:reservations', 'ns:project:{p1}:budget:deadlines', 'ns:project:{p1}:budget:settled']);
  });

  it('initialises once: a second init (stale data from another process) changes nothing', async () => {
    const { budget, ready } = budgetOf(1_000n, 100n);
    expect(await ready).to.equal(true);
    expect(await budget.init({ limitMicros: 5n, spentMicros: 0n })).to.equal(false);
    expect(await budget.snapshot()).to.deep.equal({ limitMicros: 1_000n, spentMicros: 100n, reservedMicros: 0n, absorbedMicros: 0n, availableMicros: 900n });
  });

  it('reserves only while spent + reserved + amount ≤ limit, to the micro-dollar', async () => {
    const { budget, ready } = budgetOf(1_000n, 100n);
    await ready;
    expect((await budget.reserve('a', 600n)).status).to.equal('reserved');
    expect((await budget.reserve('b', 301n)).status).to.equal('refused');
    const fits = await budget.reserve('b', 300n);
    expect(fits.status).to.equal('reserved');
    expect(fits.snapshot).to.include({ spentMicros: 100n, reservedMicros: 900n, availableMicros: 0n });
    expect((await budget.reserve('c', 1n)).status).to.equal('refused');
    expect((await budget.reserve('free', 0n)).status).to.equal('reserved');
    // Reserving the same call again holds nothing more.
    expect((await budget.reserve('a', 600n)).snapshot.reservedMicros).to.equal(900n);
  });

  it('settles the real cost and frees the rest of the reservation', async () => {
    const { budget, ready } = budgetOf(1_000n);
    await ready;
    await budget.reserve('a', 400n);
    const settled = await budget.settle('a', 150n);
    expect(settled).to.deep.include({ status: 'settled', chargedMicros: 150n, heldMicros: 400n });
    expect(settled.snapshot).to.include({ spentMicros: 150n, reservedMicros: 0n, availableMicros: 850n });
  });

  it('charges a cost above the reservation from free budget, and never beyond the limit', async () => {
    const { budget, ready } = budgetOf(1_000n);
    await ready;
    await budget.reserve('a', 100n);
    await budget.reserve('b', 500n);
    // a costs 300 (its prompt was underestimated): 100 held + 400 free → charged in full.
    expect((await budget.settle('a', 300n)).chargedMicros).to.equal(300n);
    // c would cost 900: only 200 are free (b still holds 500), so 200 are charged, 700 absorbed.
    await budget.reserve('c', 10n);
    const c = await budget.settle('c', 900n);
    expect(c.chargedMicros).to.equal(200n);
    expect(c.snapshot).to.include({ limitMicros: 1_000n, spentMicros: 500n, reservedMicros: 500n, absorbedMicros: 700n });
    // b's reservation is intact: it can still be charged in full.
    expect((await budget.settle('b', 500n)).chargedMicros).to.equal(500n);
    expect(await budget.snapshot()).to.include({ spentMicros: 1_000n, reservedMicros: 0n, availableMicros: 0n });
  });

  it('settles a call once: a repeated settle returns the first charge and changes nothing', async () => {
    const { budget, ready } = budgetOf(1_000n);
    await ready;
    await budget.reserve('a', 400n);
    const [first, second] = await Promise.all([budget.settle('a', 250n), budget.settle('a', 250n)]);
    expect([first.status, second.status].sort()).to.deep.equal(['duplicate', 'settled']);
    expect(first.chargedMicros).to.equal(250n);
    expect(second.chargedMicros).to.equal(250n);
    expect((await budget.settle('a', 999n)).chargedMicros).to.equal(250n);
    expect(await budget.snapshot()).to.include({ spentMicros: 250n, reservedMicros: 0n });
    // A settled call cannot be reserved (or released) again.
    expect((await budget.reserve('a', 10n)).status).to.equal('already_settled');
    expect(await budget.release('a')).to.equal(false);
  });

  it('releases a reservation once', async () => {
    const { budget, ready } = budgetOf(1_000n);
    await ready;
    await budget.reserve('a', 400n);
    expect(await budget.release('a')).to.equal(true);
    expect(await budget.release('a')).to.equal(false);
    expect(await budget.release('never-reserved')).to.equal(false);
    // A free model's zero reservation is released (and expires) like any other.
    await budget.reserve('free', 0n);
    expect(await budget.release('free')).to.equal(true);
    expect(await budget.snapshot()).to.include({ spentMicros: 0n, reservedMicros: 0n });
  });

  it('lets the reservation of a crashed caller expire', async () => {
    const { budget, ready } = budgetOf(1_000n, 0n, { reservationTtlMs: 50 });
    await ready;
    await budget.reserve('crashed', 1_000n);
    expect((await budget.reserve('b', 1n)).status).to.equal('refused');
    await new Promise((resolve) => setTimeout(resolve, 80)); // the TTL itself is what is under test
    const after = await budget.reserve('b', 1_000n);
    expect(after.status).to.equal('reserved');
    expect(after.snapshot.reservedMicros).to.equal(1_000n);
    // A late settle of the expired call is charged only as far as the budget allows.
    expect((await budget.settle('crashed', 700n)).chargedMicros).to.equal(0n);
    expect(await budget.snapshot()).to.include({ spentMicros: 0n, reservedMicros: 1_000n, absorbedMicros: 700n });
  });

  it('raises (or lowers) the limit, never below spent + reserved', async () => {
    const { budget, ready } = budgetOf(1_000n);
    await ready;
    await budget.reserve('a', 1_000n);
    await budget.settle('a', 600n);
    await budget.reserve('b', 300n);
    expect((await budget.reserve('c', 500n)).status).to.equal('refused');
    expect((await budget.raise(899n)).ok).to.equal(false);
    expect((await budget.raise(900n)).ok).to.equal(true);
    const raised = await budget.raise(2_000n);
    expect(raised.snapshot).to.include({ limitMicros: 2_000n, spentMicros: 600n, reservedMicros: 300n });
    expect((await budget.reserve('c', 500n)).status).to.equal('reserved');
  });

  it('stays exact above 2^31 and 1e12 micro-dollars', async () => {
    const limit = 9_007_199_254_740_000n; // just under 2^53
    const { budget, ready } = budgetOf(limit, 1_000_000_000_001n);
    await ready;
    expect((await budget.reserve('a', 4_000_000_000_003n)).status).to.equal('reserved');
    const settled = await budget.settle('a', 3_999_999_999_999n);
    expect(settled.snapshot).to.include({ spentMicros: 5_000_000_000_000n, reservedMicros: 0n, availableMicros: limit - 5_000_000_000_000n });
    let error: unknown;
    await budget.reserve('b', 2n ** 53n).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(RangeError);
  });

  it('creates a missing budget from its source on first use, or refuses without one', async () => {
    const projectId = randomUUID();
    let loads = 0;
    const lazy = new ProjectBudget(redis, projectId, {
      namespace: testNamespace(),
      load: () => {
        loads++;
        return Promise.resolve({ limitMicros: 500n, spentMicros: 200n });
      },
    });
    expect(await lazy.snapshot()).to.equal(undefined);
    expect((await lazy.reserve('a', 301n)).status).to.equal('refused');
    expect((await lazy.reserve('a', 300n)).status).to.equal('reserved');
    expect(loads).to.equal(1);
    const bare = new ProjectBudget(redis, randomUUID(), { namespace: testNamespace() });
    let error: unknown;
    await bare.reserve('a', 1n).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(BudgetNotInitializedError);
  });

  it('rebuild replaces the budget and forgets what was in flight', async () => {
    const { budget, ready } = budgetOf(1_000n);
    await ready;
    await budget.reserve('a', 500n);
    await budget.settle('a', 500n);
    await budget.reserve('b', 400n);
    const rebuilt = await budget.rebuild({ limitMicros: 3_000n, spentMicros: 450n });
    expect(rebuilt).to.include({ limitMicros: 3_000n, spentMicros: 450n, reservedMicros: 0n });
    expect(await budget.release('b')).to.equal(false);
  });
});
