/** Schemas shared by every area: the problem document, ids, pagination, money. */
import { z } from 'zod';

export const problemSchema = z
  .object({
    type: z.string().meta({ example: 'urn:zekka:problem:validation_error' }),
    title: z.string().meta({ example: 'Bad Request' }),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().meta({ description: 'the request path' }),
    requestId: z.string().meta({ description: 'also in the X-Request-Id header and every log line of the request' }),
    code: z.string().meta({ description: 'stable machine-readable code' }),
    errors: z
      .array(z.object({ field: z.string(), in: z.enum(['body', 'query', 'params', 'headers']), message: z.string() }))
      .optional()
      .meta({ description: 'the fields at fault (validation errors)' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details; every 4xx and 5xx answer has this shape' });

export const uuid = (description = 'id') => z.uuid().meta({ description });

export const projectIdParams = z.object({ id: uuid('project id') }).strict();

/** Dates leave as ISO-8601 strings; null when not reached yet. */
export const timestamp = z.iso.datetime();
export const optionalTimestamp = z.iso.datetime().nullable();

export const moneySchema = z
  .object({
    micros: z.string().regex(/^-?\d+$/).meta({ description: 'exact amount in micro-dollars (integer as a string)' }),
    usd: z.number().meta({ description: 'the same amount in US dollars, for display' }),
  })
  .meta({ id: 'Money' });

export type Money = z.infer<typeof moneySchema>;

export function money(micros: bigint): Money {
  return { micros: micros.toString(), usd: Number(micros) / 1_000_000 };
}

export const iso = (date: Date): string => date.toISOString();
export const isoOrNull = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/**
 * PostgreSQL's `integer`: no integer a request carries may be wider, or it reaches SQL and fails
 * there as a 500. Every integer of a query is built with `queryInt`.
 */
export const INT4_MAX = 2_147_483_647;

export const queryInt = (min: number, max = INT4_MAX) => z.coerce.number().int().min(min).max(Math.min(max, INT4_MAX));

export const limitQuery = (fallback: number, max: number) => queryInt(1, max).default(fallback).meta({ description: `page size (1–${max})` });
