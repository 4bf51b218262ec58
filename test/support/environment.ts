/**
 * Isolation for one test run: its own PostgreSQL database and its own Redis key namespace, both
 * named from the process id and a random suffix, so runs on one machine (or two CI jobs) never
 * see each other's data. The names are fixed at import, so tests may read them at load time;
 * test/support/hooks.ts creates and migrates the database before the first test and removes the
 * database and the namespace's keys after the last.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { migrate, type MigrateResult } from '../../src/db/migrator.js';
import { pgSession } from '../../src/db/sql-executor.js';
import { createLogger } from '../../src/logging/logger.js';

const runId = `${process.pid}_${randomBytes(4).toString('hex')}`;
const namespace = `zekka-test-${runId.replace('_', '-')}`;
const extraDatabases = new Set<string>();
let extraCounter = 0;

/** Where test databases are created: TEST_DATABASE_URL or the local server. Its own database is only used to run CREATE/DROP. */
export function baseDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

function urlFor(database: string): string {
  const url = new URL(baseDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** The run's migrated database (created by the root hook). */
export function testDatabaseUrl(): string {
  return urlFor(`zekka_test_${runId}`);
}

/** e.g. `zekka-test-4242-9f3a0c1d`: a Redis key namespace; wrap it in braces for a BullMQ prefix. */
export function testNamespace(): string {
  return namespace;
}

/** `{zekka-test-…}`: a BullMQ prefix whose keys share one cluster slot. */
export function testQueuePrefix(): string {
  return `{${namespace}}`;
}

export const silentLogger = createLogger({ silent: true });

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseDatabaseUrl(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function create(database: string): Promise<void> {
  await withAdmin((client) => client.query(`CREATE DATABASE ${quote(database)}`));
}

async function drop(database: string): Promise<void> {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${quote(database)} WITH (FORCE)`));
}

/** Applies the migrations to the database at `url`. */
export async function migrateDatabase(url: string): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await migrate(pgSession(client), { logger: silentLogger });
  } finally {
    await client.end();
  }
}

/** A fresh, empty database for one test (dropped by the caller, or at the end of the run). */
export async function createTestDatabase(label = 'extra'): Promise<string> {
  extraCounter += 1;
  const database = `zekka_test_${runId}_${label.replace(/\W/g, '_').toLowerCase()}_${extraCounter}`;
  await create(database);
  extraDatabases.add(database);
  return urlFor(database);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const database = databaseNameOf(url);
  await drop(database);
  extraDatabases.delete(database);
}

/** Root hook: the run's database, migrated. */
export async function setUpTestEnvironment(): Promise<void> {
  const database = databaseNameOf(testDatabaseUrl());
  await create(database);
  await migrateDatabase(testDatabaseUrl());
}

async function deleteNamespaceKeys(): Promise<number> {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${namespace}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** Root hook: drops every database of the run, then deletes the namespace's Redis keys. */
export async function tearDownTestEnvironment(): Promise<void> {
  const problems: string[] = [];
  for (const database of [databaseNameOf(testDatabaseUrl()), ...extraDatabases]) {
    await drop(database).catch((error: unknown) => problems.push(`drop ${database}: ${String(error)}`));
  }
  extraDatabases.clear();
  // Redis is best-effort here: a run that never touched Redis must not fail because it is down.
  await deleteNamespaceKeys().catch((error: unknown) => process.stderr.write(`warning: redis cleanup of ${namespace}: ${String(error)}\n`));
  if (problems.length > 0) throw new Error(`test environment teardown: ${problems.join('; ')}`);
}
