// `zekka db migrate` as a user runs it: real processes, exit codes, two at once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { defaultMigrationsDir, readMigrations } from '../../src/db/migrator.js';
import { createTestDatabase, dropTestDatabase } from '../support/environment.js';
import { runZekka } from '../support/run-cli.js';

describe('zekka db migrate', function () {
  this.timeout(60_000);
  let names: string[];
  let dataDir: string;

  before(async () => {
    names = (await readMigrations(defaultMigrationsDir())).map((file) => file.name);
    dataDir = await mkdtemp(join(tmpdir(), 'zekka-cli-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrates safely when two processes run it at once', async () => {
    const url = await createTestDatabase('concurrent');
    try {
      const env = { DATABASE_URL: url, LOG_LEVEL: 'error' };
      const results = await Promise.all([runZekka(['db', 'migrate'], env), runZekka(['db', 'migrate'], env)]);
      for (const result of results) expect(result.code, result.stderr).to.equal(0);
      const summaries = results.map((result) => result.stdout.trim().split('\n').at(-1)).sort();
      const applied = names.length === 1 ? '1 migration applied' : `${names.length} migrations applied`;
      expect(summaries).to.deep.equal([applied, `database is up to date (${names.length} migration${names.length === 1 ? '' : 's'})`].sort());

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ migration_name: string; count: string }>(
          'SELECT migration_name, count(*) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL GROUP BY migration_name ORDER BY migration_name',
        );
        expect(rows).to.deep.equal(names.map((name) => ({ migration_name: name, count: '1' })));
      } finally {
        await client.end();
      }
    } finally {
      await dropTestDatabase(url);
    }
  });

  it('prints each applied migration, then reports the database up to date', async () => {
    const url = await createTestDatabase('cli');
    try {
      const first = await runZekka(['db', 'migrate'], { DATABASE_URL: url, LOG_LEVEL: 'error' });
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout.trim().split('\n')).to.deep.equal([...names.map((name) => `applied ${name}`), `${names.length} migration${names.length === 1 ? '' : 's'} applied`]);
      const second = await runZekka(['db', 'migrate'], { DATABASE_URL: url, LOG_LEVEL: 'error' });
      expect(second.code, second.stderr).to.equal(0);
      expect(second.stdout).to.match(/^database is up to date \(\d+ migrations?\)\n$/);
    } finally {
      await dropTestDatabase(url);
    }
  });

  it('exits 2 on an unknown option', async () => {
    const result = await runZekka(['db', 'migrate', '--bogus'], { ZEKKA_DATA_DIR: dataDir });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain("unknown option '--bogus'");
  });

  it('exits 2 naming DATABASE_URL when it is not a URL', async () => {
    const result = await runZekka(['db', 'migrate'], { DATABASE_URL: 'not-a-url', ZEKKA_DATA_DIR: dataDir });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('DATABASE_URL');
  });

  it('exits 1 with one line naming the host, not the password, when the server cannot be reached', async () => {
    const result = await runZekka(['db', 'migrate'], { DATABASE_URL: 'postgresql://zekka:s3cret-pw@127.0.0.1:1/zekka', LOG_LEVEL: 'error' });
    expect(result.code).to.equal(1);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.contain('127.0.0.1:1').and.not.to.contain('s3cret-pw');
    expect(result.stdout).to.equal('');
  });

  it('shows help', async () => {
    const result = await runZekka(['db', 'migrate', '--help']);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.contain('Usage: zekka db migrate');
  });
});
