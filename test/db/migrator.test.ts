// The migration runner against the real PostgreSQL: fresh, idempotent, Prisma-shaped history,
// refusal of edited or failed migrations.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { checksumOf, defaultMigrationsDir, migrate, MigrationError, readMigrations, type MigrateResult } from '../../src/db/migrator.js';
import { pgSession } from '../../src/db/sql-executor.js';
import { createTestDatabase, dropTestDatabase, silentLogger } from '../support/environment.js';

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const run = (url: string, migrationsDir?: string): Promise<MigrateResult> =>
  withClient(url, (client) => migrate(pgSession(client), { logger: silentLogger, migrationsDir }));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('db/migrator', () => {
  let url: string;
  let names: string[];

  before(async () => {
    names = (await readMigrations(defaultMigrationsDir())).map((file) => file.name);
    expect(names).to.have.length.greaterThan(0);
  });
  beforeEach(async () => {
    url = await createTestDatabase('migrator');
  });
  afterEach(async () => {
    await dropTestDatabase(url);
  });

  it('applies every migration to an empty database, then nothing on a second run', async () => {
    expect(await run(url)).to.deep.equal({ applied: names, alreadyApplied: 0 });
    expect(await run(url)).to.deep.equal({ applied: [], alreadyApplied: names.length });
    const tables = await withClient(url, (client) => client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"));
    expect(tables.rows.map((row) => row.tablename)).to.include.members(['User', 'Project', 'AgentRun', '_prisma_migrations']);
  });

  it('records history the way Prisma does', async () => {
    await run(url);
    const files = await readMigrations(defaultMigrationsDir());
    const { rows } = await withClient(url, (client) => client.query<Record<string, unknown>>('SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"'));
    expect(rows).to.have.length(files.length);
    for (const [index, file] of files.entries()) {
      const row = rows[index]!;
      const bytes = await readFile(join(defaultMigrationsDir(), file.name, 'migration.sql'));
      expect(row.migration_name).to.equal(file.name);
      expect(row.checksum).to.equal(checksumOf(bytes)).and.to.match(/^[0-9a-f]{64}$/);
      expect(row.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).to.be.instanceOf(Date);
      expect(row.started_at).to.be.instanceOf(Date);
      expect(row.applied_steps_count).to.equal(1);
      expect(row.logs).to.equal(null);
      expect(row.rolled_back_at).to.equal(null);
    }
    const columns = await withClient(url, (client) =>
      client.query<{ column_name: string; type: string; is_nullable: string; column_default: string | null }>(
        `SELECT column_name, format_type(atttypid, atttypmod) AS type, is_nullable, column_default
         FROM information_schema.columns JOIN pg_attribute ON attrelid = '"_prisma_migrations"'::regclass AND attname = column_name
         WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      ),
    );
    expect(columns.rows.map((c) => `${c.column_name} ${c.type} ${c.is_nullable} ${c.column_default ?? ''}`.trim())).to.deep.equal([
      'id character varying(36) NO',
      'checksum character varying(64) NO',
      'finished_at timestamp with time zone YES',
      'migration_name character varying(255) NO',
      'logs text YES',
      'rolled_back_at timestamp with time zone YES',
      'started_at timestamp with time zone NO now()',
      'applied_steps_count integer NO 0',
    ]);
  });

  describe('with a scratch copy of the migrations', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'zekka-migrations-'));
      await cp(defaultMigrationsDir(), dir, { recursive: true });
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('refuses an applied migration whose file has changed', async () => {
      await run(url, dir);
      await appendFile(join(dir, names[0]!, 'migration.sql'), '\n-- edited after the fact\n');
      const error = await rejection(run(url, dir));
      expect(error).to.be.instanceOf(MigrationError);
      expect(error.message).to.contain(names[0]).and.to.contain('modified after it was applied');
    });

    it('rolls back a failing migration, records it as failed, and refuses to go on until it is marked rolled back', async () => {
      const bad = join(dir, '99990101000000_broken');
      await mkdir(bad);
      await writeFile(join(bad, 'migration.sql'), 'CREATE TABLE "Half" ("id" INTEGER);\nSELECT 1 / 0;\n');

      const first = await rejection(run(url, dir));
      expect(first).to.be.instanceOf(MigrationError);
      expect(first.message).to.contain('99990101000000_broken failed').and.to.contain('division by zero');

      await withClient(url, async (client) => {
        const half = await client.query("SELECT to_regclass('\"Half\"') AS oid");
        expect(half.rows[0]).to.deep.equal({ oid: null });
        const row = await client.query<{ finished_at: Date | null; logs: string; applied_steps_count: number }>(
          'SELECT finished_at, logs, applied_steps_count FROM "_prisma_migrations" WHERE migration_name = $1',
          ['99990101000000_broken'],
        );
        expect(row.rows).to.have.length(1);
        expect(row.rows[0]).to.include({ finished_at: null, applied_steps_count: 0 });
        expect(row.rows[0]!.logs).to.contain('division by zero');
      });

      await writeFile(join(bad, 'migration.sql'), 'CREATE TABLE "Half" ("id" INTEGER);\n');
      const second = await rejection(run(url, dir));
      expect(second.message).to.contain('recorded as failed');

      await withClient(url, (client) => client.query('UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE finished_at IS NULL'));
      expect(await run(url, dir)).to.deep.equal({ applied: ['99990101000000_broken'], alreadyApplied: names.length });
    });

    it('applies a later migration on top of an up-to-date database', async () => {
      await run(url, dir);
      const next = join(dir, '99990101000000_add_note');
      await mkdir(next);
      await writeFile(join(next, 'migration.sql'), 'ALTER TABLE "Project" ADD COLUMN "note" TEXT;\n');
      expect(await run(url, dir)).to.deep.equal({ applied: ['99990101000000_add_note'], alreadyApplied: names.length });
    });
  });
});
