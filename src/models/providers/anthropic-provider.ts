/**
 * Claude through the Messages API (`@anthropic-ai/sdk`), streamed (SSE). The SDK's own retries
 * are off: the router owns retry and fallback.
 *
 * Structured output: a request with an output contract forces one tool whose `input_schema` is the
 * contract (`tool_choice: {type: "tool"}`); the answer is that tool's input, streamed as
 * `input_json_delta` fragments and joined. A continuation (the answer so far stopped at its output
 * limit) is sent as an assistant prefill without the tool, so Claude writes the rest of the JSON
 * as text.
 *
 * The stream: message_start (prompt usage) → content_block_start/delta/stop … → message_delta
 * (stop_reason, cumulative output_tokens) → message_stop. An `event: error` inside the stream
 * (e.g. overloaded_error) becomes a ProviderError of its type; a stream that ends or breaks before
 * message_stop is `interrupted`, carrying what it had produced so the router settles it once.
 * Usage: Anthropic counts cache reads and writes apart from `input_tokens`, so the prompt is their
 * sum (the price table bills each part at its own rate, src/economics/pricing.ts).
 */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming, MessageParam, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { z } from 'zod';
import { estimatePromptTokens, type CompletionRequest, type CompletionResult, type LlmProvider, type TokenUsage } from '../provider.js';
import { anthropicPrompt } from './anthropic-prompt.js';
import { callProvider, checkAnswer, interrupted, malformed, OutputMeter, type CallContext } from './provider-call.js';
import { kindOfStatus, parseRetryAfter, ProviderError, type ProviderErrorKind } from './provider-error.js';
import type { ProbeResult } from './provider-probe.js';

export interface AnthropicProviderOptions {
  apiKey: string;
  baseURL?: string;
  /** Per call, in milliseconds. */
  timeoutMs: number;
  /** Mark the prompt's shared prefixes for Anthropic's prompt cache (./anthropic-prompt.ts). Default: on. */
  promptCaching?: boolean;
}

const count = z.number().int().nonnegative();
const usageSchema = z.object({
  input_tokens: count.nullish(),
  output_tokens: count.nullish(),
  cache_creation_input_tokens: count.nullish(),
  cache_read_input_tokens: count.nullish(),
});
type AnthropicUsage = z.infer<typeof usageSchema>;

/** The request body: prompt, output contract and continuation, nothing about transport. */
export function anthropicParams(request: CompletionRequest, promptCaching = true): MessageCreateParamsStreaming {
  const { system, content } = anthropicPrompt(request.system, request.prompt, promptCaching);
  const messages: MessageParam[] = [{ role: 'user', content }];
  // Anthropic refuses a prefill that ends in whitespace; the provider puts it back (afterPrefill).
  if (request.continuation !== undefined) messages.push({ role: 'assistant', content: request.continuation.trimEnd() });
  const contract = request.continuation === undefined ? request.output : undefined;
  return {
    model: request.model,
    max_tokens: request.maxOutputTokens,
    system,
    messages,
    stream: true,
    ...(contract
      ? {
          tools: [{ name: contract.name, description: contract.description, input_schema: { ...contract.schema, type: 'object' } }],
          tool_choice: { type: 'tool', name: contract.name },
        }
      : {}),
  };
}

/** What the stream has said so far. */
class AnswerStream {
  readonly meter: OutputMeter;
  private readonly text: string[] = [];
  private readonly toolInput: string[] = [];
  private toolUsed = false;
  usage: AnthropicUsage | undefined;
  outputTokens: number | undefined;
  stopReason: string | null = null;
  started = false;
  stopped = false;

  constructor(onOutputTokens: CompletionRequest['onOutputTokens']) {
    this.meter = new OutputMeter(onOutputTokens);
  }

  add(event: RawMessageStreamEvent, context: CallContext): void {
    switch (event.type) {
      case 'message_start': {
        const usage = usageSchema.safeParse(event.message?.usage);
        if (!usage.success) throw malformed(context, `message_start usage: ${usage.error.issues[0]?.message}`, usage.error);
        this.started = true;
        this.usage = usage.data;
        return;
      }
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') this.toolUsed = true;
        if (event.content_block.type === 'text' && event.content_block.text) this.addText(this.text, event.content_block.text);
        return;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') this.addText(this.text, event.delta.text);
        else if (event.delta.type === 'input_json_delta') this.addText(this.toolInput, event.delta.partial_json);
        return;
      case 'message_delta': {
        const usage = usageSchema.safeParse(event.usage);
        if (!usage.success) throw malformed(context, `message_delta usage: ${usage.error.issues[0]?.message}`, usage.error);
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        if (usage.data.output_tokens != null) {
          this.outputTokens = usage.data.output_tokens;
          this.meter.report(usage.data.output_tokens);
        }
        this.usage = { ...this.usage, ...definedOnly(usage.data) };
        return;
      }
      case 'message_stop':
        this.stopped = true;
        return;
      default:
        return;
    }
  }

  private addText(into: string[], fragment: string): void {
    into.push(fragment);
    this.meter.addText(fragment);
  }

  /** The answer: the forced tool's input JSON, else the text. */
  answer(): string {
    return this.toolUsed ? this.toolInput.join('') : this.text.join('');
  }

  promptTokens(fallback: number): number {
    return this.usage ? anthropicUsage(this.usage, 0).inputTokens : fallback;
  }
}

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
    const stream = new AnswerStream(request.onOutputTokens);
    const promptEstimate = estimatePromptTokens(request);
    const context: CallContext = {
      provider: this.name,
      model: request.model,
      timeoutMs: this.timeoutMs,
      signal: request.signal,
      consumed: () => stream.meter.consumed(stream.promptTokens(promptEstimate)),
    };
    await callProvider(
      context,
      async (signal) => {
        const events = await this.client.messages.create(anthropicParams(request, this.promptCaching), { signal, maxRetries: 0, timeout: this.timeoutMs });
        try {
          for await (const event of events) stream.add(event, context);
        } catch (error) {
          // A connection that breaks after the answer began is an interrupted stream, not a refused call.
          if (stream.started && !signal.aborted && !(error instanceof APIError) && !(error instanceof ProviderError)) {
            throw interrupted(context, 'message_stop (the connection broke)', error);
          }
          throw error;
        }
        // The SDK ends the iteration quietly when the call is aborted: say why.
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
        if (!stream.started) throw malformed(context, 'the stream carried no message_start');
        if (!stream.stopped) throw interrupted(context, 'message_stop');
      },
      classifyAnthropic,
    );
    if (stream.stopReason === 'refusal') throw new ProviderError('bad_response', 'the model refused to answer', { provider: this.name, model: request.model });
    const truncated = stream.stopReason === 'max_tokens' || stream.stopReason === 'model_context_window_exceeded';
    const answer = stream.answer();
    const text = request.continuation === undefined ? answer : afterPrefill(request.continuation, answer);
    checkAnswer(context, text, truncated);
    return {
      text,
      usage: anthropicUsage(stream.usage ?? {}, stream.outputTokens ?? stream.meter.tokens),
      model: request.model,
      provider: this.name,
      stopReason: truncated ? 'max_tokens' : 'end',
    };
  }

  /** A cheap question that proves the key and the endpoint: the first page of `models.list`. */
  async probe(timeoutMs = 5_000): Promise<ProbeResult> {
    const context: CallContext = { provider: this.name, model: '(models.list)', timeoutMs };
    const page = await callProvider(context, (signal) => this.client.models.list({ limit: 100 }, { signal, maxRetries: 0, timeout: timeoutMs }), classifyAnthropic);
    return { models: page.data.map((model) => model.id) };
  }
}

/**
 * The rest of the answer after a prefill: the prefill went out without its trailing whitespace;
 * when the model writes that whitespace again it is dropped here, since the answer so far has it.
 */
export function afterPrefill(continuation: string, written: string): string {
  const trailing = continuation.slice(continuation.trimEnd().length);
  return trailing !== '' && written.startsWith(trailing) ? written.slice(trailing.length) : written;
}

function definedOnly(usage: AnthropicUsage): AnthropicUsage {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== null && value !== undefined));
}

function anthropicUsage(usage: AnthropicUsage, outputTokens: number): TokenUsage {
  const written = usage.cache_creation_input_tokens ?? 0;
  const read = usage.cache_read_input_tokens ?? 0;
  return {
    inputTokens: (usage.input_tokens ?? 0) + written + read,
    outputTokens,
    ...(read > 0 ? { cacheReadTokens: read } : {}),
    ...(written > 0 ? { cacheWriteTokens: written } : {}),
  };
}

/** The kind an Anthropic error type means (an `event: error` in a stream has a type but no status). */
const KIND_OF_TYPE: Record<string, ProviderErrorKind> = {
  overloaded_error: 'overloaded',
  rate_limit_error: 'rate_limited',
  api_error: 'server',
  timeout_error: 'timeout',
  authentication_error: 'auth',
  permission_error: 'auth',
  invalid_request_error: 'client',
  request_too_large: 'client',
  not_found_error: 'client',
};

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
  if (error instanceof APIError) {
    // An `event: error` inside a 200 stream: the headers are the stream's, without retry-after.
    const type = typeof error.type === 'string' ? error.type : 'api_error';
    return new ProviderError(KIND_OF_TYPE[type] ?? 'server', `${type} in the stream: ${error.apiMessage ?? error.message}`, { provider, model, cause: error });
  }
  return undefined;
}
