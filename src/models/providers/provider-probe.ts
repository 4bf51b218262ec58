/** A provider that can answer "are you there?" cheaply (for `zekka doctor` and readiness). */
import type { LlmProvider } from '../provider.js';

export interface ProbeResult {
  /** Model names the provider offers, when it lists them. */
  models: string[];
}

export interface ProbeableProvider extends LlmProvider {
  probe(timeoutMs?: number): Promise<ProbeResult>;
}

export function isProbeable(provider: LlmProvider): provider is ProbeableProvider {
  return typeof (provider as Partial<ProbeableProvider>).probe === 'function';
}
