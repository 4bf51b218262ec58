// The plan (docs/plan.json): its schema, the deterministic planner, and the analysis agents are chosen from.
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { analysisFromPlan, checkPlanOutput, InvalidPlanError, parsePlan, parsePlanText, PLAN_PATH, planFromAnalysis, renderPlanForPrompt, type PlanInput } from '../../src/agents/plan.js';
import { nonFunctionalNeeds, planFromRequest, stackWishes } from '../../src/agents/plan-from-request.js';
import { selectAgents } from '../../src/agents/selection.js';

const REQUESTS = [
  'examples/todo-app.md',
  'examples/api-only.md',
  ...readdirSync('examples/requests').map((name) => `examples/requests/${name}`),
];

const PLAN: PlanInput = {
  title: 'Invoicing',
  kind: 'api',
  capabilities: { frontend: false, api: true, database: true, realtime: false },
  entities: [{ name: 'Invoice', fields: [{ name: 'due date', type: 'date' }, { name: 'customer', type: 'Customer' }] }, { name: 'Customer' }],
  pages: [{ name: 'Dashboard' }],
  integrations: [{ name: 'Stripe', purpose: 'card payments' }],
};

function invalidAt(value: unknown): string {
  try {
    parsePlan(value);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidPlanError);
    return (error as InvalidPlanError).field;
  }
  throw new Error('the plan was accepted');
}

describe('the plan', () => {
  for (const path of REQUESTS) {
    it(`gives back the analyser's analysis, and so the same agents, for ${path}`, () => {
      const text = readFileSync(path, 'utf8');
      const analysis = analyzeRequest(text);
      const plan = planFromRequest(text);
      expect(analysisFromPlan(plan)).to.deep.equal(analysis);
      expect(selectAgents(analysisFromPlan(plan))).to.deep.equal(selectAgents(analysis));
      // What the workspace holds parses to the same plan.
      expect(parsePlanText(JSON.stringify({ $comment: 'offline', ...plan }))).to.deep.equal(plan);
    });
  }

  it('plans a request written as prose: entities from the tagger, stated needs and technologies', () => {
    const text = 'A small web app where teams track tasks and assign them to members. It must be fast, respond within 200 ms, and be accessible. Built with React and PostgreSQL.';
    const plan = planFromRequest(text);
    expect(plan.entities.map((entity) => entity.name)).to.include.members(['Task', 'Team', 'Member']);
    expect(plan.stack.wishes).to.deep.equal(['React', 'PostgreSQL']);
    expect(plan.nonFunctional).to.deep.equal(['It must be fast, respond within 200 ms, and be accessible.']);
    expect(plan.capabilities.frontend).to.equal(true);
  });

  it('finds stack wishes in the order the request names them, and no needs where none are stated', () => {
    expect(stackWishes('A Flask API on SQLite, deployed with Docker')).to.deep.equal(['Flask', 'SQLite', 'Docker']);
    expect(nonFunctionalNeeds('# Notes\n- Keep notes\n- Tag notes')).to.deep.equal([]);
  });

  it('turns a model plan into the analysis selection reads: names normalised, fields typed, programs without servers', () => {
    const analysis = analysisFromPlan(parsePlan(PLAN));
    expect(analysis.entities).to.deep.equal(['Invoice', 'Customer']);
    expect(analysis.entityFields).to.deep.equal({ Invoice: ['dueDate:Date', 'customer:Customer'], Customer: [] });
    expect(analysis.integrations).to.deep.equal(['stripe']);
    // No web client: the page is dropped.
    expect(analysis.pages).to.deep.equal([]);
    expect(analysis.contexts).to.deep.equal(['billing', 'core']);
    expect(analysis.size).to.equal('small');

    const cli = analysisFromPlan(parsePlan({ ...PLAN, kind: 'cli', capabilities: { frontend: true, api: true, database: true, realtime: false } }));
    expect([cli.hasFrontend, cli.hasApi, cli.hasDatabase]).to.deep.equal([false, false, false]);
    const web = analysisFromPlan(parsePlan({ ...PLAN, kind: 'web-app', capabilities: { ...PLAN.capabilities, frontend: true }, pages: [] }));
    expect(web.pages).to.deep.equal(['Home']);
  });

  it('takes the contexts a plan names, and the subjects selection fans out over', () => {
    const plan = parsePlan({ ...PLAN, entities: [{ name: 'Invoice', context: 'Accounts Receivable' }, { name: 'Customer', context: 'crm' }] });
    const analysis = analysisFromPlan(plan);
    expect(analysis.contextEntities).to.deep.equal({ 'accounts-receivable': ['Invoice'], crm: ['Customer'] });
    const keys = selectAgents(analysis).map((instance) => instance.instanceKey);
    expect(keys).to.include.members(['schema-designer.accounts-receivable', 'schema-designer.crm', 'seed-data-generator.invoice', 'seed-data-generator.customer']);
  });

  it('refuses a plan naming the field at fault', () => {
    expect(invalidAt({ ...PLAN, kind: 'mobile' })).to.equal('kind');
    expect(invalidAt({ ...PLAN, entities: [{ name: '9 lives' }] })).to.equal('entities.0.name');
    expect(invalidAt({ ...PLAN, entities: [{ name: 'Task List' }, { name: 'TaskList' }] })).to.equal('entities.1.name');
    expect(invalidAt({ ...PLAN, entities: [{ name: 'Task', fields: [{ name: 'a/b' }] }] })).to.equal('entities.0.fields.0.name');
    expect(invalidAt({ ...PLAN, capabilities: { frontend: true } })).to.equal('capabilities.api');
    expect(invalidAt({ ...PLAN, entities: Array.from({ length: 13 }, (_, i) => ({ name: `Thing ${String.fromCharCode(65 + i)}` })) })).to.equal('entities');
    expect(invalidAt({ ...PLAN, contradictions: [{ topic: 'hosting', statements: ['only one'] }] })).to.equal('contradictions.0.statements');
    expect(() => parsePlanText('{not json')).to.throw(InvalidPlanError, 'invalid at (root): not JSON');
  });

  it('checks the plan in an agent answer: required when the role produces it, validated whenever present', () => {
    const text = JSON.stringify(PLAN);
    expect(checkPlanOutput([PLAN_PATH], [{ path: PLAN_PATH, content: text }])?.title).to.equal('Invoicing');
    expect(() => checkPlanOutput([PLAN_PATH], [{ path: 'docs/requirements/requirements.md', content: '' }])).to.throw(InvalidPlanError, `has no ${PLAN_PATH}`);
    expect(checkPlanOutput(['docs/x.md'], [])).to.equal(undefined);
    expect(() => checkPlanOutput(['docs/x.md'], [{ path: PLAN_PATH, content: '{}' }])).to.throw(InvalidPlanError, 'invalid at title');
  });

  it('renders the same prompt block for the same plan', () => {
    const plan = planFromAnalysis(analysisFromPlan(parsePlan(PLAN)));
    expect(renderPlanForPrompt(plan)).to.equal(renderPlanForPrompt(parsePlan(JSON.parse(JSON.stringify(plan)))));
    expect(renderPlanForPrompt(plan)).to.include(`## The plan (${PLAN_PATH})`).and.include('"Invoice"');
  });
});
