/**
 * Applies prisma/migrations/<name>/migration.sql in name order, recording each in
 * `_prisma_migrations` exactly as Prisma's schema engine does, so `prisma migrate deploy` agrees
 * wherever that engine is available (it cannot be downloaded on our machines).
 *
 * Protocol, per run:
 *   1. take a session-level advisory lock (Prisma's own key, so this runner and Prisma's exclude
 *      each other); a second process waits, then finds nothing left to do;
 *   2. create `_prisma_migrations` if missing, with Prisma's DDL;
 *   3. refuse to go on if a migration is recorded as failed (finished_at and rolled_back_at both
 *      null) or if an applied migration's file no longer has the recorded checksum;
 *   4. for each pending migration: insert its row (started), then in one transaction run the SQL
 *      and mark the row finished (applied_steps_count = 1). A failure rolls the SQL back, keeps the
 *      row with finished_at null and the error in `logs`: the failed state Prisma records.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { SqlExecutor, SqlSession } from './sql-executor.js';

/** The key Prisma's schema engine locks with (72707369 spells "prisma" on a phone keypad). */
export const MIGRATION_LOCK_KEY = 72707369;

const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  /** SHA-256 (hex) of the file's bytes, as Prisma computes it. */
  checksum: string;
}

export interface MigrateOptions {
  logger: Logger;
  /** Default: prisma/migrations of this package. */
  migrationsDir?: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

/** A migration that cannot be applied, or a history the runner refuses to build on. */
export class MigrationError extends AppError {
  constructor(message: string, options: { migration?: string; cause?: unknown } = {}) {
    super(message, { code: 'migration_error', status: 500, cause: options.cause, details: options.migration ? { migration: options.migration } : undefined });
  }
}

interface MigrationRow {
  [column: string]: unknown;
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

/** prisma/migrations of this package, found from this file in the sources and in dist/ alike. */
export function defaultMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new MigrationError('prisma/migrations not found above src/db');
    dir = parent;
  }
}

export function checksumOf(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Every `<dir>/<name>/migration.sql`, sorted by name (the timestamp prefix orders them). */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const path = join(migrationsDir, name, 'migration.sql');
    if (!existsSync(path)) throw new MigrationError(`migration ${name} has no migration.sql`, { migration: name });
    const bytes = await readFile(path);
    files.push({ name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) });
  }
  return files;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Refuses a failed or edited history before anything is applied; returns the applied names. */
function checkHistory(files: MigrationFile[], rows: MigrationRow[], logger: Logger): Set<string> {
  const live = rows.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `migration ${failed.migration_name} is recorded as failed (_prisma_migrations id ${failed.id}): repair the database, ` +
        `then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = '${failed.id}') to retry it`,
      { migration: failed.migration_name },
    );
  }
  const byName = new Map(files.map((file) => [file.name, file]));
  const applied = new Set<string>();
  for (const row of live) {
    const file = byName.get(row.migration_name);
    if (!file) {
      logger.warn('applied migration has no file in prisma/migrations', { migration: row.migration_name });
      continue;
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${row.migration_name} was modified after it was applied (checksum ${row.checksum} recorded, file has ${file.checksum}): ` +
          'restore the file and put the change in a new migration',
        { migration: row.migration_name },
      );
    }
    applied.add(row.migration_name);
  }
  return applied;
}

async function applyOne(session: SqlSession, file: MigrationFile, logger: Logger): Promise<void> {
  const id = randomUUID();
  const started = Date.now();
  await session.query('INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at") VALUES ($1, $2, $3, now())', [id, file.checksum, file.name]);
  try {
    await session.transaction(async (tx) => {
      await tx.exec(file.sql);
      await tx.query('UPDATE "_prisma_migrations" SET "applied_steps_count" = "applied_steps_count" + 1, "finished_at" = now() WHERE "id" = $1', [id]);
    });
  } catch (error) {
    await session.query('UPDATE "_prisma_migrations" SET "logs" = $2 WHERE "id" = $1', [id, message(error)]);
    throw new MigrationError(`migration ${file.name} failed: ${message(error)}`, { migration: file.name, cause: error });
  }
  logger.info('migration applied', { migration: file.name, durationMs: Date.now() - started });
}

/**
 * The migrations in `files` this database has not applied, without taking the lock or changing
 * anything: what a process that must not migrate (api, worker, arbitrator) checks at start-up and
 * on every readiness probe. A failed or edited history throws, as `migrate` would.
 */
export async function pendingMigrations(sql: SqlExecutor, files: MigrationFile[], logger: Logger): Promise<string[]> {
  const [table] = await sql.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "present"`);
  if (!table?.present) return files.map((file) => file.name);
  const rows = await sql.query<MigrationRow>('SELECT "id", "checksum", "migration_name", "finished_at", "rolled_back_at" FROM "_prisma_migrations" ORDER BY "started_at"');
  const done = checkHistory(files, rows, logger);
  return files.filter((file) => !done.has(file.name)).map((file) => file.name);
}

/** A process refused to serve a database whose schema is behind its code. */
export class PendingMigrationsError extends AppError {
  constructor(
    readonly database: string,
    readonly pending: string[],
  ) {
    super(`the database ${database} has ${pending.length} pending migration${pending.length === 1 ? '' : 's'} (${describePending(pending)}): run \`zekka db migrate\` first`, {
      code: 'migrations_pending',
      status: 503,
      details: { pending },
    });
  }
}

/** The first few names, then a count: a readiness answer stays short on an empty database. */
export function describePending(pending: string[]): string {
  const shown = pending.slice(0, 3).join(', ');
  return pending.length > 3 ? `${shown} and ${pending.length - 3} more` : shown;
}

/** Applies every pending migration; safe to run from several processes at once. */
export async function migrate(session: SqlSession, options: MigrateOptions): Promise<MigrateResult> {
  const files = await readMigrations(options.migrationsDir ?? defaultMigrationsDir());
  await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await session.exec(MIGRATIONS_TABLE_DDL);
    const rows = await session.query<MigrationRow>(
      'SELECT "id", "checksum", "migration_name", "finished_at", "rolled_back_at" FROM "_prisma_migrations" ORDER BY "started_at"',
    );
    const done = checkHistory(files, rows, options.logger);
    const pending = files.filter((file) => !done.has(file.name));
    for (const file of pending) await applyOne(session, file, options.logger);
    return { applied: pending.map((file) => file.name), alreadyApplied: files.length - pending.length };
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
}
