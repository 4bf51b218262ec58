import { expect } from 'chai';
import pg from 'pg';
import { runZekka } from '../support/run-cli.js';
import { testDatabaseUrl } from '../support/environment.js';

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
