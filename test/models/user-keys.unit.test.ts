import { expect } from 'chai';
import { parseEnv } from '../../src/config/env.js';
import { UserProviderCache } from '../../src/models/credentials/user-provider-cache.js';
import { createModelRouter } from '../../src/models/router/create-router.js';
import { OfflineProvider } from '../../src/offline-model/offline-provider.js';
import { FakeAnthropicServer } from '../support/fake-anthropic-server.js';
import { FakeBudgetGuard, routedRequest, startFakeServers, type FakeServers } from './model-fixtures.js';

const USER_A = 'sk-ant-user-a-0123456789';
const USER_B = 'sk-ant-user-b-0123456789';
const USER_GEMINI = 'AIza-user-a-0123456789';

describe('models: users\' own provider keys', () => {
  let servers: FakeServers;

  beforeEach(async () => {
    servers = await startFakeServers();
    servers.anthropic.apiKeys.add(USER_A).add(USER_B);
    servers.gemini.apiKeys.add(USER_GEMINI);
  });
  afterEach(async () => {
    await servers.close();
  });

  const routerFor = (extra: Record<string, string> = {}) =>
    createModelRouter({ env: parseEnv({ ANTHROPIC_BASE_URL: servers.anthropic.url, GEMINI_BASE_URL: servers.gemini.url, MODEL_TIMEOUT_MS: '2000', ...extra }), offline: new OfflineProvider() }).router;
  const anthropicKeys = () => servers.anthropic.completions.map((r) => FakeAnthropicServer.keyOf(r.headers));

  it('makes a provider the server has no key for usable by a request that brings one, and only by that request', async () => {
    const router = routerFor();
    const without = await router.complete(routedRequest('standard'));
    expect(without.provider).to.equal('offline');
    expect(servers.anthropic.requests).to.have.length(0);

    const budget = new FakeBudgetGuard(1_000_000n);
    const mine = await router.complete(routedRequest('standard', { credentials: { anthropic: USER_A }, budget }));
    expect(mine).to.include({ provider: 'anthropic', model: 'claude-sonnet-4-6' });
    expect(anthropicKeys()).to.deep.equal([USER_A]);
    // Charged to the budget like any call: reserved, then settled on the real usage.
    expect(budget.log).to.have.length(2);
    expect(budget.log[0]).to.match(/^reserve anthropic:claude-sonnet-4-6 \d+$/);
    expect(budget.log[1]).to.equal(`settle anthropic:claude-sonnet-4-6 ${11 * 3 + 7 * 15}`);
    expect(mine.costMicros).to.equal(BigInt(11 * 3 + 7 * 15));

    const gemini = await router.complete(routedRequest('economy', { credentials: { gemini: USER_GEMINI } }));
    expect(gemini).to.include({ provider: 'gemini', model: 'gemini-2.5-flash-lite' });
    expect(servers.gemini.completions.map((r) => r.headers['x-goog-api-key'])).to.deep.equal([USER_GEMINI]);

    expect((await router.complete(routedRequest('standard'))).provider).to.equal('offline');
    expect(servers.anthropic.completions).to.have.length(1);
  });

  it('sends each request\'s own key in place of the server\'s, and the server\'s key without one', async () => {
    const router = routerFor({ ANTHROPIC_API_KEY: 'sk-ant-fake-key', MODELS_STANDARD: 'anthropic:claude-sonnet-4-6' });
    await router.complete(routedRequest('standard', { credentials: { anthropic: USER_A } }));
    await router.complete(routedRequest('standard'));
    await router.complete(routedRequest('standard', { credentials: { anthropic: USER_B } }));
    await router.complete(routedRequest('standard', { credentials: { gemini: USER_GEMINI } }));
    expect(anthropicKeys()).to.deep.equal([USER_A, 'sk-ant-fake-key', USER_B, 'sk-ant-fake-key']);
  });

  it('keeps a user\'s failing key out of the server\'s circuit', async () => {
    const router = createModelRouter({
      env: parseEnv({ ANTHROPIC_API_KEY: 'sk-ant-fake-key', ANTHROPIC_BASE_URL: servers.anthropic.url, MODELS_STANDARD: 'anthropic:claude-sonnet-4-6,offline:offline-standard' }),
      circuits: { failureThreshold: 1 },
      offline: new OfflineProvider(),
    }).router;
    // A revoked key: the fake answers 401, the router falls back to the offline model.
    const revoked = await router.complete(routedRequest('standard', { credentials: { anthropic: 'sk-ant-revoked-0123456789' } }));
    expect(revoked.provider).to.equal('offline');
    expect(revoked.switches[0]).to.include({ from: 'anthropic:claude-sonnet-4-6', reason: 'auth' });
    // The server's own Anthropic account is still used: its circuit did not open.
    expect((await router.complete(routedRequest('standard'))).provider).to.equal('anthropic');
  });

  it('builds one client per key and keeps at most the configured number', () => {
    const cache = new UserProviderCache(parseEnv({ ANTHROPIC_BASE_URL: servers.anthropic.url }), 2);
    const first = cache.provider('anthropic', USER_A);
    expect(cache.provider('anthropic', USER_A).provider).to.equal(first.provider);
    expect(first.lane).to.match(/^anthropic#[0-9a-f]{32}$/).and.not.include(USER_A);
    expect(cache.provider('anthropic', USER_B).provider).to.not.equal(first.provider);
    cache.provider('gemini', USER_GEMINI);
    expect(cache.size).to.equal(2);
    // The least recently used (USER_A) was evicted: a new client is built for it.
    expect(cache.provider('anthropic', USER_A).provider).to.not.equal(first.provider);
  });
});
