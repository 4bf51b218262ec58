/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- response bodies are untyped JSON; the assertions check their shape */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { REQUIREMENTS, startApiHarness, type ApiHarness } from './api-harness.js';

describe('api/ownership: another user’s project answers 404 on every route', function () {
  let api: ApiHarness;
  let owner: { id: string; token: string };
  let intruder: { token: string };
  let projectId: string;
  let conflictId: string;

  before(async () => {
    api = await startApiHarness();
    owner = await api.user('owner');
    intruder = await api.user('intruder');
    projectId = (await api.request('POST', '/api/projects', { token: owner.token, body: { name: 'private', requirements: REQUIREMENTS } })).json.id as string;
    const { prisma } = api.engine.deps;
    const conflict = await prisma.conflict.create({ data: { projectId, type: 'code', status: 'needs_review', path: 'README.md', ours: 'a', theirs: 'b', raisedBy: 'readme-creator', dedupeKey: randomUUID() } });
    conflictId = conflict.id;
    await prisma.artifact.create({
      data: { projectId, path: 'docs/secret.md', currentVersion: 1, sha256: 'x', versions: { create: { version: 1, content: 'secret', sha256: 'x', author: 'readme-creator', stage: 8 } } },
    });
  });
  after(async () => {
    await api.close();
  });

  const routes = (id: string, conflict: string): [string, string, unknown?][] => [
    ['GET', `/api/projects/${id}`],
    ['PATCH', `/api/projects/${id}`, { name: 'mine now' }],
    ['DELETE', `/api/projects/${id}`],
    ['POST', `/api/projects/${id}/execute`],
    ['POST', `/api/projects/${id}/resume`],
    ['POST', `/api/projects/${id}/cancel`],
    ['GET', `/api/projects/${id}/stages`],
    ['GET', `/api/projects/${id}/agents`],
    ['GET', `/api/projects/${id}/events`],
    ['GET', `/api/projects/${id}/conflicts`],
    ['GET', `/api/projects/${id}/conflicts/${conflict}`],
    ['POST', `/api/projects/${id}/conflicts/${conflict}/resolve`, { take: 'ours' }],
    ['GET', `/api/projects/${id}/artifacts`],
    ['GET', `/api/projects/${id}/artifacts/docs/secret.md`],
    ['GET', `/api/projects/${id}/archive`],
    ['GET', `/api/costs/${id}`],
  ];

  it('answers 404, exactly as for a project that does not exist, and changes nothing', async () => {
    const ghost = randomUUID();
    for (const [method, path, body] of routes(projectId, conflictId)) {
      const theirs = await api.request(method, path, { token: intruder.token, body });
      expect(theirs.status, `${method} ${path}`).to.equal(404);
      expect(theirs.json.code).to.equal('not_found');
      const nothing = await api.request(method, path.replace(projectId, ghost), { token: intruder.token, body });
      expect(nothing.status).to.equal(404);
      const comparable = (p: Record<string, unknown>) => ({ ...p, requestId: undefined, instance: undefined });
      expect(comparable(theirs.json), `${method} ${path}`).to.deep.equal(comparable(nothing.json));
    }
    const project = await api.engine.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(project).to.include({ status: 'created', name: 'private' });
    expect((await api.engine.deps.prisma.conflict.findUniqueOrThrow({ where: { id: conflictId } })).status).to.equal('needs_review');
  });

  it('keeps the project out of the intruder’s list and costs', async () => {
    const list = await api.request('GET', '/api/projects', { token: intruder.token });
    expect(list.json.items).to.deep.equal([]);
    const costs = await api.request('GET', `/api/costs?userId=${owner.id}`, { token: intruder.token });
    expect(costs.status).to.equal(403);
  });

  it('lets the owner and an admin in', async () => {
    const admin = await api.admin();
    for (const token of [owner.token, admin.token]) {
      for (const path of [`/api/projects/${projectId}`, `/api/projects/${projectId}/conflicts/${conflictId}`, `/api/projects/${projectId}/artifacts/docs/secret.md`, `/api/costs/${projectId}`]) {
        expect((await api.request('GET', path, { token })).status, path).to.equal(200);
      }
    }
    const all = await api.request('GET', '/api/projects?scope=all&limit=100', { token: admin.token });
    expect(all.json.items.map((p: { id: string }) => p.id)).to.include(projectId);
    expect((await api.request('GET', `/api/costs?userId=${owner.id}`, { token: admin.token })).status).to.equal(200);
  });
});
