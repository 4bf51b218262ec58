import { expect } from 'chai';
import { parseEnv } from '../../src/config/env.js';
import { buildModelCatalog, formatModelRef, parseModelRef, type ModelCatalog } from '../../src/models/model-catalog.js';

const chains = (catalog: ModelCatalog) => ({
  premium: catalog.premium.map(formatModelRef),
  standard: catalog.standard.map(formatModelRef),
  economy: catalog.economy.map(formatModelRef),
});

describe('models: catalogue', () => {
  it('sends every tier to the offline model when nothing is configured', () => {
    expect(chains(buildModelCatalog(parseEnv({})))).to.deep.equal({ premium: ['offline:offline-premium'], standard: ['offline:offline-standard'], economy: ['offline:offline-economy'] });
  });

  it('puts Gemini first, then Claude, then Ollama, and no offline fallback once a real provider is configured, leaving out what is not configured', () => {
    const all = parseEnv({ GEMINI_API_KEY: 'g', ANTHROPIC_API_KEY: 'a', OLLAMA_HOST: 'http://127.0.0.1:11434' });
    expect(chains(buildModelCatalog(all)).premium).to.deep.equal(['gemini:gemini-2.5-pro', 'anthropic:claude-sonnet-4-6', 'ollama:llama3.2']);
    expect(chains(buildModelCatalog(all)).economy).to.deep.equal(['gemini:gemini-2.5-flash-lite', 'anthropic:claude-haiku-4-5', 'ollama:llama3.2']);
    const claudeOnly = parseEnv({ ANTHROPIC_API_KEY: 'a' });
    expect(chains(buildModelCatalog(claudeOnly)).standard).to.deep.equal(['anthropic:claude-sonnet-4-6']);
  });

  it('takes a tier list from MODELS_<TIER> as given, minus unconfigured providers and duplicates', () => {
    const env = parseEnv({ OLLAMA_HOST: 'http://127.0.0.1:11434', MODELS_STANDARD: 'anthropic:claude-haiku-4-5, ollama:qwen2.5-coder:7b,ollama:qwen2.5-coder:7b,ollama:llama3.2', MODELS_ECONOMY: 'gemini:gemini-2.5-flash-lite' });
    const catalog = chains(buildModelCatalog(env));
    expect(catalog.standard).to.deep.equal(['ollama:qwen2.5-coder:7b', 'ollama:llama3.2']);
    expect(catalog.economy, 'nothing usable left: the offline model').to.deep.equal(['offline:offline-economy']);
    expect(catalog.premium).to.deep.equal(['ollama:llama3.2']);
  });

  it('refuses a malformed list at start-up, naming the variable', () => {
    expect(() => parseEnv({ MODELS_PREMIUM: 'openai:gpt-4' })).to.throw(/MODELS_PREMIUM="openai:gpt-4": a comma-separated list of provider:model/);
    expect(() => parseEnv({ MODELS_ECONOMY: 'gemini:a,,gemini:b' })).to.throw(/MODELS_ECONOMY/);
    expect(() => parseModelRef('llama3.2')).to.throw(/provider:model/);
    expect(parseModelRef('ollama:llama3.2:3b')).to.deep.equal({ provider: 'ollama', model: 'llama3.2:3b' });
  });
});
