/**
 * Streamed, structured model calls through the real SDKs, the router and the real budget guard
 * (Redis + the PostgreSQL ledger), against fake servers that speak each streaming protocol: the
 * file contract goes out as each provider's structured output; a long answer continues in a
 * follow-up call; a stream cut mid-way or overloaded mid-stream is settled once and retried as a
 * call of its own; a stream that outgrows what the budget can hold is stopped, never overspending.
 */
import { expect } from 'chai';
import { AGENT_OUTPUT_CONTRACT, parseAgentOutput } from '../../src/agents/output.js';
import { OutputHistory } from '../../src/economics/output-history.js';
import { createBudgetGuard, type ProjectBudgetGuard } from '../../src/economics/project-budget-guard.js';
import { ProjectBudget } from '../../src/economics/project-budget.js';
import { BudgetExceededError } from '../../src/errors/app-error.js';
import { parseModelList, type ModelCatalog } from '../../src/models/model-catalog.js';
import type { LlmProvider } from '../../src/models/provider.js';
import { TieredRouter } from '../../src/models/router/tiered-router.js';
import { createProject, openFixture, type EconomicsFixture, type TestProject } from '../economics/economics-fixtures.js';
import { testNamespace } from '../support/environment.js';
import { realProviders, routedRequest, startFakeServers, type FakeServers } from './model-fixtures.js';

const ANSWER = JSON.stringify({ summary: 'parsed', files: [{ path: 'docs/requirements.md', content: `# Requirements\n\n${'- users create tasks with a title\n'.repeat(20)}` }] });
const SONNET = 'anthropic:claude-sonnet-4-6';

function catalog(chain: string): ModelCatalog {
  const refs = parseModelList(chain);
  return { premium: refs, standard: refs, economy: refs };
}

describe('models: streamed structured calls, continuations and budgets (real SDKs, real budget guard)', () => {
  let servers: FakeServers;
  let providers: Map<string, LlmProvider>;
  let fx: EconomicsFixture;
  let project: TestProject;
  let guards = 0;

  const guard = (): ProjectBudgetGuard =>
    createBudgetGuard({ prisma: fx.prisma, redis: fx.redis, namespace: testNamespace(), ...project, callKeyPrefix: `streaming-${project.projectId}-${++guards}` });
  const router = (chain = SONNET): TieredRouter => new TieredRouter({ catalog: catalog(chain), providers, backoffMs: 10, maxWaitMs: 2_000 });
  const ledger = () => fx.prisma.costLedgerEntry.findMany({ where: { projectId: project.projectId }, orderBy: { createdAt: 'asc' } });

  before(async () => {
    fx = await openFixture();
  });
  after(async () => {
    await fx.close();
  });
  beforeEach(async () => {
    servers = await startFakeServers();
    providers = new Map<string, LlmProvider>(Object.entries(realProviders(servers, 5_000)));
    project = await createProject(fx.prisma, 1_000_000n);
  });
  afterEach(async () => {
    await servers.close();
  });

  it('sends the file contract as each provider’s structured output, streamed, and reads the answer back', async () => {
    const request = routedRequest('standard', { output: AGENT_OUTPUT_CONTRACT, maxOutputTokens: 2_000 });
    for (const chain of [SONNET, 'gemini:gemini-2.5-flash', 'ollama:llama3.2']) {
      servers.anthropic.reply({ kind: 'ok', text: ANSWER });
      servers.gemini.reply({ kind: 'ok', text: ANSWER });
      servers.ollama.reply({ kind: 'ok', text: ANSWER });
      const result = await router(chain).complete(request);
      expect(parseAgentOutput(result.text).files[0]?.path, chain).to.equal('docs/requirements.md');
    }
    const anthropic = servers.anthropic.completions[0]?.body as Record<string, unknown>;
    expect(anthropic.stream).to.equal(true);
    expect(anthropic.tools).to.deep.equal([{ name: 'write_files', description: AGENT_OUTPUT_CONTRACT.description, input_schema: AGENT_OUTPUT_CONTRACT.schema }]);
    expect(anthropic.tool_choice).to.deep.equal({ type: 'tool', name: 'write_files' });
    const gemini = servers.gemini.completions[0];
    expect(gemini?.path).to.equal('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(gemini?.query).to.equal('?alt=sse');
    const config = (gemini?.body as { generationConfig: Record<string, unknown> }).generationConfig;
    expect(config.responseMimeType).to.equal('application/json');
    expect(config.responseJsonSchema).to.deep.equal(AGENT_OUTPUT_CONTRACT.schema);
    const ollama = servers.ollama.completions[0]?.body as Record<string, unknown>;
    expect(ollama.stream).to.equal(true);
    expect(ollama.format).to.deep.equal(AGENT_OUTPUT_CONTRACT.schema);
  });

  it('continues an answer that reached its output limit in a follow-up call, each part reserved and charged on its own', async () => {
    const cut = 300;
    servers.anthropic.reply(
      { kind: 'truncated', text: ANSWER.slice(0, cut), inputTokens: 1_000, outputTokens: 100 },
      { kind: 'ok', text: ANSWER.slice(cut), inputTokens: 1_100, outputTokens: 120 },
    );
    const seen: number[] = [];
    const budget = guard();
    const result = await router().complete(routedRequest('standard', { output: AGENT_OUTPUT_CONTRACT, budget, onOutputTokens: (n) => seen.push(n) }));
    expect(result.text).to.equal(ANSWER);
    expect(parseAgentOutput(result.text).files).to.have.length(1);
    expect(result.usage).to.deep.equal({ inputTokens: 2_100, outputTokens: 220 });
    // The continuation: no tool, the answer so far as Claude's own turn (a prefill) to go on from.
    const [, second] = servers.anthropic.completions;
    const body = second?.body as { tools?: unknown; messages: { role: string; content: string }[] };
    expect(body.tools).to.equal(undefined);
    expect(body.messages.at(-1)).to.deep.equal({ role: 'assistant', content: ANSWER.slice(0, cut).trimEnd() });
    const rows = await ledger();
    expect(rows.map((r) => [r.inputTokens, r.outputTokens])).to.deep.equal([
      [1_000, 100],
      [1_100, 120],
    ]);
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).to.equal(2);
    expect(rows.reduce((sum, r) => sum + r.costMicros, 0n)).to.equal(result.costMicros);
  });

  for (const drop of [false, true]) {
    it(`retries a stream cut mid-way (${drop ? 'connection dropped' : 'ended without message_stop'}) as a call of its own, charging the cut one once for what it produced`, async () => {
      servers.anthropic.reply({ kind: 'cut', text: ANSWER, at: 90, inputTokens: 1_000, drop }, { kind: 'ok', text: ANSWER, inputTokens: 1_000, outputTokens: 150 });
      const budget = guard();
      const result = await router().complete(routedRequest('standard', { output: AGENT_OUTPUT_CONTRACT, budget }));
      expect(result.text).to.equal(ANSWER);
      expect(result.switches).to.deep.equal([{ from: SONNET, to: SONNET, reason: 'interrupted' }]);
      expect(servers.anthropic.completions).to.have.length(2);
      const rows = await ledger();
      // The cut call: its prompt (from message_start) and the 90 characters it streamed (30 tokens at 3 a token).
      expect(rows.map((r) => [r.inputTokens, r.outputTokens])).to.deep.equal([
        [1_000, 30],
        [1_000, 150],
      ]);
      expect(new Set(rows.map((r) => r.idempotencyKey)).size).to.equal(2);
      const snapshot = await budget.snapshot();
      expect(snapshot.reservedMicros).to.equal(0n);
      expect(snapshot.spentMicros).to.equal(rows.reduce((sum, r) => sum + r.costMicros, 0n));
    });
  }

  it('releases a stream cut before any output (nothing billed), and retries it', async () => {
    servers.anthropic.reply({ kind: 'cut', text: ANSWER, at: 0 }, { kind: 'ok', text: ANSWER, inputTokens: 1_000, outputTokens: 150 });
    const budget = guard();
    await router().complete(routedRequest('standard', { output: AGENT_OUTPUT_CONTRACT, budget }));
    expect((await ledger()).map((r) => r.outputTokens)).to.deep.equal([150]);
    expect((await budget.snapshot()).reservedMicros).to.equal(0n);
  });

  it('falls back when Claude is overloaded mid-stream (event: error), settling what the broken stream produced', async () => {
    servers.anthropic.reply({ kind: 'stream_error', text: ANSWER, at: 60, errorType: 'overloaded_error' });
    servers.gemini.reply({ kind: 'ok', text: ANSWER, inputTokens: 900, outputTokens: 140 });
    const budget = guard();
    const result = await router(`${SONNET},gemini:gemini-2.5-flash`).complete(routedRequest('standard', { output: AGENT_OUTPUT_CONTRACT, budget }));
    expect(result.provider).to.equal('gemini');
    expect(result.switches).to.deep.equal([{ from: SONNET, to: 'gemini:gemini-2.5-flash', reason: 'overloaded' }]);
    const rows = await ledger();
    expect(rows.map((r) => [r.provider, r.outputTokens])).to.deep.equal([
      ['anthropic', 20],
      ['gemini', 140],
    ]);
  });

  it('waits out an overload whose retry-after fits and retries the same model', async () => {
    servers.anthropic.reply({ kind: 'error', status: 529, retryAfterSeconds: 0.1 }, { kind: 'ok', text: ANSWER });
    const budget = guard();
    const started = Date.now();
    const result = await router().complete(routedRequest('standard', { budget }));
    expect(Date.now() - started).to.be.at.least(90);
    expect(result.switches).to.deep.equal([{ from: SONNET, to: SONNET, reason: 'overloaded' }]);
    expect((await ledger()).map((r) => r.provider)).to.deep.equal(['anthropic']);
  });

  it('reserves the expected output from the role’s history, asks for no more than the budget can pay, and stops a stream the budget can no longer hold', async () => {
    const budget = guard();
    const history = new OutputHistory(fx.redis, { namespace: testNamespace() });
    await fx.redis.del(history.key('requirements-parser', 'anthropic', 'claude-sonnet-4-6'));
    await history.record('requirements-parser', 'anthropic', 'claude-sonnet-4-6', 100);
    // $0.03: the prompt (~47 tokens with its margin) and 115 expected output tokens hold about
    // $0.0019; the provider is asked for what the whole $0.03 pays for (~1,990 tokens), not 4,096.
    await fx.prisma.project.update({ where: { id: project.projectId }, data: { budgetMicros: 30_000n } });
    await budget.snapshot();
    // Once the answer streams, another call takes everything that is free.
    let other: Promise<unknown> | undefined;
    servers.anthropic.responder = () => {
      other ??= (async () => {
        const others = new ProjectBudget(fx.redis, project.projectId, { namespace: testNamespace() });
        return others.reserve('another-call', (await others.current()).availableMicros);
      })();
      return { kind: 'ok', text: 'x'.repeat(6_000), outputTokens: 2_000, frameDelayMs: 2 };
    };
    const error = await router()
      .complete(routedRequest('standard', { maxOutputTokens: 4_096, budget }))
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BudgetExceededError);
    expect(JSON.stringify((error as BudgetExceededError).details)).to.contain('ran out while the answer streamed');
    const sent = servers.anthropic.completions[0]?.body as { max_tokens: number };
    expect(sent.max_tokens).to.be.below(4_096).and.above(1_500);
    expect(((await other) as { status: string }).status).to.equal('reserved');
    const [row] = await ledger();
    // Stopped within what it held (115 tokens, extended once by 256 while the other call had not yet reserved, or not).
    expect(row?.outputTokens).to.be.above(0).and.below(400);
    const snapshot = await budget.snapshot();
    expect(snapshot.spentMicros + snapshot.reservedMicros <= snapshot.limitMicros).to.equal(true);
    expect(snapshot.absorbedMicros).to.equal(0n);
  });
});
