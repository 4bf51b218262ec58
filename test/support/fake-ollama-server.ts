/**
 * A fake Ollama server speaking its HTTP API closely enough for the `ollama` package:
 * POST /api/chat (`stream: false`, or streamed — Ollama's default — as NDJSON: one line per chunk
 * of text, then a `done: true` line with the counts) and GET /api/tags; errors as `{"error": "…"}`.
 */
import {
  chunksOf,
  DEFAULT_INPUT_TOKENS,
  DEFAULT_OUTPUT_TOKENS,
  FakeModelServer,
  modelInBody,
  partialText,
  replyTokens,
  retryAfterHeader,
  type FakeReply,
  type RecordedRequest,
  type Rendered,
  type Route,
  type StreamedReply,
} from './fake-http-server.js';

export class FakeOllamaServer extends FakeModelServer {
  /** Models `/api/tags` lists (what is pulled). */
  pulled = ['llama3.2:latest'];

  protected route(method: string, path: string, body: unknown): Route {
    if (method === 'POST' && path === '/api/chat') return { type: 'complete', model: modelInBody(body) };
    if (method === 'GET' && path === '/api/tags') return { type: 'list' };
    return undefined;
  }

  protected unauthorized(): Rendered | undefined {
    return undefined;
  }

  protected render(reply: FakeReply, model: string): Rendered {
    if (reply.kind === 'error') return { status: reply.status, headers: retryAfterHeader(reply), body: { error: reply.message ?? `fake failure ${reply.status}` } };
    const text = reply.kind === 'empty' ? '' : (('text' in reply ? reply.text : undefined) ?? `answer from ollama/${model}`);
    return {
      status: 200,
      body: {
        model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: text },
        done: true,
        done_reason: reply.kind === 'truncated' ? 'length' : 'stop',
        total_duration: 1_000_000,
        load_duration: 1_000,
        prompt_eval_count: reply.kind === 'ok' ? (reply.inputTokens ?? DEFAULT_INPUT_TOKENS) : DEFAULT_INPUT_TOKENS,
        prompt_eval_duration: 1_000,
        eval_count: reply.kind === 'ok' ? (reply.outputTokens ?? DEFAULT_OUTPUT_TOKENS) : DEFAULT_OUTPUT_TOKENS,
        eval_duration: 1_000,
      },
    };
  }

  protected renderStream(reply: FakeReply, model: string, request: RecordedRequest): StreamedReply | undefined {
    if ((request.body as { stream?: unknown } | undefined)?.stream === false) return undefined;
    const fallback = `answer from ollama/${model}`;
    const partial = reply.kind === 'cut' || reply.kind === 'stream_error';
    const text = partial ? partialText(reply, fallback) : reply.kind === 'empty' ? '' : (('text' in reply ? reply.text : undefined) ?? fallback);
    const line = (fields: Record<string, unknown>): string => `${JSON.stringify({ model, created_at: new Date().toISOString(), ...fields })}\n`;
    const frames = chunksOf(text).map((chunk) => line({ message: { role: 'assistant', content: chunk }, done: false }));
    if (partial) return { contentType: 'application/x-ndjson', frames, drop: reply.kind === 'cut' && reply.drop };
    const { inputTokens, outputTokens } = replyTokens(reply);
    frames.push(
      line({
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: reply.kind === 'truncated' ? 'length' : 'stop',
        total_duration: 1_000_000,
        load_duration: 1_000,
        prompt_eval_count: inputTokens,
        prompt_eval_duration: 1_000,
        eval_count: outputTokens,
        eval_duration: 1_000,
      }),
    );
    return { contentType: 'application/x-ndjson', frames };
  }

  protected renderList(): unknown {
    return {
      models: this.pulled.map((name) => ({
        name,
        model: name,
        modified_at: '2025-01-01T00:00:00Z',
        size: 2_019_393_189,
        digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
        details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
      })),
    };
  }
}
