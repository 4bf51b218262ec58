/**
 * Prompt caching, from the wire to the cost report: agent prompts (src/agents/prompt.ts) go through
 * the real Anthropic SDK to the fake server, which simulates Anthropic's prompt cache; the budget
 * guard prices each call's cache reads and writes at Claude's own rates, the ledger keeps them
 * apart, and the cost report shows what caching saved.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { getRole } from '../../src/agents/catalog/index.js';
import { renderPrompt, renderSystemPrompt } from '../../src/agents/prompt.js';
import { CostReport } from '../../src/economics/cost-report.js';
import { createBudgetGuard } from '../../src/economics/project-budget-guard.js';
import { AnthropicProvider } from '../../src/models/providers/anthropic-provider.js';
import { SingleProviderRouter } from '../../src/models/model-router.js';
import { FakeAnthropicServer } from '../support/fake-anthropic-server.js';
import { PromptCacheSimulation } from '../support/prompt-cache-simulation.js';
import { testNamespace } from '../support/environment.js';
import { sampleTask } from '../models/model-fixtures.js';
import { createProject, openFixture, type EconomicsFixture, type TestProject } from './economics-fixtures.js';

/** A request long enough to be cached (Anthropic caches prefixes of 1,024 tokens and more). */
const REQUEST = ['# Inventory', '', ...Array.from({ length: 120 }, (_, i) => `- Requirement ${i}: items are tracked by warehouse, shelf and batch number.`)].join('\n');
const CONTEXT = [{ path: 'docs/requirements.md', version: 1, content: 'The inventory tracks items.\n'.repeat(300) }];

describe('economics: prompt caching priced at the cache rates, shown in the cost report', function () {
  this.timeout(60_000);
  let fx: EconomicsFixture;
  let fake: FakeAnthropicServer;
  let project: TestProject;

  before(async () => {
    fx = await openFixture();
  });
  after(async () => {
    await fx.close();
  });
  beforeEach(async () => {
    project = await createProject(fx.prisma, 10_000_000n);
    fake = await new FakeAnthropicServer().start();
    fake.promptCache = new PromptCacheSimulation();
    fake.defaultReply = { kind: 'ok', text: '{"summary": "ok", "files": []}', outputTokens: 50 };
  });
  afterEach(async () => {
    await fake.close();
  });

  /** Two roles, two instances of the second: the calls an agent runner makes, through the router and the guard. */
  async function runCalls(promptCaching: boolean): Promise<void> {
    const router = new SingleProviderRouter(new AnthropicProvider({ apiKey: FakeAnthropicServer.apiKey, baseURL: fake.url, timeoutMs: 5_000, promptCaching }), () => 'claude-sonnet-4-6');
    const calls = [
      { agentId: 'requirements-parser', subject: undefined },
      { agentId: 'controller-generator', subject: 'Item' },
      { agentId: 'controller-generator', subject: 'Warehouse' },
    ];
    for (const call of calls) {
      const task = { ...sampleTask(), projectId: project.projectId, requirements: REQUEST, agentId: call.agentId, subject: call.subject, context: CONTEXT };
      const budget = createBudgetGuard({ prisma: fx.prisma, redis: fx.redis, namespace: testNamespace(), ...project, callKeyPrefix: `job-${randomUUID()}#1` });
      await router.complete({ tier: 'premium', system: renderSystemPrompt(getRole(call.agentId), task), prompt: renderPrompt(task), maxOutputTokens: 1_000, task, budget });
    }
  }

  it('sends cache breakpoints after the shared request, the context files and the role', async () => {
    await runCalls(true);
    const [first] = fake.completions;
    const body = first?.body as { system: { text: string; cache_control?: unknown }[]; messages: { content: { text: string; cache_control?: unknown }[] }[] };
    expect(body.system.map((b) => b.cache_control)).to.deep.equal([{ type: 'ephemeral' }, { type: 'ephemeral' }, { type: 'ephemeral' }]);
    expect(body.system[0]?.text).to.include('## The request\n# Inventory');
    expect(body.system[1]?.text).to.include('## Existing file docs/requirements.md');
    expect(body.system[2]?.text).to.include('## Your role');
    const content = body.messages[0]?.content ?? [];
    expect(content.map((b) => b.cache_control ?? null)).to.deep.equal([null]);
    // Every call of the project starts with the same block, word for word.
    const firstBlocks = fake.completions.map((r) => (r.body as typeof body).system[0]?.text);
    expect(new Set(firstBlocks).size).to.equal(1);
  });

  it('ledger: reads and writes apart, each at its own rate; the report shows the savings', async () => {
    await runCalls(true);
    const rows = await fx.prisma.costLedgerEntry.findMany({ where: { projectId: project.projectId }, orderBy: { createdAt: 'asc' } });
    expect(rows).to.have.length(3);
    // First call: nothing cached yet, everything up to the last breakpoint written.
    expect(rows[0]?.cacheReadTokens).to.equal(0);
    expect(rows[0]?.cacheWriteTokens).to.be.above(1_024);
    // Second call (another role): the request and the files read, its role written.
    expect(rows[1]?.cacheReadTokens).to.be.above(2_048);
    expect(rows[1]?.cacheWriteTokens).to.be.above(0);
    // Third call (the same role again): the whole prefix read, nothing written.
    expect(rows[2]?.cacheWriteTokens).to.equal(0);
    expect(rows[2]?.cacheReadTokens).to.be.above(rows[1]?.cacheReadTokens ?? 0);
    for (const row of rows) {
      // Claude Sonnet: $3 input, $3.75 cache write, $0.30 cache read, $15 output per 1M tokens.
      const uncached = row.inputTokens - row.cacheReadTokens - row.cacheWriteTokens;
      const scaled = uncached * 3_000_000 + row.cacheWriteTokens * 3_750_000 + row.cacheReadTokens * 300_000 + row.outputTokens * 15_000_000;
      expect(row.costMicros).to.equal(BigInt(Math.ceil(scaled / 1e6)));
      const full = BigInt(Math.ceil((row.inputTokens * 3_000_000 + row.outputTokens * 15_000_000) / 1e6));
      expect(row.cacheSavingsMicros).to.equal(full - row.costMicros);
    }
    expect((rows[0]?.cacheSavingsMicros ?? 0n) < 0n).to.equal(true); // a write costs 1.25× until it is read

    const report = await new CostReport(fx.prisma).costsForProject(project.projectId);
    const saved = rows.reduce((sum, row) => sum + row.cacheSavingsMicros, 0n);
    expect(saved > 0n, `saved ${saved}`).to.equal(true);
    expect(report.total).to.include({
      cacheReadTokens: rows.reduce((sum, row) => sum + row.cacheReadTokens, 0),
      cacheWriteTokens: rows.reduce((sum, row) => sum + row.cacheWriteTokens, 0),
      cacheSavingsMicros: saved.toString(),
    });
    expect(report.byModel[0]?.cacheSavingsMicros).to.equal(saved.toString());
    expect(report.byDay[0]?.cacheSavingsMicros).to.equal(saved.toString());
  });

  it('with caching off: no breakpoint sent, no cached token, no savings', async () => {
    await runCalls(false);
    for (const request of fake.completions) expect(JSON.stringify(request.body)).to.not.include('cache_control');
    const report = await new CostReport(fx.prisma).costsForProject(project.projectId);
    expect(report.total).to.include({ calls: 3, cacheReadTokens: 0, cacheWriteTokens: 0, cacheSavingsMicros: '0' });
  });
});
