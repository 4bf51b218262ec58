/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON; the assertions check their shape */
/**
 * Property: whatever arrives — any endpoint of the OpenAPI document, any method, path parameters
 * that are ids, strangers' ids or junk, random query strings, random JSON or non-JSON bodies,
 * valid, missing or broken credentials — the API never answers 5xx, and every error under /api is
 * a problem document.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { REQUIREMENTS, startApiHarness, type ApiHarness } from './api-harness.js';

describe('api/fuzz', function () {
  this.timeout(300_000);
  let api: ApiHarness;

  before(async () => {
    api = await startApiHarness();
  });
  after(async () => {
    await api.close();
  });

  it('never answers 5xx to random requests on every endpoint', async () => {
    const user = await api.user('fuzz');
    const admin = await api.admin();
    const stranger = await api.user('stranger');
    const project = (await api.request('POST', '/api/projects', { token: user.token, body: { name: 'fuzzed', requirements: REQUIREMENTS } })).json.id as string;
    const theirs = (await api.request('POST', '/api/projects', { token: stranger.token, body: { name: 'theirs', requirements: REQUIREMENTS } })).json.id as string;
    const key = (await api.request('POST', '/api/auth/api-keys', { token: user.token, body: { name: 'fuzz' } })).json.key as string;
    const doc = (await api.request('GET', '/api/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    const endpoints = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
    endpoints.push({ method: 'GET', path: '/admin/queues/api/queues' }, { method: 'PUT', path: '/admin/queues/api/queues/{name}/retry/failed' }, { method: 'GET', path: '/api/docs/{path}' });
    expect(endpoints.length).to.be.greaterThan(30);

    const junk = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('..', '%00', '%E0%A4%A', '😀', ' ', 'a/b/../c', '-1', '9'.repeat(30), 'null'));
    const param = fc.oneof(fc.constant(project), fc.constant(theirs), fc.uuid(), fc.constant('zekka-manifest.json'), fc.constantFrom('anthropic', 'gemini', 'agent.route-creator', 'project'), junk);
    const queryValue = fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constantFrom('true', 'all', 'zip', 'json', '2026-01-01', 'needs_review', '-5', '1e309'));
    const query = fc.dictionary(fc.constantFrom('limit', 'cursor', 'status', 'scope', 'stage', 'after', 'from', 'to', 'userId', 'version', 'format', 'download', 'x', 'limit[]'), queryValue, { maxKeys: 4 });
    const knownField = fc.constantFrom('email', 'password', 'name', 'requirements', 'budgetUsd', 'options', 'take', 'content', 'anthropic', 'gemini');
    const body = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.dictionary(knownField, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 60 }),
    );
    const auth = fc.constantFrom<Record<string, string>>(
      {},
      { authorization: `Bearer ${user.token}` },
      { authorization: `Bearer ${admin.token}` },
      { 'x-api-key': key },
      { authorization: 'Bearer garbage' },
      { authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` },
      { 'x-api-key': 'zk_' },
    );
    const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json');

    const request = fc.record({ endpoint: fc.constantFrom(...endpoints), params: fc.array(param, { minLength: 3, maxLength: 3 }), query, body, auth, contentType, methodOverride: fc.oneof({ arbitrary: fc.constant(null), weight: 9 }, { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), weight: 1 }) });

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const path = r.endpoint.path.replace(/\{[^{}]+\}/g, () => encodeURIComponent(r.params[i++] ?? '').replace(/%25/g, '%'));
        const search = new URLSearchParams(r.query).toString();
        const method = r.methodOverride ?? r.endpoint.method;
        const hasBody = method !== 'GET' && r.body !== undefined;
        const response = await fetch(`${api.url}${path}${search ? `?${search}` : ''}`, {
          method,
          headers: { ...r.auth, ...(hasBody ? { 'content-type': r.contentType } : {}) },
          body: hasBody ? r.body : undefined,
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${method} ${path}?${search} → ${text.slice(0, 300)}`).to.be.below(500);
        if (response.status >= 400 && path.startsWith('/api/') && !path.startsWith('/api/docs')) {
          expect(response.headers.get('content-type'), `${method} ${path}`).to.match(/^application\/problem\+json/);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200), seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    // The runs reached real handlers, not only the validators.
    const count = (from: number, to: number) => [...statuses].filter(([s]) => s >= from && s < to).reduce((sum, [, n]) => sum + n, 0);
    if (process.env.FUZZ_VERBOSE) console.log(Object.fromEntries(statuses));
    expect(count(200, 300)).to.be.greaterThan(0);
    expect(count(400, 500)).to.be.greaterThan(0);
  });

  it('answers 400 naming the field to a NUL in any string and an out-of-range integer, on every route with a body or query', async () => {
    const admin = await api.admin();
    const project = (await api.request('POST', '/api/projects', { token: admin.token, body: { name: 'nul', requirements: REQUIREMENTS } })).json.id as string;
    const doc = (await api.request('GET', '/api/openapi.json')).json as OpenApiDoc;
    const paramValues: Record<string, string> = { id: project, projectId: project, conflictId: randomUUID(), path: 'src/app.ts', provider: 'anthropic' };
    const cases: { method: string; path: string; field: string; in: 'body' | 'query'; query?: string; body?: unknown }[] = [];
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const path = template
          .split('/')
          .map((segment) => (segment.startsWith('{') && segment.endsWith('}') ? (paramValues[segment.slice(1, -1)] ?? 'x') : segment))
          .join('/');
        for (const parameter of operation.parameters ?? []) {
          if (parameter.in !== 'query') continue;
          const kinds = leaves(doc, parameter.schema, []);
          if (kinds.some((l) => l.kind === 'string')) cases.push({ method, path, field: parameter.name, in: 'query', query: `${parameter.name}=a%00b` });
          if (kinds.some((l) => l.kind === 'integer')) for (const n of OUT_OF_RANGE) cases.push({ method, path, field: parameter.name, in: 'query', query: `${parameter.name}=${n}` });
        }
        const body = operation.requestBody?.content['application/json']?.schema;
        for (const leaf of body ? leaves(doc, body, []) : []) {
          const values = leaf.kind === 'string' ? ['a\u0000b'] : OUT_OF_RANGE.map(Number);
          for (const value of values) cases.push({ method, path, field: leaf.path.join('.'), in: 'body', body: setAt(leaf.path, value) });
        }
      }
    }
    // Every string in a body is refused, whatever its place; a NUL in a valid body is no 500 either.
    cases.push({ method: 'post', path: '/api/projects', field: 'name', in: 'body', body: { name: 'a\u0000b', requirements: REQUIREMENTS } });
    cases.push({ method: 'post', path: '/api/projects', field: 'options.x\u0000', in: 'body', body: { name: 'n', requirements: REQUIREMENTS, options: { 'x\u0000': 1 } } });
    cases.push({ method: 'get', path: `/api/projects/${project}/artifacts/src/app.ts`, field: 'version', in: 'query', query: 'version=2147483648' });
    expect(cases.length).to.be.greaterThan(20);
    const wrong: string[] = [];
    for (const c of cases) {
      const response = await api.request(c.method.toUpperCase(), `${c.path}${c.query ? `?${c.query}` : ''}`, { token: admin.token, ...(c.body === undefined ? {} : { body: c.body }) });
      const named = (response.json?.errors as { field: string; in: string }[] | undefined)?.some((e) => e.field === c.field && e.in === c.in);
      if (response.status !== 400 || !named || !/^application\/problem\+json/.test(response.headers.get('content-type') ?? '')) {
        wrong.push(`${c.method} ${c.path} ${c.in}.${JSON.stringify(c.field)} ${c.query ?? JSON.stringify(c.body)} → ${response.status} ${response.text.slice(0, 200)}`);
      }
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
  });
});

/** Beyond PostgreSQL's integer, beyond JavaScript's safe integers, beyond a double. */
const OUT_OF_RANGE = ['2147483648', '9007199254740993', '1e309'];

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

/** The string and integer leaves of a request schema, with their paths (array items at index 0). */
function leaves(doc: OpenApiDoc, schema: Schema, path: string[], depth = 0): { path: string[]; kind: 'string' | 'integer' }[] {
  if (depth > 6) return [];
  if (schema.$ref) return leaves(doc, doc.components.schemas[schema.$ref.split('/').pop() ?? ''] ?? {}, path, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const found: { path: string[]; kind: 'string' | 'integer' }[] = [];
  if (types.includes('string')) found.push({ path, kind: 'string' });
  if (types.includes('integer')) found.push({ path, kind: 'integer' });
  for (const [key, property] of Object.entries(schema.properties ?? {})) found.push(...leaves(doc, property, [...path, key], depth + 1));
  if (schema.items) found.push(...leaves(doc, schema.items, [...path, '0'], depth + 1));
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) found.push(...leaves(doc, branch, path, depth + 1));
  const seen = new Set<string>();
  return found.filter((l) => l.path.length > 0 && !seen.has(`${l.kind}:${l.path.join('.')}`) && seen.add(`${l.kind}:${l.path.join('.')}`));
}

/** `{a: {b: [value]}}` for the path a.b.0. */
function setAt(path: string[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const inner = setAt(rest, value);
  return /^\d+$/.test(head) ? [inner] : { [head]: inner };
}
