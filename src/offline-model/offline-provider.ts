/**
 * The offline model: a deterministic LlmProvider with no network, the default when no model key
 * or host is configured. It never pretends to be an LLM: it builds honest scaffolding from the
 * structured task (request analysis, role, subject, context files) with one generator per role,
 * and every file it writes says so in its first line. Same task in, same text out.
 */
import { generateOffline } from './index.js';
import { blocksText, type CompletionRequest, type CompletionResult, type LlmProvider } from '../models/provider.js';

export interface OfflineProviderOptions {
  /** Simulated model latency in milliseconds; 0 (the default) answers at once. */
  latencyMs?: number;
}

/** Token estimate used for usage and cost: a quarter of the characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted', 'AbortError');
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class OfflineProvider implements LlmProvider {
  readonly name = 'offline';
  private readonly latencyMs: number;

  constructor(options: OfflineProviderOptions = {}) {
    const latencyMs = options.latencyMs ?? 0;
    if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new RangeError(`latencyMs must be a finite number >= 0, got ${latencyMs}`);
    this.latencyMs = latencyMs;
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    if (request.signal?.aborted) throw abortError(request.signal);
    if (this.latencyMs > 0) await delay(this.latencyMs, request.signal);
    const text = JSON.stringify(generateOffline(request.task));
    return {
      text,
      usage: { inputTokens: estimateTokens(blocksText(request.system) + blocksText(request.prompt)), outputTokens: estimateTokens(text) },
      model: request.model,
      provider: this.name,
      stopReason: 'end',
    };
  }
}
