/**
 * One declaration per endpoint: method, path, auth, the zod schemas of params, query and body,
 * and the responses. `route()` mounts it on Express (authentication, validation with those very
 * schemas, the handler) and registers it in the OpenAPI registry — so the document cannot drift
 * from what the server accepts. Problem responses (400/401/403/404/429/500) are added from the
 * route's shape.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { principalOf, requirePrincipal, type Principal } from '../auth/principal.js';
import { PROBLEM_CONTENT_TYPE } from '../middleware/error-handler.js';
import { parseInput } from '../middleware/validate.js';
import { problemSchema } from '../schemas/common.js';

type ObjectSchema = z.ZodObject | z.ZodPipe;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
  /** Several content types, each with its schema (undefined: a string, e.g. a binary file); replaces schema and contentType. */
  content?: Record<string, z.ZodType | undefined>;
}

export interface RouteSpec<P extends ObjectSchema | undefined, Q extends ObjectSchema | undefined, B extends z.ZodType | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express syntax: `/api/projects/:id`, `*path` for the rest of the path. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  auth: 'none' | 'user' | 'admin';
  /** Run before authentication and validation (e.g. the login rate limits). */
  before?: RequestHandler[];
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | undefined;
  /** The authenticated caller (throws 401 when there is none; never on `user`/`admin` routes). */
  user: () => Principal;
}

export type RouteHandler<P, Q, B> = (input: RouteInput<P, Q, B>, req: Request, res: Response) => Promise<void> | void;

export interface RouteGuards {
  authenticate: RequestHandler;
  requireAdmin: RequestHandler;
}

export function toOpenApiPath(path: string): string {
  return path.replace(/[:*](\w+)/g, '{$1}');
}

/** Express 5 hands a `*name` wildcard over as an array of segments. */
function flattenParams(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value.join('/') : value]));
}

const problem = (description: string): ResponseConfig => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } });

export class ApiRouter {
  readonly router = Router();

  constructor(
    private readonly registry: OpenAPIRegistry,
    private readonly guards: RouteGuards,
  ) {}

  route<P extends ObjectSchema | undefined = undefined, Q extends ObjectSchema | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    spec: RouteSpec<P, Q, B>,
    handler: RouteHandler<Out<P>, Out<Q>, Out<B>>,
  ): void {
    this.document(spec);
    const guards = spec.auth === 'none' ? [] : spec.auth === 'admin' ? [this.guards.authenticate, this.guards.requireAdmin] : [this.guards.authenticate];
    this.router[spec.method](spec.path, ...(spec.before ?? []), ...guards, async (req: Request, res: Response) => {
      const input: RouteInput<Out<P>, Out<Q>, Out<B>> = {
        params: (spec.params ? parseInput(spec.params, flattenParams(req.params), 'params') : undefined) as Out<P>,
        query: (spec.query ? parseInput(spec.query, req.query, 'query') : undefined) as Out<Q>,
        body: (spec.body ? parseInput(spec.body, req.body, 'body') : undefined) as Out<B>,
        principal: principalOf(res),
        user: () => requirePrincipal(res),
      };
      await handler(input, req, res);
    });
  }

  private document(spec: RouteSpec<ObjectSchema | undefined, ObjectSchema | undefined, z.ZodType | undefined>): void {
    const responses: Record<string, ResponseConfig> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      const content = response.content ?? (response.schema || response.contentType ? { [response.contentType ?? 'application/json']: response.schema } : undefined);
      responses[status] = content
        ? { description: response.description, content: Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema: schema ?? { type: 'string' } }])) }
        : // Every error the API answers is a problem document (error-handler.ts), described or not.
          Number(status) >= 400
          ? problem(response.description)
          : { description: response.description };
    }
    responses['400'] ??= problem('invalid request: malformed JSON, or a field at fault (see `errors`)');
    if (spec.auth !== 'none') responses['401'] ??= problem('missing, expired or invalid credentials');
    if (spec.auth === 'admin') responses['403'] ??= problem('admins only');
    if (spec.path.includes(':')) responses['404'] ??= problem('not found (or not yours)');
    if (spec.body) responses['413'] ??= problem('request body too large');
    if (spec.path.startsWith('/api/')) responses['429'] ??= problem('rate limited; see Retry-After');
    // Any handler may need Redis (queues, rate limits, budgets): its outage is a 503, never a 500.
    if (spec.path.startsWith('/api/')) responses['503'] ??= problem('a store the request needs is unreachable; see Retry-After');
    responses['500'] ??= problem('internal error (details in the server log under the request id)');
    this.registry.registerPath({
      method: spec.method,
      path: toOpenApiPath(spec.path),
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [spec.tag],
      security: spec.auth === 'none' ? [] : [{ bearerAuth: [] }, { apiKey: [] }],
      request: {
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { query: spec.query } : {}),
        ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
      },
      responses,
    });
  }
}
