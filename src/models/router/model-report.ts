/**
 * What `zekka doctor` and the API's readiness report about models: which providers are
 * configured, whether each answers a cheap question (its model list), and which model each tier
 * will use (the first candidate whose provider answered).
 */
import type { ModelTier } from '../../agents/types.js';
import type { Env } from '../../config/env.js';
import { buildModelCatalog, formatModelRef, MODEL_TIERS, PROVIDER_NAMES, type CatalogEnv } from '../model-catalog.js';
import type { LlmProvider } from '../provider.js';
import { createProviders, type ProviderEnv } from '../providers/create-providers.js';
import { isProbeable } from '../providers/provider-probe.js';

export interface ProviderStatus {
  name: string;
  configured: boolean;
  /** Where it is reached (credentials masked); absent for the offline model. */
  endpoint?: string;
  /** Why it is not configured, e.g. `ANTHROPIC_API_KEY is not set`. */
  reason?: string;
  answers?: boolean;
  latencyMs?: number;
  error?: string;
  /** How many models it lists. */
  modelCount?: number;
  /** The listed models (for Ollama: what is pulled). */
  models?: string[];
}

export interface TierStatus {
  tier: ModelTier;
  /** `provider:model` in the order the router tries them. */
  chain: string[];
  /** The first candidate whose provider answered; undefined when none did. */
  uses?: string;
  /** Candidates the provider answered for but does not list (e.g. an Ollama model not pulled). */
  unlisted: string[];
}

export interface ModelReport {
  providers: ProviderStatus[];
  tiers: TierStatus[];
}

export interface ModelReportOptions {
  /** Per probe. Default 5 s. */
  timeoutMs?: number;
  /** Providers to probe instead of the ones the environment configures (tests). */
  providers?: ReadonlyMap<string, LlmProvider>;
}

type ReportEnv = CatalogEnv & ProviderEnv & Pick<Env, 'ANTHROPIC_BASE_URL' | 'GEMINI_BASE_URL'>;

const MISSING: Record<string, string> = { anthropic: 'ANTHROPIC_API_KEY is not set', gemini: 'GEMINI_API_KEY is not set', ollama: 'OLLAMA_HOST is not set' };

function endpointOf(name: string, env: ReportEnv): string | undefined {
  const raw =
    name === 'anthropic' ? (env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com') : name === 'gemini' ? (env.GEMINI_BASE_URL ?? 'https://generativelanguage.googleapis.com') : name === 'ollama' ? env.OLLAMA_HOST : undefined;
  return raw?.replace(/\/\/[^/@\s]*@/, '//***@');
}

async function probe(provider: LlmProvider, timeoutMs: number): Promise<Pick<ProviderStatus, 'answers' | 'latencyMs' | 'error' | 'modelCount' | 'models'>> {
  if (!isProbeable(provider)) return { answers: true, latencyMs: 0 };
  const started = Date.now();
  try {
    const { models } = await provider.probe(timeoutMs);
    return { answers: true, latencyMs: Date.now() - started, modelCount: models.length, models };
  } catch (error) {
    return { answers: false, latencyMs: Date.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Ollama lists `llama3.2:latest` for a model asked for as `llama3.2`. */
function listed(models: readonly string[], model: string): boolean {
  return models.some((name) => name === model || name === `${model}:latest`);
}

export async function buildModelReport(env: ReportEnv, options: ModelReportOptions = {}): Promise<ModelReport> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const providers = options.providers ?? createProviders(env);
  const statuses = await Promise.all(
    PROVIDER_NAMES.map(async (name): Promise<ProviderStatus> => {
      // The offline model is built in (src/offline-model): always there, nothing to probe.
      if (name === 'offline') return { name, configured: true, answers: true, latencyMs: 0 };
      const provider = providers.get(name);
      if (!provider) return { name, configured: false, reason: MISSING[name] };
      return { name, configured: true, endpoint: endpointOf(name, env), ...(await probe(provider, timeoutMs)) };
    }),
  );
  const byName = new Map(statuses.map((status) => [status.name, status]));
  const catalog = buildModelCatalog(env);
  const tiers = MODEL_TIERS.map((tier): TierStatus => {
    const chain = catalog[tier];
    const uses = chain.find((ref) => byName.get(ref.provider)?.answers);
    const unlisted = chain.filter((ref) => ref.provider === 'ollama' && byName.get('ollama')?.answers && !listed(byName.get('ollama')?.models ?? [], ref.model));
    return { tier, chain: chain.map(formatModelRef), uses: uses && formatModelRef(uses), unlisted: unlisted.map(formatModelRef) };
  });
  return { providers: statuses, tiers };
}
