/**
 * A local or remote Ollama server through the `ollama` package: /api/chat streamed as NDJSON, the
 * output contract as `format` (a JSON schema), a continuation as a final assistant message Ollama
 * continues. A stream that ends without its `done: true` line is `interrupted`. The package takes
 * no per-request signal, so each call gets a client whose `fetch` carries the call's signal. Usage is `prompt_eval_count`/`eval_count`; Ollama leaves
 * `prompt_eval_count` out when the whole prompt came from its cache, and only then is it estimated.
 */
import { Ollama, type ChatRequest, type ChatResponse, type Message } from 'ollama';
import { z } from 'zod';
import { blocksText, estimatePromptTokens, type CompletionRequest, type CompletionResult, type LlmProvider } from '../provider.js';
import { callProvider, checkAnswer, interrupted, malformed, OutputMeter, type CallContext } from './provider-call.js';
import { isConnectionFailure, kindOfStatus, ProviderError } from './provider-error.js';
import type { ProbeResult } from './provider-probe.js';

export interface OllamaProviderOptions {
  host: string;
  /** Per call, in milliseconds. */
  timeoutMs: number;
}

const count = z.number().int().nonnegative();
/** The last line of a streamed chat: the counts and why it stopped. */
const finalSchema = z.object({
  done: z.literal(true),
  done_reason: z.string().optional(),
  prompt_eval_count: count.optional(),
  eval_count: count,
});

/** The request body: prompt, output contract and continuation, nothing about transport. */
export function ollamaParams(request: CompletionRequest): ChatRequest & { stream: true } {
  // Ollama keeps the last prompt's KV cache by itself: the blocks are simply joined.
  const messages: Message[] = [
    { role: 'system', content: blocksText(request.system) },
    { role: 'user', content: blocksText(request.prompt) },
  ];
  // Ollama continues a final assistant message instead of starting a new one.
  if (request.continuation !== undefined) messages.push({ role: 'assistant', content: request.continuation });
  const contract = request.continuation === undefined ? request.output : undefined;
  return { model: request.model, stream: true, messages, options: { num_predict: request.maxOutputTokens }, ...(contract ? { format: contract.schema } : {}) };
}

export class OllamaProvider implements LlmProvider {
  readonly name = 'ollama';
  private readonly host: string;
  private readonly timeoutMs: number;

  constructor(options: OllamaProviderOptions) {
    this.host = options.host;
    this.timeoutMs = options.timeoutMs;
  }

  private client(signal: AbortSignal): Ollama {
    return new Ollama({ host: this.host, fetch: (input, init) => fetch(input, { ...init, signal }) });
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const meter = new OutputMeter(request.onOutputTokens);
    const promptEstimate = estimatePromptTokens(request);
    const context: CallContext = {
      provider: this.name,
      model: request.model,
      timeoutMs: this.timeoutMs,
      signal: request.signal,
      consumed: () => meter.consumed(promptEstimate),
    };
    const parts: string[] = [];
    let final: z.infer<typeof finalSchema> | undefined;
    const onChunk = (chunk: ChatResponse): void => {
      const content = chunk.message?.content;
      if (typeof content === 'string' && content !== '') {
        parts.push(content);
        meter.addText(content);
      }
      if (!chunk.done) return;
      const parsed = finalSchema.safeParse(chunk);
      if (!parsed.success) throw malformed(context, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), parsed.error);
      final = parsed.data;
      meter.report(final.eval_count);
    };
    await callProvider(
      context,
      async (signal) => {
        const chunks = await this.client(signal).chat(ollamaParams(request));
        try {
          for await (const chunk of chunks) onChunk(chunk);
        } catch (error) {
          if (error instanceof ProviderError || signal.aborted) throw error;
          const message = error instanceof Error ? error.message : String(error);
          // The package's words for a stream that ended without its `done` line.
          if (message.startsWith('Did not receive done')) throw parts.length > 0 ? interrupted(context, 'its final line (done: true)', error) : malformed(context, message, error);
          // An `{"error": …}` line in the stream: the server failed mid-answer.
          if (!isConnectionFailure(error) && error instanceof Error && error.name === 'Error') throw new ProviderError('server', `error in the stream: ${message}`, { provider: this.name, model: request.model, cause: error });
          throw parts.length > 0 ? interrupted(context, 'its final line (the stream broke)', error) : error;
        }
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
        if (!final) throw interrupted(context, 'its final line (done: true)');
      },
      classifyOllama,
    );
    const reply = final as z.infer<typeof finalSchema>;

    const text = parts.join('');
    const truncated = reply.done_reason === 'length';
    checkAnswer(context, text, truncated);
    return {
      text,
      usage: { inputTokens: reply.prompt_eval_count ?? promptEstimate, outputTokens: reply.eval_count },
      model: request.model,
      provider: this.name,
      stopReason: truncated ? 'max_tokens' : 'end',
    };
  }

  /** A cheap question that proves the server answers: the local model list (`/api/tags`). */
  async probe(timeoutMs = 5_000): Promise<ProbeResult> {
    const context: CallContext = { provider: this.name, model: '(list)', timeoutMs };
    const list = await callProvider(context, (signal) => this.client(signal).list(), classifyOllama);
    return { models: list.models.map((model) => model.name) };
  }
}

function classifyOllama(error: unknown, { provider, model }: CallContext): ProviderError | undefined {
  const status = (error as { status_code?: unknown } | null)?.status_code;
  if (!(error instanceof Error) || error.name !== 'ResponseError' || typeof status !== 'number') return undefined;
  // Ollama answers 404 for a model that was never pulled: the request, not the server, is wrong.
  return new ProviderError(kindOfStatus(status), `HTTP ${status}: ${error.message}`, { provider, model, status, cause: error });
}
