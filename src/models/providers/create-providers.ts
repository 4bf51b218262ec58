/**
 * The providers this environment configures, by name: Anthropic when ANTHROPIC_API_KEY is set,
 * Gemini when GEMINI_API_KEY is set, Ollama when OLLAMA_HOST is set. The offline model is not among
 * them: it lives in src/offline-model (it knows the agents; providers do not) and the process's
 * composition root adds it (createModelRouter's `offline`).
 */
import type { Env } from '../../config/env.js';
import type { LlmProvider } from '../provider.js';
import { AnthropicProvider } from './anthropic-provider.js';
import { GeminiProvider } from './gemini-provider.js';
import { OllamaProvider } from './ollama-provider.js';

export type ProviderEnv = Pick<
  Env,
  'ANTHROPIC_API_KEY' | 'ANTHROPIC_BASE_URL' | 'GEMINI_API_KEY' | 'GEMINI_BASE_URL' | 'OLLAMA_HOST' | 'MODEL_TIMEOUT_MS'
> &
  /** Default on. */
  Partial<Pick<Env, 'PROMPT_CACHING'>>;

export function createProviders(env: ProviderEnv): Map<string, LlmProvider> {
  const timeoutMs = env.MODEL_TIMEOUT_MS;
  const caching = env.PROMPT_CACHING ?? true;
  const providers = new Map<string, LlmProvider>();
  if (env.GEMINI_API_KEY) providers.set('gemini', new GeminiProvider({ apiKey: env.GEMINI_API_KEY, baseUrl: env.GEMINI_BASE_URL, timeoutMs, contextCaching: caching }));
  if (env.ANTHROPIC_API_KEY) providers.set('anthropic', new AnthropicProvider({ apiKey: env.ANTHROPIC_API_KEY, baseURL: env.ANTHROPIC_BASE_URL, timeoutMs, promptCaching: caching }));
  if (env.OLLAMA_HOST) providers.set('ollama', new OllamaProvider({ host: env.OLLAMA_HOST, timeoutMs }));
  return providers;
}
