/**
 * A fake Gemini API speaking generateContent closely enough for `@google/genai`:
 * POST /v1beta/models/{model}:generateContent, :streamGenerateContent?alt=sse (each chunk a
 * `data:` event with part of the text and the running usage, the last with its finishReason)
 * and GET /v1beta/models, `x-goog-api-key` required,
 * errors as Google's `{"error":{"code","message","status","details"}}` with the retry hint in a
 * RetryInfo detail (`retryDelay: "2s"`), the way Gemini sends it.
 * Explicit context caching: POST /v1beta/cachedContents creates a cache (its tokens a quarter of
 * its characters, refused below `minCacheTokens`); a generateContent naming it as `cachedContent`
 * reports those tokens as `cachedContentTokenCount` inside `promptTokenCount` (the rest of the
 * prompt counted from the request, unless the reply scripts the counts).
 */
import type { IncomingMessage } from 'node:http';
import {
  chunksOf,
  DEFAULT_INPUT_TOKENS,
  DEFAULT_OUTPUT_TOKENS,
  FakeModelServer,
  partialText,
  replyTokens,
  type FakeReply,
  type RecordedRequest,
  type Rendered,
  type Route,
  type StreamedReply,
} from './fake-http-server.js';
import { tokensOf } from './prompt-cache-simulation.js';

interface TextContent {
  parts?: { text?: string }[];
}
const textOf = (content: TextContent | undefined): string => (content?.parts ?? []).map((part) => part.text ?? '').join('');

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export class FakeGeminiServer extends FakeModelServer {
  static readonly apiKey = 'gemini-fake-key';
  /** Keys the fake accepts (e.g. users' own keys beside the server's). */
  readonly apiKeys = new Set<string>([FakeGeminiServer.apiKey]);
  /** Thinking tokens reported beside the candidate tokens (billed as output). */
  thoughtsTokens = 0;
  /** The explicit caches created, by name, with their token counts. */
  readonly caches = new Map<string, { model: string; tokens: number }>();
  minCacheTokens = 1_024;

  protected route(method: string, path: string): Route {
    const match = /^\/v1beta\/models\/([^/:]+):(?:stream)?[gG]enerateContent$/.exec(path);
    if (method === 'POST' && match?.[1]) return { type: 'complete', model: match[1] };
    if (method === 'GET' && path === '/v1beta/models') return { type: 'list' };
    if (method === 'POST' && path === '/v1beta/cachedContents') return { type: 'resource' };
    return undefined;
  }

  protected unauthorized(request: IncomingMessage): Rendered | undefined {
    const key = request.headers['x-goog-api-key'];
    if (typeof key === 'string' && this.apiKeys.has(key)) return undefined;
    return { status: 400, body: { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } } };
  }

  protected override renderResource(request: RecordedRequest): Rendered {
    const body = request.body as { model?: string; systemInstruction?: TextContent; contents?: TextContent[]; ttl?: string };
    const tokens = tokensOf(textOf(body.systemInstruction) + (body.contents ?? []).map(textOf).join(''));
    if (tokens < this.minCacheTokens) {
      return { status: 400, body: { error: { code: 400, message: `Cached content is too small. total_token_count=${tokens}, min_total_token_count=${this.minCacheTokens}`, status: 'INVALID_ARGUMENT' } } };
    }
    const name = `cachedContents/fake-${this.caches.size + 1}`;
    const model = body.model ?? 'models/unknown';
    this.caches.set(name, { model, tokens });
    return { status: 200, body: { name, model, displayName: 'fake', usageMetadata: { totalTokenCount: tokens }, expireTime: new Date(Date.now() + 300_000).toISOString() } };
  }

  protected render(reply: FakeReply, model: string, request: RecordedRequest): Rendered {
    if (reply.kind === 'error') {
      const details =
        reply.retryAfterSeconds === undefined ? undefined : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${reply.retryAfterSeconds}s` }];
      return { status: reply.status, body: { error: { code: reply.status, message: reply.message ?? 'fake failure', status: STATUS_NAMES[reply.status] ?? 'UNKNOWN', details } } };
    }
    const prompt = this.promptCounts(reply, request);
    if (!prompt) return { status: 404, body: { error: { code: 404, message: `${(request.body as { cachedContent?: string }).cachedContent} not found`, status: 'NOT_FOUND' } } };
    const { inputTokens, cachedTokens } = prompt;
    const outputTokens = reply.kind === 'ok' ? (reply.outputTokens ?? DEFAULT_OUTPUT_TOKENS) : DEFAULT_OUTPUT_TOKENS;
    const text = ('text' in reply ? reply.text : undefined) ?? `answer from gemini/${model}`;
    const candidate =
      reply.kind === 'empty'
        ? { content: { role: 'model', parts: [] }, finishReason: 'STOP', index: 0 }
        : { content: { role: 'model', parts: [{ text }] }, finishReason: reply.kind === 'truncated' ? 'MAX_TOKENS' : 'STOP', index: 0 };
    const thoughts = this.thoughtsTokens > 0 ? { thoughtsTokenCount: this.thoughtsTokens } : {};
    const cached = cachedTokens ? { cachedContentTokenCount: cachedTokens } : {};
    return {
      status: 200,
      body: {
        candidates: [candidate],
        usageMetadata: { promptTokenCount: inputTokens, candidatesTokenCount: outputTokens, totalTokenCount: inputTokens + outputTokens + this.thoughtsTokens, ...thoughts, ...cached },
        modelVersion: model,
        responseId: `fake-${this.requests.length}`,
      },
    };
  }

  /**
   * The prompt's token count and how much of it a named cache held (Gemini reports cached prompt
   * tokens as part of promptTokenCount); undefined when the request names a cache that does not exist.
   */
  private promptCounts(reply: FakeReply, request: RecordedRequest): { inputTokens: number; cachedTokens: number | undefined } | undefined {
    const body = request.body as { cachedContent?: string; contents?: TextContent[] };
    const cache = body.cachedContent === undefined ? undefined : this.caches.get(body.cachedContent);
    if (body.cachedContent !== undefined && !cache) return undefined;
    if (cache && reply.kind === 'ok' && reply.inputTokens === undefined) {
      return { inputTokens: cache.tokens + tokensOf((body.contents ?? []).map(textOf).join('')), cachedTokens: cache.tokens };
    }
    const { inputTokens, cacheReadTokens } = replyTokens(reply);
    return { inputTokens, cachedTokens: cacheReadTokens || undefined };
  }

  protected renderStream(reply: FakeReply, model: string, request: RecordedRequest): StreamedReply | undefined {
    if (!request.path.endsWith(':streamGenerateContent')) return undefined;
    const prompt = this.promptCounts(reply, request);
    // An unknown cache is answered by render (404), not as a stream.
    if (!prompt) return undefined;
    const fallback = `answer from gemini/${model}`;
    const partial = reply.kind === 'cut' || reply.kind === 'stream_error';
    const text = partial ? partialText(reply, fallback) : reply.kind === 'empty' ? '' : (('text' in reply ? reply.text : undefined) ?? fallback);
    const { outputTokens } = replyTokens(reply);
    const { inputTokens, cachedTokens } = prompt;
    const chunks = chunksOf(text);
    const frames = chunks.map((chunk, i) =>
      data({
        candidates: [{ content: { role: 'model', parts: [{ text: chunk }] }, index: 0 }],
        usageMetadata: { promptTokenCount: inputTokens, candidatesTokenCount: Math.floor((outputTokens * i) / Math.max(1, chunks.length)) },
        modelVersion: model,
      }),
    );
    if (partial) return { contentType: 'text/event-stream', frames, drop: reply.kind === 'cut' && reply.drop };
    const thoughts = this.thoughtsTokens > 0 ? { thoughtsTokenCount: this.thoughtsTokens } : {};
    const cached = cachedTokens ? { cachedContentTokenCount: cachedTokens } : {};
    frames.push(
      data({
        candidates: [{ content: { role: 'model', parts: [] }, finishReason: reply.kind === 'truncated' ? 'MAX_TOKENS' : 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: inputTokens, candidatesTokenCount: outputTokens, totalTokenCount: inputTokens + outputTokens + this.thoughtsTokens, ...thoughts, ...cached },
        modelVersion: model,
        responseId: `fake-${this.requests.length}`,
      }),
    );
    return { contentType: 'text/event-stream', frames };
  }

  protected renderList(): unknown {
    return {
      models: ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'].map((name) => ({
        name: `models/${name}`,
        displayName: name,
        supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
      })),
    };
  }
}

function data(chunk: unknown): string {
  return `data: ${JSON.stringify(chunk)}\r\n\r\n`;
}
