import { expect } from 'chai';
import fc from 'fast-check';
import { parseEnv } from '../../src/config/env.js';
import { UnpricedModelError } from '../../src/errors/app-error.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { DEFAULT_ARBITRATION_MODELS } from '../../src/arbitration/arbitration-services.js';
import { ModelPricesError, parseModelPrices } from '../../src/config/model-prices.js';
import {
  costMicros,
  costOf,
  createPriceTable,
  DEFAULT_MODEL_PRICES,
  DEFAULT_PRICE_SOURCES,
  DEFAULT_PRICES_AS_OF,
  LOCAL_PROVIDERS,
  PriceTable,
  usdToMicros,
} from '../../src/economics/pricing.js';
import { buildModelCatalog, DEFAULT_MODELS, MODEL_TIERS, parseModelList } from '../../src/models/model-catalog.js';

function configProblems(env: Record<string, string>): string {
  try {
    parseEnv(env);
    return '';
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
}

describe('economics: pricing', () => {
  it('follows the providers\' published prices, per 1M tokens, in micro-dollars', () => {
    const table = new PriceTable();
    expect(table.priceOf('claude-sonnet-4-6')).to.include({ inputMicrosPerMillion: 3_000_000n, outputMicrosPerMillion: 15_000_000n, source: 'exact' });
    expect(table.priceOf('claude-sonnet-4-6')).to.include({ cacheWriteMicrosPerMillion: 3_750_000n, cacheReadMicrosPerMillion: 300_000n });
    // Not the old "Gemini Pro $0.50" figure: Gemini 2.5 Pro lists at $1.25 / $10 (prompts up to 200k tokens).
    expect(table.priceOf('gemini-2.5-pro')).to.include({ inputMicrosPerMillion: 1_250_000n, outputMicrosPerMillion: 10_000_000n, cacheReadMicrosPerMillion: 125_000n });
    expect(table.priceOf('gemini-2.5-flash')).to.include({ inputMicrosPerMillion: 300_000n, outputMicrosPerMillion: 2_500_000n });
    expect(table.priceOf('claude-haiku-4-5')).to.include({ inputMicrosPerMillion: 1_000_000n, outputMicrosPerMillion: 5_000_000n });
    expect(table.priceOf('llama3.2')).to.include({ inputMicrosPerMillion: 0n, outputMicrosPerMillion: 0n, source: 'exact' });
    expect(table.priceOf('offline-premium')).to.include({ inputMicrosPerMillion: 0n, source: 'exact' });
    // 100k input tokens of Claude Sonnet cost exactly $0.30.
    expect(costMicros('claude-sonnet-4-5', { inputTokens: 100_000, outputTokens: 0 })).to.equal(300_000n);
    expect(costMicros('claude-sonnet-4-5', { inputTokens: 1000, outputTokens: 500 })).to.equal(3_000n + 7_500n);
    expect(DEFAULT_PRICES_AS_OF).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(DEFAULT_PRICE_SOURCES)).to.include.members(['gemini', 'anthropic', 'local']);
  });

  it('has an explicit price for every model a default tier or the default arbitration list can pick', () => {
    const everything = { GEMINI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k', OLLAMA_HOST: 'http://127.0.0.1:11434' };
    const refs = [
      ...Object.values(buildModelCatalog(everything)).flat(),
      ...Object.values(buildModelCatalog({})).flat(), // no provider: the offline model of each tier
      ...parseModelList(DEFAULT_ARBITRATION_MODELS),
      ...MODEL_TIERS.flatMap((tier) => parseModelList(DEFAULT_MODELS[tier])),
    ];
    expect(refs.length).to.be.greaterThan(8);
    const table = new PriceTable();
    for (const ref of refs) {
      // In the table by name (local ones included): not by a provider rule, a guess or a fallback.
      expect(DEFAULT_MODEL_PRICES, `${ref.provider}:${ref.model} has no default price`).to.have.property(ref.model);
      expect(table.priceOf(ref.model, ref.provider).source, `${ref.provider}:${ref.model}`).to.equal('exact');
      const price = DEFAULT_MODEL_PRICES[ref.model];
      if (LOCAL_PROVIDERS.includes(ref.provider)) expect(price, ref.model).to.deep.equal({ inputMicrosPerMillion: 0n, outputMicrosPerMillion: 0n });
      else expect((price?.inputMicrosPerMillion ?? 0n) > 0n, `${ref.model} is paid`).to.equal(true);
      if (!LOCAL_PROVIDERS.includes(ref.provider)) expect(price?.cacheReadMicrosPerMillion, `${ref.model} cache read`).to.be.a('bigint');
      if (ref.provider === 'anthropic') expect(price?.cacheWriteMicrosPerMillion, `${ref.model} cache write`).to.be.a('bigint');
    }
  });

  it('prices the whole call at the long-context rate when the prompt exceeds 200k tokens (Gemini 2.5 Pro)', () => {
    const at = (inputTokens: number, outputTokens = 0, cacheReadTokens = 0) => costMicros('gemini-2.5-pro', { inputTokens, outputTokens, cacheReadTokens });
    expect(at(200_000)).to.equal(250_000n); // $1.25/M up to the threshold
    expect(at(200_001)).to.equal(500_003n); // every token at $2.50/M above it
    expect(at(200_000, 1_000_000)).to.equal(250_000n + 10_000_000n);
    expect(at(200_001, 1_000_000)).to.equal(500_003n + 15_000_000n);
    // Cached tokens at the long cache rate ($0.25/M) too.
    expect(at(300_000, 0, 100_000)).to.equal(200_000n * 2_500_000n / 1_000_000n + 25_000n);
  });

  it('bills cached prompt tokens at the cache read and write prices', () => {
    // Claude Sonnet 4.6: 1000 uncached at $3, 3000 read at $0.30, 1000 written at $3.75, 100 out at $15 per 1M.
    expect(costMicros('claude-sonnet-4-6', { inputTokens: 5_000, outputTokens: 100, cacheReadTokens: 3_000, cacheWriteTokens: 1_000 })).to.equal(3_000n + 900n + 3_750n + 1_500n);
    // Gemini has no per-token cache write price: writes cost the input price.
    expect(costMicros('gemini-2.5-flash', { inputTokens: 1_000_000, outputTokens: 0, cacheWriteTokens: 1_000_000 })).to.equal(300_000n);
    expect(costMicros('gemini-2.5-flash', { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 1_000_000 })).to.equal(30_000n);
    expect(() => costMicros('gemini-2.5-flash', { inputTokens: 10, outputTokens: 0, cacheReadTokens: 11 })).to.throw(RangeError, /exceed inputTokens/);
  });

  it('resolves dated snapshots and Ollama tags, and guesses nothing else', () => {
    const table = new PriceTable();
    expect(table.priceOf('claude-sonnet-4-5-20250929')).to.include({ entry: 'claude-sonnet-4-5', source: 'snapshot' });
    expect(table.priceOf('claude-haiku-4-5-latest')).to.include({ entry: 'claude-haiku-4-5', source: 'snapshot' });
    expect(table.priceOf('llama3.2:3b')).to.include({ entry: 'llama3.2', outputMicrosPerMillion: 0n });
    // A new model is not priced like an older one whose name it starts with.
    expect(table.find('claude-sonnet-4-7')).to.equal(undefined);
    expect(table.find('gemini-2.5-flash-image')).to.equal(undefined);
    expect(table.find('gpt-4o')).to.equal(undefined);
  });

  it('prices any model of a local provider at $0 and refuses every other unpriced model', () => {
    const table = new PriceTable();
    expect(table.priceOf('mistral-nemo', 'ollama')).to.include({ source: 'local', inputMicrosPerMillion: 0n, outputMicrosPerMillion: 0n });
    expect(table.priceOf('offline-anything', 'offline')).to.include({ source: 'local' });
    expect(() => table.priceOf('some-new-model', 'anthropic')).to.throw(UnpricedModelError, /no price for model anthropic:some-new-model: add it to MODEL_PRICES/);
    expect(() => table.costMicros('some-new-model', { inputTokens: 1, outputTokens: 1 }, 'gemini')).to.throw(UnpricedModelError);
    expect(() => costMicros('mistral-nemo', { inputTokens: 1, outputTokens: 1 })).to.throw(UnpricedModelError);
  });

  it('rounds up once, never undercharging, in exact integer math', () => {
    const price = { inputMicrosPerMillion: 500_000n, outputMicrosPerMillion: 1_500_000n };
    expect(costOf(price, { inputTokens: 1, outputTokens: 0 })).to.equal(1n); // 0.5 µ$ → 1
    expect(costOf(price, { inputTokens: 1, outputTokens: 1 })).to.equal(2n); // 2.0 µ$ exactly
    expect(costOf(price, { inputTokens: 0, outputTokens: 0 })).to.equal(0n);
    fc.assert(
      fc.property(fc.nat(2_000_000), fc.nat(2_000_000), fc.bigInt(0n, 100_000_000n), fc.bigInt(0n, 100_000_000n), (input, output, pIn, pOut) => {
        const cost = costOf({ inputMicrosPerMillion: pIn, outputMicrosPerMillion: pOut }, { inputTokens: input, outputTokens: output });
        const exact = BigInt(input) * pIn + BigInt(output) * pOut; // in micro-dollars × 1e6
        expect(cost * 1_000_000n >= exact).to.equal(true);
        expect(cost * 1_000_000n - exact < 1_000_000n).to.equal(true);
      }),
    );
    expect(() => costOf(price, { inputTokens: -1, outputTokens: 0 })).to.throw(RangeError, /inputTokens/);
    expect(() => costOf(price, { inputTokens: 1.5, outputTokens: 0 })).to.throw(RangeError);
  });

  it('converts dollars to micro-dollars exactly and refuses sub-micro amounts', () => {
    expect(usdToMicros(0.3)).to.equal(300_000n);
    expect(usdToMicros(30)).to.equal(30_000_000n);
    expect(usdToMicros(0.000001)).to.equal(1n);
    expect(() => usdToMicros(0.0000001)).to.throw(RangeError);
  });

  it('takes overrides and additions from MODEL_PRICES', () => {
    const overrides = parseModelPrices(
      '{"gemini-2.5-pro":{"input":1.5,"output":12},"my-model":{"input":2,"output":4,"cacheRead":0.2,"cacheWrite":2.5,"longContext":{"above":100000,"input":4,"output":8}}}',
    );
    const table = createPriceTable(overrides);
    // An override replaces the default entry whole: no long-context tier unless it restates one.
    expect(table.priceOf('gemini-2.5-pro')).to.include({ inputMicrosPerMillion: 1_500_000n, outputMicrosPerMillion: 12_000_000n });
    expect(table.priceOf('gemini-2.5-pro').longContext).to.equal(undefined);
    expect(table.priceOf('my-model-20260101')).to.include({ entry: 'my-model', inputMicrosPerMillion: 2_000_000n, cacheReadMicrosPerMillion: 200_000n, cacheWriteMicrosPerMillion: 2_500_000n });
    expect(table.priceOf('my-model').longContext).to.deep.equal({ aboveInputTokens: 100_000, inputMicrosPerMillion: 4_000_000n, outputMicrosPerMillion: 8_000_000n });
    expect(table.costMicros('my-model', { inputTokens: 100_001, outputTokens: 0 })).to.equal(400_004n);
    expect(table.find('my-model-v2')).to.equal(undefined);
    expect(table.priceOf('claude-sonnet-4-5')).to.include({ inputMicrosPerMillion: 3_000_000n });
    const env = parseEnv({ MODEL_PRICES: '{"llama3.2":{"input":0.01,"output":0.02}}' });
    expect(createPriceTable(env.MODEL_PRICES).priceOf('llama3.2')).to.include({ inputMicrosPerMillion: 10_000n, outputMicrosPerMillion: 20_000n });
  });

  it('names the bad key of MODEL_PRICES', () => {
    expect(() => parseModelPrices('{"gpt-4o":{"input":"2.5","output":10}}')).to.throw(ModelPricesError, /"gpt-4o"\."input": expected a number/);
    expect(() => parseModelPrices('{"gpt-4o":{"input":2.5}}')).to.throw(ModelPricesError, /"gpt-4o"\."output"/);
    expect(() => parseModelPrices('{"gpt-4o":{"input":2.5,"output":-1}}')).to.throw(ModelPricesError, /"gpt-4o"\."output": must not be negative/);
    expect(() => parseModelPrices('{"gpt-4o":{"input":2.5,"output":1,"cache":3}}')).to.throw(ModelPricesError, /"gpt-4o"/);
    expect(() => parseModelPrices('{"m":{"input":1,"output":1,"cacheRead":-1}}')).to.throw(ModelPricesError, /"m"\."cacheRead": must not be negative/);
    expect(() => parseModelPrices('{"m":{"input":1,"output":1,"cacheWrite":"2"}}')).to.throw(ModelPricesError, /"m"\."cacheWrite": expected a number/);
    expect(() => parseModelPrices('{"m":{"input":1,"output":1,"longContext":{"input":2,"output":2}}}')).to.throw(ModelPricesError, /"m"\."longContext"\."above"/);
    expect(() => parseModelPrices('{"m":{"input":1,"output":1,"longContext":{"above":1.5,"input":2,"output":2}}}')).to.throw(ModelPricesError, /"m"\."longContext"\."above": must be a whole number/);
    expect(() => parseModelPrices('{"m":{"input":1,"output":1,"longContext":{"above":10,"input":2}}}')).to.throw(ModelPricesError, /"m"\."longContext"\."output"/);
    expect(() => parseModelPrices('{"m":{"input":1,"output":1,"longContext":{"above":10,"input":2,"output":2,"x":1}}}')).to.throw(ModelPricesError, /"m"\."longContext"/);
    expect(() => parseModelPrices('{"x":{"input":0.0000001,"output":1}}')).to.throw(ModelPricesError, /at most 6 decimals/).with.property('message').that.includes('"x"."input": ');
    expect(() => parseModelPrices('{nope')).to.throw(ModelPricesError, /not valid JSON/);
    expect(() => parseModelPrices('[1]')).to.throw(ModelPricesError);

    const problems = configProblems({ MODEL_PRICES: '{"claude-sonnet-4-5":{"input":3,"output":"15"}}' });
    expect(problems).to.match(/^MODEL_PRICES=.*"claude-sonnet-4-5"\."output": expected a number/m);
  });
});
