/**
 * What the arbitrator needs beyond the engine: the strategy order, the model providers the LLM
 * strategies call directly (a fixed order, not the tiered router), limits, metrics and the
 * optional GitHub review. Passed explicitly to whatever runs arbitration jobs (the worker pool's
 * processor, then runArbitration): a process that serves the arbitration queue without building
 * them from its configuration does not compile, instead of silently settling for merge → human.
 */
import type { Env } from '../config/env.js';
import type { UserProviderCache } from '../models/credentials/user-provider-cache.js';
import { parseModelList } from '../models/model-catalog.js';
import type { LlmProvider } from '../models/provider.js';
import type { ArbitrationMetrics } from './arbitration-metrics.js';

export const STRATEGY_NAMES = ['merge', 'gemini', 'claude', 'ollama', 'human'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];
export type LlmStrategyName = Exclude<StrategyName, 'merge' | 'human'>;

/** The provider each LLM strategy calls. */
export const PROVIDER_OF: Readonly<Record<LlmStrategyName, string>> = { gemini: 'gemini', claude: 'anthropic', ollama: 'ollama' };

export const DEFAULT_ARBITRATION_MODELS = 'gemini:gemini-2.5-pro,anthropic:claude-sonnet-4-6,ollama:llama3.2';

/** Opens a review request (a GitHub issue) for a conflict a person must settle; returns its URL. */
export interface ReviewPublisher {
  open(request: ReviewRequest): Promise<string>;
}

export interface ReviewRequest {
  conflictId: string;
  projectId: string;
  projectName: string;
  type: string;
  path: string | null;
  reason: string;
  base: string;
  ours: string;
  theirs: string;
}

export interface ArbitrationServices {
  /** Always ends with `human`. */
  strategies: readonly StrategyName[];
  providers: ReadonlyMap<string, LlmProvider>;
  /** Clients for project owners' own keys (./strategy-provider.ts); without it only the server's providers are used. */
  userProviders?: UserProviderCache;
  /** provider → model the LLM strategy asks. */
  models: ReadonlyMap<string, string>;
  maxOutputTokens: number;
  maxFileBytes: number;
  metrics?: ArbitrationMetrics;
  review?: ReviewPublisher;
}

/** `merge,gemini,human` → the list, duplicates removed and `human` moved to (or added at) the end. */
export function parseStrategies(text: string): StrategyName[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const name of names) {
    if (!(STRATEGY_NAMES as readonly string[]).includes(name)) throw new Error(`unknown arbitration strategy ${JSON.stringify(name)}`);
  }
  const unique = [...new Set(names as StrategyName[])].filter((s) => s !== 'human');
  return [...unique, 'human'];
}

export interface ArbitrationServicesInput {
  env: Pick<Env, 'ARBITRATION_STRATEGIES' | 'ARBITRATION_MODELS' | 'ARBITRATION_MAX_OUTPUT_TOKENS' | 'ARBITRATION_MAX_FILE_BYTES'>;
  /** The configured providers (createProviders); the offline model is never asked to arbitrate. */
  providers: ReadonlyMap<string, LlmProvider>;
  userProviders?: UserProviderCache;
  metrics?: ArbitrationMetrics;
  review?: ReviewPublisher;
}

export function createArbitrationServices(input: ArbitrationServicesInput): ArbitrationServices {
  const models = new Map<string, string>();
  for (const ref of parseModelList(DEFAULT_ARBITRATION_MODELS)) models.set(ref.provider, ref.model);
  for (const ref of parseModelList(input.env.ARBITRATION_MODELS ?? '')) models.set(ref.provider, ref.model);
  return {
    strategies: parseStrategies(input.env.ARBITRATION_STRATEGIES),
    providers: input.providers,
    userProviders: input.userProviders,
    models,
    maxOutputTokens: input.env.ARBITRATION_MAX_OUTPUT_TOKENS,
    maxFileBytes: input.env.ARBITRATION_MAX_FILE_BYTES,
    metrics: input.metrics,
    review: input.review,
  };
}
