/**
 * Gemini through `@google/genai` (streamGenerateContent over SSE on the Gemini API, never Vertex).
 * A request with an output contract asks for `application/json` with the contract as
 * `responseJsonSchema`; a continuation repeats the answer so far as the model's turn and asks for
 * the rest as text. A stream that ends without a finishReason is `interrupted`. The SDK's own
 * stream continuation is off: each of its hops would be a request billed outside the budget. The SDK's
 * retries are off (no `retryOptions`); the router owns retry and fallback. Usage is the response's
 * `usageMetadata`: prompt tokens (of which `cachedContentTokenCount` came from a cache, implicit
 * caching included, and are billed at the cache price), and as output the candidate tokens plus
 * the thinking tokens (Gemini bills both as output). Gemini sends its retry hint in the error body (RetryInfo), not
 * in a header; both are read. Shared prompt prefixes go to an explicit context cache where that
 * pays (./gemini-context-cache.ts); a call that created its cache reports those tokens as written.
 */
import { ApiError, GoogleGenAI, type Content, type GenerateContentParameters } from '@google/genai';
import { z } from 'zod';
import { blocksText, estimatePromptTokens, type CompletionRequest, type CompletionResult, type LlmProvider } from '../provider.js';
import { GeminiContextCaches, TTL_SECONDS, type CachedPrefix } from './gemini-context-cache.js';
import { callProvider, checkAnswer, interrupted, malformed, OutputMeter, type CallContext } from './provider-call.js';
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
const usageSchema = z.object({ promptTokenCount: count, candidatesTokenCount: count.optional(), thoughtsTokenCount: count.optional(), cachedContentTokenCount: count.optional() });
type GeminiUsage = z.infer<typeof usageSchema>;
/** One chunk of a streamed answer; usage may come on every chunk or only the last. */
const chunkSchema = z.object({
  candidates: z
    .array(
      z.object({
        content: z.object({ parts: z.array(z.object({ text: z.string().optional(), thought: z.boolean().optional() })).optional() }).optional(),
        finishReason: z.string().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.object({ blockReason: z.string().optional() }).optional(),
  usageMetadata: usageSchema.optional(),
});

/** Said after the answer so far when it stopped at the output limit (Gemini has no assistant prefill). */
export const CONTINUE_INSTRUCTION =
  'Your answer above stopped at the output limit. Continue it exactly where it stopped: write only the rest, starting with the next character, without repeating anything.';

/** The request body: prompt, output contract and continuation, nothing about transport. */
export function geminiParams(request: CompletionRequest, cache?: Pick<CachedPrefix, 'name' | 'rest'>): GenerateContentParameters {
  // With a context cache the system text it holds is not sent again (Gemini refuses systemInstruction beside cachedContent).
  const contents: Content[] = [{ role: 'user', parts: [{ text: cache ? cache.rest : blocksText(request.prompt) }] }];
  if (request.continuation !== undefined) {
    contents.push({ role: 'model', parts: [{ text: request.continuation }] }, { role: 'user', parts: [{ text: CONTINUE_INSTRUCTION }] });
  }
  const contract = request.continuation === undefined ? request.output : undefined;
  return {
    model: request.model,
    contents,
    config: {
      ...(cache ? { cachedContent: cache.name } : { systemInstruction: blocksText(request.system) }),
      maxOutputTokens: request.maxOutputTokens,
      ...(contract ? { responseMimeType: 'application/json', responseJsonSchema: contract.schema } : {}),
    },
  };
}

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
    const meter = new OutputMeter(request.onOutputTokens);
    let usage: GeminiUsage | undefined;
    const promptEstimate = estimatePromptTokens(request);
    const cache = await this.caches?.forRequest(this.client, request.model, request.system, request.prompt, request.signal);
    const context: CallContext = {
      provider: this.name,
      model: request.model,
      timeoutMs: this.timeoutMs,
      signal: request.signal,
      consumed: () => meter.consumed(usage?.promptTokenCount ?? promptEstimate),
    };
    const parts: string[] = [];
    let finishReason: string | undefined;
    const onChunk = (raw: unknown): void => {
      const parsed = chunkSchema.safeParse(raw);
      if (!parsed.success) throw malformed(context, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), parsed.error);
      const { candidates, promptFeedback, usageMetadata } = parsed.data;
      if (promptFeedback?.blockReason) throw new ProviderError('bad_response', `the prompt was blocked (${promptFeedback.blockReason})`, { provider: this.name, model: request.model });
      const candidate = candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        if (part.thought || !part.text) continue;
        parts.push(part.text);
        meter.addText(part.text);
      }
      if (usageMetadata) {
        usage = usageMetadata;
        meter.report((usageMetadata.candidatesTokenCount ?? 0) + (usageMetadata.thoughtsTokenCount ?? 0));
      }
      finishReason = candidate?.finishReason ?? finishReason;
    };
    await callProvider(
      context,
      async (abortSignal) => {
        const params = geminiParams(request, cache);
        const chunks = await this.client.models.generateContentStream({ ...params, config: { ...params.config, abortSignal, automaticContinuation: false } });
        let received = false;
        try {
          for await (const raw of chunks) {
            received = true;
            onChunk(raw);
          }
        } catch (error) {
          if (error instanceof ProviderError || error instanceof ApiError || abortSignal.aborted) throw error;
          // The SDK's own words for a body that is not a stream of JSON chunks.
          if (!received) throw malformed(context, error instanceof Error ? error.message : String(error), error);
          throw interrupted(context, 'a finishReason (the stream broke)', error);
        }
        if (abortSignal.aborted) throw abortSignal.reason instanceof Error ? abortSignal.reason : new Error('aborted');
        if (!finishReason) throw interrupted(context, 'a finishReason');
      },
      classifyGemini,
    );
    if (finishReason && REFUSED.has(finishReason)) {
      throw new ProviderError('bad_response', `the answer was withheld (${finishReason})`, { provider: this.name, model: request.model });
    }
    if (!usage) throw malformed(context, 'usageMetadata: missing from every chunk');
    const text = parts.join('');
    // Never more than the prompt, so a malformed count cannot make the cost calculation throw.
    const cached = Math.min(usage.cachedContentTokenCount ?? 0, usage.promptTokenCount);
    const truncated = finishReason === 'MAX_TOKENS';
    checkAnswer(context, text, truncated);
    return {
      text,
      usage: {
        inputTokens: usage.promptTokenCount,
        outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
        // The call that created its cache paid those tokens in full (at the input price) to write it.
        ...(cached > 0 ? (cache?.created ? { cacheWriteTokens: cached, cacheStorageTokenSeconds: cached * TTL_SECONDS } : { cacheReadTokens: cached }) : {}),
      },
      model: request.model,
      provider: this.name,
      stopReason: truncated ? 'max_tokens' : 'end',
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
