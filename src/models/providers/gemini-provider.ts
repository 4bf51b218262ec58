/**
 * Gemini through `@google/genai` (generateContent on the Gemini API, never Vertex). The SDK's
 * retries are off (no `retryOptions`); the router owns retry and fallback. Usage is the response's
 * `usageMetadata`: prompt tokens (of which `cachedContentTokenCount` came from a cache, implicit
 * caching included, and are billed at the cache price), and as output the candidate tokens plus
 * the thinking tokens (Gemini bills both as output). Gemini sends its retry hint in the error body (RetryInfo), not
 * in a header; both are read. Shared prompt prefixes go to an explicit context cache where that
 * pays (./gemini-context-cache.ts); a call that created its cache reports those tokens as written.
 */
import { ApiError, GoogleGenAI } from '@google/genai';
import { z } from 'zod';
import { blocksText, type CompletionRequest, type CompletionResult, type LlmProvider } from '../provider.js';
import { GeminiContextCaches, TTL_SECONDS } from './gemini-context-cache.js';
import { callProvider, checkAnswer, malformed, type CallContext } from './provider-call.js';
import { kindOfStatus, ProviderError } from './provider-error.js';
import type { ProbeResult } from './provider-probe.js';

export interface GeminiProviderOptions {
  apiKey: string;
  baseUrl?: string;
  /** Per call, in milliseconds. */
  timeoutMs: number;
  /** Explicit context caching of shared prompt prefixes (./gemini-context-cache.ts). Default: on. */
  contextCaching?: boolean;
}

const count = z.number().int().nonnegative();
const responseSchema = z.object({
  candidates: z
    .array(
      z.object({
        content: z.object({ parts: z.array(z.object({ text: z.string().optional(), thought: z.boolean().optional() })).optional() }).optional(),
        finishReason: z.string().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.object({ blockReason: z.string().optional() }).optional(),
  usageMetadata: z.object({ promptTokenCount: count, candidatesTokenCount: count.optional(), thoughtsTokenCount: count.optional(), cachedContentTokenCount: count.optional() }),
});

const REFUSED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'LANGUAGE', 'IMAGE_SAFETY']);

export class GeminiProvider implements LlmProvider {
  readonly name = 'gemini';
  private readonly client: GoogleGenAI;
  private readonly timeoutMs: number;
  private readonly caches: GeminiContextCaches | undefined;

  constructor(options: GeminiProviderOptions) {
    this.timeoutMs = options.timeoutMs;
    this.caches = (options.contextCaching ?? true) ? new GeminiContextCaches() : undefined;
    this.client = new GoogleGenAI({ vertexai: false, apiKey: options.apiKey, httpOptions: options.baseUrl ? { baseUrl: options.baseUrl } : {} });
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const context: CallContext = { provider: this.name, model: request.model, timeoutMs: this.timeoutMs, signal: request.signal };
    const cache = await this.caches?.forRequest(this.client, request.model, request.system, request.prompt, request.signal);
    const prompt = cache
      ? { text: cache.rest, config: { cachedContent: cache.name } }
      : { text: blocksText(request.prompt), config: { systemInstruction: blocksText(request.system) } };
    const raw: unknown = await callProvider(
      context,
      (abortSignal) =>
        this.client.models.generateContent({
          model: request.model,
          contents: [{ role: 'user', parts: [{ text: prompt.text }] }],
          config: { ...prompt.config, maxOutputTokens: request.maxOutputTokens, abortSignal },
        }),
      classifyGemini,
    );
    const parsed = responseSchema.safeParse(raw);
    if (!parsed.success) throw malformed(context, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), parsed.error);
    const { candidates, promptFeedback, usageMetadata } = parsed.data;
    if (promptFeedback?.blockReason) throw new ProviderError('bad_response', `the prompt was blocked (${promptFeedback.blockReason})`, { provider: this.name, model: request.model });
    const candidate = candidates?.[0];
    if (candidate?.finishReason && REFUSED.has(candidate.finishReason)) {
      throw new ProviderError('bad_response', `the answer was withheld (${candidate.finishReason})`, { provider: this.name, model: request.model });
    }
    const text = (candidate?.content?.parts ?? []).map((part) => (part.thought ? '' : (part.text ?? ''))).join('');
    checkAnswer(context, text, candidate?.finishReason === 'MAX_TOKENS', request.maxOutputTokens);
    // Never more than the prompt, so a malformed count cannot make the cost calculation throw.
    const cached = Math.min(usageMetadata.cachedContentTokenCount ?? 0, usageMetadata.promptTokenCount);
    return {
      text,
      usage: {
        inputTokens: usageMetadata.promptTokenCount,
        outputTokens: (usageMetadata.candidatesTokenCount ?? 0) + (usageMetadata.thoughtsTokenCount ?? 0),
        // The call that created its cache paid those tokens in full (at the input price) to write it.
        ...(cached > 0 ? (cache?.created ? { cacheWriteTokens: cached, cacheStorageTokenSeconds: cached * TTL_SECONDS } : { cacheReadTokens: cached }) : {}),
      },
      model: request.model,
      provider: this.name,
      stopReason: 'end',
    };
  }

  /** A cheap question that proves the key and the endpoint: the first page of `models.list`. */
  async probe(timeoutMs = 5_000): Promise<ProbeResult> {
    const context: CallContext = { provider: this.name, model: '(models.list)', timeoutMs };
    const pager = await callProvider(context, (abortSignal) => this.client.models.list({ config: { pageSize: 100, abortSignal } }), classifyGemini);
    return { models: pager.page.map((model) => (model.name ?? '').replace(/^models\//, '')).filter(Boolean) };
  }
}

/** The `retryDelay` of a RetryInfo detail in Gemini's error body (e.g. `"32s"`, `"1.5s"`), in milliseconds. */
export function retryDelayOf(body: string): number | undefined {
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(body);
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

function classifyGemini(error: unknown, { provider, model }: CallContext): ProviderError | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const kind = kindOfStatus(error.status);
  const retryAfterMs = kind === 'rate_limited' || kind === 'overloaded' ? retryDelayOf(error.message) : undefined;
  return new ProviderError(kind, `HTTP ${error.status}: ${summary(error.message)}`, { provider, model, status: error.status, retryAfterMs, cause: error });
}

/** The `error.message` of Gemini's JSON error body, else the body itself (shortened). */
function summary(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
  } catch {
    // not JSON: fall through
  }
  return body.slice(0, 300);
}
