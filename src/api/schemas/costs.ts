/** Schemas of /api/costs, mirroring src/economics/cost-report.ts (money as micro-dollar strings and USD). */
import { z } from 'zod';

const amount = {
  calls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cacheReadTokens: z.number().int().meta({ description: 'prompt tokens read from the providers’ prompt caches (part of inputTokens, billed at the cache-read rate)' }),
  cacheWriteTokens: z.number().int().meta({ description: 'prompt tokens written to the providers’ prompt caches (part of inputTokens, billed at the cache-write rate)' }),
  costMicros: z.string().regex(/^\d+$/),
  costUsd: z.number(),
  cacheSavingsMicros: z
    .string()
    .regex(/^-?\d+$/)
    .meta({ description: 'what prompt caching saved: the same calls with every prompt token at the input price, minus their cost (negative while cache writes outweigh reads)' }),
  cacheSavingsUsd: z.number(),
};
const costAmount = z.object(amount).meta({ id: 'CostAmount' });
const byModel = z.object({ provider: z.string(), model: z.string(), ...amount });
const byDay = z.object({ day: z.string().meta({ example: '2026-01-31' }), ...amount });

const dateParam = z.iso.datetime({ offset: true }).or(z.iso.date()).transform((value) => new Date(value));

export const costsQuery = z
  .object({
    from: dateParam.optional().meta({ description: 'inclusive start (ISO date or date-time)' }),
    to: dateParam.optional().meta({ description: 'exclusive end' }),
    userId: z.uuid().optional().meta({ description: 'another user’s costs (admins only)' }),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export const userCostsSchema = z
  .object({
    userId: z.uuid(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    total: costAmount,
    byProject: z.array(z.object({ projectId: z.uuid().nullable().meta({ description: 'null: projects deleted since (their spend stays)' }), projectName: z.string(), ...amount })),
    byModel: z.array(byModel),
    byDay: z.array(byDay),
    account: z
      .object({
        period: z.literal('month'),
        windowStart: z.string().meta({ description: 'the calendar month (UTC) the cap counts: its first instant' }),
        windowEnd: z.string().meta({ description: 'exclusive: the next month’s first instant' }),
        capMicros: z.string().regex(/^\d+$/).nullable().meta({ description: 'null: no cap' }),
        capUsd: z.number().nullable(),
        capSource: z.enum(['own', 'default']).meta({ description: 'own: set by an admin for this account; default: USER_SPEND_CAP_USD' }),
        spentMicros: z.string().regex(/^\d+$/),
        spentUsd: z.number(),
        remainingMicros: z.string().regex(/^\d+$/).nullable(),
        remainingUsd: z.number().nullable(),
      })
      .meta({ id: 'AccountSpend', description: 'this month’s spend of all the account’s projects against its monthly spending cap (whatever from/to say)' }),
  })
  .meta({ id: 'UserCosts' });

export const projectCostsSchema = z
  .object({
    projectId: z.uuid(),
    budgetMicros: z.string(),
    budgetUsd: z.number(),
    spentMicros: z.string(),
    spentUsd: z.number(),
    total: costAmount,
    byModel: z.array(byModel),
    byUser: z.array(z.object({ userId: z.uuid().nullable(), ...amount })),
    byDay: z.array(byDay),
  })
  .meta({ id: 'ProjectCosts' });

export const costProjectParams = z.object({ projectId: z.uuid() }).strict();
