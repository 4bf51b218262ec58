/**
 * A fake Anthropic API speaking the Messages protocol closely enough for `@anthropic-ai/sdk`:
 * POST /v1/messages (non-streaming) and GET /v1/models, the key required (`x-api-key` or bearer), errors as
 * `{"type":"error","error":{"type":…,"message":…}}` with Anthropic's error types (529 overloaded).
 * With `promptCache` set, a reply that scripts no token counts is counted from the request itself,
 * cache reads and writes included (./prompt-cache-simulation.ts).
 */
import type { IncomingMessage } from 'node:http';
import { DEFAULT_INPUT_TOKENS, DEFAULT_OUTPUT_TOKENS, FakeModelServer, modelInBody, retryAfterHeader, type FakeReply, type RecordedRequest, type Rendered, type Route } from './fake-http-server.js';
import { messagesBlocks, tokensOf, type PromptCacheSimulation } from './prompt-cache-simulation.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export class FakeAnthropicServer extends FakeModelServer {
  static readonly apiKey = 'sk-ant-fake-key';
  /** Keys the fake accepts (e.g. users' own keys beside the server's). */
  readonly apiKeys = new Set<string>([FakeAnthropicServer.apiKey]);
  counter = 0;
  /** Simulates Anthropic's prompt cache (off: token counts come from the script or the defaults). */
  promptCache: PromptCacheSimulation | undefined;

  /** The key a request carried: the API takes it as `x-api-key`; SDK 1.x sends it as a bearer token. */
  static keyOf(headers: IncomingMessage['headers']): string | undefined {
    const key = headers['x-api-key'] ?? headers.authorization?.replace(/^Bearer /, '');
    return typeof key === 'string' ? key : undefined;
  }

  protected route(method: string, path: string, body: unknown): Route {
    if (method === 'POST' && path === '/v1/messages') return { type: 'complete', model: modelInBody(body) };
    if (method === 'GET' && path === '/v1/models') return { type: 'list' };
    return undefined;
  }

  protected unauthorized(request: IncomingMessage): Rendered | undefined {
    const key = FakeAnthropicServer.keyOf(request.headers);
    if (key !== undefined && this.apiKeys.has(key)) return undefined;
    return { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } };
  }

  protected render(reply: FakeReply, model: string, request: RecordedRequest): Rendered {
    this.counter += 1;
    const id = `msg_fake_${this.counter}`;
    const headers = { 'request-id': `req_fake_${this.counter}` };
    if (reply.kind === 'error') {
      const type = ERROR_TYPES[reply.status] ?? (reply.status >= 500 ? 'api_error' : 'invalid_request_error');
      return { status: reply.status, headers: { ...headers, ...retryAfterHeader(reply) }, body: { type: 'error', error: { type, message: reply.message ?? `fake ${type}` } } };
    }
    const text = reply.kind === 'empty' ? '' : (('text' in reply ? reply.text : undefined) ?? `answer from anthropic/${model}`);
    return {
      status: 200,
      headers,
      body: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: reply.kind === 'empty' ? [] : [{ type: 'text', text }],
        stop_reason: reply.kind === 'truncated' ? 'max_tokens' : 'end_turn',
        stop_sequence: null,
        usage: this.promptCache && reply.kind === 'ok' && reply.inputTokens === undefined ? this.simulatedUsage(reply, text, request) : anthropicUsage(reply),
      },
    };
  }

  private simulatedUsage(reply: FakeReply & { kind: 'ok' }, text: string, request: RecordedRequest): Record<string, number> {
    const used = this.promptCache?.use(messagesBlocks(request.body)) ?? { uncached: 0, read: 0, written: 0 };
    return { input_tokens: used.uncached, output_tokens: reply.outputTokens ?? tokensOf(text), cache_creation_input_tokens: used.written, cache_read_input_tokens: used.read };
  }

  protected renderList(): unknown {
    const data = [
      { type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
      { type: 'model', id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-01T00:00:00Z' },
    ];
    return { data, has_more: false, first_id: data[0]?.id, last_id: data.at(-1)?.id };
  }
}

/** Anthropic counts cache reads and writes apart from `input_tokens`; `inputTokens` is the whole prompt. */
function anthropicUsage(reply: FakeReply): Record<string, number> {
  const ok = reply.kind === 'ok' ? reply : undefined;
  const read = ok?.cacheReadTokens ?? 0;
  const written = ok?.cacheWriteTokens ?? 0;
  return {
    input_tokens: (ok?.inputTokens ?? DEFAULT_INPUT_TOKENS) - read - written,
    output_tokens: ok?.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
  };
}
