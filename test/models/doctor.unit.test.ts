import { expect } from 'chai';
import { parseEnv } from '../../src/config/env.js';
import { buildModelReport } from '../../src/models/router/model-report.js';
import { fakeProviderEnv, startFakeServers, type FakeServers } from './model-fixtures.js';

describe('models: doctor report', () => {
  let servers: FakeServers;
  beforeEach(async () => {
    servers = await startFakeServers();
  });
  afterEach(async () => {
    await servers.close();
  });

  const envFor = (extra: Record<string, string> = {}) => fakeProviderEnv(servers, extra);

  it('says which providers answer and which model each tier will use', async () => {
    servers.ollama.pulled = ['qwen2.5-coder:7b'];
    await servers.gemini.close();
    const report = await buildModelReport(parseEnv(envFor()), { timeoutMs: 2_000 });
    const byName = Object.fromEntries(report.providers.map((p) => [p.name, p]));
    expect(byName.anthropic).to.include({ configured: true, answers: true, modelCount: 2, endpoint: servers.anthropic.url });
    expect(byName.gemini).to.include({ configured: true, answers: false });
    expect(byName.gemini?.error).to.match(/connection/);
    expect(byName.ollama).to.include({ configured: true, answers: true });
    expect(byName.offline).to.include({ configured: true, answers: true });
    const standard = report.tiers.find((t) => t.tier === 'standard');
    expect(standard?.uses, 'Gemini is down: the next in line').to.equal('anthropic:claude-sonnet-4-6');
    expect(standard?.chain).to.deep.equal(['gemini:gemini-2.5-flash', 'anthropic:claude-sonnet-4-6', 'ollama:llama3.2']);
    expect(standard?.unlisted).to.deep.equal(['ollama:llama3.2']);
  });

  it('reports unconfigured providers and the offline default', async () => {
    const report = await buildModelReport(parseEnv({}));
    expect(report.providers.filter((p) => !p.configured).map((p) => p.reason)).to.deep.equal(['ANTHROPIC_API_KEY is not set', 'GEMINI_API_KEY is not set', 'OLLAMA_HOST is not set']);
    expect(report.tiers.map((t) => t.uses)).to.deep.equal(['offline:offline-premium', 'offline:offline-standard', 'offline:offline-economy']);
  });
});
