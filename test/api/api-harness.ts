/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON; the assertions check their shape */
/**
 * A real API server on 127.0.0.1 (port 0) over the run's PostgreSQL database and Redis namespace,
 * with the engine harness behind it (in-process workers unless `workers: false`) and, with
 * `realtime: true`, Socket.IO at /ws. `close()` stops
 * the server first, then the engine. Requests go through plain fetch.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createApp, createApiObservability } from '../../src/api/app.js';
import type { ApiOptions } from '../../src/api/api-options.js';
import { parseKeyring } from '../../src/models/credentials/provider-key-vault.js';
import { observeAgentJobs } from '../../src/api/metrics/worker-metrics.js';
import type { RealtimeLimits } from '../../src/api/realtime/realtime-limits.js';
import { attachRealtime, type Realtime } from '../../src/api/realtime/realtime-server.js';
import { createSocketAuth } from '../../src/api/realtime/socket-auth.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { ProjectAccess } from '../../src/api/services/project-access.js';
import { createHarness, type Harness, type HarnessOptions } from '../support/engine-harness.js';
import { silentLogger, testNamespace } from '../support/environment.js';
import { openApiResponsesOf } from '../support/openapi-responses.js';

export const TEST_JWT_SECRET = randomBytes(32).toString('hex');
export const TEST_KEYRING = `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`;

export function testApiOptions(overrides: Partial<ApiOptions> = {}): ApiOptions {
  return {
    jwtSecret: TEST_JWT_SECRET,
    jwtExpiresInSeconds: 600,
    corsOrigins: ['https://app.example.com'],
    trustProxy: false,
    bodyLimitBytes: 64 * 1024,
    rateLimit: { windowMs: 60_000, max: 100_000, authWindowMs: 60_000, authMaxPerIp: 10_000 },
    loginThrottle: { freeFailures: 1_000, delayBaseMs: 1_000, delayMaxMs: 60_000, pairMemoryMs: 60_000, windowMs: 60_000, maxPerAddress: 10_000, maxPerAccount: 10_000 },
    // Each app its own counters: suites do not rate-limit each other.
    rateLimitKeyPrefix: `${testNamespace()}:ratelimit:${randomUUID().slice(0, 8)}`,
    providerKeyring: parseKeyring(TEST_KEYRING),
    defaultBudgetUsd: 10,
    version: 'test',
    ...overrides,
  };
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON (any JSON content type), else undefined. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary fields
}

export interface RequestOptions {
  token?: string;
  apiKey?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** Skip the OpenAPI check of the response (only for requests the document cannot describe, such as a deliberately wrong method). */
  unchecked?: boolean;
}

export interface ApiHarness {
  engine: Harness;
  options: ApiOptions;
  server: ApiServer;
  /** Socket.IO at /ws, with `realtime: true`. */
  realtime: Realtime | undefined;
  url: string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  /** Registers and logs in a fresh user; returns its id, email and token. */
  user(prefix?: string): Promise<{ id: string; email: string; password: string; token: string }>;
  admin(): Promise<{ id: string; email: string; token: string }>;
  close(): Promise<void>;
}

/**
 * One request through plain fetch; JSON bodies in and out. Every response is checked against the
 * server's own OpenAPI document (../support/openapi-responses.ts): an undocumented status, content
 * type or body shape fails the test that received it.
 */
export async function httpRequest(baseUrl: string, method: string, path: string, req: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  if (req.apiKey) headers['x-api-key'] = req.apiKey;
  let body: string | Buffer | undefined = req.rawBody;
  if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let json: unknown;
  if (/json/.test(type) && text.length > 0) json = JSON.parse(text);
  if (!req.unchecked) {
    const problems = (await openApiResponsesOf(baseUrl)).check({ method, url: path, status: response.status, contentType: type, text });
    if (problems.length > 0) throw new Error(`the response does not match /api/openapi.json:\n  ${problems.join('\n  ')}`);
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Registers and logs in a fresh user on the API at `baseUrl`. */
export async function signUp(baseUrl: string, prefix = 'user'): Promise<{ id: string; email: string; password: string; token: string }> {
  const email = `${prefix}-${randomUUID()}@example.com`;
  const password = `pw-${randomUUID()}`;
  const registered = await httpRequest(baseUrl, 'POST', '/api/auth/register', { body: { email, password } });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.text}`);
  const login = await httpRequest(baseUrl, 'POST', '/api/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  return { id: registered.json.id as string, email, password, token: login.json.accessToken as string };
}

/** Socket.IO at /ws on a test server, over the harness's engine (what `zekka api` attaches). */
export function testRealtime(engine: Harness, options: ApiOptions, limits?: Partial<RealtimeLimits>): (server: ApiServer['server']) => Promise<Realtime> {
  return (server) =>
    attachRealtime(server, {
      engine: engine.deps,
      auth: createSocketAuth(engine.deps.prisma, options.jwtSecret),
      access: new ProjectAccess(engine.deps.prisma),
      logger: silentLogger,
      limits,
    });
}

export async function startApiHarness(
  options: { api?: Partial<ApiOptions>; engine?: HarnessOptions; realtime?: boolean; clock?: () => number; realtimeLimits?: Partial<RealtimeLimits> } = {},
): Promise<ApiHarness> {
  const engine = await createHarness({ workers: false, ...options.engine });
  const observability = createApiObservability(engine.deps);
  const apiOptions = testApiOptions(options.api);
  const app = createApp({ engine: engine.deps, projects: engine.projects, observability, clock: options.clock }, apiOptions);
  let realtime: Realtime | undefined;
  const attach = testRealtime(engine, apiOptions, options.realtimeLimits);
  const server = await startApiServer(app, { port: 0, host: '127.0.0.1', attach: options.realtime ? async (http) => (realtime = await attach(http)) : undefined });
  if (options.engine?.workers !== false && engine.pool) observeAgentJobs(engine.pool.workers, observability.metrics);

  const request = (method: string, path: string, req: RequestOptions = {}) => httpRequest(server.url, method, path, req);

  const user = (prefix = 'user') => signUp(server.url, prefix);

  return {
    engine,
    options: apiOptions,
    server,
    realtime,
    url: server.url,
    request,
    user,
    async admin() {
      const u = await user('admin');
      await engine.deps.prisma.user.update({ where: { id: u.id }, data: { role: 'admin' } });
      return u;
    },
    async close() {
      await server.close();
      await engine.close();
    },
  };
}

export const REQUIREMENTS = 'A todo list API: users create tasks with a title and a due date, mark them done, and list them.';
