// openDatabase over both adapters: migrations, and BigInt and Json round-trips through Prisma.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError } from '../../src/errors/config-error.js';
import { DatabaseUnavailableError, openDatabase, type Database } from '../../src/db/database.js';
import { defaultMigrationsDir, readMigrations } from '../../src/db/migrator.js';
import { silentLogger, testDatabaseUrl } from '../support/environment.js';

const BIG = 9_007_199_254_740_993n; // 2^53 + 1: wrong if it ever passes through a JS number
const OPTIONS = { nested: { list: [1, 'two', null, { three: true }] }, unicode: 'zekka ✓' };

/** Writes a user and a project, reads them back, and checks the values that are easy to get wrong. */
async function roundTrip(database: Database): Promise<string> {
  const email = `owner-${randomUUID()}@example.test`;
  const user = await database.prisma.user.create({ data: { email, passwordHash: 'x' } });
  const project = await database.prisma.project.create({
    data: { ownerId: user.id, name: 'p', requirements: 'r', budgetMicros: BIG, options: OPTIONS },
  });
  const read = await database.prisma.project.findUniqueOrThrow({ where: { id: project.id }, include: { owner: true } });
  expect(read.budgetMicros).to.equal(BIG);
  expect(read.options).to.deep.equal(OPTIONS);
  expect(read.status).to.equal('created');
  expect(read.owner.email).to.equal(email);
  const updated = await database.prisma.project.update({ where: { id: project.id }, data: { budgetMicros: { increment: BIG } } });
  expect(updated.budgetMicros).to.equal(2n * BIG);
  const restored = await database.prisma.project.update({ where: { id: project.id }, data: { budgetMicros: { decrement: BIG } } });
  expect(restored.budgetMicros).to.equal(BIG);
  const audit = await database.prisma.auditLogEntry.create({ data: { actorId: user.id, action: 'test', targetType: 'project', details: { big: BIG.toString() } } });
  expect(typeof audit.id).to.equal('bigint');
  return project.id;
}

describe('db/openDatabase', function () {
  this.timeout(60_000);
  let migrationCount: number;
  before(async () => {
    migrationCount = (await readMigrations(defaultMigrationsDir())).length;
  });

  describe('embedded PGlite', () => {
    let dataDir: string;
    beforeEach(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'zekka-pglite-'));
    });
    afterEach(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it('migrates a new data dir, round-trips BigInt and Json, and keeps the data across a reopen', async () => {
      const first = await openDatabase({ dataDir, allowEmbedded: true, migrate: true, logger: silentLogger });
      let projectId: string;
      try {
        expect(first.kind).to.equal('pglite');
        expect(first.url).to.equal(undefined);
        expect(first.migration).to.deep.include({ alreadyApplied: 0 });
        expect(first.migration?.applied).to.have.length(migrationCount);
        expect(await first.ready()).to.deep.equal({ ok: true });
        projectId = await roundTrip(first);
      } finally {
        await first.close();
      }

      const second = await openDatabase({ dataDir, allowEmbedded: true, migrate: true, logger: silentLogger });
      try {
        expect(second.migration).to.deep.equal({ applied: [], alreadyApplied: migrationCount });
        const project = await second.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
        expect(project.budgetMicros).to.equal(BIG);
        expect(project.options).to.deep.equal(OPTIONS);
      } finally {
        await second.close();
      }
    });

    it('refuses to fall back to PGlite when embedded use is not allowed', async () => {
      try {
        await openDatabase({ dataDir, allowEmbedded: false, migrate: true, logger: silentLogger });
        expect.fail('expected a ConfigError');
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        expect((error as ConfigError).problems.join()).to.contain('DATABASE_URL is missing');
      }
    });
  });

  describe('PostgreSQL', () => {
    it('opens the migrated test database and round-trips BigInt and Json', async () => {
      const database = await openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: 'unused', allowEmbedded: false, migrate: true, logger: silentLogger, poolSize: 2 });
      try {
        expect(database.kind).to.equal('postgres');
        expect(database.url).to.equal(testDatabaseUrl());
        expect(database.migration).to.deep.equal({ applied: [], alreadyApplied: migrationCount });
        expect(await database.ready()).to.deep.equal({ ok: true });
        await roundTrip(database);
      } finally {
        await database.close();
      }
    });

    it('names the host, never the password, when the server cannot be reached', async () => {
      try {
        await openDatabase({ databaseUrl: 'postgresql://zekka:s3cret-pw@127.0.0.1:1/zekka', dataDir: 'unused', allowEmbedded: false, migrate: true, logger: silentLogger });
        expect.fail('expected DatabaseUnavailableError');
      } catch (error) {
        expect(error).to.be.instanceOf(DatabaseUnavailableError);
        expect((error as Error).message).to.contain('127.0.0.1:1/zekka').and.not.to.contain('s3cret-pw');
      }
    });

    it('reports readiness failure without throwing when opened without migrating', async () => {
      const database = await openDatabase({ databaseUrl: 'postgresql://zekka@127.0.0.1:1/zekka', dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger });
      try {
        const ready = await database.ready();
        expect(ready.ok).to.equal(false);
        expect(ready.error).to.be.a('string').and.not.equal('');
      } finally {
        await database.close();
      }
    });
  });
});
