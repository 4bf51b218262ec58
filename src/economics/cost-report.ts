/**
 * Cost totals from the ledger, for `/api/costs`: by project, by model, by user and by day (UTC),
 * and the account's month against its spending cap (./user-spend.ts).
 * Money leaves as micro-dollar strings (exact; BigInt does not survive JSON) beside USD numbers
 * (for display). Sums are computed by PostgreSQL over BIGINT, never in floating point.
 * Prompt caching shows as the cached tokens (read, written) and `cacheSavings`: what the same
 * calls would have cost with every prompt token at the input price, minus what they cost.
 */
import { DEFAULT_USER_SPEND_CAP_USD } from '../config/env.js';
import type { PrismaClient } from '../db/prisma-types.js';
import { NotFoundError } from '../errors/app-error.js';
import { microsToUsd } from './pricing.js';
import { accountSpend, spendCapConfig, type SpendCapConfig } from './user-spend.js';

export interface CostAmount {
  calls: number;
  /** Every prompt token, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens read from the providers' caches (part of inputTokens). */
  cacheReadTokens: number;
  /** Prompt tokens written to the providers' caches (part of inputTokens). */
  cacheWriteTokens: number;
  costMicros: string;
  costUsd: number;
  /** What prompt caching saved (negative while cache writes outweigh reads). */
  cacheSavingsMicros: string;
  cacheSavingsUsd: number;
}

export interface DateRange {
  from?: Date;
  to?: Date;
}

export interface UserCosts {
  userId: string;
  from: string | null;
  to: string | null;
  total: CostAmount;
  /** `projectId: null` gathers the spend of projects that were deleted since. */
  byProject: (CostAmount & { projectId: string | null; projectName: string })[];
  byModel: (CostAmount & { provider: string; model: string })[];
  byDay: (CostAmount & { day: string })[];
  /** This calendar month (UTC) against the account's spending cap, whatever from/to say. */
  account: AccountCosts;
}

export interface AccountCosts {
  period: 'month';
  windowStart: string;
  windowEnd: string;
  /** null: no cap. */
  capMicros: string | null;
  capUsd: number | null;
  capSource: 'own' | 'default';
  spentMicros: string;
  spentUsd: number;
  remainingMicros: string | null;
  remainingUsd: number | null;
}

export interface ProjectCosts {
  projectId: string;
  budgetMicros: string;
  budgetUsd: number;
  spentMicros: string;
  spentUsd: number;
  total: CostAmount;
  byModel: (CostAmount & { provider: string; model: string })[];
  byUser: (CostAmount & { userId: string | null })[];
  byDay: (CostAmount & { day: string })[];
}

interface Sums {
  _count: { _all: number };
  _sum: {
    inputTokens: number | null;
    outputTokens: number | null;
    cacheReadTokens: number | null;
    cacheWriteTokens: number | null;
    costMicros: bigint | null;
    cacheSavingsMicros: bigint | null;
  };
}

function amount(sums: Sums): CostAmount {
  const { _sum: sum } = sums;
  const cost = sum.costMicros ?? 0n;
  const saved = sum.cacheSavingsMicros ?? 0n;
  return {
    calls: sums._count._all,
    inputTokens: sum.inputTokens ?? 0,
    outputTokens: sum.outputTokens ?? 0,
    cacheReadTokens: sum.cacheReadTokens ?? 0,
    cacheWriteTokens: sum.cacheWriteTokens ?? 0,
    costMicros: cost.toString(),
    costUsd: microsToUsd(cost),
    cacheSavingsMicros: saved.toString(),
    cacheSavingsUsd: microsToUsd(saved),
  };
}

const SUMS = {
  _count: { _all: true },
  _sum: { inputTokens: true, outputTokens: true, cacheReadTokens: true, cacheWriteTokens: true, costMicros: true, cacheSavingsMicros: true },
} as const;

const byCostDescending = (a: CostAmount, b: CostAmount) => {
  const diff = BigInt(b.costMicros) - BigInt(a.costMicros);
  return diff > 0n ? 1 : diff < 0n ? -1 : 0;
};

interface DayRow {
  day: string;
  calls: bigint;
  input: bigint | null;
  output: bigint | null;
  read: bigint | null;
  written: bigint | null;
  cost: bigint | null;
  saved: bigint | null;
}

function dayAmount(row: DayRow): CostAmount & { day: string } {
  const sums: Sums = {
    _count: { _all: Number(row.calls) },
    _sum: {
      inputTokens: Number(row.input ?? 0),
      outputTokens: Number(row.output ?? 0),
      cacheReadTokens: Number(row.read ?? 0),
      cacheWriteTokens: Number(row.written ?? 0),
      costMicros: row.cost,
      cacheSavingsMicros: row.saved,
    },
  };
  return { day: row.day, ...amount(sums) };
}

export class CostReport {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly spendCap: SpendCapConfig = spendCapConfig(DEFAULT_USER_SPEND_CAP_USD),
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Everything charged to calls made for `userId` in [from, to). */
  async costsForUser(userId: string, range: DateRange = {}): Promise<UserCosts> {
    const where = { userId, createdAt: { ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lt: range.to } : {}) } };
    const [total, projects, models, days, month] = await Promise.all([
      this.prisma.costLedgerEntry.aggregate({ where, ...SUMS }),
      this.prisma.costLedgerEntry.groupBy({ by: ['projectId'], where, ...SUMS }),
      this.prisma.costLedgerEntry.groupBy({ by: ['provider', 'model'], where, ...SUMS }),
      this.byDay('userId', userId, range),
      accountSpend(this.prisma, userId, this.spendCap, this.now()),
    ]);
    const names = await this.prisma.project.findMany({ where: { id: { in: projects.flatMap((p) => (p.projectId ? [p.projectId] : [])) } }, select: { id: true, name: true } });
    const nameOf = new Map(names.map((p) => [p.id, p.name]));
    return {
      userId,
      from: range.from?.toISOString() ?? null,
      to: range.to?.toISOString() ?? null,
      total: amount(total),
      byProject: projects.map((p) => ({ projectId: p.projectId, projectName: p.projectId ? (nameOf.get(p.projectId) ?? '') : '(deleted projects)', ...amount(p) })).sort(byCostDescending),
      byModel: models.map((m) => ({ provider: m.provider, model: m.model, ...amount(m) })).sort(byCostDescending),
      byDay: days,
      account: {
        period: month.period,
        windowStart: month.window.start.toISOString(),
        windowEnd: month.window.end.toISOString(),
        capMicros: month.capMicros?.toString() ?? null,
        capUsd: month.capMicros === null ? null : microsToUsd(month.capMicros),
        capSource: month.capSource,
        spentMicros: month.spentMicros.toString(),
        spentUsd: microsToUsd(month.spentMicros),
        remainingMicros: month.remainingMicros?.toString() ?? null,
        remainingUsd: month.remainingMicros === null ? null : microsToUsd(month.remainingMicros),
      },
    };
  }

  async costsForProject(projectId: string): Promise<ProjectCosts> {
    const project = await this.prisma.project.findUnique({ where: { id: projectId }, select: { budgetMicros: true } });
    if (!project) throw new NotFoundError('project');
    const where = { projectId };
    const [total, models, users, days] = await Promise.all([
      this.prisma.costLedgerEntry.aggregate({ where, ...SUMS }),
      this.prisma.costLedgerEntry.groupBy({ by: ['provider', 'model'], where, ...SUMS }),
      this.prisma.costLedgerEntry.groupBy({ by: ['userId'], where, ...SUMS }),
      this.byDay('projectId', projectId, {}),
    ]);
    return {
      projectId,
      budgetMicros: project.budgetMicros.toString(),
      budgetUsd: microsToUsd(project.budgetMicros),
      // What the project has spent is the sum of its ledger (src/economics/cost-ledger.ts).
      spentMicros: (total._sum.costMicros ?? 0n).toString(),
      spentUsd: microsToUsd(total._sum.costMicros ?? 0n),
      total: amount(total),
      byModel: models.map((m) => ({ provider: m.provider, model: m.model, ...amount(m) })).sort(byCostDescending),
      byUser: users.map((u) => ({ userId: u.userId, ...amount(u) })).sort(byCostDescending),
      byDay: days,
    };
  }

  private async byDay(column: 'userId' | 'projectId', id: string, range: DateRange): Promise<(CostAmount & { day: string })[]> {
    const from = range.from?.toISOString() ?? null;
    const to = range.to?.toISOString() ?? null;
    // createdAt holds UTC wall time (timestamp without time zone), as Prisma writes it.
    const rows =
      column === 'userId'
        ? await this.prisma.$queryRaw<DayRow[]>`
            SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day, count(*) AS calls,
              sum("inputTokens")::bigint AS input, sum("outputTokens")::bigint AS output, sum("cacheReadTokens")::bigint AS read,
              sum("cacheWriteTokens")::bigint AS written, sum("costMicros")::bigint AS cost, sum("cacheSavingsMicros")::bigint AS saved
            FROM "CostLedgerEntry"
            WHERE "userId" = ${id}::uuid
              AND (${from}::timestamptz IS NULL OR "createdAt" >= (${from}::timestamptz AT TIME ZONE 'UTC'))
              AND (${to}::timestamptz IS NULL OR "createdAt" < (${to}::timestamptz AT TIME ZONE 'UTC'))
            GROUP BY 1 ORDER BY 1`
        : await this.prisma.$queryRaw<DayRow[]>`
            SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day, count(*) AS calls,
              sum("inputTokens")::bigint AS input, sum("outputTokens")::bigint AS output, sum("cacheReadTokens")::bigint AS read,
              sum("cacheWriteTokens")::bigint AS written, sum("costMicros")::bigint AS cost, sum("cacheSavingsMicros")::bigint AS saved
            FROM "CostLedgerEntry"
            WHERE "projectId" = ${id}::uuid
            GROUP BY 1 ORDER BY 1`;
    return rows.map(dayAmount);
  }
}
