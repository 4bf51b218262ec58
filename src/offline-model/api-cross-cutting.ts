/**
 * Offline generators of stage 4 that wire cross-cutting concerns into the shared shell
 * src/server/app.ts: each writes its own module and edits only its own slot lines of the shell.
 */
import type { AgentTask } from '../agents/agent-task.js';
import { domainModel } from './domain.js';
import { file, output, type OutputFile, type RoleGenerator } from './scaffold.js';
import { APP_SHELL_PATH, editShared } from './slots.js';
import { signInFiles } from './api-sign-in.js';

function wired(what: string, shell: OutputFile[]): string {
  return `${what}${shell.length > 0 ? '; wired into app.ts through its slot lines' : '; app.ts or its slot lines not in context, so app.ts is left alone'}.`;
}

const middlewareDeveloper: RoleGenerator = (task) => {
  const shell = editShared(task, APP_SHELL_PATH, {
    'middleware-imports': ["import { requestContext } from './middleware/request-context.js';"],
    middleware: ['app.use(requestContext());'],
  });
  return output(wired('Request id and access-log middleware', shell), [
    file(task, 'src/server/middleware/request-context.ts', [
      "import { randomUUID } from 'node:crypto';",
      "import type { RequestHandler } from 'express';",
      '',
      '/** Gives every request an id (kept from `x-request-id` when sent) and logs one JSON line when it finishes. */',
      'export function requestContext(): RequestHandler {',
      '  return (req, res, next) => {',
      "    const id = req.get('x-request-id') ?? randomUUID();",
      "    res.setHeader('x-request-id', id);",
      '    const started = process.hrtime.bigint();',
      "    res.on('finish', () => {",
      '      const ms = Number(process.hrtime.bigint() - started) / 1e6;',
      '      console.log(JSON.stringify({ id, method: req.method, path: req.originalUrl, status: res.statusCode, ms: Math.round(ms) }));',
      '    });',
      '    next();',
      '  };',
      '}',
    ]),
    ...shell,
  ]);
};

const errorHandler: RoleGenerator = (task) => {
  const shell = editShared(task, APP_SHELL_PATH, {
    'errors-imports': ["import { errorHandler, notFound } from './errors/error-handler.js';"],
    errors: ['app.use(notFound);', 'app.use(errorHandler);'],
  });
  return output(wired('HttpError, 404 handler and final error middleware', shell), [
    file(task, 'src/server/errors/error-handler.ts', [
      "import type { ErrorRequestHandler, RequestHandler } from 'express';",
      '',
      '/** An error that carries its HTTP answer. */',
      'export class HttpError extends Error {',
      '  constructor(',
      '    readonly status: number,',
      '    readonly code: string,',
      '    message: string,',
      '  ) {',
      '    super(message);',
      '  }',
      '}',
      '',
      'export const notFound: RequestHandler = (req, res) => {',
      "  res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });",
      '};',
      '',
      '/** The last middleware: a JSON answer in the API error format, never a stack trace. */',
      'export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {',
      '  const status = error instanceof HttpError ? error.status : statusOf(error);',
      '  if (status >= 500) console.error(error);',
      "  const code = error instanceof HttpError ? error.code : status >= 500 ? 'internal_error' : 'bad_request';",
      "  const message = status >= 500 ? 'Internal server error' : error instanceof Error ? error.message : 'Bad request';",
      '  res.status(status).json({ error: { code, message } });',
      '};',
      '',
      '/** Errors from body-parser and friends carry a 4xx `status`. */',
      'function statusOf(error: unknown): number {',
      "  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;",
      "  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;",
      '}',
    ]),
    ...shell,
  ]);
};

const authenticationManager: RoleGenerator = (task) => {
  const shell = editShared(task, APP_SHELL_PATH, {
    'authentication-imports': ["import { authRoutes } from './auth/auth-routes.js';", "import { authenticate } from './auth/authenticate.js';"],
    // Sign-up and login answer before authenticate(): the only /api routes without a token.
    authentication: ["api.use('/auth', authRoutes());", 'api.use(authenticate());'],
  });
  return output(wired('HMAC-signed bearer tokens, sign-up and login (scrypt), and the authenticate() middleware', shell), [
    ...signInFiles(task, rolesOf(task)),
    file(task, 'src/server/auth/tokens.ts', [
      "import { createHmac, timingSafeEqual } from 'node:crypto';",
      '',
      'export interface TokenClaims {',
      '  sub: string;',
      '  role: string;',
      '  /** Expiry, seconds since the epoch. */',
      '  exp: number;',
      '}',
      '',
      'function secret(): string {',
      '  const value = process.env.AUTH_TOKEN_SECRET;',
      "  if (!value || value.length < 32) throw new Error('AUTH_TOKEN_SECRET must be set to at least 32 characters');",
      '  return value;',
      '}',
      '',
      'function sign(payload: string): string {',
      "  return createHmac('sha256', secret()).update(payload).digest('base64url');",
      '}',
      '',
      '/** A token `<payload>.<signature>`, valid for `ttlSeconds` (one hour by default). */',
      "export function signToken(claims: Omit<TokenClaims, 'exp'>, ttlSeconds = 3600, now = Date.now()): string {",
      "  const payload = Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(now / 1000) + ttlSeconds })).toString('base64url');",
      '  return `${payload}.${sign(payload)}`;',
      '}',
      '',
      '/** The claims of a genuine, unexpired token; undefined for anything else. */',
      'export function verifyToken(token: string, now = Date.now()): TokenClaims | undefined {',
      "  const [payload, signature, extra] = token.split('.');",
      '  if (!payload || !signature || extra !== undefined) return undefined;',
      '  const expected = Buffer.from(sign(payload));',
      '  const given = Buffer.from(signature);',
      '  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;',
      '  try {',
      "    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;",
      "    return typeof claims.sub === 'string' && typeof claims.exp === 'number' && claims.exp * 1000 > now ? claims : undefined;",
      '  } catch {',
      '    return undefined;',
      '  }',
      '}',
    ]),
    file(task, 'src/server/auth/authenticate.ts', [
      "import type { RequestHandler } from 'express';",
      "import { verifyToken, type TokenClaims } from './tokens.js';",
      '',
      "declare module 'express-serve-static-core' {",
      '  interface Request {',
      '    user?: TokenClaims;',
      '  }',
      '}',
      '',
      '/** Rejects a request without a valid bearer token with 401; otherwise sets `req.user`. */',
      'export function authenticate(): RequestHandler {',
      '  return (req, res, next) => {',
      "    const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');",
      '    const claims = match?.[1] ? verifyToken(match[1]) : undefined;',
      '    if (!claims) {',
      "      res.status(401).json({ error: { code: 'unauthenticated', message: 'A valid bearer token is required' } });",
      '      return;',
      '    }',
      '    req.user = claims;',
      '    next();',
      '  };',
      '}',
    ]),
    ...shell,
  ]);
};

/** `admin` and `member` when the request talks about roles or admins, otherwise `member` only. */
export function rolesOf(task: AgentTask): string[] {
  return /\b(?:admin|administrators?|roles?)\b/i.test(task.requirements) ? ['admin', 'member'] : ['member'];
}

const authorizationManager: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  const roles = rolesOf(task);
  const list = (names: string[]): string => `[${names.map((name) => `'${name}'`).join(', ')}]`;
  const deleters = roles.includes('admin') ? ['admin'] : roles;
  const shell = editShared(task, APP_SHELL_PATH, {
    'authorization-imports': ["import { authorize } from './auth/authorize.js';"],
    authorization: ['api.use(authorize());'],
  });
  return output(wired(`Permissions for ${model.entities.length} resources and the authorize() middleware`, shell), [
    file(task, 'src/server/auth/permissions.ts', [
      `export type Role = ${roles.map((role) => `'${role}'`).join(' | ')};`,
      "export type Action = 'read' | 'write' | 'delete';",
      '',
      '/** Who may do what, per resource path. Anything not listed is denied. */',
      'export const PERMISSIONS: Record<string, Record<Action, readonly Role[]>> = {',
      ...model.entities.map((entity) => `  '${entity.pluralKebab}': { read: ${list(roles)}, write: ${list(roles)}, delete: ${list(deleters)} },`),
      '};',
    ]),
    file(task, 'src/server/auth/authorize.ts', [
      "import type { RequestHandler } from 'express';",
      "import { PERMISSIONS, type Action, type Role } from './permissions.js';",
      '',
      "const ACTIONS: Record<string, Action> = { GET: 'read', HEAD: 'read', POST: 'write', PUT: 'write', PATCH: 'write', DELETE: 'delete' };",
      '',
      "/** Answers 403 unless the caller's role holds the permission for this resource and method. */",
      'export function authorize(): RequestHandler {',
      '  return (req, res, next) => {',
      "    const resource = req.path.split('/').filter(Boolean)[0] ?? '';",
      '    const action = ACTIONS[req.method];',
      '    const allowed = action ? PERMISSIONS[resource]?.[action] : undefined;',
      '    const role = req.user?.role as Role | undefined;',
      '    if (!allowed || !role || !allowed.includes(role)) {',
      "      res.status(403).json({ error: { code: 'forbidden', message: 'Not allowed' } });",
      '      return;',
      '    }',
      '    next();',
      '  };',
      '}',
    ]),
    ...shell,
  ]);
};

export const API_CROSS_CUTTING_GENERATORS: Record<string, RoleGenerator> = {
  'middleware-developer': middlewareDeveloper,
  'error-handler': errorHandler,
  'authentication-manager': authenticationManager,
  'authorization-manager': authorizationManager,
};
