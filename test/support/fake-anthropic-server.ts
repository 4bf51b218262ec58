/**
 * A fake Anthropic API speaking the Messages protocol closely enough for `@anthropic-ai/sdk`:
 * POST /v1/messages (non-streaming, or `stream: true` as SSE events: message_start,
 * content_block_start, content_block_delta — `input_json_delta` when the request forces a tool,
 * else `text_delta` — content_block_stop, message_delta, message_stop) and GET /v1/models, the key
 * required (`x-api-key` or bearer), errors as `{"type":"error","error":{"type":…,"message":…}}`
 * with Anthropic's error types (529 overloaded), also as `event: error` inside a stream.
 * With `promptCache` set, a reply that scripts no token counts is counted from the request itself,
 * cache reads and writes included (./prompt-cache-simulation.ts).
 */
import type { IncomingMessage } from 'node:http';
import {
  chunksOf,
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
        usage: this.usageOf(reply, text, request),
      },
    };
  }

  protected renderStream(reply: FakeReply, model: string, request: RecordedRequest): StreamedReply | undefined {
    const body = request.body as { stream?: unknown; max_tokens?: unknown; tool_choice?: { type?: string; name?: string } } | undefined;
    if (body?.stream !== true) return undefined;
    this.counter += 1;
    const fallback = `answer from anthropic/${model}`;
    const partial = reply.kind === 'cut' || reply.kind === 'stream_error';
    let text = partial ? partialText(reply, fallback) : reply.kind === 'empty' ? '' : (('text' in reply ? reply.text : undefined) ?? fallback);
    const tool = body.tool_choice?.type === 'tool' ? body.tool_choice.name : undefined;
    const usage = this.usageOf(reply, text, request);
    // Like the API, an answer longer than max_tokens stops there (its text cut in proportion).
    const limit = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
    const overLimit = reply.kind === 'ok' && usage.output_tokens > limit;
    if (overLimit) {
      text = text.slice(0, Math.floor((text.length * limit) / usage.output_tokens));
      usage.output_tokens = limit;
    }
    const frames = [sse('message_start', { type: 'message_start', message: { id: `msg_fake_${this.counter}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } })];
    if (reply.kind !== 'empty') {
      const block = tool ? { type: 'tool_use', id: `toolu_fake_${this.counter}`, name: tool, input: {} } : { type: 'text', text: '' };
      frames.push(sse('content_block_start', { type: 'content_block_start', index: 0, content_block: block }), sse('ping', { type: 'ping' }));
      for (const chunk of chunksOf(text)) {
        const delta = tool ? { type: 'input_json_delta', partial_json: chunk } : { type: 'text_delta', text: chunk };
        frames.push(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta }));
      }
    }
    if (reply.kind === 'cut') return { contentType: 'text/event-stream', frames, drop: reply.drop };
    if (reply.kind === 'stream_error') {
      const type = reply.errorType ?? 'overloaded_error';
      frames.push(sse('error', { type: 'error', error: { type, message: reply.message ?? 'Overloaded' } }));
      return { contentType: 'text/event-stream', frames };
    }
    if (reply.kind !== 'empty') frames.push(sse('content_block_stop', { type: 'content_block_stop', index: 0 }));
    const stopReason = reply.kind === 'truncated' || overLimit ? 'max_tokens' : tool ? 'tool_use' : 'end_turn';
    frames.push(
      sse('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }),
      sse('message_stop', { type: 'message_stop' }),
    );
    return { contentType: 'text/event-stream', frames };
  }

  /** The scripted counts, or with `promptCache` (and no scripted input) the counts of the request itself. */
  private usageOf(reply: FakeReply, text: string, request: RecordedRequest): AnthropicUsage {
    if (!this.promptCache || reply.kind !== 'ok' || reply.inputTokens !== undefined) return anthropicUsage(reply);
    const used = this.promptCache.use(messagesBlocks(request.body));
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

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Anthropic counts cache reads and writes apart from `input_tokens`; `inputTokens` is the whole prompt. */
interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

function anthropicUsage(reply: FakeReply): AnthropicUsage {
  const { inputTokens, outputTokens, cacheReadTokens: read, cacheWriteTokens: written } = replyTokens(reply);
  return {
    input_tokens: inputTokens - read - written,
    output_tokens: outputTokens,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
  };
}
