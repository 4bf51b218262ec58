/**
 * The cost ledger in PostgreSQL: one row per model call, keyed by the call's idempotency key.
 *
 * `recordCall` is one SQL statement: insert the row unless its key exists, and only when it was
 * inserted add its cost to AgentRun.costMicros (one row per agent, touched by its own calls only).
 * So a call recorded twice (a retried settle, two processes settling the same call) is counted
 * once. What a project has spent is the sum of its ledger (`projectSpent`, `PROJECT_SPENT_SQL`):
 * there is no counter on the project's row, which every parallel agent of the project would have
 * updated — a hot row whose lock (held until the commit's WAL flush) serialised their calls.
 * `createdAt` is written in UTC, as Prisma does, whatever the session's time zone: the entry's own
 * `createdAt` when given (the guard passes the reservation's time, which decides the month of the
 * owner's spending cap), else now.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/prisma-types.js';
import type { SqlExecutor } from '../db/sql-executor.js';

export interface LedgerEntry {
  idempotencyKey: string;
  projectId: string;
  userId?: string | null;
  agentRunId?: string | null;
  provider: string;
  model: string;
  /** Every prompt token, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens read from the provider's prompt cache (part of inputTokens). Default 0. */
  cacheReadTokens?: number;
  /** Prompt tokens written to the provider's prompt cache (part of inputTokens). Default 0. */
  cacheWriteTokens?: number;
  /** List price with no prompt caching minus list price (see prisma/schema.prisma). Default 0. */
  cacheSavingsMicros?: bigint;
  /** What the budget was charged (see budget-scripts.ts: equal to the price of the usage unless the budget was full). */
  costMicros: bigint;
  latencyMs: number;
  /** Default: now. */
  createdAt?: Date;
}

export interface RecordedCall {
  /** False when a row with this key existed: nothing was written or added. */
  inserted: boolean;
}

/**
 * What the project aliased `project` has spent, as a SQL expression (its ledger's sum, bigint):
 * for the statements that read a project's row and its spend together.
 */
export const PROJECT_SPENT_SQL = (project: string): string =>
  `(SELECT COALESCE(sum(l."costMicros"), 0) FROM "CostLedgerEntry" l WHERE l."projectId" = ${project}."id")`;

/** Plain SQL (see Database.sql): every model call passes here, so it skips the ORM. */
export async function recordCall(sql: SqlExecutor, entry: LedgerEntry): Promise<RecordedCall> {
  const rows = await sql.query<{ inserted: bigint | string }>(
    `WITH ins AS (
      INSERT INTO "CostLedgerEntry"
        ("id", "idempotencyKey", "projectId", "userId", "agentRunId", "provider", "model", "inputTokens", "outputTokens", "costMicros", "latencyMs", "createdAt",
         "cacheReadTokens", "cacheWriteTokens", "cacheSavingsMicros")
      VALUES ($1::uuid, $2, $3::uuid, $4::uuid, $5::uuid, $6, $7, $8::int, $9::int, $10::bigint, $11::int, COALESCE($12::timestamptz, now()) AT TIME ZONE 'UTC',
         $13::int, $14::int, $15::bigint)
      ON CONFLICT ("idempotencyKey") DO NOTHING
      RETURNING "agentRunId", "costMicros"
    ), agent AS (
      UPDATE "AgentRun" a SET "costMicros" = a."costMicros" + ins."costMicros"
      FROM ins WHERE a."id" = ins."agentRunId"
      RETURNING a."id"
    )
    SELECT count(*) AS inserted FROM ins`,
    [
      randomUUID(),
      entry.idempotencyKey,
      entry.projectId,
      entry.userId ?? null,
      entry.agentRunId ?? null,
      entry.provider,
      entry.model,
      entry.inputTokens,
      entry.outputTokens,
      entry.costMicros.toString(),
      Math.max(0, Math.round(entry.latencyMs)),
      entry.createdAt?.toISOString() ?? null,
      entry.cacheReadTokens ?? 0,
      entry.cacheWriteTokens ?? 0,
      (entry.cacheSavingsMicros ?? 0n).toString(),
    ],
  );
  return { inserted: Number(rows[0]?.inserted ?? 0) === 1 };
}

/** The charge recorded for a call, or undefined when the ledger has no row with this key. */
export async function recordedCost(sql: SqlExecutor, idempotencyKey: string): Promise<bigint | undefined> {
  const rows = await sql.query<{ cost: bigint | string }>('SELECT "costMicros" AS cost FROM "CostLedgerEntry" WHERE "idempotencyKey" = $1', [idempotencyKey]);
  const row = rows[0];
  return row ? BigInt(row.cost) : undefined;
}

/** What a project has spent: the sum of its ledger. */
export async function projectSpent(sql: SqlExecutor, projectId: string): Promise<bigint> {
  const rows = await sql.query<{ spent: bigint | string }>(`SELECT COALESCE(sum("costMicros"), 0)::text AS spent FROM "CostLedgerEntry" WHERE "projectId" = $1::uuid`, [projectId]);
  return BigInt(rows[0]?.spent ?? 0);
}

/** The sum of a project's ledger through Prisma: what PostgreSQL says the project has spent. */
export async function ledgerTotal(prisma: PrismaClient, projectId: string): Promise<bigint> {
  const sum = await prisma.costLedgerEntry.aggregate({ where: { projectId }, _sum: { costMicros: true } });
  return sum._sum.costMicros ?? 0n;
}
