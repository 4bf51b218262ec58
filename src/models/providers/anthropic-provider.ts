/**
 * Claude through the Messages API (`@anthropic-ai/sdk`). The SDK's own retries are off: the
 * router owns retry and fallback. Usage is the response's `usage`: Anthropic counts cache reads and
 * cache writes apart from `input_tokens`, so the prompt is their sum (the price table bills each
 * part at its own rate, src/economics/pricing.ts).
 */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { CompletionRequest, CompletionResult, LlmProvider, TokenUsage } from '../provider.js';
import { anthropicPrompt } from './anthropic-prompt.js';
import { callProvider, checkAnswer, malformed, type CallContext } from './provider-call.js';
import { kindOfStatus, parseRetryAfter, ProviderError } from './provider-error.js';
import type { ProbeResult } from './provider-probe.js';

export interface AnthropicProviderOptions {
  apiKey: string;
  baseURL?: string;
  /** Per call, in milliseconds. */
  timeoutMs: number;
  /** Mark the prompt's shared prefixes for Anthropic's prompt cache (./anthropic-prompt.ts). Default: on. */
  promptCaching?: boolean;
}

const messageSchema = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullable(),
  usage: z.object({
    input_tokens: z.number().int().nonnegative(),
    output_tokens: z.number().int().nonnegative(),
    cache_creation_input_tokens: z.number().int().nonnegative().nullish(),
    cache_read_input_tokens: z.number().int().nonnegative().nullish(),
  }),
  model: z.string().optional(),
});

export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic';
  private readonly client: Anthropic;
  private readonly timeoutMs: number;
  private readonly promptCaching: boolean;

  constructor(options: AnthropicProviderOptions) {
    this.timeoutMs = options.timeoutMs;
    this.promptCaching = options.promptCaching ?? true;
    this.client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL ?? null, maxRetries: 0, timeout: options.timeoutMs });
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const context: CallContext = { provider: this.name, model: request.model, timeoutMs: this.timeoutMs, signal: request.signal };
    const { system, content } = anthropicPrompt(request.system, request.prompt, this.promptCaching);
    const raw: unknown = await callProvider(
      context,
      (signal) =>
        this.client.messages.create(
          { model: request.model, max_tokens: request.maxOutputTokens, system, messages: [{ role: 'user', content }] },
          { signal, maxRetries: 0, timeout: this.timeoutMs },
        ),
      classifyAnthropic,
    );
    const parsed = messageSchema.safeParse(raw);
    if (!parsed.success) throw malformed(context, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), parsed.error);
    const message = parsed.data;
    if (message.stop_reason === 'refusal') throw new ProviderError('bad_response', 'the model refused to answer', { provider: this.name, model: request.model });
    const text = message.content.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('');
    checkAnswer(context, text, message.stop_reason === 'max_tokens' || message.stop_reason === 'model_context_window_exceeded', request.maxOutputTokens);
    return {
      text,
      usage: anthropicUsage(message.usage),
      model: request.model,
      provider: this.name,
      stopReason: 'end',
    };
  }

  /** A cheap question that proves the key and the endpoint: the first page of `models.list`. */
  async probe(timeoutMs = 5_000): Promise<ProbeResult> {
    const context: CallContext = { provider: this.name, model: '(models.list)', timeoutMs };
    const page = await callProvider(context, (signal) => this.client.models.list({ limit: 100 }, { signal, maxRetries: 0, timeout: timeoutMs }), classifyAnthropic);
    return { models: page.data.map((model) => model.id) };
  }
}

function anthropicUsage(usage: z.infer<typeof messageSchema>['usage']): TokenUsage {
  const written = usage.cache_creation_input_tokens ?? 0;
  const read = usage.cache_read_input_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens + written + read,
    outputTokens: usage.output_tokens,
    ...(read > 0 ? { cacheReadTokens: read } : {}),
    ...(written > 0 ? { cacheWriteTokens: written } : {}),
  };
}

function classifyAnthropic(error: unknown, { provider, model }: CallContext): ProviderError | undefined {
  if (error instanceof APIConnectionTimeoutError) return new ProviderError('timeout', error.message, { provider, model, cause: error });
  if (error instanceof APIUserAbortError) return undefined;
  if (error instanceof APIConnectionError) {
    // The SDK wraps a body that is not JSON as a connection error with the SyntaxError as cause.
    if (error.cause instanceof SyntaxError) return malformed({ provider, model }, error.cause.message, error);
    return new ProviderError('connection', error.message, { provider, model, cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const kind = kindOfStatus(error.status);
    const retryAfterMs = kind === 'rate_limited' || kind === 'overloaded' ? parseRetryAfter(error.headers as Headers | undefined) : undefined;
    return new ProviderError(kind, `HTTP ${error.status}: ${error.apiMessage ?? error.message}`, { provider, model, status: error.status, retryAfterMs, cause: error });
  }
  return undefined;
}
