/**
 * The shared core of the fake model servers: a node:http server on 127.0.0.1 (port 0) that
 * records every request and answers completion calls from a script of replies, in order (per
 * model first, then for any model), falling back to a default reply. A `responder` may answer
 * first from the request itself (a scripted model that answers each role and each repair in turn). Each provider's subclass
 * renders a reply in its own wire protocol, streamed when the request asks for a stream (SSE for
 * Anthropic and Gemini, NDJSON for Ollama): the answer's text goes out in small chunks. `hang` never
 * answers (the client must time out) and `reset` drops the connection; `close()` ends both. For
 * streams, `cut` sends part of the answer and closes the connection without the final event, and
 * `stream_error` sends part of it and then an error event (Anthropic's `event: error`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from './loopback-server.js';

export type FakeReply =
  | {
      kind: 'ok';
      text?: string;
      inputTokens?: number;
      outputTokens?: number;
      cacheReadTokens?: number;
      cacheWriteTokens?: number;
      /** Streamed: a pause before each frame, as a model writing slowly. */
      frameDelayMs?: number;
    }
  /** A complete body whose answer was cut off at the output limit. */
  | { kind: 'truncated'; text?: string; inputTokens?: number; outputTokens?: number }
  /** A well-formed answer with no text. */
  | { kind: 'empty' }
  | { kind: 'error'; status: number; retryAfterSeconds?: number; message?: string }
  /** Status 200, `application/json`, and a body that is not JSON. */
  | { kind: 'malformed' }
  | { kind: 'hang' }
  | { kind: 'reset' }
  /**
   * A stream that sends the first `at` characters of `text` and ends without its final event: the
   * response ends cleanly, or with `drop` the connection is destroyed mid-response.
   */
  | { kind: 'cut'; text?: string; at?: number; inputTokens?: number; drop?: boolean }
  /** A stream that sends the first `at` characters of `text`, then an error event (default overloaded). */
  | { kind: 'stream_error'; text?: string; at?: number; errorType?: string; message?: string };

/** A streamed reply: its content type and the frames written one by one; `drop` destroys the connection after them. */
export interface StreamedReply {
  contentType: string;
  frames: string[];
  drop?: boolean;
  /** A pause before each frame; without, all frames go out in one write. */
  frameDelayMs?: number;
}

/** Characters per streamed text chunk. */
export const STREAM_CHUNK_CHARS = 40;

/** `text` in chunks of STREAM_CHUNK_CHARS. */
export function chunksOf(text: string): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += STREAM_CHUNK_CHARS) chunks.push(text.slice(at, at + STREAM_CHUNK_CHARS));
  return chunks;
}

/** The text a partial stream sends: the first `at` characters (default half). */
export function partialText(reply: { text?: string; at?: number }, fallback: string): string {
  const text = reply.text ?? fallback;
  return text.slice(0, reply.at ?? Math.ceil(text.length / 2));
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, `?` included ('' without). */
  query: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The model a completion request named. */
  model?: string;
}

/** `resource`: another endpoint of the API, answered by `renderResource` (e.g. Gemini's cachedContents). */
export type Route = { type: 'complete'; model: string } | { type: 'list' } | { type: 'resource' } | undefined;

export interface Rendered {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export const DEFAULT_INPUT_TOKENS = 11;
export const DEFAULT_OUTPUT_TOKENS = 7;

/** The token counts a reply reports (defaults where it names none). */
export function replyTokens(reply: FakeReply): { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number } {
  const counts = reply as { inputTokens?: number; outputTokens?: number; cacheReadTokens?: number; cacheWriteTokens?: number };
  return {
    inputTokens: counts.inputTokens ?? DEFAULT_INPUT_TOKENS,
    outputTokens: counts.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    cacheReadTokens: counts.cacheReadTokens ?? 0,
    cacheWriteTokens: counts.cacheWriteTokens ?? 0,
  };
}

export abstract class FakeModelServer extends LoopbackServer {
  readonly requests: RecordedRequest[] = [];
  defaultReply: FakeReply = { kind: 'ok' };
  /** Asked first for every completion call; undefined falls through to the queued replies. */
  responder: ((request: RecordedRequest) => FakeReply | undefined) | undefined;
  private readonly queue: FakeReply[] = [];
  private readonly perModel = new Map<string, FakeReply[]>();
  /** `body` is the parsed JSON request body (Anthropic and Ollama name the model there). */
  protected abstract route(method: string, path: string, body: unknown): Route;
  /** `request`: the completion request being answered. */
  protected abstract render(reply: FakeReply, model: string, request: RecordedRequest): Rendered;
  protected abstract renderList(): unknown;
  /** The streamed reply when the request asked for a stream (errors before it are rendered as usual). */
  protected abstract renderStream(reply: FakeReply, model: string, request: RecordedRequest): StreamedReply | undefined;
  /** A request the real service would refuse for missing credentials; undefined when acceptable. */
  protected abstract unauthorized(request: IncomingMessage): Rendered | undefined;

  /** Endpoints beyond completion and list; none by default. */
  protected renderResource(request: RecordedRequest): Rendered {
    return { status: 404, body: { error: `no resource ${request.method} ${request.path}` } };
  }

  /** Completion requests received (list calls excluded). */
  get completions(): RecordedRequest[] {
    return this.requests.filter((r) => r.model !== undefined);
  }

  /** Queues replies for the next completion calls to any model. */
  reply(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Queues replies for the next completion calls to one model (used before the shared queue). */
  replyFor(model: string, ...replies: FakeReply[]): this {
    this.perModel.set(model, [...(this.perModel.get(model) ?? []), ...replies]);
    return this;
  }

  private next(model: string): FakeReply {
    return this.perModel.get(model)?.shift() ?? this.queue.shift() ?? this.defaultReply;
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', this.url);
    let body: unknown = raw;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      // keep the raw text
    }
    const route = this.route(request.method ?? 'GET', decodeURIComponent(url.pathname), body);
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname, query: url.search, headers: request.headers, body, model: route?.type === 'complete' ? route.model : undefined });
    const refused = this.unauthorized(request);
    if (!route) return send(response, { status: 404, body: { error: `no route ${request.method} ${url.pathname}` } });
    if (refused) return send(response, refused);
    if (route.type === 'list') return send(response, { status: 200, body: this.renderList() });
    if (route.type === 'resource') return send(response, this.renderResource(this.requests.at(-1) as RecordedRequest));
    const recorded = this.requests.at(-1) as RecordedRequest;
    const reply = this.responder?.(recorded) ?? this.next(route.model);
    if (reply.kind === 'hang') return; // the client's time-out ends it; close() drops it
    if (reply.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (reply.kind === 'malformed') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"this is": not json');
      return;
    }
    const streamed = reply.kind === 'error' || !recorded ? undefined : this.renderStream(reply, route.model, recorded);
    if (streamed) return writeStream(request, response, { ...streamed, frameDelayMs: reply.kind === 'ok' ? reply.frameDelayMs : undefined });
    send(response, this.render(reply, route.model, recorded));
  }
}

async function writeStream(request: IncomingMessage, response: ServerResponse, { contentType, frames, drop, frameDelayMs }: StreamedReply): Promise<void> {
  response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
  if (frameDelayMs !== undefined) {
    for (const frame of frames) {
      await new Promise((resolve) => setTimeout(resolve, frameDelayMs));
      // The client went away (it aborted the stream): stop writing.
      if (response.destroyed || request.socket.destroyed) return;
      response.write(frame);
    }
    response.end();
    return;
  }
  // One write: the client still parses event by event, without a round of socket writes per frame.
  if (!drop) {
    response.end(frames.join(''));
    return;
  }
  response.write(frames.join(''));
  // Flush what was written, then drop the connection: the client sees a stream without its end.
  response.write('', () => request.socket.destroy());
}

function send(response: ServerResponse, { status, headers, body }: Rendered): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export function retryAfterHeader(reply: FakeReply): Record<string, string> {
  return reply.kind === 'error' && reply.retryAfterSeconds !== undefined ? { 'retry-after': String(reply.retryAfterSeconds) } : {};
}

/** The `model` field of a JSON request body. */
export function modelInBody(body: unknown): string {
  const model = (body as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : 'unknown';
}
