import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { parseModelList } from '../../src/models/model-catalog.js';
import { OfflineProvider } from '../../src/offline-model/offline-provider.js';
import type { LlmProvider } from '../../src/models/provider.js';
import { RedisRateLimiter } from '../../src/models/router/rate-limiter.js';
import { TieredRouter } from '../../src/models/router/tiered-router.js';
import { createRedis } from '../../src/redis/connection.js';
import { testNamespace, testRedisUrl } from '../support/environment.js';
import { realProviders, routedRequest, startFakeServers, type FakeServers } from './model-fixtures.js';

let counter = 0;
const freshNamespace = (): string => `${testNamespace()}-rate-${++counter}`;

interface Child {
  providers: Promise<string[]>;
  ready: Promise<void>;
  go(): void;
}

function startChild(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/models/fixtures/rate-limit-worker.ts'], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) onReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const providers = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`rate-limit worker exited with ${String(code)}:\n${err}`);
    return JSON.parse(out.split('\n')[1] ?? '[]') as string[];
  });
  return { providers, ready: Promise.race([ready, providers.then(() => undefined)]), go: () => child.stdin.end('go\n') };
}

describe('models: cluster-wide rate limits (Redis)', () => {
  let redis: Redis;
  let servers: FakeServers;

  beforeEach(async () => {
    redis = createRedis({ url: testRedisUrl(), name: 'zekka:test:rate-limiter' });
    servers = await startFakeServers();
  });
  afterEach(async () => {
    await servers.close();
    await redis.quit();
  });

  it('admits up to the request limit in a window, then says how long to wait', async () => {
    const limiter = new RedisRateLimiter({ redis, namespace: freshNamespace(), limits: { gemini: { requestsPerMinute: 3 } } });
    for (let i = 0; i < 3; i++) expect((await limiter.acquire('gemini', 10)).admitted).to.equal(true);
    const refused = await limiter.acquire('gemini', 10);
    expect(refused.admitted).to.equal(false);
    if (!refused.admitted) expect(refused.waitMs).to.be.within(1, 61_000);
    expect((await limiter.acquire('anthropic', 10)).admitted, 'other providers are not limited').to.equal(true);
  });

  it('counts tokens at their worst case and gives back what the call did not use', async () => {
    const limiter = new RedisRateLimiter({ redis, namespace: freshNamespace(), limits: { anthropic: { tokensPerMinute: 1_000 } } });
    const big = await limiter.acquire('anthropic', 800);
    expect(big.admitted).to.equal(true);
    expect((await limiter.acquire('anthropic', 300)).admitted).to.equal(false);
    if (big.admitted) await limiter.settle(big.ticket, 200);
    expect((await limiter.acquire('anthropic', 300)).admitted, 'fits after the correction').to.equal(true);
    const never = await limiter.acquire('anthropic', 5_000);
    expect(never).to.deep.equal({ admitted: false, waitMs: Number.POSITIVE_INFINITY });
  });

  it('makes the router wait for a slot while its allowance lasts, else fall back', async () => {
    const namespace = freshNamespace();
    const chain = parseModelList('ollama:llama3.2,offline:offline-standard');
    const make = (maxWaitMs: number) =>
      new TieredRouter({
        catalog: { premium: chain, standard: chain, economy: chain },
        providers: new Map<string, LlmProvider>([
          ['ollama', realProviders(servers).ollama],
          ['offline', new OfflineProvider()],
        ]),
        rateLimiter: new RedisRateLimiter({ redis, namespace, windowMs: 400, bucketMs: 10, limits: { ollama: { requestsPerMinute: 2 } } }),
        maxWaitMs,
      });
    const patient = make(2_000);
    const providers = [];
    for (let i = 0; i < 3; i++) providers.push((await patient.complete(routedRequest())).provider);
    expect(providers).to.deep.equal(['ollama', 'ollama', 'ollama']);
    const hasty = make(0);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await hasty.complete(routedRequest()));
    expect(results.map((r) => r.provider)).to.include('offline');
    expect(results.find((r) => r.provider === 'offline')?.switches).to.deep.equal([{ from: 'ollama:llama3.2', to: 'offline:offline-standard', reason: 'rate_limited' }]);
  });

  it('two processes on one namespace together stay within the requests-per-minute limit', async function () {
    this.timeout(60_000);
    const env = { REDIS_URL: testRedisUrl(), NAMESPACE: freshNamespace(), OLLAMA_URL: servers.ollama.url, LIMIT: '10', CALLS: '12' };
    const children = [startChild(env), startChild(env)];
    await Promise.all(children.map((c) => c.ready));
    for (const child of children) child.go();
    const [first = [], second = []] = await Promise.all(children.map((c) => c.providers));
    const all = [...first, ...second];
    expect(all).to.have.length(24);
    expect(all.filter((p) => p === 'ollama'), 'exactly the limit reached ollama').to.have.length(10);
    expect(servers.ollama.completions, 'what the server saw').to.have.length(10);
  });
});
