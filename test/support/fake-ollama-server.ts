/**
 * A fake Ollama server speaking its HTTP API closely enough for the `ollama` package:
 * POST /api/chat (non-streaming) and GET /api/tags; errors as `{"error": "…"}`.
 */
import { DEFAULT_INPUT_TOKENS, DEFAULT_OUTPUT_TOKENS, FakeModelServer, modelInBody, retryAfterHeader, type FakeReply, type Rendered, type Route } from './fake-http-server.js';

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
