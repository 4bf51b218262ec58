/**
 * Model prices: integer micro-dollars per 1M tokens — prompt, output, cached prompt (read and
 * write) — and, where a provider prices long prompts higher, a second tier.
 *
 * The defaults are ONE dated table (`DEFAULT_PRICE_TABLE` below) with its sources named; it covers
 * every model a default tier (src/models/model-catalog.ts) or the default arbitration list
 * (src/arbitration/arbitration-services.ts) can pick, which test/economics/pricing.unit.test.ts checks.
 * `MODEL_PRICES` (JSON, USD per 1M tokens) adds entries or replaces them whole.
 *
 * Resolution of a model name, first match wins:
 *   1. the exact name (`claude-sonnet-4-6`);
 *   2. a dated snapshot or alias of an entry: the name minus a `-YYYYMMDD` or `-latest` suffix
 *      (`claude-sonnet-4-5-20250929`), or minus an Ollama tag (`llama3.2:3b`);
 *   3. a local provider (`LOCAL_PROVIDERS`: Ollama, the offline model): $0, by declaration;
 *   4. otherwise there is no price: `UnpricedModelError`. The budget guard prices the worst case
 *      before every call, so an unpriced model is refused before it is called — never charged $0,
 *      and never guessed from a similar name (a new model may cost several times an old one).
 *
 * Cost of a call = ceil(Σ tokens × price / 1e6) micro-dollars: all BigInt math, one rounding,
 * always up. `Usage.inputTokens` counts every prompt token, cached ones included; of those,
 * `cacheReadTokens` are billed at the cache-read price and `cacheWriteTokens` at the cache-write
 * price (each defaults to the input price where a provider has none), and `cacheStorageTokenSeconds`
 * (a Gemini explicit cache the call created) at the storage price per hour. A call whose prompt is above
 * a long-context threshold is billed entirely at the long-context rates, as the providers do.
 */
import { UnpricedModelError } from '../errors/app-error.js';

interface Rates {
  /** Micro-dollars per 1M prompt tokens that hit no cache. */
  inputMicrosPerMillion: bigint;
  /** Micro-dollars per 1M output tokens (thinking tokens included). */
  outputMicrosPerMillion: bigint;
  /** Micro-dollars per 1M prompt tokens read from a cache; absent: the input price. */
  cacheReadMicrosPerMillion?: bigint;
  /** Micro-dollars per 1M prompt tokens written to a cache; absent: the input price. */
  cacheWriteMicrosPerMillion?: bigint;
}

export interface ModelPrice extends Rates {
  /** Micro-dollars per 1M tokens per hour an explicit cache is stored (Gemini); absent: free. */
  cacheStorageMicrosPerMillionPerHour?: bigint;
  /** Rates for the whole call when its prompt has more than `aboveInputTokens` tokens. */
  longContext?: Rates & { aboveInputTokens: number };
}

export interface Usage {
  /** Every prompt token, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from a cache (part of `inputTokens`). */
  cacheReadTokens?: number;
  /** Prompt tokens written to a cache (part of `inputTokens`). */
  cacheWriteTokens?: number;
  /** Tokens × seconds of explicit cache storage this call paid for (the TTL of a cache it created). */
  cacheStorageTokenSeconds?: number;
}

export type PriceSource = 'exact' | 'snapshot' | 'local';

export interface ResolvedPrice extends ModelPrice {
  /** The table entry that matched (the provider for `local`). */
  entry: string;
  source: PriceSource;
}

const MILLION = 1_000_000n;

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

/** One row of a price table in USD per 1M tokens, as the providers publish them. */
export interface UsdPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** USD per 1M tokens per hour of explicit cache storage. */
  cacheStorage?: number;
  longContext?: { above: number; input: number; output: number; cacheRead?: number; cacheWrite?: number };
}

function ratesOf(row: Omit<UsdPrice, 'longContext'>): Rates {
  return {
    inputMicrosPerMillion: usdToMicros(row.input),
    outputMicrosPerMillion: usdToMicros(row.output),
    ...(row.cacheRead === undefined ? {} : { cacheReadMicrosPerMillion: usdToMicros(row.cacheRead) }),
    ...(row.cacheWrite === undefined ? {} : { cacheWriteMicrosPerMillion: usdToMicros(row.cacheWrite) }),
  };
}

export function toModelPrice(row: UsdPrice): ModelPrice {
  const { longContext, cacheStorage, ...base } = row;
  const storage = cacheStorage === undefined ? {} : { cacheStorageMicrosPerMillionPerHour: usdToMicros(cacheStorage) };
  if (!longContext) return { ...ratesOf(base), ...storage };
  const { above, ...rates } = longContext;
  return { ...ratesOf(base), ...storage, longContext: { aboveInputTokens: above, ...ratesOf(rates) } };
}

/** When the figures below were taken from the pages in `DEFAULT_PRICE_SOURCES`. */
export const DEFAULT_PRICES_AS_OF = '2026-12-06';

/** The providers' published pricing pages the default table follows. */
export const DEFAULT_PRICE_SOURCES: Readonly<Record<string, string>> = Object.freeze({
  gemini: 'https://ai.google.dev/gemini-api/docs/pricing (Gemini Developer API, Standard tier, text input)',
  anthropic: 'https://docs.anthropic.com/en/docs/about-claude/pricing (cache write = 5-minute write; long context > 200K input tokens)',
  local: 'Ollama and the offline model run on our own machines: $0',
});

/**
 * The default prices, USD per 1M tokens, as published on DEFAULT_PRICES_AS_OF (see
 * DEFAULT_PRICE_SOURCES). Gemini bills no per-token cache write: an explicit cache's tokens are
 * billed once at the input price when it is created, then per hour of storage (`cacheStorage`,
 * USD per 1M tokens per hour; src/models/providers/gemini-context-cache.ts creates them). Anthropic's long-context cache rates are its cache multipliers (write 1.25×, read
 * 0.1×) applied to the long-context input price. Update the date when a figure changes.
 */
const DEFAULT_PRICE_TABLE: Readonly<Record<string, UsdPrice>> = {
  // Google Gemini: prompts above 200k tokens are billed at the higher rate for the whole call.
  'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.125, cacheStorage: 4.5, longContext: { above: 200_000, input: 2.5, output: 15, cacheRead: 0.25 } },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.03, cacheStorage: 1 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.01, cacheStorage: 1 },
  // Anthropic Claude.
  'claude-sonnet-4-6': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, longContext: { above: 200_000, input: 6, output: 22.5, cacheWrite: 7.5, cacheRead: 0.6 } },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, longContext: { above: 200_000, input: 6, output: 22.5, cacheWrite: 7.5, cacheRead: 0.6 } },
  'claude-sonnet-4': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, longContext: { above: 200_000, input: 6, output: 22.5, cacheWrite: 7.5, cacheRead: 0.6 } },
  'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  'claude-opus-4-1': { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 },
  // Local: the default Ollama model and the offline model of each tier.
  'llama3.2': { input: 0, output: 0 },
  'offline-premium': { input: 0, output: 0 },
  'offline-standard': { input: 0, output: 0 },
  'offline-economy': { input: 0, output: 0 },
};

export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze(
  Object.fromEntries(Object.entries(DEFAULT_PRICE_TABLE).map(([model, row]) => [model, toModelPrice(row)])),
);

/** Providers that run on our own machines: every model they serve costs $0. */
export const LOCAL_PROVIDERS: readonly string[] = ['ollama', 'offline'];

const FREE: ModelPrice = { inputMicrosPerMillion: 0n, outputMicrosPerMillion: 0n };

/** `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`; `llama3.2:3b` → `llama3.2`; else undefined. */
function snapshotBase(model: string): string | undefined {
  const colon = model.indexOf(':');
  if (colon > 0) return model.slice(0, colon);
  const dash = model.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const suffix = model.slice(dash + 1);
  return suffix === 'latest' || (suffix.length === 8 && /^\d+$/.test(suffix)) ? model.slice(0, dash) : undefined;
}

export class PriceTable {
  private readonly prices: ReadonlyMap<string, ModelPrice>;

  constructor(overrides: Record<string, ModelPrice> = {}, defaults: Readonly<Record<string, ModelPrice>> = DEFAULT_MODEL_PRICES) {
    this.prices = new Map(Object.entries({ ...defaults, ...overrides }));
  }

  entries(): [string, ModelPrice][] {
    return [...this.prices.entries()];
  }

  /** The price of `model`, or undefined when it has none (see the resolution order above). */
  find(model: string, provider?: string): ResolvedPrice | undefined {
    const exact = this.prices.get(model);
    if (exact) return { ...exact, entry: model, source: 'exact' };
    const base = snapshotBase(model);
    const snapshot = base === undefined ? undefined : this.prices.get(base);
    if (base !== undefined && snapshot) return { ...snapshot, entry: base, source: 'snapshot' };
    if (provider !== undefined && LOCAL_PROVIDERS.includes(provider)) return { ...FREE, entry: provider, source: 'local' };
    return undefined;
  }

  /** The price of `model`; throws UnpricedModelError when it has none. */
  priceOf(model: string, provider?: string): ResolvedPrice {
    const price = this.find(model, provider);
    if (!price) throw new UnpricedModelError(model, provider);
    return price;
  }

  /** The cost of a call that used `usage`, rounded up to the next micro-dollar. */
  costMicros(model: string, usage: Usage, provider?: string): bigint {
    return costOf(this.priceOf(model, provider), usage);
  }
}

export function costOf(price: ModelPrice, usage: Usage): bigint {
  const input = tokens(usage.inputTokens, 'inputTokens');
  const output = tokens(usage.outputTokens, 'outputTokens');
  const read = tokens(usage.cacheReadTokens ?? 0, 'cacheReadTokens');
  const written = tokens(usage.cacheWriteTokens ?? 0, 'cacheWriteTokens');
  if (read + written > input) throw new RangeError(`cached prompt tokens (${read} read + ${written} written) exceed inputTokens (${input})`);
  const long = price.longContext;
  const rates: Rates = long && input > BigInt(long.aboveInputTokens) ? long : price;
  const scaled =
    (input - read - written) * rates.inputMicrosPerMillion +
    read * (rates.cacheReadMicrosPerMillion ?? rates.inputMicrosPerMillion) +
    written * (rates.cacheWriteMicrosPerMillion ?? rates.inputMicrosPerMillion) +
    output * rates.outputMicrosPerMillion;
  // Storage is billed per hour: token-seconds × rate / 3600, rounded up with the rest.
  const storage = tokens(usage.cacheStorageTokenSeconds ?? 0, 'cacheStorageTokenSeconds') * (price.cacheStorageMicrosPerMillionPerHour ?? 0n);
  const HOUR = 3_600n;
  return (scaled * HOUR + storage + MILLION * HOUR - 1n) / (MILLION * HOUR);
}

function tokens(count: number, name: string): bigint {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`${name} must be a non-negative integer, got ${count}`);
  return BigInt(count);
}

/** The table of defaults plus `MODEL_PRICES` (USD per 1M tokens, checked by the environment schema). */
export function createPriceTable(overrides: Readonly<Record<string, UsdPrice>> = {}): PriceTable {
  return new PriceTable(Object.fromEntries(Object.entries(overrides).map(([model, row]) => [model, toModelPrice(row)])));
}

const defaultTable = new PriceTable();

/** `costMicros(model, usage)` on the default table (no overrides). */
export function costMicros(model: string, usage: Usage, provider?: string, table: PriceTable = defaultTable): bigint {
  return table.costMicros(model, usage, provider);
}
