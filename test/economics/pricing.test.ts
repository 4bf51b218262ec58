import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigError, parseEnv } from '../../src/config/env.js';
import { costMicros, costOf, createPriceTable, DEFAULT_MODEL_PRICES, ModelPricesError, parseModelPrices, PriceTable, usdToMicros } from '../../src/economics/pricing.js';

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
  it('follows the published table, per 1M tokens, in micro-dollars', () => {
    const table = new PriceTable();
    expect(table.priceOf('claude-sonnet-4-5')).to.include({ inputMicrosPerMillion: 3_000_000n, outputMicrosPerMillion: 15_000_000n, source: 'exact' });
    expect(table.priceOf('gemini-2.5-pro')).to.include({ inputMicrosPerMillion: 500_000n, outputMicrosPerMillion: 1_500_000n });
    expect(table.priceOf('gpt-4')).to.include({ inputMicrosPerMillion: 30_000_000n, outputMicrosPerMillion: 60_000_000n });
    expect(table.priceOf('llama3.2')).to.include({ inputMicrosPerMillion: 0n, outputMicrosPerMillion: 0n });
    expect(table.priceOf('offline-premium')).to.include({ inputMicrosPerMillion: 0n, source: 'prefix', entry: 'offline' });
    // 1M input tokens of Claude Sonnet cost exactly $3.
    expect(costMicros('claude-sonnet-4-5', { inputTokens: 1_000_000, outputTokens: 0 })).to.equal(3_000_000n);
    expect(costMicros('claude-sonnet-4-5', { inputTokens: 1000, outputTokens: 500 })).to.equal(3_000n + 7_500n);
  });

  it('resolves dated snapshots and tags by the longest prefix at a boundary', () => {
    const table = new PriceTable();
    expect(table.priceOf('claude-sonnet-4-5-20250929')).to.include({ entry: 'claude-sonnet-4-5', source: 'prefix' });
    expect(table.priceOf('gemini-2.5-flash-lite-preview')).to.include({ entry: 'gemini-2.5-flash-lite' });
    expect(table.priceOf('llama3.2:3b')).to.include({ entry: 'llama3.2', outputMicrosPerMillion: 0n });
    // `gpt-4o` is its own entry, not `gpt-4` + "o": prefixes only match at a boundary.
    expect(table.priceOf('gpt-4omni')).to.include({ source: 'fallback' });
  });

  it('prices unknown local models at $0 and any other unknown model as the costliest known one', () => {
    const table = new PriceTable();
    expect(table.priceOf('mistral-nemo', 'ollama')).to.include({ source: 'provider', inputMicrosPerMillion: 0n });
    const unknown = table.priceOf('some-new-model', 'anthropic');
    expect(unknown.source).to.equal('fallback');
    const maxIn = Object.values(DEFAULT_MODEL_PRICES).reduce((m, p) => (p.inputMicrosPerMillion > m ? p.inputMicrosPerMillion : m), 0n);
    const maxOut = Object.values(DEFAULT_MODEL_PRICES).reduce((m, p) => (p.outputMicrosPerMillion > m ? p.outputMicrosPerMillion : m), 0n);
    expect(unknown.inputMicrosPerMillion).to.equal(maxIn);
    expect(unknown.outputMicrosPerMillion).to.equal(maxOut);
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
    const overrides = parseModelPrices('{"gemini-2.5-pro":{"input":1.25,"output":10},"my-model":{"input":2,"output":4}}');
    const table = createPriceTable(overrides);
    expect(table.priceOf('gemini-2.5-pro')).to.include({ inputMicrosPerMillion: 1_250_000n, outputMicrosPerMillion: 10_000_000n });
    expect(table.priceOf('my-model-v2')).to.include({ entry: 'my-model', inputMicrosPerMillion: 2_000_000n });
    expect(table.priceOf('claude-sonnet-4-5')).to.include({ inputMicrosPerMillion: 3_000_000n });
    const env = parseEnv({ MODEL_PRICES: '{"llama3.2":{"input":0.01,"output":0.02}}' });
    expect(createPriceTable(env.MODEL_PRICES).priceOf('llama3.2')).to.include({ inputMicrosPerMillion: 10_000n, outputMicrosPerMillion: 20_000n });
  });

  it('names the bad key of MODEL_PRICES', () => {
    expect(() => parseModelPrices('{"gpt-4o":{"input":"2.5","output":10}}')).to.throw(ModelPricesError, /"gpt-4o"\."input": expected a number/);
    expect(() => parseModelPrices('{"gpt-4o":{"input":2.5}}')).to.throw(ModelPricesError, /"gpt-4o"\."output"/);
    expect(() => parseModelPrices('{"gpt-4o":{"input":2.5,"output":-1}}')).to.throw(ModelPricesError, /"gpt-4o"\."output": must not be negative/);
    expect(() => parseModelPrices('{"gpt-4o":{"input":2.5,"output":1,"cache":3}}')).to.throw(ModelPricesError, /"gpt-4o"/);
    expect(() => parseModelPrices('{"x":{"input":0.0000001,"output":1}}')).to.throw(ModelPricesError, /6 decimals/).with.property('message').that.includes('"x": ');
    expect(() => parseModelPrices('{nope')).to.throw(ModelPricesError, /not valid JSON/);
    expect(() => parseModelPrices('[1]')).to.throw(ModelPricesError);

    const problems = configProblems({ MODEL_PRICES: '{"claude-sonnet-4-5":{"input":3,"output":"15"}}' });
    expect(problems).to.match(/^MODEL_PRICES=.*"claude-sonnet-4-5"\."output": expected a number/m);
  });
});
