/**
 * The shared core of the fake model servers: a node:http server on 127.0.0.1 (port 0) that
 * records every request and answers completion calls from a script of replies, in order (per
 * model first, then for any model), falling back to a default reply. A `responder` may answer
 * first from the request itself (a scripted model that answers each role and each repair in turn). Each provider's subclass
 * renders a reply in its own wire protocol. `hang` never answers (the client must time out) and
 * `reset` drops the connection; `close()` ends both.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from './loopback-server.js';

export type FakeReply =
  | { kind: 'ok'; text?: string; inputTokens?: number; outputTokens?: number; cacheReadTokens?: number; cacheWriteTokens?: number }
  /** A complete body whose answer was cut off at the output limit. */
  | { kind: 'truncated'; text?: string }
  /** A well-formed answer with no text. */
  | { kind: 'empty' }
  | { kind: 'error'; status: number; retryAfterSeconds?: number; message?: string }
  /** Status 200, `application/json`, and a body that is not JSON. */
  | { kind: 'malformed' }
  | { kind: 'hang' }
  | { kind: 'reset' };

export interface RecordedRequest {
  method: string;
  path: string;
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
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname, headers: request.headers, body, model: route?.type === 'complete' ? route.model : undefined });
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
    send(response, this.render(reply, route.model, recorded));
  }
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
