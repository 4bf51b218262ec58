/**
 * The little SQL surface the migrator needs, over the two connections Zekka runs on: a
 * node-postgres client (a real server) and an embedded PGlite. Both are single sessions, which
 * matters: a session-level advisory lock and BEGIN/COMMIT only mean something on one connection,
 * so the pg adapter takes a client, never a pool.
 */
import { createHash } from 'node:crypto';
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-outage.js';
import type { PrismaClient } from './prisma-types.js';

export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  /** One statement, `$1`-style parameters. */
  query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A script of several statements, no parameters. */
  exec(sql: string): Promise<void>;
}

export interface SqlSession extends SqlExecutor {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/**
 * Statements over node-postgres: one client, or a pool (each statement on whichever connection is
 * free; for the engine's hot path, which needs no session and must not pay an ORM per statement).
 * With `prepare`, each distinct statement text becomes a named prepared statement on every
 * connection it runs on: callers must keep their SQL text fixed (values go in parameters).
 */
export function pgExecutor(client: pg.ClientBase | pg.Pool, options: { prepare?: boolean } = {}): SqlExecutor {
  return {
    async query<Row extends SqlRow>(sql: string, params: readonly unknown[] = []) {
      // A named statement is parsed and planned once per connection, not on every call.
      const result = await (options.prepare ? client.query<Row>({ name: statementName(sql), text: sql, values: [...params] }) : client.query<Row>(sql, [...params])).catch(unavailable);
      return result.rows;
    },
    async exec(sql: string) {
      // Without parameters node-postgres uses the simple query protocol, which accepts many statements.
      await client.query(sql).catch(unavailable);
    },
  };
}

/** A lost or refused connection becomes a DatabaseUnavailableError (a 503 at the API); other errors pass unchanged. */
function unavailable(error: unknown): never {
  if (isDatabaseUnavailable(error, true) && !(error instanceof DatabaseUnavailableError)) {
    throw new DatabaseUnavailableError(`PostgreSQL is unreachable: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  throw error;
}

const statementNames = new Map<string, string>();

/** A stable name per statement text (PostgreSQL allows 63 bytes). */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `zekka_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** A json/jsonb column's value: parsed by node-postgres and PGlite, text through some raw APIs. */
export function jsonColumn(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Statements through Prisma's raw API: for code given only a Prisma client (some tests). */
export function prismaExecutor(prisma: PrismaClient): SqlExecutor {
  return {
    query: <Row extends SqlRow>(sql: string, params: readonly unknown[] = []) => prisma.$queryRawUnsafe<Row[]>(sql, ...params),
    async exec(sql: string) {
      await prisma.$executeRawUnsafe(sql);
    },
  };
}

/** A session over one node-postgres client (a `pg.Client` or a checked-out `PoolClient`). */
export function pgSession(client: pg.ClientBase): SqlSession {
  const executor = pgExecutor(client);
  return {
    ...executor,
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      await client.query('BEGIN');
      try {
        const value = await fn(executor);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
  };
}

export function pgliteExecutor(db: PGlite | PGliteTransaction): SqlExecutor {
  return {
    async query<Row extends SqlRow>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(sql, [...params]);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

/** A session over an embedded PGlite database (one connection by construction). */
export function pgliteSession(db: PGlite): SqlSession {
  return {
    ...pgliteExecutor(db),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => db.transaction((tx) => fn(pgliteExecutor(tx))),
  };
}
