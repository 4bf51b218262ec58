import { expect } from 'chai';
import type { CallEstimate, Reservation } from '../../src/models/budget-guard.js';
import { PriceTable } from '../../src/economics/pricing.js';
import { BudgetExceededError } from '../../src/errors/app-error.js';
import { parseModelList, type ModelCatalog } from '../../src/models/model-catalog.js';
import { SingleProviderRouter } from '../../src/models/model-router.js';
import { OfflineProvider } from '../../src/offline-model/offline-provider.js';
import type { LlmProvider } from '../../src/models/provider.js';
import { ProviderError } from '../../src/models/providers/provider-error.js';
import { CircuitBreakers } from '../../src/models/router/circuit-breaker.js';
import { AllModelsFailedError } from '../../src/models/router/routing-errors.js';
import { TieredRouter, type TieredRouterOptions } from '../../src/models/router/tiered-router.js';
import { FakeBudgetGuard, realProviders, routedRequest, startFakeServers, toyPrice, type FakeServers } from './model-fixtures.js';

const CHAIN = 'gemini:gemini-2.5-flash,anthropic:claude-sonnet-4-6,ollama:llama3.2';

function catalog(standard: string): ModelCatalog {
  return { premium: parseModelList(standard), standard: parseModelList(standard), economy: parseModelList(standard) };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('models: tiered router', () => {
  let servers: FakeServers;
  let providers: Map<string, LlmProvider>;

  const router = (chain = CHAIN, options: Partial<TieredRouterOptions> = {}): TieredRouter =>
    new TieredRouter({ catalog: catalog(chain), providers, backoffMs: 0, maxWaitMs: 2_000, price: toyPrice, ...options });

  beforeEach(async () => {
    servers = await startFakeServers();
    const real = realProviders(servers, 300);
    providers = new Map<string, LlmProvider>([...Object.entries(real), ['offline', new OfflineProvider()]]);
  });
  afterEach(async () => {
    await servers.close();
  });

  it('answers from the first candidate, settling its cost on the budget', async () => {
    servers.gemini.reply({ kind: 'ok', text: 'done', inputTokens: 40, outputTokens: 10 });
    const budget = new FakeBudgetGuard(1_000_000n);
    const result = await router().complete(routedRequest('standard', { budget }));
    expect(result).to.include({ text: 'done', provider: 'gemini', model: 'gemini-2.5-flash' });
    expect(result.usage).to.deep.equal({ inputTokens: 40, outputTokens: 10 });
    expect(result.costMicros).to.equal(60n);
    expect(result.switches).to.deep.equal([]);
    expect(budget.log).to.deep.equal(['reserve gemini:gemini-2.5-flash 524', 'settle gemini:gemini-2.5-flash 60']);
    expect(budget.reserved).to.equal(0n);
  });

  it('falls back along the chain on 500 and 529, releasing each failed reservation', async () => {
    servers.gemini.reply({ kind: 'error', status: 500 });
    servers.anthropic.reply({ kind: 'error', status: 529 });
    const budget = new FakeBudgetGuard(1_000_000n);
    const result = await router().complete(routedRequest('standard', { budget }));
    expect(result.provider).to.equal('ollama');
    expect(result.switches).to.deep.equal([
      { from: 'gemini:gemini-2.5-flash', to: 'anthropic:claude-sonnet-4-6', reason: 'server' },
      { from: 'anthropic:claude-sonnet-4-6', to: 'ollama:llama3.2', reason: 'overloaded' },
    ]);
    expect(budget.log.filter((line) => line.startsWith('release'))).to.deep.equal(['release gemini:gemini-2.5-flash', 'release anthropic:claude-sonnet-4-6']);
    expect(budget.reserved).to.equal(0n);
    expect(budget.spent).to.equal(0n);
  });

  it('falls back on a time-out, a malformed body and an empty answer', async () => {
    const r = router('gemini:gemini-2.5-flash,anthropic:claude-sonnet-4-6,ollama:llama3.2,offline:offline-standard');
    servers.gemini.reply({ kind: 'hang' }, { kind: 'empty' });
    servers.anthropic.reply({ kind: 'malformed' }, { kind: 'malformed' });
    servers.ollama.reply({ kind: 'hang' });
    const first = await r.complete(routedRequest());
    expect(first.switches.map((s) => s.reason)).to.deep.equal(['timeout', 'bad_response', 'timeout']);
    expect(first.provider).to.equal('offline');
    const second = await r.complete(routedRequest());
    expect(second.switches.map((s) => s.reason)).to.deep.equal(['bad_response', 'bad_response']);
    expect(second.provider).to.equal('ollama');
  });

  it('continues an answer cut off at the output limit in a follow-up call on the same model, and gives up after the cap', async () => {
    const r = router('gemini:gemini-2.5-flash,ollama:llama3.2');
    servers.gemini.reply({ kind: 'error', status: 500 });
    servers.ollama.reply({ kind: 'truncated', text: '{"summary": "a', inputTokens: 10, outputTokens: 5 }, { kind: 'ok', text: 'b", "files": []}', inputTokens: 14, outputTokens: 6 });
    const budget = new FakeBudgetGuard(1_000_000n);
    const result = await r.complete(routedRequest('standard', { budget }));
    expect(result.text).to.equal('{"summary": "ab", "files": []}');
    expect(result.stopReason).to.equal('end');
    expect(result.usage).to.deep.equal({ inputTokens: 24, outputTokens: 11 });
    // The continuation went to the model that wrote the first part, with the answer so far as its own turn.
    expect(servers.gemini.completions).to.have.length(1);
    const [, second] = servers.ollama.completions;
    expect((second?.body as { messages: { role: string; content: string }[] }).messages.at(-1)).to.deep.equal({ role: 'assistant', content: '{"summary": "a' });
    expect(budget.log.filter((line) => line.startsWith('settle'))).to.have.length(2);

    servers.ollama.reply(...Array.from({ length: 5 }, () => ({ kind: 'truncated' as const, text: 'more ' })));
    const error = await router('ollama:llama3.2').complete(routedRequest('standard')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ProviderError);
    expect((error as ProviderError).kind).to.equal('truncated');
    expect((error as ProviderError).message).to.contain('after 4 continuations');
  });

  it('waits out a 429 whose retry-after fits, and retries the same model', async () => {
    servers.gemini.reply({ kind: 'error', status: 429, retryAfterSeconds: 0.2 });
    const result = await router().complete(routedRequest());
    expect(result.provider).to.equal('gemini');
    // The retry of the same model is reported with its reason.
    expect(result.switches).to.deep.equal([{ from: 'gemini:gemini-2.5-flash', to: 'gemini:gemini-2.5-flash', reason: 'rate_limited' }]);
    expect(servers.gemini.completions).to.have.length(2);
  });

  it('falls back on a 429 whose retry-after is too long, and leaves that provider alone meanwhile', async () => {
    servers.anthropic.reply({ kind: 'error', status: 429, retryAfterSeconds: 30 });
    const r = router('anthropic:claude-sonnet-4-6,gemini:gemini-2.5-flash');
    const first = await r.complete(routedRequest());
    expect(first.switches).to.deep.equal([{ from: 'anthropic:claude-sonnet-4-6', to: 'gemini:gemini-2.5-flash', reason: 'rate_limited' }]);
    const second = await r.complete(routedRequest());
    expect(second.provider).to.equal('gemini');
    expect(second.switches[0]?.reason).to.equal('rate_limited');
    expect(servers.anthropic.completions).to.have.length(1);
  });

  it('opens a circuit after repeated failures, skips the provider, and closes it after a successful trial', async () => {
    let now = 1_000_000;
    const circuits = new CircuitBreakers({ failureThreshold: 2, cooldownMs: 10_000, now: () => now });
    const r = router(CHAIN, { circuits });
    servers.gemini.reply({ kind: 'error', status: 500 }, { kind: 'malformed' });
    await r.complete(routedRequest());
    expect(circuits.state('gemini')).to.equal('closed');
    await r.complete(routedRequest());
    expect(circuits.state('gemini')).to.equal('open');
    const skipped = await r.complete(routedRequest());
    expect(skipped.switches[0]).to.deep.equal({ from: 'gemini:gemini-2.5-flash', to: 'anthropic:claude-sonnet-4-6', reason: 'circuit_open' });
    expect(servers.gemini.completions).to.have.length(2);

    now += 10_000;
    expect(circuits.state('gemini')).to.equal('half-open');
    servers.gemini.reply({ kind: 'error', status: 503 });
    await r.complete(routedRequest());
    expect(circuits.state('gemini'), 'a failed trial opens it again').to.equal('open');
    expect(servers.gemini.completions).to.have.length(3);

    now += 10_000;
    const recovered = await r.complete(routedRequest());
    expect(recovered.provider).to.equal('gemini');
    expect(circuits.state('gemini')).to.equal('closed');
  });

  it('switches to the next model when the budget refuses a reservation, and reports the switch', async () => {
    const budget = new FakeBudgetGuard(1_000n);
    const result = await router('anthropic:claude-sonnet-4-6,gemini:gemini-2.5-flash,ollama:llama3.2').complete(routedRequest('standard', { budget }));
    expect(result.provider).to.equal('gemini');
    expect(result.switches).to.deep.equal([{ from: 'anthropic:claude-sonnet-4-6', to: 'gemini:gemini-2.5-flash', reason: 'budget' }]);
    expect(result.costMicros).to.equal(toyPrice({ provider: 'gemini' }, result.usage));
    expect(servers.anthropic.completions, 'a refused model is never called').to.have.length(0);
    expect(budget.log[0]).to.equal('refuse anthropic:claude-sonnet-4-6 3876');
  });

  it('throws a budget error saying what the cheapest call needed when no model fits', async () => {
    const budget = new FakeBudgetGuard(100n);
    const error = await rejection(router('anthropic:claude-sonnet-4-6,gemini:gemini-2.5-flash').complete(routedRequest('premium', { budget })));
    expect(error).to.be.instanceOf(BudgetExceededError);
    expect(error.message).to.equal(
      'no model for tier premium fits the remaining budget; the cheapest call (gemini:gemini-2.5-flash) needed $0.000524 for ~12 prompt + 256 output tokens',
    );
    expect((error as BudgetExceededError).details).to.include({ tier: 'premium', cheapest: 'gemini:gemini-2.5-flash', neededMicros: '524' });
    expect(servers.gemini.completions.length + servers.anthropic.completions.length).to.equal(0);
  });

  it('never calls a model without a price: passes over it as unpriced, or fails naming MODEL_PRICES', async () => {
    // A budget that prices with the real table, as the project budget guard does before every call.
    class PricedBudget extends FakeBudgetGuard {
      override reserve(estimate: CallEstimate): Promise<Reservation | undefined> {
        new PriceTable().priceOf(estimate.model, estimate.provider);
        return super.reserve(estimate);
      }
    }
    const budget = new PricedBudget(1_000_000n);
    const result = await router('anthropic:claude-unreleased-9,gemini:gemini-2.5-flash').complete(routedRequest('standard', { budget }));
    expect(result.provider).to.equal('gemini');
    expect(result.switches).to.deep.equal([{ from: 'anthropic:claude-unreleased-9', to: 'gemini:gemini-2.5-flash', reason: 'unpriced' }]);
    expect(servers.anthropic.completions, 'an unpriced model is never called').to.have.length(0);
    expect(budget.log).to.deep.equal(['reserve gemini:gemini-2.5-flash 524', `settle gemini:gemini-2.5-flash ${result.costMicros}`]);

    const error = await rejection(router('anthropic:claude-unreleased-9').complete(routedRequest('premium', { budget })));
    expect(error).to.be.instanceOf(AllModelsFailedError);
    expect((error as AllModelsFailedError).attempts.map((a) => a.outcome)).to.deep.equal(['unpriced']);
    expect(error.message).to.match(/anthropic:claude-unreleased-9 unpriced \(no price for model anthropic:claude-unreleased-9: add it to MODEL_PRICES/);
    expect(servers.anthropic.completions).to.have.length(0);
    expect(budget.reserved).to.equal(0n);
  });

  it('lists every attempt when all models fail', async () => {
    servers.gemini.reply({ kind: 'error', status: 500 });
    servers.anthropic.reply({ kind: 'error', status: 401 });
    servers.ollama.reply({ kind: 'reset' });
    const error = await rejection(router().complete(routedRequest('economy')));
    expect(error).to.be.instanceOf(AllModelsFailedError);
    expect((error as AllModelsFailedError).attempts.map((a) => `${a.model} ${a.outcome}`)).to.deep.equal([
      'gemini:gemini-2.5-flash server',
      'anthropic:claude-sonnet-4-6 auth',
      'ollama:llama3.2 connection',
    ]);
    expect(error.message).to.match(/^no model answered for tier economy: gemini:gemini-2\.5-flash server \(.*HTTP 500/);
  });

  it('stops at once when the caller aborts, releasing the reservation', async () => {
    servers.gemini.reply({ kind: 'hang' });
    const budget = new FakeBudgetGuard(1_000_000n);
    const controller = new AbortController();
    const call = rejection(router().complete(routedRequest('standard', { budget, signal: controller.signal })));
    setTimeout(() => controller.abort(), 20);
    const error = await call;
    expect(error).to.be.instanceOf(ProviderError);
    expect((error as ProviderError).kind).to.equal('cancelled');
    expect(servers.anthropic.completions).to.have.length(0);
    expect(budget.reserved).to.equal(0n);
  });

  it('single-provider router: reserves and settles on a given budget; refuses when it does not fit', async () => {
    const single = new SingleProviderRouter(providers.get('ollama') as LlmProvider, () => 'llama3.2');
    const budget = new FakeBudgetGuard(10n);
    const result = await single.complete(routedRequest('standard', { budget }));
    expect(result).to.include({ provider: 'ollama', costMicros: 0n });
    expect(result.switches).to.deep.equal([]);
    expect(budget.log).to.deep.equal(['reserve ollama:llama3.2 0', 'settle ollama:llama3.2 0']);
    const gemini = new SingleProviderRouter(providers.get('gemini') as LlmProvider, () => 'gemini-2.5-flash');
    expect(await rejection(gemini.complete(routedRequest('standard', { budget })))).to.be.instanceOf(BudgetExceededError);
  });
});
