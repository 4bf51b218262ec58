import { projectSpent } from '../../src/economics/cost-ledger.js';
import { expect } from 'chai';
import { runStrategyChain } from '../../src/arbitration/strategy-chain.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { fenced, OURS, RESOLVED, seedConflict, services, startModelServers, THEIRS, type ModelServers } from './arbitration-fixtures.js';

describe('arbitration: the strategy chain', function () {
  this.timeout(60_000);
  let h: Harness;
  let servers: ModelServers;
  beforeEach(async () => {
    h = await createHarness({ workers: false });
    servers = await startModelServers();
  });
  afterEach(async () => {
    await servers?.close();
    await h?.close();
  });

  const attemptsOf = (conflictId: string) => h.deps.prisma.arbitrationAttempt.findMany({ where: { conflictId }, orderBy: { createdAt: 'asc' } });
  const contentOf = async (projectId: string, path: string) => (await h.deps.artifacts.current(projectId, path))?.content;

  it('resolves by 3-way merge when the edits do not overlap, asking no model', async () => {
    const conflict = await seedConflict(h, { base: 'a\nb\nc\nd\n', ours: 'A\nb\nc\nd\n', theirs: 'a\nb\nc\nD\n', path: 'notes.txt' });
    const chain = services(servers.providers());
    expect(await runStrategyChain(h.deps, chain, conflict, { stage: 4, owner: `${conflict.id}#0` })).to.deep.equal({ resolved: true, strategy: 'three-way-merge' });
    expect(await contentOf(conflict.projectId, 'notes.txt')).to.equal('A\nb\nc\nD\n');
    expect((await attemptsOf(conflict.id)).map((a) => [a.strategy, a.outcome])).to.deep.equal([['merge', 'resolved']]);
    expect(servers.gemini.completions.length + servers.anthropic.completions.length + servers.ollama.completions.length).to.equal(0);
  });

  for (const [strategy, provider] of [
    ['gemini', 'gemini'],
    ['claude', 'anthropic'],
    ['ollama', 'ollama'],
  ] as const) {
    it(`resolves with ${strategy} when it is the first configured model, charging its cost to the project`, async () => {
      const conflict = await seedConflict(h);
      servers[provider].reply({ kind: 'ok', text: fenced(RESOLVED), inputTokens: 1_000, outputTokens: 2_000 });
      const chain = services(servers.providers([provider]));
      expect(await runStrategyChain(h.deps, chain, conflict, { stage: 4, owner: `${conflict.id}#0` })).to.deep.equal({ resolved: true, strategy });
      expect(await contentOf(conflict.projectId, conflict.path ?? '')).to.equal(`${RESOLVED}\n`);
      const attempts = await attemptsOf(conflict.id);
      expect(attempts.map((a) => [a.strategy, a.outcome])).to.deep.equal([
        ['merge', 'rejected'],
        [strategy, 'resolved'],
      ]);
      const llm = attempts[1];
      const model = chain.models.get(provider) ?? '';
      const price = h.deps.prices.costMicros(model, { inputTokens: 1_000, outputTokens: 2_000 }, provider);
      expect(llm).to.include({ provider, model, inputTokens: 1_000, outputTokens: 2_000 });
      expect(llm?.costMicros).to.equal(price);
      if (provider !== 'ollama') expect(price > 0n).to.equal(true);
      expect(await projectSpent(h.deps.sql, conflict.projectId)).to.equal(price);
      const ledger = await h.deps.prisma.costLedgerEntry.findMany({ where: { projectId: conflict.projectId } });
      expect(ledger.map((e) => [e.provider, e.model, e.costMicros])).to.deep.equal([[provider, model, price]]);
      const settled = await h.deps.prisma.conflict.findUniqueOrThrow({ where: { id: conflict.id } });
      expect(settled).to.include({ status: 'resolved', strategy });
      const resolutions = await chain.metrics.resolutions.get();
      expect(resolutions.values).to.deep.equal([{ value: 1, labels: { strategy, type: 'code' } }]);
      // Attempts carry the conflict type too, so a resolution rate can be read per type and strategy.
      const tried = (await chain.metrics.attempts.get()).values.map((v) => ({ ...v.labels, value: v.value }));
      expect(tried).to.deep.include({ strategy, outcome: 'resolved', type: 'code', value: 1 });
      expect(tried).to.deep.include({ strategy: 'merge', outcome: 'rejected', type: 'code', value: 1 });
    });
  }

  it('rejects a proposal with conflict markers, then one that does not parse, and applies the next valid one', async () => {
    const conflict = await seedConflict(h);
    servers.gemini.reply({ kind: 'ok', text: fenced(`<<<<<<< ours\n${OURS}=======\n${THEIRS}>>>>>>> theirs`) });
    servers.anthropic.reply({ kind: 'ok', text: fenced("export function greet(name: string): string {\n  return 'hello, ' + name.trim(;\n}") });
    servers.ollama.reply({ kind: 'ok', text: fenced(RESOLVED) });
    const chain = services(servers.providers());
    expect(await runStrategyChain(h.deps, chain, conflict, { stage: 4, owner: `${conflict.id}#0` })).to.deep.equal({ resolved: true, strategy: 'ollama' });
    const attempts = await attemptsOf(conflict.id);
    expect(attempts.map((a) => [a.strategy, a.outcome])).to.deep.equal([
      ['merge', 'rejected'],
      ['gemini', 'rejected'],
      ['claude', 'rejected'],
      ['ollama', 'resolved'],
    ]);
    expect(attempts[1]?.error).to.match(/conflict markers/);
    expect(attempts[2]?.error).to.match(/does not parse as \.ts/);
    // The rejected proposals were paid for all the same.
    expect((attempts[1]?.costMicros ?? 0n) > 0n && (attempts[2]?.costMicros ?? 0n) > 0n).to.equal(true);
    expect(await projectSpent(h.deps.sql, conflict.projectId)).to.equal(attempts.reduce((sum, a) => sum + a.costMicros, 0n));
    expect(await contentOf(conflict.projectId, conflict.path ?? '')).to.equal(`${RESOLVED}\n`);
  });

  it('moves on when a model call fails, and follows the configured order', async () => {
    const conflict = await seedConflict(h);
    servers.anthropic.reply({ kind: 'error', status: 500, message: 'boom' });
    servers.gemini.reply({ kind: 'ok', text: fenced(RESOLVED) });
    const chain = services(servers.providers(), { strategies: 'claude,gemini,merge,human' });
    expect(await runStrategyChain(h.deps, chain, conflict, { stage: 4, owner: `${conflict.id}#0` })).to.deep.equal({ resolved: true, strategy: 'gemini' });
    const attempts = await attemptsOf(conflict.id);
    expect(attempts.map((a) => [a.strategy, a.outcome])).to.deep.equal([
      ['claude', 'failed'],
      ['gemini', 'resolved'],
    ]);
    expect(attempts[0]?.costMicros).to.equal(0n);
  });

  it('hands the conflict to a person when every strategy fails, and skips models the budget cannot pay', async () => {
    const conflict = await seedConflict(h, { budgetUsd: 0.0001 });
    servers.ollama.reply({ kind: 'ok', text: 'I am not sure what you mean.' });
    const chain = services(servers.providers());
    const outcome = await runStrategyChain(h.deps, chain, conflict, { stage: 4, owner: `${conflict.id}#0` });
    expect(outcome.resolved).to.equal(false);
    if (!outcome.resolved) expect(outcome.reason).to.match(/^conflict on src\/greet\.ts: .*needs a person to resolve it$/);
    const attempts = await attemptsOf(conflict.id);
    expect(attempts.map((a) => [a.strategy, a.outcome])).to.deep.equal([
      ['merge', 'rejected'],
      ['gemini', 'skipped'],
      ['claude', 'skipped'],
      ['ollama', 'rejected'],
    ]);
    expect(servers.gemini.completions.length + servers.anthropic.completions.length).to.equal(0);
    expect(await contentOf(conflict.projectId, conflict.path ?? '')).to.equal(OURS);
  });
});
