/**
 * Planning from the model: with a real provider (the fake Anthropic server, through the SDK), the
 * Requirements Parser's plan (docs/plan.json) — not the request's headings — chooses the later
 * stages' agents, instances and subjects. A plan that breaks the schema fails the attempt, naming
 * the field, and the retry's valid plan is the one used. With `reviewPlan` the run stops after the
 * Requirements stage; an edited plan is what the resumed run chooses from.
 */
import { expect } from 'chai';
import { parseEnv } from '../../src/config/env.js';
import { PLAN_PATH, type PlanInput } from '../../src/agents/plan.js';
import { ProjectPlans } from '../../src/engine/project-plans.js';
import { createModelRouter } from '../../src/models/router/create-router.js';
import { OfflineProvider } from '../../src/offline-model/offline-provider.js';
import { FakeAnthropicServer } from '../support/fake-anthropic-server.js';
import type { FakeReply, RecordedRequest } from '../support/fake-http-server.js';
import { createHarness, type Harness } from '../support/engine-harness.js';

/** The request names Tasks and Projects (and a web UI): the analyser would choose those. */
const REQUEST = `# Team tasks

A web app to manage Tasks and Projects.

## Entities
- Task: title, due date
- Project: name
`;

/** The model's plan names other entities: an invoicing API with no web client. */
const MODEL_PLAN: PlanInput = {
  version: 1,
  title: 'Invoicing',
  summary: 'Invoices for customers.',
  kind: 'api',
  stack: { language: 'typescript', wishes: ['PostgreSQL'] },
  capabilities: { frontend: false, api: true, database: true, realtime: false },
  entities: [
    { name: 'Invoice', fields: [{ name: 'total', type: 'number' }, { name: 'customer', type: 'Customer' }], context: 'billing' },
    { name: 'Customer', fields: [{ name: 'email', type: 'string' }], context: 'billing' },
  ],
  pages: [],
  integrations: [],
  nonFunctional: ['Responds within 200 ms'],
  contradictions: [],
};

function promptOf(request: RecordedRequest): { system: string; prompt: string } {
  const body = request.body as { system?: string | { text: string }[]; messages?: { content: string | { text?: string }[] }[] };
  const text = (value: string | { text?: string }[] | undefined): string => (typeof value === 'string' ? value : (value ?? []).map((part) => part.text ?? '').join(''));
  return { system: text(body.system), prompt: (body.messages ?? []).map((message) => text(message.content)).join('\n') };
}

const answer = (files: { path: string; content: string }[]): FakeReply => ({ kind: 'ok', text: JSON.stringify({ summary: 'done', files }), inputTokens: 100, outputTokens: 50 });

describe('planning from the model', function () {
  this.timeout(120_000);
  let fake: FakeAnthropicServer | undefined;
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    await fake?.close();
    h = fake = undefined;
  });

  /** A scripted model: the parser's plan (invalid on its first call when asked), the critical Requirements files; nothing from other roles. */
  async function start(options: { invalidFirst: boolean }): Promise<void> {
    fake = await new FakeAnthropicServer().start();
    let parserCalls = 0;
    fake.responder = (request) => {
      const { system } = promptOf(request);
      // The role's own instructions follow the project's shared block (src/agents/prompt.ts).
      if (system.includes('## Your role\nYou are a requirements analyst')) {
        parserCalls++;
        const plan = options.invalidFirst && parserCalls === 1 ? { ...MODEL_PLAN, entities: [{ name: '9 lives', fields: [] }] } : MODEL_PLAN;
        return answer([
          { path: 'docs/requirements/requirements.md', content: '# Invoicing\n' },
          { path: PLAN_PATH, content: JSON.stringify(plan) },
        ]);
      }
      if (system.includes('## Your role\nYou turn the request into testable acceptance criteria')) return answer([{ path: 'docs/requirements/acceptance-criteria.md', content: '- AC-001\n' }]);
      return answer([]);
    };
    const model = 'anthropic:claude-sonnet-4-6';
    const env = parseEnv({ ANTHROPIC_API_KEY: FakeAnthropicServer.apiKey, ANTHROPIC_BASE_URL: fake.url, MODELS_PREMIUM: model, MODELS_STANDARD: model, MODELS_ECONOMY: model, MODEL_TIMEOUT_MS: '5000' });
    const { router } = createModelRouter({ env, offline: new OfflineProvider() });
    h = await createHarness({ models: router });
  }

  async function agentRuns(projectId: string, stage: number): Promise<{ instanceKey: string; error: string | null; attempt: number }[]> {
    return (h as Harness).database.sql.query(
      `SELECT r."instanceKey" AS "instanceKey", r."error", r."attempt" FROM "AgentRun" r JOIN "StageRun" s ON s."id" = r."stageRunId" WHERE r."projectId" = $1::uuid AND s."stage" = $2 ORDER BY 1`,
      [projectId, stage],
    );
  }

  it('the plan from the model drives agent selection, after an invalid plan is retried', async () => {
    await start({ invalidFirst: true });
    const harness = h as Harness;
    // Architecture is skipped so the Database stage, whose roles fan out per entity and context, comes next.
    const projectId = await harness.createProject({ requirements: REQUEST, options: { excludeStages: [2] } });
    const end = await harness.runToEnd(projectId);
    // The scripted model writes nothing for the Database stage's critical role: the run fails there.
    expect(end).to.equal('project.failed');

    const parser = (await agentRuns(projectId, 1)).find((run) => run.instanceKey === 'requirements-parser');
    expect(parser?.attempt).to.equal(2);
    const events = await harness.deps.events.replay(projectId);
    const retried = events.find((event) => event.type === 'agent.retrying' && event.data.instanceKey === 'requirements-parser');
    expect(String(retried?.data.error)).to.include('entities.0.name');

    // Stage 1 ran from the request (the analyser): stories per Task and Project.
    expect((await agentRuns(projectId, 1)).map((run) => run.instanceKey)).to.include.members(['user-story-generator.task', 'user-story-generator.project']);
    // Stage 3 ran from the model's plan: its entities and its context, none of the request's.
    const database = (await agentRuns(projectId, 3)).map((run) => run.instanceKey);
    expect(database).to.include.members(['schema-designer.billing', 'seed-data-generator.invoice', 'seed-data-generator.customer']);
    expect(database.filter((key) => key.endsWith('.task') || key.endsWith('.project'))).to.deep.equal([]);

    // The agents were told their subject, and given the plan (in the system blocks every agent shares).
    const seed = (fake as FakeAnthropicServer).requests.map(promptOf).find((p) => p.prompt.includes('## Your subject\nInvoice'));
    expect(seed?.system).to.include(`## The plan (${PLAN_PATH})`);
    expect(seed?.system).to.include('"name": "Customer"');
  });

  it('reviewPlan stops the run after the Requirements stage; the edited plan chooses the later agents', async () => {
    await start({ invalidFirst: false });
    const harness = h as Harness;
    const projectId = await harness.createProject({ requirements: REQUEST, options: { excludeStages: [2], reviewPlan: true } });
    expect(await harness.runToEnd(projectId)).to.equal('project.awaiting_plan_review');
    expect((await harness.projects.get(projectId)).status).to.equal('awaiting_plan_review');
    expect(await agentRuns(projectId, 3)).to.deep.equal([]);

    const plans = new ProjectPlans(harness.deps);
    const shown = await plans.get(projectId);
    expect(shown.editable).to.equal(true);
    expect(shown.plan.entities.map((entity) => entity.name)).to.deep.equal(['Invoice', 'Customer']);
    await plans.replace(projectId, { ...shown.plan, entities: [...shown.plan.entities, { name: 'Payment', fields: [{ name: 'amount', type: 'number' }], context: 'billing' }] }, shown.version);

    expect(await harness.runToEnd(projectId, () => harness.projects.resume(projectId))).to.equal('project.failed');
    const database = (await agentRuns(projectId, 3)).map((run) => run.instanceKey);
    expect(database).to.include.members(['seed-data-generator.invoice', 'seed-data-generator.customer', 'seed-data-generator.payment']);
    // Once a later stage has started from it, the plan is no longer editable.
    expect((await plans.get(projectId)).editable).to.equal(false);
  });
});
