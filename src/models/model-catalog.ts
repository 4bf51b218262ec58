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
