/**
 * `npm run bench:economics`: what money costs the engine, and what tiered routing saves.
 *
 * 1. Per-call overhead of the budget guard, one call at a time: reserve (Redis), settle (ledger
 *    look-up, Redis settle, one-statement ledger insert + Project.spentMicros, cost.updated event).
 * 2. Throughput across 4 processes × 32 concurrent callers: on ONE project (the worst case: one
 *    budget hash, one Project row every ledger insert updates), Redis reserve+settle pairs alone,
 *    then full guard calls; and full guard calls spread over 32 projects.
 * 3. Budget utilisation: a project with a $0.05 budget whose agent calls go through the router,
 *    the real budget guard and the Anthropic SDK to a scripted Claude-compatible server that
 *    answers 1,000 input / 500 output tokens per call (streamed, structured), 4 agents at a time,
 *    until the budget stops them: how much of the budget was spent, holding each call's worst case
 *    (the policy before streaming budgets) and its expected output (sized from the role's history,
 *    extended while it streams). Never more than 100 %.
 * 4. Savings: the example project (examples/todo-app.md) is run through the engine with the offline
 *    model to record every agent's token usage; that usage is priced all on Claude Sonnet and by tier
 *    (premium → Claude Sonnet, standard → Gemini Pro, economy → Ollama).
 * 5. Prompt caching: the same project end to end through the engine, every call through the real
 *    Anthropic SDK to the fake Anthropic server (which simulates Anthropic's prompt cache), the
 *    answers scripted from the offline model; once without cache breakpoints, once with. Input
 *    tokens and input dollars (Claude Sonnet 4.6: $3 input, $3.75 cache write, $0.30 cache read
 *    per 1M) from the cost ledger. `bench/economics.ts caching` runs this part alone.
 *
 * Everything runs in a throwaway PostgreSQL database and Redis namespace, removed at the end.
 * The same file is the child process of part 2 (`bench/economics.ts child`).
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { getRole } from '../src/agents/catalog/index.js';
import type { ModelTier } from '../src/agents/types.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { createPriceTable } from '../src/economics/pricing.js';
import { loadBudgetFromDatabase, ProjectBudget } from '../src/economics/project-budget.js';
import { createBudgetGuard } from '../src/economics/project-budget-guard.js';
import { AGENT_OUTPUT_CONTRACT } from '../src/agents/output.js';
import { BudgetExceededError } from '../src/errors/app-error.js';
import { parseModelList } from '../src/models/model-catalog.js';
import { AnthropicProvider } from '../src/models/providers/anthropic-provider.js';
import { TieredRouter } from '../src/models/router/tiered-router.js';
import { sampleTask } from '../test/models/model-fixtures.js';
import { FakeAnthropicServer } from '../test/support/fake-anthropic-server.js';
import { EventBus } from '../src/engine/events/event-bus.js';
import { createLogger } from '../src/logging/logger.js';
import { SingleProviderRouter } from '../src/models/model-router.js';
import type { CompletionRequest, CompletionResult, LlmProvider } from '../src/models/provider.js';
import { OfflineProvider } from '../src/offline-model/offline-provider.js';
import { createRedis } from '../src/redis/connection.js';
import { messagesBlocks, PromptCacheSimulation } from '../test/support/prompt-cache-simulation.js';
import { createHarness } from '../test/support/engine-harness.js';
import { setUpTestEnvironment, tearDownTestEnvironment, testDatabaseUrl, testNamespace, testRedisUrl } from '../test/support/environment.js';

const PROCESSES = 4;
const CONCURRENCY = 32;
const DURATION_MS = 4_000;
const SEQUENTIAL_CALLS = 2_000;
const HUGE_BUDGET = 4_000_000_000_000_000n;
const estimate = { provider: 'anthropic', model: 'claude-sonnet-4-5', inputTokens: 2_000, maxOutputTokens: 4_096 };
const usage = { inputTokens: 1_900, outputTokens: 1_200 };

type Mode = 'redis' | 'guard';
interface ChildJob {
  mode: Mode;
  /** Caller i works on projects[i % projects.length]. */
  projects: { projectId: string; userId: string }[];
  databaseUrl: string;
  redisUrl: string;
  namespace: string;
}

const silent = createLogger({ silent: true });
const openDb = (url: string, poolSize: number): Promise<Database> => openDatabase({ databaseUrl: url, dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silent, poolSize });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

function describeMicros(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `  ${label.padEnd(34)} p50 ${percentile(sorted, 50).toFixed(0).padStart(6)} µs   p99 ${percentile(sorted, 99).toFixed(0).padStart(6)} µs`;
}

async function createBenchProject(database: Database, budgetMicros: bigint): Promise<{ projectId: string; userId: string }> {
  const user = await database.prisma.user.create({ data: { email: `bench-${randomUUID()}@bench.local`, passwordHash: 'x' } });
  const project = await database.prisma.project.create({ data: { ownerId: user.id, name: 'economics bench', requirements: 'bench', budgetMicros } });
  return { projectId: project.id, userId: user.id };
}

async function overhead(database: Database): Promise<void> {
  const redis = createRedis({ url: testRedisUrl(), name: 'zekka:bench:economics' });
  const owner = await createBenchProject(database, HUGE_BUDGET);
  const guard = createBudgetGuard({ prisma: database.prisma, redis, namespace: testNamespace(), ...owner, callKeyPrefix: `bench#${randomUUID()}`, events: new EventBus(redis, testNamespace()) });
  const reserve: number[] = [];
  const settle: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < SEQUENTIAL_CALLS + 200; i++) {
    const t0 = process.hrtime.bigint();
    const reservation = await guard.reserve(estimate);
    const t1 = process.hrtime.bigint();
    if (!reservation) throw new Error('reservation refused');
    await guard.settle(reservation, usage, 1_000);
    const t2 = process.hrtime.bigint();
    if (i < 200) continue; // warm-up: connections, script cache, JIT
    reserve.push(Number(t1 - t0) / 1_000);
    settle.push(Number(t2 - t1) / 1_000);
    total.push(Number(t2 - t0) / 1_000);
  }
  console.log(`\nPer-call overhead, one call at a time (${SEQUENTIAL_CALLS} calls, local PostgreSQL and Redis):`);
  console.log(describeMicros('reserve (Redis Lua)', reserve));
  console.log(describeMicros('settle (Redis + ledger + event)', settle));
  console.log(describeMicros('reserve + settle + ledger', total));
  await redis.quit();
}

/** Child: runs CONCURRENCY callers for DURATION_MS once told to go; reports the calls made. */
async function child(): Promise<void> {
  const job = await new Promise<ChildJob>((resolve) => process.once('message', (message: ChildJob) => resolve(message)));
  const database = await openDb(job.databaseUrl, 6);
  const redis = createRedis({ url: job.redisUrl, name: 'zekka:bench:economics-child' });
  const owners = Array.from({ length: CONCURRENCY }, (_, i) => job.projects[i % job.projects.length] ?? { projectId: '', userId: '' });
  const budgets = owners.map(({ projectId }) => new ProjectBudget(redis, projectId, { namespace: job.namespace }));
  const guards = owners.map((owner, i) =>
    createBudgetGuard({ prisma: database.prisma, redis, namespace: job.namespace, ...owner, callKeyPrefix: `${process.pid}-${i}` }),
  );
  for (const [i, budget] of budgets.entries()) await budget.init(await loadBudgetFromDatabase(database.prisma, owners[i]?.projectId ?? ''));
  process.send?.('ready');
  await new Promise((resolve) => process.once('message', resolve));
  const deadline = Date.now() + DURATION_MS;
  let calls = 0;
  await Promise.all(
    guards.map(async (guard, i) => {
      const budget = budgets[i];
      for (let n = 0; Date.now() < deadline; n++) {
        if (job.mode === 'redis' && budget) {
          const id = `${process.pid}-${i}-${n}`;
          if ((await budget.reserve(id, 100_000n)).status !== 'reserved') throw new Error('refused');
          await budget.settle(id, 42_000n);
        } else {
          const reservation = await guard.reserve(estimate);
          if (!reservation) throw new Error('refused');
          await guard.settle(reservation, usage, 1_000);
        }
        calls++;
      }
    }),
  );
  process.send?.({ calls });
  await redis.quit();
  await database.close();
  process.disconnect();
}

async function throughput(database: Database, mode: Mode, projectCount: number): Promise<number> {
  const projects = await Promise.all(Array.from({ length: projectCount }, () => createBenchProject(database, HUGE_BUDGET)));
  const job: ChildJob = { mode, projects, databaseUrl: testDatabaseUrl(), redisUrl: testRedisUrl(), namespace: testNamespace() };
  const children = Array.from({ length: PROCESSES }, () => spawn(process.execPath, ['--import', 'tsx', 'bench/economics.ts', 'child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  // Each child settles to its call count, or to an error when it exits without one; never rejects.
  const outcomes = children.map(
    (c) =>
      new Promise<number | Error>((resolve) => {
        c.on('message', (message: { calls?: number }) => message.calls !== undefined && resolve(message.calls));
        c.once('exit', (code) => resolve(new Error(`bench child exited with ${code}`)));
      }),
  );
  const ready = children.map((c, i) => Promise.race([new Promise((resolve) => c.once('message', resolve)), outcomes[i]]));
  for (const c of children) c.send(job);
  await Promise.all(ready);
  for (const c of children) if (c.connected) c.send('go');
  const settled = await Promise.all(outcomes);
  await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => c.once('exit', resolve))));
  const failure = settled.find((o): o is Error => o instanceof Error);
  if (failure) throw failure;
  const calls = (settled as number[]).reduce((a, b) => a + b, 0);
  return calls / (DURATION_MS / 1_000);
}

const UTILISATION_BUDGET = 50_000n; // $0.05
const UTILISATION_AGENTS = 4;

/** Agents (UTILISATION_AGENTS at a time) call until the budget refuses; returns what was spent. */
async function utilisation(database: Database, worstCase: boolean, maxOutputTokens: number): Promise<{ calls: number; charged: number; spentMicros: bigint; absorbedMicros: bigint; perCall: bigint }> {
  const server = await new FakeAnthropicServer().start();
  const answer = JSON.stringify({ summary: 'done', files: [{ path: 'docs/requirements/requirements.md', content: 'x'.repeat(1_400) }] });
  server.defaultReply = { kind: 'ok', text: answer, inputTokens: 1_000, outputTokens: 500 };
  const redis = createRedis({ url: testRedisUrl(), name: 'zekka:bench:utilisation' });
  const owner = await createBenchProject(database, UTILISATION_BUDGET);
  const refs = parseModelList('anthropic:claude-sonnet-4-6');
  const router = new TieredRouter({
    catalog: { premium: refs, standard: refs, economy: refs },
    providers: new Map([['anthropic', new AnthropicProvider({ apiKey: FakeAnthropicServer.apiKey, baseURL: server.url, timeoutMs: 10_000 })]]),
    reserveWorstCase: worstCase,
    // Before: a refused call failed at once; after, it waits for calls in flight to give back what they hold.
    budgetWaitMs: worstCase ? 0 : 60_000,
    budgetPollMs: 20,
  });
  const role = getRole('requirements-parser');
  // A role of its own per run: the first call has no history (it holds the worst case), later ones do.
  const task = { ...sampleTask(), agentId: `bench-${randomUUID()}` };
  const prompt = 'p'.repeat(4_000); // ~1,000 tokens by the router's estimate
  let calls = 0;
  const run = randomUUID(); // call ids are the ledger's idempotency keys: unique per run
  try {
    await Promise.all(
      Array.from({ length: UTILISATION_AGENTS }, async (_, agent) => {
        for (let n = 0; ; n++) {
          const budget = createBudgetGuard({ prisma: database.prisma, redis, namespace: testNamespace(), ...owner, callKeyPrefix: `util-${run}-${agent}-${n}` });
          try {
            await router.complete({ tier: 'standard', system: [{ text: role.systemPrompt }], prompt: [{ text: prompt }], maxOutputTokens, output: AGENT_OUTPUT_CONTRACT, task, budget });
            calls++;
          } catch (error) {
            if (error instanceof BudgetExceededError) return;
            throw error;
          }
        }
      }),
    );
    const snapshot = await new ProjectBudget(redis, owner.projectId, { namespace: testNamespace() }).current();
    const perCall = createPriceTable().costMicros('claude-sonnet-4-6', { inputTokens: 1_000, outputTokens: 500 });
    const charged = await database.prisma.costLedgerEntry.count({ where: { projectId: owner.projectId } });
    return { calls, charged, spentMicros: snapshot.spentMicros, absorbedMicros: snapshot.absorbedMicros, perCall };
  } finally {
    await redis.quit();
    await server.close();
  }
}

async function budgetUtilisation(database: Database): Promise<void> {
  const role = getRole('requirements-parser');
  console.log(
    `\nBudget utilisation: $${Number(UTILISATION_BUDGET) / 1e6} budget, ${UTILISATION_AGENTS} agents at a time, Claude Sonnet 4.6 answering 1,000 in / 500 out per call (fake server, streamed):`,
  );
  for (const [label, worstCase, maxOutputTokens] of [
    ['before: worst case, a limit of 2,048 tokens', true, 2_048],
    ['before: worst case, the old limit of 4,096 tokens', true, 4_096],
    [`before: worst case, the role's limit of ${role.maxOutputTokens} tokens`, true, role.maxOutputTokens],
    [`after: expected output, extended as it streams (${role.maxOutputTokens})`, false, role.maxOutputTokens],
  ] as const) {
    const { calls, charged, spentMicros, absorbedMicros, perCall } = await utilisation(database, worstCase, maxOutputTokens);
    const share = (Number(spentMicros) / Number(UTILISATION_BUDGET)) * 100;
    console.log(
      `  ${label.padEnd(56)} ${String(calls).padStart(2)} answers ($${(Number(perCall) / 1e6).toFixed(4)} each), ${String(charged).padStart(2)} calls charged  spent $${(Number(spentMicros) / 1e6).toFixed(4)} = ${share.toFixed(1).padStart(5)} %  (absorbed $${(Number(absorbedMicros) / 1e6).toFixed(4)})${spentMicros > UTILISATION_BUDGET ? '  OVERSPENT' : ''}`,
    );
  }
}

const TIER_MODELS: Record<ModelTier, string> = { premium: 'claude-sonnet-4-5', standard: 'gemini-2.5-pro', economy: 'llama3.2' };

async function savings(): Promise<void> {
  const harness = await createHarness();
  try {
    const projectId = await harness.createProject({ requestFile: 'examples/todo-app.md', budgetUsd: 1_000 });
    const ended = await harness.runToEnd(projectId);
    const runs = await harness.deps.prisma.agentRun.findMany({ where: { projectId, status: 'completed' }, select: { agentId: true, inputTokens: true, outputTokens: true } });
    const prices = createPriceTable();
    const byTier = new Map<ModelTier, { agents: number; input: number; output: number }>();
    let allSonnet = 0n;
    let tiered = 0n;
    let tieredNoOllama = 0n;
    for (const run of runs) {
      const tier = getRole(run.agentId).tier;
      const used = { inputTokens: run.inputTokens, outputTokens: run.outputTokens };
      const t = byTier.get(tier) ?? { agents: 0, input: 0, output: 0 };
      byTier.set(tier, { agents: t.agents + 1, input: t.input + run.inputTokens, output: t.output + run.outputTokens });
      allSonnet += prices.costMicros('claude-sonnet-4-5', used);
      tiered += prices.costMicros(TIER_MODELS[tier], used);
      tieredNoOllama += prices.costMicros(tier === 'economy' ? 'gemini-2.5-flash' : TIER_MODELS[tier], used);
    }
    const usd = (micros: bigint) => `$${(Number(micros) / 1e6).toFixed(4)}`;
    const saved = (cost: bigint) => `${((1 - Number(cost) / Number(allSonnet)) * 100).toFixed(1)} %`;
    console.log(`\nSavings on examples/todo-app.md (${runs.length} agent runs, offline model's token counts, run ended with ${ended}):`);
    for (const [tier, t] of byTier) console.log(`  ${tier.padEnd(9)} ${String(t.agents).padStart(3)} agents  ${String(t.input).padStart(8)} input  ${String(t.output).padStart(8)} output tokens  → ${TIER_MODELS[tier]}`);
    console.log(`  every agent on Claude Sonnet ($3/$15 per 1M)        ${usd(allSonnet)}`);
    console.log(`  tiered: Sonnet / Gemini Pro ($0.50/$1.50) / Ollama    ${usd(tiered)}   saves ${saved(tiered)}`);
    console.log(`  tiered, economy on Gemini 2.5 Flash instead of Ollama ${usd(tieredNoOllama)}   saves ${saved(tieredNoOllama)}`);
    console.log('  (pricing only: no model switching happens here, since the budget is never short)');
  } finally {
    await harness.close();
  }
}

async function main(): Promise<void> {
  await setUpTestEnvironment();
  const database = await openDb(testDatabaseUrl(), 10);
  try {
    console.log(`Economics bench (database and namespace ${testNamespace()}, removed afterwards)`);
    await overhead(database);
    console.log(`\nThroughput, ${PROCESSES} processes × ${CONCURRENCY} concurrent callers, ${DURATION_MS / 1000} s each:`);
    console.log(`  one project: reserve + settle pairs (Redis only)   ${(await throughput(database, 'redis', 1)).toFixed(0).padStart(7)} pairs/s`);
    console.log(`  one project: full guard calls (Redis + ledger)     ${(await throughput(database, 'guard', 1)).toFixed(0).padStart(7)} calls/s`);
    console.log(`  ${CONCURRENCY} projects: full guard calls (Redis + ledger)  ${(await throughput(database, 'guard', CONCURRENCY)).toFixed(0).padStart(7)} calls/s`);
    await budgetUtilisation(database);
    await savings();
    await caching();
  } finally {
    await database.close();
    await tearDownTestEnvironment();
  }
}

/** Answers each call from the offline model, through the wire: the fake server returns the text the offline model wrote for that prompt. */
class ScriptedAnthropic implements LlmProvider {
  readonly name = 'anthropic';
  private readonly offline = new OfflineProvider({ latencyMs: 0 });
  private readonly answers = new Map<string, { text: string; outputTokens: number }>();
  private readonly anthropic: AnthropicProvider;

  constructor(fake: FakeAnthropicServer, promptCaching: boolean) {
    this.anthropic = new AnthropicProvider({ apiKey: FakeAnthropicServer.apiKey, baseURL: fake.url, timeoutMs: 30_000, promptCaching });
    fake.promptCache = new PromptCacheSimulation();
    fake.responder = (request) => {
      const answer = this.answers.get(promptKey(messagesBlocks(request.body).map((block) => block.text)));
      return answer ? { kind: 'ok', text: answer.text, outputTokens: answer.outputTokens } : { kind: 'error', status: 400, message: 'no scripted answer for this prompt' };
    };
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const answer = await this.offline.complete(request);
    this.answers.set(promptKey([...request.system, ...request.prompt].map((block) => block.text)), { text: answer.text, outputTokens: answer.usage.outputTokens });
    return this.anthropic.complete(request);
  }
}

const promptKey = (texts: string[]): string => createHash('sha256').update(JSON.stringify(texts.filter((text) => text !== ''))).digest('hex');

interface CachingRun {
  calls: number;
  ended: string;
  input: number;
  read: number;
  written: number;
  inputMicros: bigint;
  totalMicros: bigint;
  savedMicros: bigint;
}

const CACHING_MODEL = 'claude-sonnet-4-6';

async function cachingRun(promptCaching: boolean): Promise<CachingRun> {
  const fake = await new FakeAnthropicServer().start();
  const harness = await createHarness({ models: new SingleProviderRouter(new ScriptedAnthropic(fake, promptCaching), () => CACHING_MODEL) });
  try {
    const projectId = await harness.createProject({ requestFile: 'examples/todo-app.md', budgetUsd: 1_000 });
    const ended = await harness.runToEnd(projectId);
    const rows = await harness.deps.prisma.costLedgerEntry.findMany({ where: { projectId } });
    const prices = createPriceTable();
    const run: CachingRun = { calls: rows.length, ended, input: 0, read: 0, written: 0, inputMicros: 0n, totalMicros: 0n, savedMicros: 0n };
    for (const row of rows) {
      run.input += row.inputTokens;
      run.read += row.cacheReadTokens;
      run.written += row.cacheWriteTokens;
      run.inputMicros += prices.costMicros(row.model, { inputTokens: row.inputTokens, outputTokens: 0, cacheReadTokens: row.cacheReadTokens, cacheWriteTokens: row.cacheWriteTokens });
      run.totalMicros += row.costMicros;
      run.savedMicros += row.cacheSavingsMicros;
    }
    return run;
  } finally {
    await harness.close();
    await fake.close();
  }
}

async function caching(): Promise<void> {
  const off = await cachingRun(false);
  const on = await cachingRun(true);
  const usd = (micros: bigint) => `$${(Number(micros) / 1e6).toFixed(4)}`;
  const line = (label: string, run: CachingRun) =>
    `  ${label.padEnd(16)} ${String(run.calls).padStart(4)} calls  ${String(run.input).padStart(8)} input tokens (${String(run.read).padStart(8)} read, ${String(run.written).padStart(7)} written)  input ${usd(run.inputMicros)}  total ${usd(run.totalMicros)}  (${run.ended})`;
  console.log(`
Prompt caching on examples/todo-app.md, end to end through the engine and the Anthropic SDK (${CACHING_MODEL}, fake server simulating the cache):`);
  console.log(line('without caching', off));
  console.log(line('with caching', on));
  const saving = (1 - Number(on.inputMicros) / Number(off.inputMicros)) * 100;
  console.log(`  input cost with caching: ${saving.toFixed(1)} % lower (target ≥ 50 %); the ledger's cacheSavings: ${usd(on.savedMicros)}; total cost ${((1 - Number(on.totalMicros) / Number(off.totalMicros)) * 100).toFixed(1)} % lower`);
}

if (process.argv[2] === 'child') await child();
else if (process.argv[2] === 'utilisation') {
  // Only part 3 (quick to rerun): `node --import tsx bench/economics.ts utilisation`.
  await setUpTestEnvironment();
  const database = await openDb(testDatabaseUrl(), 10);
  try {
    await budgetUtilisation(database);
  } finally {
    await database.close();
    await tearDownTestEnvironment();
  }
} else if (process.argv[2] === 'caching') {
  // Only part 5: `node --import tsx bench/economics.ts caching`.
  await setUpTestEnvironment();
  try {
    await caching();
  } finally {
    await tearDownTestEnvironment();
  }
} else await main();
