/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- response bodies are untyped JSON; the assertions check their shape */
/**
 * GET /api/projects/:id/verification and POST /api/projects/:id/accept against the real app: the
 * rounds as the Verification table holds them, ownership (404 for anyone else), the 409 that names
 * the status, the audit row, and a verification_failed project that execute and resume start again.
 */
import { expect } from 'chai';
import { startApiHarness, REQUIREMENTS, type ApiHarness } from './api-harness.js';
import { failVerification } from '../support/verification-fixture.js';

describe('api/verification: the verification of a project and accepting it', function () {
  this.timeout(60_000);
  let api: ApiHarness;
  let token: string;

  before(async () => {
    api = await startApiHarness();
    ({ token } = await api.user('verify'));
  });
  after(async () => {
    await api.close();
  });

  const create = async (name: string): Promise<string> => {
    const created = await api.request('POST', '/api/projects', { token, body: { name, requirements: REQUIREMENTS } });
    expect(created.status, created.text).to.equal(201);
    return created.json.id as string;
  };

  it('answers {latest: null, rounds: []} before any verification, 404 to anyone else, 400 naming a bad id', async () => {
    const id = await create('never verified');
    const none = await api.request('GET', `/api/projects/${id}/verification`, { token });
    expect(none.status).to.equal(200);
    expect(none.json).to.deep.equal({ latest: null, rounds: [] });

    const { token: other } = await api.user('stranger');
    const foreign = await api.request('GET', `/api/projects/${id}/verification`, { token: other });
    expect(foreign.status).to.equal(404);
    expect(foreign.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect((await api.request('POST', `/api/projects/${id}/accept`, { token: other })).status).to.equal(404);
    const bad = await api.request('GET', '/api/projects/nope/verification', { token });
    expect(bad.status).to.equal(400);
    expect(bad.json.errors[0]).to.include({ field: 'id', in: 'params' });
  });

  it('serves every round, newest first, with per-command results, test counts, output tail and the isolation', async () => {
    const id = await create('failing software');
    await failVerification(api.engine.deps, id);
    const got = await api.request('GET', `/api/projects/${id}/verification`, { token });
    expect(got.status, got.text).to.equal(200);
    expect(got.json.rounds.map((r: { round: number }) => r.round)).to.deep.equal([1, 0]);
    expect(got.json.latest).to.deep.equal(got.json.rounds[0]);
    const latest = got.json.latest;
    expect(latest).to.include({ runId: 'r1', round: 1, status: 'failed', profile: 'node-typescript', profileName: 'Node.js / TypeScript', summary: 'tests failed: 1 of 5 (round 1)', durationMs: 9_720 });
    expect(latest.completedAt).to.be.a('string');
    expect(latest.commands).to.have.length(4);
    expect(latest.commands[3]).to.deep.equal({
      phase: 'test',
      label: 'vitest run',
      exitCode: 1,
      passed: false,
      skipped: false,
      durationMs: 3_300,
      limit: null,
      tests: { passed: 4, failed: 1, skipped: 0 },
      outputTail: 'FAIL test/todo.test.ts > creates a todo\nexpected 201, got 500',
    });
    expect(latest.commands[1].tests).to.equal(null);
    expect(latest.isolation).to.include({ network: 'cut', unprivilegedUser: true });
    expect(latest.missingDependencies).to.deep.equal([]);

    const project = await api.request('GET', `/api/projects/${id}`, { token });
    expect(project.json.status).to.equal('verification_failed');
    expect(project.json.failureReason).to.match(/did not pass its checks/);
    const listed = await api.request('GET', '/api/projects?status=verification_failed', { token });
    expect(listed.json.items.map((p: { id: string }) => p.id)).to.deep.equal([id]);
  });

  it('accepts a verification_failed project (audited, project.completed published); 409 naming the status otherwise', async () => {
    const fresh = await create('not verified yet');
    const refused = await api.request('POST', `/api/projects/${fresh}/accept`, { token });
    expect(refused.status).to.equal(409);
    expect(refused.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(refused.json.detail).to.equal('a created project cannot accept');

    const id = await create('accept me');
    await failVerification(api.engine.deps, id);
    const accepted = await api.request('POST', `/api/projects/${id}/accept`, { token });
    expect(accepted.status, accepted.text).to.equal(200);
    expect(accepted.json).to.include({ id, status: 'completed', failureReason: null });
    const audit = await api.engine.deps.prisma.auditLogEntry.findMany({ where: { targetId: id, action: 'project.accept' } });
    expect(audit).to.have.length(1);
    const events = await api.request('GET', `/api/projects/${id}/events`, { token });
    expect(events.json.items.at(-1)).to.deep.include({ type: 'project.completed', data: { acceptedUnverified: true } });
    const again = await api.request('POST', `/api/projects/${id}/accept`, { token });
    expect(again.status).to.equal(409);
    expect(again.json.detail).to.equal('a completed project cannot accept');
  });

  it('execute and resume start a verification_failed project again (202, a new run)', async () => {
    for (const action of ['execute', 'resume']) {
      const id = await create(`${action} after failure`);
      await failVerification(api.engine.deps, id);
      const started = await api.request('POST', `/api/projects/${id}/${action}`, { token });
      expect(started.status, started.text).to.equal(202);
      expect(started.json).to.include({ id, runId: 'r2', started: true, status: 'queued' });
    }
  });

  it('documents both routes and the verification_failed status in the OpenAPI document', async () => {
    const doc = (await api.request('GET', '/api/openapi.json')).json;
    expect(doc.paths['/api/projects/{id}/verification'].get.responses['200'].content['application/json'].schema.$ref).to.equal('#/components/schemas/ProjectVerification');
    expect(Object.keys(doc.paths['/api/projects/{id}/accept'].post.responses)).to.include.members(['200', '404', '409']);
    expect(doc.components.schemas.Project.properties.status.enum).to.include('verification_failed');
    expect(doc.components.schemas.VerificationCommand.properties.tests).to.be.an('object');
  });
});
