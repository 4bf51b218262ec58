/**
 * Opens Zekka's system of record: PostgreSQL through `@prisma/adapter-pg` when DATABASE_URL is set,
 * otherwise (where allowed: development, the demo) an embedded PGlite persisted in
 * `<ZEKKA_DATA_DIR>/pglite`. Migrations run first, on a dedicated session, when asked.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { ConfigError } from '../errors/config-error.js';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logging/logger.js';
import { DatabaseUnavailableError } from './database-outage.js';
import { defaultMigrationsDir, describePending, migrate, pendingMigrations, readMigrations, type MigrateResult, type MigrationFile } from './migrator.js';
import { PatientPool } from './patient-pool.js';
import { pgExecutor, pgliteExecutor, pgliteSession, pgSession, type SqlExecutor } from './sql-executor.js';

export interface Database {
  prisma: PrismaClient;
  /** Plain SQL on the same database, without the ORM: the engine's hot path (one statement per step). */
  sql: SqlExecutor;
  kind: 'postgres' | 'pglite';
  /** The connection URL (postgres only). */
  url?: string;
  /** What the migrator did, when `migrate` was asked for. */
  migration?: MigrateResult;
  close(): Promise<void>;
  /** Answers, and has every migration of prisma/migrations applied (a schema behind the code serves only 500s). */
  ready(): Promise<{ ok: boolean; error?: string }>;
  /** Names of the migrations not applied yet (src/db/migrator.ts). */
  pendingMigrations(): Promise<string[]>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  allowEmbedded: boolean;
  migrate: boolean;
  logger: Logger;
  poolSize?: number;
  /** Default: prisma/migrations of this package. */
  migrationsDir?: string;
  /**
   * How long taking a connection waits while PostgreSQL is down or restarting (./patient-pool.ts);
   * 0 (the default, and the API's choice): fail at once, so a request is answered with a 503.
   */
  outageWaitMs?: number;
  /** How long one connection attempt may take (default 10 s): an unreachable host fails after this. */
  connectTimeoutMs?: number;
}

export { DatabaseUnavailableError } from './database-outage.js';

/** `host:port/database` of a PostgreSQL URL: safe to print (no user, no password). */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  return error instanceof Error ? error.message || error.name : String(error);
}

/** A readiness probe gets its answer within this, also while a worker's pool waits out an outage. */
const READY_TIMEOUT_MS = 3_000;

async function readiness(prisma: PrismaClient, pending: () => Promise<string[]>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ ok: boolean; error?: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${READY_TIMEOUT_MS / 1000} s` }), READY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check(prisma, pending), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(prisma: PrismaClient, pending: () => Promise<string[]>): Promise<{ ok: boolean; error?: string }> {
  try {
    await prisma.$queryRaw`SELECT 1`;
    const names = await pending();
    if (names.length > 0) return { ok: false, error: `${names.length} pending migration${names.length === 1 ? '' : 's'} (${describePending(names)}): run \`zekka db migrate\`` };
    return { ok: true };
  } catch (error) {
    return { ok: false, error: reason(error) };
  }
}

/** The pending-migrations check over `sql`; the files are read once, on first use. */
function pendingCheck(sql: SqlExecutor, options: OpenDatabaseOptions): () => Promise<string[]> {
  let files: Promise<MigrationFile[]> | undefined;
  return async () => {
    files ??= readMigrations(options.migrationsDir ?? defaultMigrationsDir());
    return pendingMigrations(sql, await files.catch((error: unknown) => {
      files = undefined;
      throw error;
    }), options.logger);
  };
}

async function migratePostgres(url: string, options: OpenDatabaseOptions): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', (error) => options.logger.warn('migration connection error', { error: error.message }));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnavailableError(`cannot connect to PostgreSQL at ${describeDatabaseUrl(url)}: ${reason(error)}`, error);
  }
  try {
    return await migrate(pgSession(client), { logger: options.logger, migrationsDir: options.migrationsDir });
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const migration = options.migrate ? await migratePostgres(url, options) : undefined;
  // keepAlive: a connection whose server vanished without a word (a failed-over host) is noticed.
  const config: pg.PoolConfig = { connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000, keepAlive: true };
  const outageWaitMs = options.outageWaitMs ?? 0;
  const pool = outageWaitMs > 0 ? new PatientPool({ ...config, outageWaitMs, logger: options.logger, describe: describeDatabaseUrl(url) }) : new pg.Pool(config);
  // An idle client that loses its server emits on the pool; unhandled, that would crash the process.
  pool.on('error', (error) => options.logger.warn('postgres pool error', { error: error.message }));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const sql = pgExecutor(pool, { prepare: true });
  const pending = pendingCheck(sql, options);
  return {
    prisma,
    sql,
    kind: 'postgres',
    url,
    migration,
    ready: () => readiness(prisma, pending),
    pendingMigrations: pending,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openEmbedded(options: OpenDatabaseOptions): Promise<Database> {
  const path = join(options.dataDir, 'pglite');
  await mkdir(path, { recursive: true });
  const db = await PGlite.create(path);
  let migration: MigrateResult | undefined;
  try {
    if (options.migrate) migration = await migrate(pgliteSession(db), { logger: options.logger, migrationsDir: options.migrationsDir });
  } catch (error) {
    await db.close();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  const sql = pgliteExecutor(db);
  const pending = pendingCheck(sql, options);
  return {
    prisma,
    sql,
    kind: 'pglite',
    migration,
    ready: () => readiness(prisma, pending),
    pendingMigrations: pending,
    async close() {
      await prisma.$disconnect();
      if (!db.closed) await db.close();
    },
  };
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  if (!options.allowEmbedded) {
    throw new ConfigError(['DATABASE_URL is missing: set it to a postgresql:// URL (the embedded PGlite database is for development and the demo only)']);
  }
  options.logger.info('DATABASE_URL is not set: using the embedded PGlite database', { dataDir: join(options.dataDir, 'pglite') });
  return openEmbedded(options);
}
