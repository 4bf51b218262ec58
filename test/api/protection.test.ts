/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- response bodies are untyped JSON; the assertions check their shape */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { createApp } from '../../src/api/app.js';
import { startApiServer } from '../../src/api/server.js';
import type { ProjectService } from '../../src/engine/project-service.js';
import { httpRequest, REQUIREMENTS, startApiHarness, testApiOptions, type ApiHarness } from './api-harness.js';
import { parsePrometheusText } from './prometheus-text.js';

const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'instance', 'requestId', 'code'];

describe('api/protection', function () {
  let api: ApiHarness;
  let token: string;

  before(async () => {
    api = await startApiHarness();
    ({ token } = await api.user());
  });
  after(async () => {
    await api.close();
  });

  it('answers malformed JSON 400, an oversized body 413 and an unknown route 404, all as problem+json', async () => {
    const malformed = await api.request('POST', '/api/projects', { token, rawBody: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).to.equal(400);
    expect(malformed.json.code).to.equal('malformed_json');
    const big = await api.request('POST', '/api/projects', { token, body: { name: 'big', requirements: 'x'.repeat(70 * 1024) } });
    expect(big.status).to.equal(413);
    expect(big.json.code).to.equal('payload_too_large');
    const unknown = await api.request('GET', '/api/nothing/here?x=1', { token });
    expect(unknown.status).to.equal(404);
    expect(unknown.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(Object.keys(unknown.json)).to.have.members(PROBLEM_KEYS);
    expect(unknown.json).to.include({ status: 404, title: 'Not Found', instance: '/api/nothing/here', type: 'urn:zekka:problem:not_found' });
    expect(unknown.json.requestId).to.equal(unknown.headers.get('x-request-id'));
    for (const r of [malformed, big]) expect(Object.keys(r.json)).to.include.members(PROBLEM_KEYS);
    const badParam = await api.request('GET', '/api/projects/not-a-uuid', { token });
    expect(badParam.json.errors[0]).to.include({ field: 'id', in: 'params' });
    const badEncoding = await api.request('GET', '/api/projects/%E0%A4%A', { token });
    expect(badEncoding.status).to.equal(400);
  });

  it('hides internal errors behind a generic 500 with the request id', async () => {
    const failing = { create: () => Promise.reject(new Error('connection to 10.0.0.7 refused: secret detail')) } as unknown as ProjectService;
    const app = createApp({ engine: api.engine.deps, projects: failing }, testApiOptions());
    const server = await startApiServer(app, { port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${server.url}/api/projects`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': 'trace-me-123' },
        body: JSON.stringify({ name: 'x', requirements: REQUIREMENTS }),
      });
      const text = await response.text();
      expect(response.status).to.equal(500);
      expect(text).to.not.match(/secret|10\.0\.0\.7|\.ts:\d+/);
      expect(JSON.parse(text)).to.include({ code: 'internal_error', detail: 'internal error', requestId: 'trace-me-123' });
    } finally {
      await server.close();
    }
  });

  it('sets request ids, helmet headers and CORS only for allowed origins', async () => {
    const mine = await api.request('GET', '/health', { headers: { 'x-request-id': 'abc-123', origin: 'https://app.example.com' } });
    expect(mine.headers.get('x-request-id')).to.equal('abc-123');
    expect(mine.headers.get('access-control-allow-origin')).to.equal('https://app.example.com');
    expect(mine.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(mine.headers.get('content-security-policy')).to.include("default-src 'self'");
    expect(mine.headers.get('x-powered-by')).to.equal(null);
    const theirs = await api.request('GET', '/health', { headers: { 'x-request-id': 'bad id with spaces', origin: 'https://evil.example.com' } });
    expect(theirs.headers.get('access-control-allow-origin')).to.equal(null);
    expect(theirs.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const preflight = await api.request('OPTIONS', '/api/projects', { headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(preflight.status).to.equal(204);
  });

  it('limits registrations per address, with counters every replica shares', async () => {
    const limited = await startApiHarness({ api: { rateLimit: { windowMs: 60_000, max: 100_000, authWindowMs: 60_000, authMaxPerIp: 2 } } });
    try {
      const register = (url: string) => httpRequest(url, 'POST', '/api/auth/register', { body: { email: `reg-${randomUUID()}@example.com`, password: 'long enough password' } });
      for (let i = 0; i < 2; i++) expect((await register(limited.url)).status).to.equal(201);
      const refused = await register(limited.url);
      expect(refused.status).to.equal(429);
      expect(refused.json.code).to.equal('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
      // A second replica with the same Redis counters refuses the address too.
      const server = await startApiServer(createApp({ engine: limited.engine.deps }, limited.options), { port: 0, host: '127.0.0.1' });
      try {
        expect((await register(server.url)).status).to.equal(429);
      } finally {
        await server.close();
      }
    } finally {
      await limited.close();
    }
  });

  it('reports readiness, naming what failed', async () => {
    const ready = await api.request('GET', '/health/ready');
    expect(ready.status).to.equal(200);
    expect(ready.json).to.deep.include({ status: 'ready', failed: [] });
    const models = { providers: [{ name: 'offline', configured: true, answers: true }], tiers: [{ tier: 'premium', uses: 'offline:offline-premium' }] };
    const app = createApp(
      { engine: api.engine.deps, checks: { database: () => Promise.resolve({ ok: true }), redis: () => Promise.resolve({ ok: false, error: 'no answer within 1000 ms' }) }, modelReport: () => Promise.resolve(models) },
      testApiOptions(),
    );
    const server = await startApiServer(app, { port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${server.url}/health/ready`);
      expect(response.status).to.equal(503);
      expect(await response.json()).to.deep.include({ status: 'not ready', failed: ['redis'], models });
    } finally {
      await server.close();
    }
  });

  it('serves an OpenAPI 3.1 document that passes Redocly’s recommended rules, and Swagger UI without a CDN', async () => {
    const doc = await api.request('GET', '/api/openapi.json');
    expect(doc.json.openapi).to.equal('3.1.0');
    const paths = Object.keys(doc.json.paths as object);
    for (const path of ['/api/auth/register', '/api/auth/login', '/api/auth/me', '/api/auth/api-keys', '/api/auth/api-keys/{id}', '/api/auth/provider-keys', '/api/projects', '/api/projects/{id}', '/api/projects/{id}/execute', '/api/projects/{id}/cancel', '/api/projects/{id}/resume', '/api/projects/{id}/stages', '/api/projects/{id}/agents', '/api/projects/{id}/conflicts', '/api/projects/{id}/conflicts/{conflictId}/resolve', '/api/projects/{id}/artifacts', '/api/projects/{id}/artifacts/{path}', '/api/projects/{id}/archive', '/api/costs', '/api/costs/{projectId}', '/api/metrics', '/health', '/health/ready', '/metrics']) {
      expect(paths, path).to.include(path);
    }
    expect(doc.json.paths['/api/projects'].post.requestBody.content['application/json'].schema.$ref).to.equal('#/components/schemas/CreateProjectRequest');
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: doc.text, absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`)).to.deep.equal([]);
    // The linter does find faults: the same document with an operation stripped of its summary.
    const broken = JSON.parse(doc.text) as { paths: Record<string, Record<string, { summary?: unknown }>> };
    delete broken.paths['/api/projects']!.post!.summary;
    const brokenProblems = await lintFromString({ source: JSON.stringify(broken), absoluteRef: 'broken.json', config });
    expect(brokenProblems.some((p) => p.severity === 'error')).to.equal(true);

    const ui = await api.request('GET', '/api/docs/');
    expect(ui.status).to.equal(200);
    expect(ui.text).to.include('swagger-ui-bundle.js');
    expect((ui.text.match(/https?:\/\/[^"'\s]+/g) ?? []).filter((url) => url.includes('.js'))).to.deep.equal([]);
    const bundle = await fetch(`${api.url}/api/docs/swagger-ui-bundle.js`);
    expect(bundle.status).to.equal(200);
    expect(bundle.headers.get('content-type')).to.match(/javascript/);
  });

  it('exposes Prometheus metrics with the design’s names, and the system figures as JSON', async () => {
    await api.request('GET', '/api/projects', { token });
    const response = await api.request('GET', '/metrics');
    expect(response.headers.get('content-type')).to.match(/^text\/plain;.*version=0\.0\.4/);
    const families = parsePrometheusText(response.text);
    for (const [name, type] of Object.entries({
      zekka_http_request_duration_seconds: 'histogram',
      zekka_http_requests_total: 'counter',
      zekka_active_projects: 'gauge',
      zekka_active_agents: 'gauge',
      zekka_agent_execution_seconds: 'histogram',
      zekka_token_cost_usd_total: 'counter',
      zekka_conflicts_detected_total: 'counter',
      zekka_conflicts_resolved_total: 'counter',
      zekka_conflict_resolution_rate: 'gauge',
      zekka_queue_jobs: 'gauge',
    })) {
      expect(families.get(name)?.type, name).to.equal(type);
    }
    const requests = families.get('zekka_http_requests_total')?.samples ?? [];
    expect(requests.some((s) => s.labels.route === '/api/projects' && s.labels.status === '200' && s.labels.method === 'GET')).to.equal(true);
    expect(requests.every((s) => !s.labels.route?.includes('nothing'))).to.equal(true);
    expect((families.get('zekka_queue_jobs')?.samples ?? []).filter((s) => s.labels.state === 'waiting')).to.have.length(68);

    const admin = await api.admin();
    const json = await api.request('GET', '/api/metrics', { token: admin.token });
    expect(json.json.scope).to.equal('all');
    expect(json.json.queues).to.have.length(68);
    expect(json.json).to.include.keys('activeProjects', 'activeAgents', 'throughput', 'queueTotals', 'projectsByStatus');
    expect((await api.request('GET', '/api/metrics')).status).to.equal(401);
  });

  it('shows a user the figures of their own projects only, and queue depths to admins only', async () => {
    const [alice, bob, admin] = await Promise.all([api.user('alice'), api.user('bob'), api.admin()]);
    for (const name of ['a1', 'a2']) expect((await api.request('POST', '/api/projects', { token: alice.token, body: { name, requirements: REQUIREMENTS } })).status).to.equal(201);
    const everyone = (await api.request('GET', '/api/metrics', { token: admin.token })).json as MetricsBody;
    expect(everyone).to.include({ scope: 'all' }).and.to.include.keys('queues', 'queueTotals');
    const mine = (await api.request('GET', '/api/metrics', { token: alice.token })).json as MetricsBody;
    expect(mine).to.include({ scope: 'mine', activeProjects: 0, activeAgents: 0 });
    expect(mine.projectsByStatus).to.deep.equal({ created: 2 });
    expect(mine).to.not.have.any.keys('queues', 'queueTotals');
    const theirs = (await api.request('GET', '/api/metrics', { token: bob.token })).json as MetricsBody;
    expect(theirs).to.include({ scope: 'mine', activeProjects: 0 });
    expect(theirs.projectsByStatus).to.deep.equal({});
    expect(theirs).to.not.have.any.keys('queues', 'queueTotals');
  });
});

interface MetricsBody {
  scope: string;
  activeProjects: number;
  projectsByStatus: Record<string, number>;
}
