/**
 * Model prices: integer micro-dollars per 1M tokens, input and output apart.
 *
 * Defaults follow the design's published table (Gemini Pro $0.50, Claude Sonnet $3.00, GPT-4
 * $30.00, Ollama $0, per 1M tokens), read as the input price; the output price follows each
 * vendor's own output:input ratio for that family (Claude Sonnet 5×, GPT-4 2×, Gemini 1.0 Pro 3×).
 * Models the table does not name carry their vendors' published list prices. `MODEL_PRICES`
 * (JSON, USD per 1M tokens) overrides or adds entries.
 *
 * Resolution of a model name, first match wins:
 *   1. the exact name (`claude-sonnet-4-5`);
 *   2. the longest entry that is a prefix of the name up to a `-`, `:`, `@` or `/` boundary
 *      (`claude-sonnet-4-5-20250929`, `llama3.2:3b`, `offline-premium`);
 *   3. the provider's default: `ollama` and `offline` run locally and cost $0;
 *   4. otherwise the most expensive entry of the table, input and output apart — an unknown
 *      model is never cheaper than anything we know, so it can never undercharge a budget.
 *
 * Cost of a call = ceil((input × inputPrice + output × outputPrice) / 1e6) micro-dollars:
 * all BigInt math, one rounding, and always up.
 */
import { z } from 'zod';

export interface ModelPrice {
  /** Micro-dollars per 1M input (prompt) tokens. */
  inputMicrosPerMillion: bigint;
  /** Micro-dollars per 1M output tokens. */
  outputMicrosPerMillion: bigint;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export type PriceSource = 'exact' | 'prefix' | 'provider' | 'fallback';

export interface ResolvedPrice extends ModelPrice {
  /** The table entry that matched (the provider for `provider`, the costliest entry for `fallback`). */
  entry: string;
  source: PriceSource;
}

const MILLION = 1_000_000n;

function usd(input: number, output: number): ModelPrice {
  return { inputMicrosPerMillion: usdToMicros(input), outputMicrosPerMillion: usdToMicros(output) };
}

/** USD (at most 6 decimals) to integer micro-dollars, exactly. */
export function usdToMicros(value: number): bigint {
  const micros = Math.round(value * 1_000_000);
  if (!Number.isSafeInteger(micros) || Math.abs(micros - value * 1_000_000) > 1e-6 * Math.max(1, Math.abs(micros))) {
    throw new RangeError(`${value} is not a dollar amount with at most 6 decimals`);
  }
  return BigInt(micros);
}

export function microsToUsd(micros: bigint): number {
  return Number(micros) / 1_000_000;
}

export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  // The design's table.
  'claude-sonnet': usd(3, 15),
  'gemini-pro': usd(0.5, 1.5),
  'gpt-4': usd(30, 60),
  // Names the router is likely to use, mapped onto the table's families.
  'claude-sonnet-4-5': usd(3, 15),
  'claude-sonnet-4': usd(3, 15),
  'claude-3-7-sonnet': usd(3, 15),
  'claude-3-5-sonnet': usd(3, 15),
  'gemini-2.5-pro': usd(0.5, 1.5),
  'gemini-1.5-pro': usd(0.5, 1.5),
  // Not in the table: vendors' published list prices.
  'claude-haiku-4-5': usd(1, 5),
  'claude-3-5-haiku': usd(0.8, 4),
  'claude-opus-4-1': usd(15, 75),
  'gemini-2.5-flash': usd(0.3, 2.5),
  'gemini-2.5-flash-lite': usd(0.1, 0.4),
  'gemini-2.0-flash': usd(0.1, 0.4),
  'gpt-4o': usd(2.5, 10),
  'gpt-4o-mini': usd(0.15, 0.6),
  // Local models (Ollama) and the offline model.
  llama3: usd(0, 0),
  'llama3.1': usd(0, 0),
  'llama3.2': usd(0, 0),
  'qwen2.5-coder': usd(0, 0),
  codellama: usd(0, 0),
  offline: usd(0, 0),
});

/** Providers whose unknown models still cost nothing: they run on our own machines. */
export const FREE_PROVIDERS: readonly string[] = ['ollama', 'offline'];

const usdPerMillion = z.number({ error: 'expected a number of US dollars per 1M tokens' }).min(0, 'must not be negative').max(1_000_000, 'must be at most 1000000');

const priceOverride = z.strictObject({ input: usdPerMillion, output: usdPerMillion });

/** `MODEL_PRICES`: `{"<model>": {"input": <USD per 1M>, "output": <USD per 1M>}, …}`. */
export const modelPricesSchema = z.record(z.string().trim().min(1, 'model names must not be empty'), priceOverride);

export type ModelPriceOverrides = z.infer<typeof modelPricesSchema>;

/** Parses `MODEL_PRICES`; the error names the model and field at fault. */
export function parseModelPrices(json: string): Record<string, ModelPrice> {
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
    throw new ModelPricesError(`${where}: ${issue?.message ?? 'invalid'} — expected {"<model>": {"input": <USD per 1M tokens>, "output": <USD per 1M tokens>}}`);
  }
  const prices: Record<string, ModelPrice> = {};
  for (const [model, price] of Object.entries(parsed.data)) {
    try {
      prices[model] = usd(price.input, price.output);
    } catch (error) {
      throw new ModelPricesError(`${JSON.stringify(model)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return prices;
}

export class ModelPricesError extends Error {
  constructor(message: string) {
    super(`MODEL_PRICES ${message}`);
    this.name = 'ModelPricesError';
  }
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

const BOUNDARY = /[-:@/]/;

export class PriceTable {
  private readonly prices: ReadonlyMap<string, ModelPrice>;
  private readonly costliest: ModelPrice;

  constructor(overrides: Record<string, ModelPrice> = {}, defaults: Readonly<Record<string, ModelPrice>> = DEFAULT_MODEL_PRICES) {
    this.prices = new Map(Object.entries({ ...defaults, ...overrides }));
    let input = 0n;
    let output = 0n;
    for (const price of this.prices.values()) {
      if (price.inputMicrosPerMillion > input) input = price.inputMicrosPerMillion;
      if (price.outputMicrosPerMillion > output) output = price.outputMicrosPerMillion;
    }
    this.costliest = { inputMicrosPerMillion: input, outputMicrosPerMillion: output };
  }

  entries(): [string, ModelPrice][] {
    return [...this.prices.entries()];
  }

  priceOf(model: string, provider?: string): ResolvedPrice {
    const exact = this.prices.get(model);
    if (exact) return { ...exact, entry: model, source: 'exact' };
    let best: string | undefined;
    for (const name of this.prices.keys()) {
      if (model.length > name.length && model.startsWith(name) && BOUNDARY.test(model.charAt(name.length)) && name.length > (best?.length ?? 0)) best = name;
    }
    const prefixed = best === undefined ? undefined : this.prices.get(best);
    if (best !== undefined && prefixed) return { ...prefixed, entry: best, source: 'prefix' };
    if (provider !== undefined && FREE_PROVIDERS.includes(provider)) return { inputMicrosPerMillion: 0n, outputMicrosPerMillion: 0n, entry: provider, source: 'provider' };
    return { ...this.costliest, entry: '(costliest known)', source: 'fallback' };
  }

  /** The cost of a call that used `usage`, rounded up to the next micro-dollar. */
  costMicros(model: string, usage: Usage, provider?: string): bigint {
    return costOf(this.priceOf(model, provider), usage);
  }
}

export function costOf(price: ModelPrice, usage: Usage): bigint {
  const scaled = tokens(usage.inputTokens, 'inputTokens') * price.inputMicrosPerMillion + tokens(usage.outputTokens, 'outputTokens') * price.outputMicrosPerMillion;
  return (scaled + MILLION - 1n) / MILLION;
}

function tokens(count: number, name: string): bigint {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`${name} must be a non-negative integer, got ${count}`);
  return BigInt(count);
}

/** The table of defaults plus `MODEL_PRICES` (already parsed by the environment schema). */
export function createPriceTable(overrides?: Record<string, ModelPrice>): PriceTable {
  return new PriceTable(overrides ?? {});
}

const defaultTable = new PriceTable();

/** `costMicros(model, usage)` on the default table (no overrides). */
export function costMicros(model: string, usage: Usage, provider?: string, table: PriceTable = defaultTable): bigint {
  return table.costMicros(model, usage, provider);
}
