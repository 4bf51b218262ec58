/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment -- response bodies are untyped JSON; the assertions check their shape */
/**
 * GET and PUT /api/projects/:id/plan against the real app and in-process workers (offline model):
 * a project with `reviewPlan` stops after the Requirements stage, its plan is shown and edited
 * (400 naming the field, 409 when the plan cannot change), and resume continues from the edit.
 * Every response is checked against the server's OpenAPI document by the harness.
 */
import { expect } from 'chai';
import { startApiHarness, type ApiHarness } from './api-harness.js';

const REQUEST = `# Book lending

A web app with a REST API and a database to manage Books.

## Entities
- Book: title, author
`;

describe('api/plan: reading and editing the plan before the later stages', function () {
  this.timeout(120_000);
  let api: ApiHarness;
  let token: string;

  before(async () => {
    api = await startApiHarness({ engine: { workers: true } });
    ({ token } = await api.user('planner'));
  });
  after(async () => {
    await api.close();
  });

  const create = async (options: Record<string, unknown>): Promise<string> => {
    const created = await api.request('POST', '/api/projects', { token, body: { name: 'library', requirements: REQUEST, options } });
    expect(created.status, created.text).to.equal(201);
    return created.json.id as string;
  };

  it('404 before the Requirements stage wrote a plan, and to anyone else', async () => {
    const id = await create({});
    const none = await api.request('GET', `/api/projects/${id}/plan`, { token });
    expect(none.status).to.equal(404);
    expect(none.json.detail ?? none.json.title).to.match(/plan/);
    const put = await api.request('PUT', `/api/projects/${id}/plan`, { token, body: { title: 'x', kind: 'api', capabilities: { frontend: false, api: true, database: false, realtime: false }, entities: [], pages: [], integrations: [] } });
    expect(put.status).to.equal(409);
  });

  it('stops a reviewPlan project after Requirements; shows, validates and saves the plan; resume continues from it', async () => {
    const id = await create({ reviewPlan: true, excludeStages: [5, 6, 7, 8, 9, 10] });
    const ended = await api.engine.runToEnd(id, () => api.request('POST', `/api/projects/${id}/execute`, { token }));
    expect(ended).to.equal('project.awaiting_plan_review');
    const project = await api.request('GET', `/api/projects/${id}`, { token });
    expect(project.json.status).to.equal('awaiting_plan_review');

    const shown = await api.request('GET', `/api/projects/${id}/plan`, { token });
    expect(shown.status, shown.text).to.equal(200);
    expect(shown.json.editable).to.equal(true);
    expect(shown.json.plan.entities.map((e: { name: string }) => e.name)).to.deep.equal(['Book']);
    const { version, plan } = shown.json;

    const { token: other } = await api.user('stranger');
    expect((await api.request('GET', `/api/projects/${id}/plan`, { token: other })).status).to.equal(404);

    const bad = await api.request('PUT', `/api/projects/${id}/plan`, { token, body: { ...plan, entities: [{ name: '1st', fields: [] }] } });
    expect(bad.status).to.equal(400);
    expect(bad.json.errors[0]).to.include({ field: 'entities.0.name', in: 'body' });

    const edited = { ...plan, entities: [...plan.entities, { name: 'Loan', fields: [{ name: 'book', type: 'Book' }, { name: 'due', type: 'date' }] }] };
    const stale = await api.request('PUT', `/api/projects/${id}/plan?baseVersion=${version + 5}`, { token, body: edited });
    expect(stale.status).to.equal(409);
    const saved = await api.request('PUT', `/api/projects/${id}/plan?baseVersion=${version}`, { token, body: edited });
    expect(saved.status, saved.text).to.equal(200);
    expect(saved.json.version).to.equal(version + 1);
    expect((await api.request('GET', `/api/projects/${id}/plan`, { token })).json.plan.entities.map((e: { name: string }) => e.name)).to.deep.equal(['Book', 'Loan']);

    const resumed = await api.engine.runToEnd(id, () => api.request('POST', `/api/projects/${id}/resume`, { token }));
    expect(resumed).to.equal('project.completed');
    const agents = await api.request('GET', `/api/projects/${id}/agents?limit=500`, { token });
    const keys = (agents.json.items ?? agents.json).map((a: { instanceKey: string }) => a.instanceKey);
    // The API stage fans out per entity: the entity added in the review has its agents.
    expect(keys).to.include.members(['controller-generator.book', 'controller-generator.loan', 'seed-data-generator.loan']);

    const after = await api.request('GET', `/api/projects/${id}/plan`, { token });
    expect(after.json.editable).to.equal(false);
    const late = await api.request('PUT', `/api/projects/${id}/plan`, { token, body: edited });
    expect(late.status).to.equal(409);
    expect(late.json.detail ?? late.json.title).to.match(/cannot change/);
  });
});
