/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- response bodies are untyped JSON; the assertions check their shape */
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startApiHarness, type ApiHarness } from './api-harness.js';

describe('api/projects: the contract end to end', function () {
  this.timeout(180_000);
  let api: ApiHarness;
  let token: string;
  let userId: string;

  before(async () => {
    api = await startApiHarness({ engine: { workers: true } });
    ({ token, id: userId } = await api.user());
  });
  after(async () => {
    await api.close();
  });

  const create = async (name = 'todo', extra: Record<string, unknown> = {}) => {
    const requirements = await readFile('examples/todo-app.md', 'utf8');
    const response = await api.request('POST', '/api/projects', { token, body: { name, requirements, ...extra } });
    expect(response.status, response.text).to.equal(201);
    return response.json as { id: string; status: string; createdAt: string };
  };

  it('creates a project, validates the body naming the field, and pages through the list', async () => {
    const created = await api.request('POST', '/api/projects', { token, body: { name: 'first', requirements: 'An API for notes with tags and search.', budgetUsd: 2.5 } });
    expect(created.status).to.equal(201);
    expect(created.json).to.include({ status: 'created', name: 'first', ownerId: userId });
    expect(created.json.budget).to.deep.equal({ micros: '2500000', usd: 2.5 });
    expect(created.headers.get('location')).to.equal(`/api/projects/${created.json.id}`);

    const missing = await api.request('POST', '/api/projects', { token, body: { name: 'x' } });
    expect(missing.status).to.equal(400);
    expect(missing.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(missing.json.errors).to.deep.include({ field: 'requirements', in: 'body', message: 'Invalid input: expected string, received undefined' });
    const extra = await api.request('POST', '/api/projects', { token, body: { name: 'x', requirements: 'An API for notes with tags.', owner: 'me' } });
    expect(extra.json.errors[0]).to.include({ field: 'owner', in: 'body' });
    const negative = await api.request('POST', '/api/projects', { token, body: { name: 'x', requirements: 'An API for notes with tags.', budgetUsd: -1 } });
    expect(negative.json.errors[0].field).to.equal('budgetUsd');

    const { token: other } = await api.user('pager');
    for (const name of ['p1', 'p2', 'p3']) await api.request('POST', '/api/projects', { token: other, body: { name, requirements: 'An API for notes with tags and search.' } });
    const page1 = await api.request('GET', '/api/projects?limit=2', { token: other });
    expect(page1.json.items.map((p: { name: string }) => p.name)).to.deep.equal(['p3', 'p2']);
    const page2 = await api.request('GET', `/api/projects?limit=2&cursor=${page1.json.nextCursor}`, { token: other });
    expect(page2.json.items.map((p: { name: string }) => p.name)).to.deep.equal(['p1']);
    expect(page2.json.nextCursor).to.equal(null);
    expect((await api.request('GET', '/api/projects?cursor=bogus', { token: other })).json.errors[0]).to.include({ field: 'cursor', in: 'query' });
    expect((await api.request('GET', '/api/projects?limit=1000', { token: other })).status).to.equal(400);
    expect((await api.request('GET', '/api/projects?scope=all', { token: other })).status).to.equal(403);
  });

  it('executes a project to completion and serves its stages, agents, events, artifacts, archive and costs', async () => {
    const project = await create('todo app');
    let accepted: { status: number; json: Record<string, unknown> } | undefined;
    const end = await api.engine.runToEnd(project.id, async () => {
      accepted = await api.request('POST', `/api/projects/${project.id}/execute`, { token });
    });
    expect(accepted?.status).to.equal(202);
    expect(accepted?.json).to.include({ id: project.id, runId: 'r1', started: true, status: 'queued' });
    expect(end).to.equal('project.completed');

    const got = await api.request('GET', `/api/projects/${project.id}`, { token });
    expect(got.json.createdAt).to.equal(project.createdAt);
    expect(got.json.options).to.deep.equal({});
    expect(got.json.budget).to.deep.equal({ micros: '10000000', usd: 10 });
    expect(got.json).to.include({ status: 'completed', runId: 'r1', failureReason: null });
    expect(got.json.progress).to.include({ stagesCompleted: 10, stagesTotal: 10, percent: 100, agentsFailed: 0 });
    expect(got.json.currentStage).to.deep.equal({ number: 10, key: 'qa', name: 'Quality Assurance' });
    expect(got.json.completedAt).to.be.a('string');

    const metrics = await api.request('GET', '/metrics');
    expect(metrics.text).to.match(/^zekka_agent_execution_seconds_count\{stage="1",agent="requirements-parser",outcome="completed"\} [1-9]/m);
    expect(metrics.text).to.match(/^zekka_http_requests_total\{method="POST",route="\/api\/projects\/:id\/execute",status="202"\} 1$/m);

    const stages = await api.request('GET', `/api/projects/${project.id}/stages`, { token });
    expect(stages.json.items.map((s: { stage: number }) => s.stage)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const agents = await api.request('GET', `/api/projects/${project.id}/agents?stage=1`, { token });
    expect(agents.json.items.length).to.be.greaterThan(0);
    expect(agents.json.items.every((a: { stage: number; status: string }) => a.stage === 1 && a.status === 'completed')).to.equal(true);
    const events = await api.request('GET', `/api/projects/${project.id}/events?after=0&limit=5000`, { token });
    expect(events.json.items[0].type).to.equal('project.created');
    expect(events.json.items.at(-1).type).to.equal('project.completed');
    expect(events.json.lastSeq).to.equal(events.json.items.at(-1).seq);

    const artifacts = await api.request('GET', `/api/projects/${project.id}/artifacts`, { token });
    const paths = artifacts.json.items.map((a: { path: string }) => a.path) as string[];
    expect(paths).to.include('zekka-manifest.json');
    const nested = artifacts.json.items.find((a: { path: string }) => a.path.includes('/')) as { path: string; bytes: number; sha256: string };
    const raw = await api.request('GET', `/api/projects/${project.id}/artifacts/${nested.path}`, { token });
    expect(raw.status).to.equal(200);
    expect(raw.headers.get('content-type')).to.match(nested.path.endsWith('.json') ? /^application\/json/ : /^text\/plain/);
    expect(raw.headers.get('content-security-policy')).to.include('sandbox');
    expect(Buffer.byteLength(raw.text)).to.equal(nested.bytes);
    const asJson = await api.request('GET', `/api/projects/${project.id}/artifacts/${nested.path}?format=json&version=1`, { token });
    expect(asJson.json).to.include({ path: nested.path, version: 1 });
    expect((await api.request('GET', `/api/projects/${project.id}/artifacts/no/such/file.ts`, { token })).status).to.equal(404);
    const download = await api.request('GET', `/api/projects/${project.id}/artifacts/zekka-manifest.json?download=true`, { token });
    expect(download.headers.get('content-disposition')).to.match(/^attachment; filename="zekka-manifest.json"/);

    const tar = await fetch(`${api.url}/api/projects/${project.id}/archive`, { headers: { authorization: `Bearer ${token}` } });
    expect(tar.headers.get('content-type')).to.equal('application/gzip');
    expect(tar.headers.get('content-disposition')).to.include('todo-app.tar.gz');
    const tarText = gunzipSync(Buffer.from(await tar.arrayBuffer())).toString('latin1');
    for (const path of paths) expect(tarText).to.include(`todo-app/${path}`.slice(0, 99));
    const zip = await fetch(`${api.url}/api/projects/${project.id}/archive?format=zip`, { headers: { authorization: `Bearer ${token}` } });
    const zipBytes = Buffer.from(await zip.arrayBuffer());
    expect(zipBytes.subarray(0, 2).toString()).to.equal('PK');
    expect(zipBytes.toString('latin1')).to.include('todo-app/zekka-manifest.json');

    // Costs: the offline model's calls are free; add two priced calls to the ledger.
    for (const [model, micros] of [['claude-sonnet-4-6', 1_500_000n], ['gemini-2.5-pro', 250_000n]] as const) {
      await api.engine.deps.prisma.costLedgerEntry.create({
        data: { idempotencyKey: randomUUID(), projectId: project.id, userId, provider: model.startsWith('claude') ? 'anthropic' : 'gemini', model, inputTokens: 1000, outputTokens: 500, costMicros: micros, latencyMs: 10 },
      });
    }
    const costs = await api.request('GET', '/api/costs', { token });
    expect(costs.status).to.equal(200);
    expect(costs.json.total).to.include({ costMicros: '1750000', costUsd: 1.75 });
    expect(costs.json.total.calls).to.be.at.least(2);
    expect(costs.json.byModel[0]).to.include({ model: 'claude-sonnet-4-6' });
    expect(costs.json.byProject[0]).to.include({ projectId: project.id });
    expect(costs.json.byDay).to.have.length(1);
    const future = await api.request('GET', '/api/costs?from=2999-01-01', { token });
    expect(future.json.total.calls).to.equal(0);
    expect((await api.request('GET', '/api/costs?from=yesterday', { token })).json.errors[0].field).to.equal('from');
    const projectCosts = await api.request('GET', `/api/costs/${project.id}`, { token });
    expect(projectCosts.json).to.include({ projectId: project.id });
    expect(projectCosts.json.total.costMicros).to.equal('1750000');

    expect((await api.request('POST', `/api/projects/${project.id}/execute`, { token })).status).to.equal(409);
    const renamed = await api.request('PATCH', `/api/projects/${project.id}`, { token, body: { name: 'renamed', budgetUsd: 20 } });
    expect(renamed.json).to.include({ name: 'renamed' });
    expect(renamed.json.budget.usd).to.equal(20);
    expect((await api.request('PATCH', `/api/projects/${project.id}`, { token, body: {} })).status).to.equal(400);

    expect((await api.request('DELETE', `/api/projects/${project.id}`, { token })).status).to.equal(204);
    expect((await api.request('GET', `/api/projects/${project.id}`, { token })).status).to.equal(404);
  });

  it('cancels, refuses to delete an active project, resumes to completion', async () => {
    const project = await create('cancel me');
    expect((await api.request('POST', `/api/projects/${project.id}/cancel`, { token })).json.status).to.equal('cancelled');
    expect((await api.request('POST', `/api/projects/${project.id}/cancel`, { token })).status).to.equal(409);
    let resumed: { status: number; json: Record<string, unknown> } | undefined;
    const end = await api.engine.runToEnd(project.id, async () => {
      resumed = await api.request('POST', `/api/projects/${project.id}/resume`, { token });
      expect((await api.request('DELETE', `/api/projects/${project.id}`, { token })).status).to.equal(409);
    });
    expect(resumed?.status).to.equal(202);
    expect(resumed?.json).to.include({ started: true, runId: 'r1' });
    expect(end).to.equal('project.completed');
    expect((await api.request('POST', `/api/projects/${project.id}/resume`, { token })).status).to.equal(409);

    // Deleting the project keeps its spend in the user's totals (the ledger is history).
    const before = await api.request('GET', '/api/costs', { token });
    expect(before.json.total.calls).to.be.greaterThan(0);
    expect((await api.request('DELETE', `/api/projects/${project.id}`, { token })).status).to.equal(204);
    const after = await api.request('GET', '/api/costs', { token });
    expect(after.json.total).to.deep.equal(before.json.total);
    expect(after.json.byProject.find((p: { projectId: string | null }) => p.projectId === null)?.projectName).to.equal('(deleted projects)');
  });

  it('shows a conflict that waits for review and resolves it by hand', async () => {
    api.engine.provider.intercept = async (request, offline) => {
      const answer = await offline();
      const { agentId } = request.task;
      if (agentId !== 'middleware-developer' && agentId !== 'error-handler') return answer;
      const parsed = JSON.parse(answer.text) as { files: { path: string; content: string }[] };
      for (const file of parsed.files) if (file.path === 'src/server/app.ts') file.content = file.content.replace(/^.*$/m, `// first line rewritten by ${agentId}`);
      return { ...answer, text: JSON.stringify(parsed) };
    };
    try {
      const requirements = await readFile('examples/api-only.md', 'utf8');
      const project = (await api.request('POST', '/api/projects', { token, body: { name: 'conflicted', requirements } })).json as { id: string };
      const paused = await api.engine.runToEnd(project.id, () => api.request('POST', `/api/projects/${project.id}/execute`, { token }));
      expect(paused).to.equal('project.needs_review');
      const waiting = await api.request('GET', `/api/projects/${project.id}/conflicts?status=needs_review`, { token });
      expect(waiting.json.items).to.have.length(1);
      const conflict = waiting.json.items[0] as { id: string; type: string; path: string };
      expect(conflict).to.include({ type: 'code', path: 'src/server/app.ts' });
      const detail = await api.request('GET', `/api/projects/${project.id}/conflicts/${conflict.id}`, { token });
      expect(detail.json.theirs).to.be.a('string');
      expect((await api.request('POST', `/api/projects/${project.id}/conflicts/${conflict.id}/resolve`, { token, body: { take: 'both' } })).status).to.equal(400);

      let answered: { status: number; json: Record<string, unknown> } | undefined;
      const end = await api.engine.runToEnd(project.id, async () => {
        answered = await api.request('POST', `/api/projects/${project.id}/conflicts/${conflict.id}/resolve`, { token, body: { take: 'theirs' } });
      });
      expect(answered?.status).to.equal(202);
      expect(end).to.equal('project.completed');
      const settled = await api.request('GET', `/api/projects/${project.id}/conflicts/${conflict.id}`, { token });
      expect(settled.json).to.include({ status: 'resolved', strategy: 'manual' });
      expect((await api.request('POST', `/api/projects/${project.id}/conflicts/${conflict.id}/resolve`, { token, body: { take: 'ours' } })).status).to.equal(409);
    } finally {
      api.engine.provider.intercept = undefined;
    }
  });
});
