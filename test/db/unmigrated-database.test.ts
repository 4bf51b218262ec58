// A process that does not migrate must never serve a database whose schema is behind its code:
// it refuses to start (exit 2, naming `zekka db migrate`) and its readiness probe says why.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { openDatabase } from '../../src/db/database.js';
import { defaultMigrationsDir } from '../../src/db/migrator.js';
import { createTestDatabase, dropTestDatabase, migrateDatabase, silentLogger, testDatabaseUrl } from '../support/environment.js';
import { startApiProcess, startWorkerProcess, type ZekkaProcess } from '../support/worker-process.js';

describe('an unmigrated database', function () {
  this.timeout(120_000);
  let fresh: string;
  before(async () => {
    fresh = await createTestDatabase('unmigrated');
  });
  after(async () => {
    await dropTestDatabase(fresh);
  });

  const starts: Record<string, (env: Record<string, string>) => Promise<ZekkaProcess>> = {
    api: (env) => startApiProcess(env),
    worker: (env) => startWorkerProcess(env),
    arbitrator: (env) => startWorkerProcess(env, 'arbitrator'),
  };
  for (const [command, start] of Object.entries(starts)) {
    it(`\`zekka ${command}\` refuses to start on it: exit 2, naming the pending migrations and \`zekka db migrate\``, async () => {
      const started = await start({ DATABASE_URL: fresh }).then(
        (process) => process,
        (error: unknown) => error as Error,
      );
      if (!(started instanceof Error)) {
        await started.stop();
        expect.fail(`${command} answered /health/ready on an unmigrated database`);
      }
      expect(started.message).to.match(/exited early \(2\)/);
      expect(started.message).to.match(/has \d+ pending migrations \(\d{14}_\w+, /);
      expect(started.message).to.include(' more): run `zekka db migrate` first');
    });
  }

  it('is not ready while any migration is pending, and ready once migrated', async () => {
    const database = await openDatabase({ databaseUrl: fresh, dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger, poolSize: 1 });
    try {
      const before = await database.ready();
      expect(before.ok).to.equal(false);
      expect(before.error).to.match(/^\d+ pending migrations \(.*\): run `zekka db migrate`$/);
      await migrateDatabase(fresh);
      expect(await database.ready()).to.deep.equal({ ok: true });
    } finally {
      await database.close();
    }
  });

  it('a migration added after the database was migrated makes it not ready, naming that migration', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zekka-migrations-'));
    try {
      await cp(defaultMigrationsDir(), dir, { recursive: true });
      await mkdir(join(dir, '29991231000000_later'));
      await writeFile(join(dir, '29991231000000_later', 'migration.sql'), 'SELECT 1;\n');
      const database = await openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger, poolSize: 1, migrationsDir: dir });
      try {
        expect(await database.pendingMigrations()).to.deep.equal(['29991231000000_later']);
        expect(await database.ready()).to.deep.equal({ ok: false, error: '1 pending migration (29991231000000_later): run `zekka db migrate`' });
      } finally {
        await database.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
