/**
 * Gemini's explicit context caching through the real SDK against the fake Gemini server: a shared
 * prefix long enough is cached once and named by later calls; what does not pay goes out whole.
 */
import { expect } from 'chai';
import { GeminiProvider } from '../../src/models/providers/gemini-provider.js';
import { minCacheTokens, splitForCache } from '../../src/models/providers/gemini-context-cache.js';
import type { PromptBlock } from '../../src/models/provider.js';
import { costMicros } from '../../src/economics/pricing.js';
import { FakeGeminiServer } from '../support/fake-gemini-server.js';
import { completionRequest } from './model-fixtures.js';

const SHARED = 'The request: an inventory of items by warehouse and shelf.\n'.repeat(120); // ~1,800 tokens
const MODEL = 'gemini-2.5-flash';

function request(system: PromptBlock[], task: string) {
  return completionRequest(MODEL, { system, prompt: [{ text: task }] });
}

describe('models: Gemini context caching', () => {
  let fake: FakeGeminiServer;
  const provider = (contextCaching = true) => new GeminiProvider({ apiKey: FakeGeminiServer.apiKey, baseUrl: fake.url, timeoutMs: 5_000, contextCaching });

  beforeEach(async () => {
    fake = await new FakeGeminiServer().start();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('caches the shared prefix once; later calls name the cache and read its tokens at the cache price', async () => {
    const gemini = provider();
    const system = [{ text: SHARED, cacheBreakpoint: true }, { text: 'You write controllers.' }];
    const first = await gemini.complete(request(system, 'Subject: Item'));
    const second = await gemini.complete(request(system, 'Subject: Shelf'));

    const creates = fake.requests.filter((r) => r.path === '/v1beta/cachedContents');
    expect(creates).to.have.length(1);
    const created = creates[0]?.body as { systemInstruction: { parts: { text: string }[] }; ttl: string; model: string };
    expect(created.systemInstruction.parts[0]?.text).to.equal(SHARED);
    expect(created.ttl).to.equal('300s');
    const [call1, call2] = fake.completions.map((r) => r.body as { cachedContent?: string; systemInstruction?: unknown; contents: { parts: { text: string }[] }[] });
    expect(call1?.cachedContent).to.equal('cachedContents/fake-1');
    expect(call2?.cachedContent).to.equal('cachedContents/fake-1');
    // Gemini refuses a systemInstruction beside a cache: the rest of the system text opens the user turn.
    expect(call2?.systemInstruction).to.equal(undefined);
    expect(call2?.contents[0]?.parts[0]?.text).to.equal('You write controllers.\n\nSubject: Shelf');

    const cachedTokens = fake.caches.get('cachedContents/fake-1')?.tokens ?? 0;
    expect(cachedTokens).to.be.at.least(minCacheTokens(MODEL));
    expect(first.usage.cacheWriteTokens).to.equal(cachedTokens);
    expect(first.usage.cacheStorageTokenSeconds).to.equal(cachedTokens * 300);
    expect(first.usage.cacheReadTokens).to.equal(undefined);
    expect(second.usage.cacheStorageTokenSeconds).to.equal(undefined);
    expect(second.usage.cacheReadTokens).to.equal(cachedTokens);
    expect(second.usage.inputTokens).to.be.above(cachedTokens);
  });

  it('sends the call whole where caching does not pay: a prefix under the minimum, no breakpoint, or caching off', async () => {
    await provider().complete(request([{ text: 'Short shared text.', cacheBreakpoint: true }, { text: 'Role.' }], 'Task.'));
    await provider().complete(request([{ text: SHARED }, { text: 'Role.' }], 'Task.'));
    await provider(false).complete(request([{ text: SHARED, cacheBreakpoint: true }], 'Task.'));
    expect(fake.requests.filter((r) => r.path === '/v1beta/cachedContents')).to.have.length(0);
    for (const call of fake.completions) {
      const body = call.body as { cachedContent?: string; systemInstruction?: { parts: { text: string }[] } };
      expect(body.cachedContent).to.equal(undefined);
      expect(body.systemInstruction?.parts[0]?.text).to.be.a('string').and.not.equal('');
    }
  });

  it('a cache Gemini refuses to create leaves the call uncached, not failed', async () => {
    fake.minCacheTokens = 100_000;
    const result = await provider().complete(request([{ text: SHARED, cacheBreakpoint: true }], 'Task.'));
    expect(result.text).to.be.a('string');
    expect(fake.requests.filter((r) => r.path === '/v1beta/cachedContents')).to.have.length(1);
    expect((fake.completions[0]?.body as { cachedContent?: string }).cachedContent).to.equal(undefined);
  });

  it('prices the cache it created: written tokens at the input price, 5 minutes of storage at the hourly rate', () => {
    // Gemini 2.5 Flash: $0.30 input, $0.03 cache read, $1.00 per 1M tokens per hour of storage.
    const created = costMicros(MODEL, { inputTokens: 2_000, outputTokens: 0, cacheWriteTokens: 1_800, cacheStorageTokenSeconds: 1_800 * 300 });
    // 2000 × 0.30 = 600 µ$; storage 1800 tokens × 1/12 h × $1/M = 150 µ$.
    expect(created).to.equal(750n);
    expect(costMicros(MODEL, { inputTokens: 2_000, outputTokens: 0, cacheReadTokens: 1_800 })).to.equal(60n + 54n);
  });

  it('splits at the last breakpoint of the system blocks; Pro models need 4,096 tokens', () => {
    const split = splitForCache([{ text: 'a', cacheBreakpoint: true }, { text: 'b', cacheBreakpoint: true }, { text: 'c' }], [{ text: 'd' }]);
    expect(split).to.deep.equal({ prefix: [{ text: 'a', cacheBreakpoint: true }, { text: 'b', cacheBreakpoint: true }], rest: [{ text: 'c' }, { text: 'd' }] });
    expect(splitForCache([{ text: 'a' }], [{ text: 'd', cacheBreakpoint: true }])).to.equal(undefined);
    expect(minCacheTokens('gemini-2.5-pro')).to.equal(4_096);
    expect(minCacheTokens('gemini-2.5-flash')).to.equal(1_024);
  });
});
