import { expect } from 'chai';
import { InvalidArgumentError } from 'commander';
import pg from 'pg';
import { parseCap } from '../../src/cli/commands/users-cap.js';
import { spendWindow, UserSpend } from '../../src/economics/user-spend.js';
import { createRedis } from '../../src/redis/connection.js';
import { runZekka } from '../support/run-cli.js';
import { testDatabaseUrl, testNamespace, testRedisUrl } from '../support/environment.js';

describe('cli: zekka users role', function () {
  this.timeout(60_000);
  const db = new pg.Client({ connectionString: testDatabaseUrl() });
  const email = `role-${Date.now()}@example.com`;
  before(async () => {
    await db.connect();
    await db.query(`INSERT INTO "User" ("id", "email", "passwordHash", "role", "createdAt", "updatedAt") VALUES (gen_random_uuid(), $1, 'x', 'user', now(), now())`, [email]);
  });
  after(() => db.end());
  const role = async () => (await db.query<{ role: string }>('SELECT "role"::text AS role FROM "User" WHERE "email" = $1', [email])).rows[0]?.role;

  it('makes an account admin and back, and writes each change to the audit log', async () => {
    const env = { DATABASE_URL: testDatabaseUrl() };
    const promoted = await runZekka(['users', 'role', email.toUpperCase(), 'admin'], env);
    expect(promoted.code, promoted.stderr).to.equal(0);
    expect(promoted.stdout).to.equal(`${email}: user → admin\n`);
    expect(await role()).to.equal('admin');
    expect((await runZekka(['users', 'role', email, 'admin'], env)).stdout).to.equal(`${email} is already admin\n`);
    expect((await runZekka(['users', 'role', email, 'user'], env)).code).to.equal(0);
    expect(await role()).to.equal('user');
    const audit = await db.query<{ details: { from: string; to: string } }>(
      `SELECT a."details" FROM "AuditLogEntry" a JOIN "User" u ON u."id"::text = a."targetId" WHERE u."email" = $1 AND a."action" = 'user.role_changed' ORDER BY a."id"`,
      [email],
    );
    expect(audit.rows.map((r) => `${r.details.from}→${r.details.to}`)).to.deep.equal(['user→admin', 'admin→user']);
  });

  it('names the problem: an unknown account exits 1, an unknown role exits 2', async () => {
    const unknown = await runZekka(['users', 'role', 'nobody@example.com', 'admin'], { DATABASE_URL: testDatabaseUrl() });
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include('no account with the email nobody@example.com');
    const badRole = await runZekka(['users', 'role', email, 'root'], { DATABASE_URL: testDatabaseUrl() });
    expect(badRole.code).to.equal(2);
    expect(badRole.stderr).to.include('expected one of user, admin');
  });
});

describe('cli: zekka users cap', function () {
  this.timeout(60_000);
  const db = new pg.Client({ connectionString: testDatabaseUrl() });
  const redis = createRedis({ url: testRedisUrl(), name: 'zekka:test:users-cap' });
  const email = `cap-${Date.now()}@example.com`;
  const env = { DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_NAMESPACE: testNamespace(), USER_SPEND_CAP_USD: '100' };
  let userId = '';
  before(async () => {
    await db.connect();
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO "User" ("id", "email", "passwordHash", "role", "createdAt", "updatedAt") VALUES (gen_random_uuid(), $1, 'x', 'user', now(), now()) RETURNING "id"`,
      [email],
    );
    userId = inserted.rows[0]?.id ?? '';
  });
  after(async () => {
    await db.end();
    await redis.quit();
  });
  const cap = async () => (await db.query<{ cap: string | null }>('SELECT "spendCapMicros"::text AS cap FROM "User" WHERE "email" = $1', [email])).rows[0]?.cap;

  it('sets an account’s cap in PostgreSQL and on this month’s Redis budget, back to the default, and audits each change', async () => {
    const set = await runZekka(['users', 'cap', email, '250.5'], env);
    expect(set.code, set.stderr).to.equal(0);
    expect(set.stdout).to.equal(`${email}: monthly spending cap default ($100.00) → $250.50; spent this month $0.00\n`);
    expect(await cap()).to.equal('250500000');
    const month = new UserSpend(redis, userId, spendWindow(new Date()), { namespace: testNamespace() });
    expect((await month.snapshot())?.limitMicros).to.equal(250_500_000n);

    const reset = await runZekka(['users', 'cap', email, 'default'], env);
    expect(reset.stdout).to.equal(`${email}: monthly spending cap $250.50 → default ($100.00); spent this month $0.00\n`);
    expect(await cap()).to.equal(null);
    expect((await month.snapshot())?.limitMicros).to.equal(100_000_000n);

    const audit = await db.query<{ details: { from: string | null; to: string | null } }>(
      `SELECT "details" FROM "AuditLogEntry" WHERE "targetId" = $1 AND "action" = 'user.spend_cap_changed' ORDER BY "id"`,
      [userId],
    );
    expect(audit.rows.map((r) => r.details)).to.deep.equal([
      { from: null, to: '250500000', via: 'cli' },
      { from: '250500000', to: null, via: 'cli' },
    ]);
  });

  it('names the problem: an unknown account exits 1, an amount that is not one exits 2', async () => {
    const unknown = await runZekka(['users', 'cap', 'nobody@example.com', '5'], env);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include('no account with the email nobody@example.com');
    const refused = await runZekka(['users', 'cap', email, 'lots'], env);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include('expected a number of US dollars from 0 to 1000000000');
    for (const bad of ['-1', '1.0000001', '2000000000', '1e3', '']) expect(() => parseCap(bad), bad).to.throw(InvalidArgumentError);
    expect(parseCap('0')).to.equal(0n);
    expect(parseCap('Default')).to.equal(null);
  });
});
