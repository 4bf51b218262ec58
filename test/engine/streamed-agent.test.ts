/**
 * An agent's model stream breaks mid-way (Claude through the SDK, against the fake server): the
 * router retries the call, the agent's events say why (agent.model_switched from the model to
 * itself, reason `interrupted`), and the ledger charges the broken call once for what it streamed
 * and the retry as a call of its own.
 */
import { expect } from 'chai';
import { parseModelList } from '../../src/models/model-catalog.js';
import { AnthropicProvider } from '../../src/models/providers/anthropic-provider.js';
import { TieredRouter } from '../../src/models/router/tiered-router.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { FakeAnthropicServer } from '../support/fake-anthropic-server.js';

const ANSWER = JSON.stringify({ summary: 'done', files: [] });

describe('engine: an agent whose model stream breaks mid-way', () => {
  let fake: FakeAnthropicServer;
  let harness: Harness;

  beforeEach(async () => {
    fake = await new FakeAnthropicServer().start();
    fake.defaultReply = { kind: 'ok', text: ANSWER, inputTokens: 2_000, outputTokens: 40 };
    const refs = parseModelList('anthropic:claude-sonnet-4-6');
    const router = new TieredRouter({
      catalog: { premium: refs, standard: refs, economy: refs },
      providers: new Map([['anthropic', new AnthropicProvider({ apiKey: FakeAnthropicServer.apiKey, baseURL: fake.url, timeoutMs: 10_000 })]]),
      backoffMs: 10,
    });
    harness = await createHarness({ models: router });
    harness.startWorkers();
  });
  afterEach(async () => {
    await harness.close();
    await fake.close();
  });

  it('is retried, says so in the agent’s events, and is charged once', async () => {
    fake.reply({ kind: 'cut', text: `${ANSWER}${' '.repeat(60)}`, at: 30, inputTokens: 2_000, drop: true });
    const projectId = await harness.createProject({ options: { includeStages: [1] }, budgetUsd: 5 });
    await harness.runToEnd(projectId);

    const events = await harness.deps.events.replay(projectId);
    const switched = events.filter((e) => e.type === 'agent.model_switched');
    expect(switched.map((e) => ({ from: e.data.from, to: e.data.to, reason: e.data.reason }))).to.deep.equal([
      { from: 'anthropic:claude-sonnet-4-6', to: 'anthropic:claude-sonnet-4-6', reason: 'interrupted' },
    ]);
    const rows = await harness.database.prisma.costLedgerEntry.findMany({ where: { projectId } });
    expect(rows).to.have.length(fake.completions.length);
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).to.equal(rows.length);
    // The broken call: its prompt and the 30 characters it streamed (10 tokens at 3 a token).
    expect(rows.filter((r) => r.outputTokens === 10)).to.have.length(1);
    expect(rows.filter((r) => r.outputTokens === 40)).to.have.length(rows.length - 1);
  });
});
