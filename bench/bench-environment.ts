/**
 * The bench's throwaway world: its own PostgreSQL database (created, migrated, dropped WITH
 * (FORCE)) and its own Redis namespace `zekka-bench-<pid>` with the BullMQ prefix
 * `{zekka-bench-<pid>}`; `tearDown` removes both and is safe to call twice or after a failure.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { migrate } from '../src/db/migrator.js';
import { pgSession } from '../src/db/sql-executor.js';
import { createLogger } from '../src/logging/logger.js';

export interface BenchEnvironment {
  databaseName: string;
  databaseUrl: string;
  redisUrl: string;
  namespace: string;
  prefix: string;
  /** SCAN patterns covering every key the bench (and the workers it starts) may create. */
  keyPatterns: string[];
}

export const silentLogger = createLogger({ silent: true });

function adminUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export function describeEnvironment(): BenchEnvironment {
  const namespace = `zekka-bench-${process.pid}`;
  const databaseName = `zekka_bench_${process.pid}`;
  return {
    databaseName,
    databaseUrl: urlFor(databaseName),
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    namespace,
    prefix: `{${namespace}}`,
    keyPatterns: [`{${namespace}}:*`, `${namespace}:*`],
  };
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function setUp(env: BenchEnvironment): Promise<void> {
  await withAdmin((client) => client.query(`CREATE DATABASE "${env.databaseName}"`));
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    await migrate(pgSession(client), { logger: silentLogger });
  } finally {
    await client.end();
  }
}

/** Every key of the bench, by SCAN MATCH over its patterns. */
export async function scanKeys(redis: Redis, patterns: string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  }
  return keys;
}

export async function deleteKeys(redis: Redis, keys: string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < keys.length; i += 500) deleted += await redis.unlink(...keys.slice(i, i + 500));
  return deleted;
}

/** Drops the database and unlinks the namespace's keys; reports what it could not do. */
export async function tearDown(env: BenchEnvironment): Promise<{ keysDeleted: number; problems: string[] }> {
  const problems: string[] = [];
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${env.databaseName}" WITH (FORCE)`)).catch((error: unknown) =>
    problems.push(`drop database ${env.databaseName}: ${String(error)}`),
  );
  let keysDeleted = 0;
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    keysDeleted = await deleteKeys(redis, await scanKeys(redis, env.keyPatterns));
    const left = await scanKeys(redis, env.keyPatterns);
    if (left.length > 0) problems.push(`${left.length} Redis keys left under ${env.prefix}`);
  } catch (error) {
    problems.push(`redis cleanup: ${String(error)}`);
  } finally {
    redis.disconnect();
  }
  return { keysDeleted, problems };
}

export async function databaseExists(env: BenchEnvironment): Promise<boolean> {
  const result = await withAdmin((client) => client.query('SELECT 1 FROM pg_database WHERE datname = $1', [env.databaseName]));
  return (result.rowCount ?? 0) > 0;
}
