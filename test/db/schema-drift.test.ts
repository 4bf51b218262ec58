// Drift: the migrations must build exactly the schema Prisma would create from schema.prisma.
// The expected side is Prisma's own SQL (empty → schema.prisma) from scripts/migration-sql.mjs,
// which needs tools/prisma-diff installed (`npm ci --prefix tools/prisma-diff`); only its
// absence skips the comparison.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { baseDatabaseUrl, createTestDatabase, dropTestDatabase, migrateDatabase } from '../support/environment.js';
import { repoRoot } from '../support/run-cli.js';
import { diffCatalogues, readCatalogue, type SchemaCatalogue } from '../support/schema-catalogue.js';

async function execSql(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const toolInstalled = existsSync(join(repoRoot, 'tools', 'prisma-diff', 'node_modules', '.bin', 'prisma'));

describe('db/schema drift', function () {
  this.timeout(60_000);
  const databases: string[] = [];
  const fresh = async (label: string) => {
    const url = await createTestDatabase(label);
    databases.push(url);
    return url;
  };
  after(async () => {
    for (const url of databases) await dropTestDatabase(url);
  });

  it('the migrations produce the schema of schema.prisma', async function () {
    if (!toolInstalled) this.skip();
    const generated = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'migration-sql.mjs')], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, MIGRATION_SQL_DATABASE_URL: baseDatabaseUrl() },
    });
    expect(generated.status, generated.stderr).to.equal(0);
    expect(generated.stdout).to.contain('CREATE TABLE "Project"');

    const expectedUrl = await fresh('drift_expected');
    const actualUrl = await fresh('drift_actual');
    await execSql(expectedUrl, generated.stdout);
    await migrateDatabase(actualUrl);
    const expected = await readCatalogue(expectedUrl);
    const actual = await readCatalogue(actualUrl);

    expect(expected.columns.length).to.be.greaterThan(50);
    expect(diffCatalogues(expected, actual), 'run `node scripts/migration-sql.mjs --from-git HEAD` to write the missing migration').to.deep.equal([]);
    expect(actual).to.deep.equal(expected);
  });

  describe('the catalogue comparison', () => {
    const base: SchemaCatalogue = { columns: ['"T".a integer NOT NULL'], indexes: [], constraints: [], enums: ["\"E\" ('x', 'y')"], sequences: [] };

    it('reports a line on either side', () => {
      const changed: SchemaCatalogue = { ...base, enums: ["\"E\" ('x', 'y', 'z')"] };
      expect(diffCatalogues(base, base)).to.deep.equal([]);
      expect(diffCatalogues(base, changed)).to.deep.equal(["enums: - \"E\" ('x', 'y')", "enums: + \"E\" ('x', 'y', 'z')"]);
    });

    it('sees a changed default, nullability, index and constraint in real databases, but not column order', async () => {
      const ddl = (tail: string) => `
        CREATE TYPE "Kind" AS ENUM ('a', 'b');
        CREATE TABLE "Thing" ("id" INTEGER NOT NULL, "kind" "Kind" NOT NULL DEFAULT 'a', "name" TEXT, CONSTRAINT "Thing_pkey" PRIMARY KEY ("id"));
        CREATE INDEX "Thing_name_idx" ON "Thing"("name");
        ${tail}`;
      const left = await fresh('cmp_left');
      const right = await fresh('cmp_right');
      await execSql(left, ddl('ALTER TABLE "Thing" ADD COLUMN "extra" BIGINT NOT NULL DEFAULT 0;'));
      // Same schema, built in another column order: must compare equal.
      await execSql(
        right,
        `CREATE TYPE "Kind" AS ENUM ('a', 'b');
         CREATE TABLE "Thing" ("extra" BIGINT NOT NULL DEFAULT 0, "name" TEXT, "kind" "Kind" NOT NULL DEFAULT 'a', "id" INTEGER NOT NULL, CONSTRAINT "Thing_pkey" PRIMARY KEY ("id"));
         CREATE INDEX "Thing_name_idx" ON "Thing"("name");`,
      );
      expect(diffCatalogues(await readCatalogue(left), await readCatalogue(right))).to.deep.equal([]);

      await execSql(
        right,
        `ALTER TABLE "Thing" ALTER COLUMN "extra" SET DEFAULT 1;
         ALTER TABLE "Thing" ALTER COLUMN "name" SET NOT NULL;
         DROP INDEX "Thing_name_idx"; CREATE UNIQUE INDEX "Thing_name_key" ON "Thing"("name");
         ALTER TYPE "Kind" ADD VALUE 'c';
         ALTER TABLE "Thing" ADD CONSTRAINT "Thing_extra_check" CHECK ("extra" >= 0);`,
      );
      const differences = diffCatalogues(await readCatalogue(left), await readCatalogue(right));
      const kinds = new Set(differences.map((line) => line.split(':')[0]));
      expect([...kinds].sort()).to.deep.equal(['columns', 'constraints', 'enums', 'indexes']);
      expect(differences).to.include('columns: + "Thing".extra bigint NOT NULL DEFAULT 1');
      expect(differences).to.include('columns: + "Thing".name text NOT NULL');
    });
  });
});
