import { expect } from 'chai';
import type { LlmProvider } from '../../src/models/provider.js';
import { AnthropicProvider } from '../../src/models/providers/anthropic-provider.js';
import { GeminiProvider } from '../../src/models/providers/gemini-provider.js';
import { OllamaProvider } from '../../src/models/providers/ollama-provider.js';
import { ProviderError, type ProviderErrorKind } from '../../src/models/providers/provider-error.js';
import type { ProbeableProvider } from '../../src/models/providers/provider-probe.js';
import type { FakeModelServer } from '../support/fake-http-server.js';
import { completionRequest, realProviders, startFakeServers, type FakeServers } from './model-fixtures.js';

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected the call to fail');
}

interface Case {
  name: 'anthropic' | 'gemini' | 'ollama';
  model: string;
  /** What the server saw of system, prompt and the output limit. */
  sent: (body: unknown) => { system: unknown; prompt: unknown; limit: unknown };
}

const CASES: Case[] = [
  {
    name: 'anthropic',
    model: 'claude-sonnet-4-6',
    sent: (body) => {
      const b = body as { system: unknown; messages: { content: unknown }[]; max_tokens: unknown };
      // Text blocks (./anthropic-prompt.ts): read back as one string.
      const text = (blocks: unknown) => (blocks as { text: string }[]).map((block) => block.text).join('\n\n');
      return { system: text(b.system), prompt: text(b.messages[0]?.content), limit: b.max_tokens };
    },
  },
  {
    name: 'gemini',
    model: 'gemini-2.5-flash',
    sent: (body) => {
      const b = body as { systemInstruction: { parts: { text: unknown }[] }; contents: { parts: { text: unknown }[] }[]; generationConfig: { maxOutputTokens: unknown } };
      return { system: b.systemInstruction.parts[0]?.text, prompt: b.contents[0]?.parts[0]?.text, limit: b.generationConfig.maxOutputTokens };
    },
  },
  {
    name: 'ollama',
    model: 'llama3.2',
    sent: (body) => {
      const b = body as { messages: { role: string; content: unknown }[]; options: { num_predict: unknown }; stream: unknown };
      expect(b.stream).to.equal(true);
      return { system: b.messages.find((m) => m.role === 'system')?.content, prompt: b.messages.find((m) => m.role === 'user')?.content, limit: b.options.num_predict };
    },
  },
];

describe('models: providers through the real SDKs against fake servers', () => {
  let servers: FakeServers;
  let providers: ReturnType<typeof realProviders>;

  beforeEach(async () => {
    servers = await startFakeServers();
    providers = realProviders(servers, 300);
  });
  afterEach(async () => {
    await servers.close();
  });

  for (const { name, model, sent } of CASES) {
    describe(name, () => {
      const provider = (): LlmProvider & ProbeableProvider => providers[name];
      const server = (): FakeModelServer => servers[name];
      const expectKind = async (kind: ProviderErrorKind): Promise<ProviderError> => {
        const error = await failure(provider().complete(completionRequest(model)));
        expect(error.kind, error.message).to.equal(kind);
        expect(error.provider).to.equal(name);
        expect(error.model).to.equal(model);
        return error;
      };

      it('answers with the usage the server reported', async () => {
        server().reply({ kind: 'ok', text: 'hello', inputTokens: 1234, outputTokens: 200 });
        const result = await provider().complete(completionRequest(model));
        expect(result).to.deep.equal({ text: 'hello', usage: { inputTokens: 1234, outputTokens: 200 }, model, provider: name, stopReason: 'end' });
        const [request] = server().completions;
        expect(request?.model).to.equal(model);
        expect(sent(request?.body)).to.deep.equal({ system: 'You are a careful parser.', prompt: 'Parse the requirements.', limit: 256 });
      });

      it('reports 429 as rate_limited with the retry-after, without retrying by itself', async () => {
        server().reply({ kind: 'error', status: 429, retryAfterSeconds: 2 });
        const error = await expectKind('rate_limited');
        expect(error.transient).to.equal(true);
        if (name !== 'ollama') expect(error.retryAfterMs).to.equal(2_000);
        expect(server().completions).to.have.length(1);
      });

      it('reports 500 as a server error, without retrying by itself', async () => {
        server().reply({ kind: 'error', status: 500 });
        const error = await expectKind('server');
        expect(error.httpStatus).to.equal(500);
        expect(server().completions).to.have.length(1);
      });

      it('reports a call with no answer in time as a time-out', async () => {
        server().reply({ kind: 'hang' });
        await expectKind('timeout');
      });

      it('reports a body that is not JSON as a bad response', async () => {
        server().reply({ kind: 'malformed' });
        await expectKind('bad_response');
      });

      it('reports an empty answer as a bad response', async () => {
        server().reply({ kind: 'empty' });
        const error = await expectKind('bad_response');
        expect(error.message).to.match(/empty/);
      });

      it('returns an answer cut off at the output limit as such, for the router to continue', async () => {
        server().reply({ kind: 'truncated', text: 'half an ans', outputTokens: 256 });
        const result = await provider().complete(completionRequest(model));
        expect(result.stopReason).to.equal('max_tokens');
        expect(result.text).to.equal('half an ans');
        expect(result.usage.outputTokens).to.equal(256);
      });

      it('reports a stream that stops without its final event as interrupted, with what it produced', async () => {
        for (const drop of [false, true]) {
          server().reply({ kind: 'cut', text: 'x'.repeat(120), at: 60, inputTokens: 40, drop });
          const seen: number[] = [];
          const error = await failure(provider().complete(completionRequest(model, { onOutputTokens: (n) => seen.push(n) })));
          expect(error.kind, `${error.message} (drop ${drop})`).to.equal('interrupted');
          expect(error.transient).to.equal(true);
          // 60 characters streamed: 20 tokens at 3 characters a token, told as they arrived.
          expect(error.consumed?.outputTokens).to.equal(20);
          expect(seen.at(-1)).to.equal(20);
        }
      });

      it('reports a dropped connection and a refused one as connection errors', async () => {
        server().reply({ kind: 'reset' });
        await expectKind('connection');
        await server().close();
        await expectKind('connection');
      });

      it('stops at once, as cancelled, when the caller aborts', async () => {
        server().reply({ kind: 'hang' });
        const controller = new AbortController();
        const call = failure(provider().complete(completionRequest(model, { signal: controller.signal })));
        setTimeout(() => controller.abort(), 20);
        expect((await call).kind).to.equal('cancelled');
      });

      it('answers the doctor with its model list', async () => {
        const { models } = await provider().probe(1_000);
        expect(models.length).to.be.greaterThan(0);
      });
    });
  }

  it('anthropic: an overloaded_error event inside the stream is overloaded, carrying what was streamed', async () => {
    servers.anthropic.reply({ kind: 'stream_error', text: 'y'.repeat(90), at: 90 });
    const error = await failure(providers.anthropic.complete(completionRequest('claude-sonnet-4-6')));
    expect(error.kind).to.equal('overloaded');
    expect(error.message).to.contain('overloaded_error in the stream');
    expect(error.consumed).to.deep.equal({ inputTokens: 11, outputTokens: 30 });
  });

  it('anthropic: 529 is overloaded; a wrong key is auth', async () => {
    servers.anthropic.reply({ kind: 'error', status: 529 });
    expect((await failure(providers.anthropic.complete(completionRequest('claude-sonnet-4-6')))).kind).to.equal('overloaded');
    const wrongKey = new AnthropicProvider({ apiKey: 'sk-wrong', baseURL: servers.anthropic.url, timeoutMs: 1_000 });
    expect((await failure(wrongKey.complete(completionRequest('claude-sonnet-4-6')))).kind).to.equal('auth');
  });

  it('reports cached prompt tokens inside the prompt count, so the price table bills them at the cache rates', async () => {
    // Anthropic counts cache reads and writes apart from input_tokens; Gemini counts them inside promptTokenCount.
    servers.anthropic.reply({ kind: 'ok', inputTokens: 5_000, outputTokens: 100, cacheReadTokens: 3_000, cacheWriteTokens: 1_000 });
    expect((await providers.anthropic.complete(completionRequest('claude-sonnet-4-6'))).usage).to.deep.equal({ inputTokens: 5_000, outputTokens: 100, cacheReadTokens: 3_000, cacheWriteTokens: 1_000 });
    servers.gemini.reply({ kind: 'ok', inputTokens: 5_000, outputTokens: 100, cacheReadTokens: 4_000 });
    expect((await providers.gemini.complete(completionRequest('gemini-2.5-pro'))).usage).to.deep.equal({ inputTokens: 5_000, outputTokens: 100, cacheReadTokens: 4_000 });
  });

  it('gemini: 503 is overloaded; thinking tokens count as output', async () => {
    servers.gemini.reply({ kind: 'error', status: 503 });
    expect((await failure(providers.gemini.complete(completionRequest('gemini-2.5-pro')))).kind).to.equal('overloaded');
    servers.gemini.thoughtsTokens = 100;
    servers.gemini.reply({ kind: 'ok', inputTokens: 10, outputTokens: 20 });
    expect((await providers.gemini.complete(completionRequest('gemini-2.5-pro'))).usage).to.deep.equal({ inputTokens: 10, outputTokens: 120 });
    const wrongKey = new GeminiProvider({ apiKey: 'wrong', baseUrl: servers.gemini.url, timeoutMs: 1_000 });
    expect((await failure(wrongKey.complete(completionRequest('gemini-2.5-pro')))).kind).to.equal('client');
  });

  it('ollama: a model that was never pulled (404) is a client error', async () => {
    servers.ollama.reply({ kind: 'error', status: 404, message: 'model "nope" not found, try pulling it first' });
    const error = await failure(new OllamaProvider({ host: servers.ollama.url, timeoutMs: 1_000 }).complete(completionRequest('nope')));
    expect(error.kind).to.equal('client');
    expect(error.message).to.contain('not found');
  });
});
