/**
 * A local or remote Ollama server through the `ollama` package (non-streaming /api/chat). The
 * package takes no per-request signal for non-streaming calls, so each call gets a client whose
 * `fetch` carries the call's signal. Usage is `prompt_eval_count`/`eval_count`; Ollama leaves
 * `prompt_eval_count` out when the whole prompt came from its cache, and only then is it estimated.
 */
import { Ollama, type ChatResponse } from 'ollama';
import { z } from 'zod';
import { blocksText, type CompletionRequest, type CompletionResult, type LlmProvider } from '../provider.js';
import { callProvider, checkAnswer, malformed, type CallContext } from './provider-call.js';
import { kindOfStatus, ProviderError } from './provider-error.js';
import type { ProbeResult } from './provider-probe.js';

export interface OllamaProviderOptions {
  host: string;
  /** Per call, in milliseconds. */
  timeoutMs: number;
}

const count = z.number().int().nonnegative();
const chatSchema = z.object({
  message: z.object({ content: z.string() }),
  done: z.literal(true),
  done_reason: z.string().optional(),
  prompt_eval_count: count.optional(),
  eval_count: count,
});

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
    // Ollama keeps the last prompt's KV cache by itself: the blocks are simply joined.
    const system = blocksText(request.system);
    const prompt = blocksText(request.prompt);
    const context: CallContext = { provider: this.name, model: request.model, timeoutMs: this.timeoutMs, signal: request.signal };
    const raw: ChatResponse = await callProvider(
      context,
      (signal) =>
        this.client(signal).chat({
          model: request.model,
          stream: false,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: prompt },
          ],
          options: { num_predict: request.maxOutputTokens },
        }),
      classifyOllama,
    );
    const parsed = chatSchema.safeParse(raw);
    if (!parsed.success) throw malformed(context, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), parsed.error);
    const reply = parsed.data;
    checkAnswer(context, reply.message.content, reply.done_reason === 'length', request.maxOutputTokens);
    return {
      text: reply.message.content,
      usage: { inputTokens: reply.prompt_eval_count ?? Math.ceil((system.length + prompt.length) / 4), outputTokens: reply.eval_count },
      model: request.model,
      provider: this.name,
      stopReason: 'end',
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
