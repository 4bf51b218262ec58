/**
 * The model catalogue: for each agent tier, the ordered list of `provider:model` the router tries.
 * `MODELS_PREMIUM` / `MODELS_STANDARD` / `MODELS_ECONOMY` replace a tier's default list. Entries
 * whose provider is not configured (no key, no host) are left out; a tier left with nothing uses
 * the offline model. The default lists put Gemini first, then Claude, then Ollama. They do not end
 * with the offline model: a project that pays for real models must not be handed scaffolding
 * silently when its budget runs low — it stops as `budget_exhausted` instead. (A list may name
 * `offline:…` explicitly.) With no provider configured at all, every tier uses the offline model.
 * A request that brings its own key for a provider (a user's stored key) makes that provider's
 * entries usable for that request even when the server has no key for it: `extraProviders`.
 */
import type { ModelTier } from '../agents/types.js';
import type { Env } from '../config/env.js';

export const MODEL_TIERS: readonly ModelTier[] = ['premium', 'standard', 'economy'];
export const PROVIDER_NAMES = ['anthropic', 'gemini', 'ollama', 'offline'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface ModelRef {
  provider: string;
  model: string;
}

export type ModelCatalog = Readonly<Record<ModelTier, readonly ModelRef[]>>;

export const DEFAULT_MODELS: Readonly<Record<ModelTier, string>> = {
  premium: 'gemini:gemini-2.5-pro,anthropic:claude-sonnet-4-6,ollama:llama3.2',
  standard: 'gemini:gemini-2.5-flash,anthropic:claude-sonnet-4-6,ollama:llama3.2',
  economy: 'gemini:gemini-2.5-flash-lite,anthropic:claude-haiku-4-5,ollama:llama3.2',
};

const TIER_VARIABLE = { premium: 'MODELS_PREMIUM', standard: 'MODELS_STANDARD', economy: 'MODELS_ECONOMY' } as const;

export type CatalogEnv = Pick<Env, 'ANTHROPIC_API_KEY' | 'GEMINI_API_KEY' | 'OLLAMA_HOST' | 'MODELS_PREMIUM' | 'MODELS_STANDARD' | 'MODELS_ECONOMY'>;

/** `gemini:gemini-2.5-pro` → {provider, model}; the model part may hold colons (`ollama:llama3.2:3b`). */
export function parseModelRef(text: string): ModelRef {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  if (colon <= 0 || colon === trimmed.length - 1) throw new Error(`not a provider:model reference: ${JSON.stringify(text)}`);
  return { provider: trimmed.slice(0, colon), model: trimmed.slice(colon + 1) };
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}:${ref.model}`;
}

export function parseModelList(list: string): ModelRef[] {
  return list
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map(parseModelRef);
}

/** Providers this environment can reach: a key or host for each real one, and always the offline model. */
export function configuredProviders(env: Pick<Env, 'ANTHROPIC_API_KEY' | 'GEMINI_API_KEY' | 'OLLAMA_HOST'>): Set<ProviderName> {
  const names = new Set<ProviderName>(['offline']);
  if (env.GEMINI_API_KEY) names.add('gemini');
  if (env.ANTHROPIC_API_KEY) names.add('anthropic');
  if (env.OLLAMA_HOST) names.add('ollama');
  return names;
}

export function buildModelCatalog(env: CatalogEnv, extraProviders: Iterable<string> = []): ModelCatalog {
  const available: ReadonlySet<string> = new Set<string>([...configuredProviders(env), ...extraProviders]);
  const tier = (name: ModelTier): ModelRef[] => {
    const configured = parseModelList(env[TIER_VARIABLE[name]] ?? DEFAULT_MODELS[name]);
    const usable = dedupe(configured.filter((ref) => available.has(ref.provider)));
    return usable.length > 0 ? usable : [{ provider: 'offline', model: `offline-${name}` }];
  };
  return { premium: tier('premium'), standard: tier('standard'), economy: tier('economy') };
}

function dedupe(refs: ModelRef[]): ModelRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = formatModelRef(ref);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Context windows in tokens (prompt and answer together), as each provider documents them for
 * these models: Gemini 2.5 models take 1,048,576 input tokens, Claude 4.x models 200,000. Ollama
 * answers within its server's context length (OLLAMA_CONTEXT_LENGTH / `num_ctx`) and silently drops
 * what does not fit: 32,768 assumes a server started with at least that (llama3.2 holds 128k); set
 * MODEL_CONTEXT_WINDOWS to what the server really runs.
 * The offline model has no limit of its own; it is given a Claude-sized window so that offline runs
 * shape their context like real ones.
 */
export const DEFAULT_CONTEXT_WINDOWS: Readonly<Record<ProviderName, number>> = {
  gemini: 1_048_576,
  anthropic: 200_000,
  ollama: 32_768,
  offline: 200_000,
};

/** What an unknown provider's model is assumed to hold. */
const FALLBACK_CONTEXT_WINDOW = 8_192;

export type ContextWindowEnv = Partial<Pick<Env, 'MODEL_CONTEXT_WINDOWS' | 'MODEL_CONTEXT_TOKENS'>>;

/** `provider:model=tokens,…` (MODEL_CONTEXT_WINDOWS) → a map keyed by `provider:model`. */
export function parseContextWindows(list: string | undefined): Map<string, number> {
  const windows = new Map<string, number>();
  for (const entry of (list ?? '').split(',')) {
    const equals = entry.lastIndexOf('=');
    if (equals <= 0) continue;
    windows.set(formatModelRef(parseModelRef(entry.slice(0, equals))), Number(entry.slice(equals + 1).trim()));
  }
  return windows;
}

/**
 * The tokens one call to `ref` may carry: its window (MODEL_CONTEXT_WINDOWS, else the provider's
 * default), capped by MODEL_CONTEXT_TOKENS when set.
 */
export function contextWindowOf(ref: ModelRef, env: ContextWindowEnv = {}): number {
  const configured = parseContextWindows(env.MODEL_CONTEXT_WINDOWS).get(formatModelRef(ref));
  const window = configured ?? DEFAULT_CONTEXT_WINDOWS[ref.provider as ProviderName] ?? FALLBACK_CONTEXT_WINDOW;
  return env.MODEL_CONTEXT_TOKENS === undefined ? window : Math.min(window, env.MODEL_CONTEXT_TOKENS);
}

/**
 * The window an agent of this tier can count on: the smallest of the tier's candidates, since the
 * router may fall back to any of them after the prompt is built.
 */
export function tierContextWindow(candidates: readonly ModelRef[], env: ContextWindowEnv = {}): number {
  const windows = candidates.map((ref) => contextWindowOf(ref, env));
  return windows.length > 0 ? Math.min(...windows) : contextWindowOf({ provider: 'offline', model: 'offline' }, env);
}
