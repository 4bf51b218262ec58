/**
 * `MODEL_PRICES`: prices added to or replacing the default table (src/economics/pricing.ts), as
 * JSON in USD per 1M tokens. An entry replaces the default entry of that model whole, so an
 * override of a model with a long-context tier must restate it to keep it.
 *
 *   {"<model>": {"input": 1.25, "output": 10, "cacheRead": 0.125, "cacheWrite": 1.25,
 *                "longContext": {"above": 200000, "input": 2.5, "output": 15, "cacheRead": 0.25}}}
 *
 * `cacheRead`, `cacheWrite` and `longContext` are optional; an absent cache price is the input price.
 * `cacheStorage` (optional, USD per 1M tokens per hour) prices an explicit cache's storage (Gemini).
 * Only the variable's shape is checked here (prices are whole micro-dollars, so at most 6
 * decimals); src/economics/pricing.ts turns the rows into its micro-dollar table.
 */
import { z } from 'zod';

/** A USD amount that is a whole number of micro-dollars (the money unit everywhere). */
export function wholeMicros(usd: number): boolean {
  const micros = Math.round(usd * 1e6);
  return Number.isSafeInteger(micros) && Math.abs(micros - usd * 1e6) < 1e-3;
}

const usdPerMillion = z
  .number({ error: 'expected a number of US dollars per 1M tokens' })
  .min(0, 'must not be negative')
  .max(1_000_000, 'must be at most 1000000')
  .refine(wholeMicros, 'at most 6 decimals (micro-dollars)');

const rates = {
  input: usdPerMillion,
  output: usdPerMillion,
  cacheRead: usdPerMillion.optional(),
  cacheWrite: usdPerMillion.optional(),
};

const longContext = z.strictObject({
  above: z.number({ error: 'expected a number of prompt tokens' }).int('must be a whole number of tokens').min(1, 'must be at least 1').max(100_000_000, 'must be at most 100000000'),
  ...rates,
});

const priceOverride = z.strictObject({ ...rates, cacheStorage: usdPerMillion.optional(), longContext: longContext.optional() });

const modelPricesSchema = z.record(z.string().trim().min(1, 'model names must not be empty'), priceOverride);

export type ModelPriceOverrides = z.infer<typeof modelPricesSchema>;

const EXPECTED = 'expected {"<model>": {"input": <USD per 1M tokens>, "output": <USD>, "cacheRead"?: <USD>, "cacheWrite"?: <USD>, "cacheStorage"?: <USD per 1M tokens per hour>, "longContext"?: {"above": <prompt tokens>, "input": <USD>, "output": <USD>, …}}}';

export class ModelPricesError extends Error {
  constructor(message: string) {
    super(`MODEL_PRICES ${message}`);
    this.name = 'ModelPricesError';
  }
}

/** Parses `MODEL_PRICES`; the error names the model and field at fault. */
export function parseModelPrices(json: string): ModelPriceOverrides {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ModelPricesError(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = modelPricesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.map((p) => JSON.stringify(String(p))).join('.') : '(top level)';
    throw new ModelPricesError(`${where}: ${issue?.message ?? 'invalid'} — ${EXPECTED}`);
  }
  return parsed.data;
}

/** zod field for the environment schema: a JSON string, parsed and validated at start-up. */
export const modelPricesEnv = z.string().transform((json, ctx) => {
  try {
    return parseModelPrices(json);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message.replace(/^MODEL_PRICES /, '') : String(error) });
    return z.NEVER;
  }
});
