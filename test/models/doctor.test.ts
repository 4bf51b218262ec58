import { expect } from 'chai';
import { runZekka } from '../support/run-cli.js';
import { fakeProviderEnv, startFakeServers, type FakeServers } from './model-fixtures.js';

describe('models: `zekka doctor`', () => {
  let servers: FakeServers;
  beforeEach(async () => {
    servers = await startFakeServers();
  });
  afterEach(async () => {
    await servers.close();
  });

  const envFor = (extra: Record<string, string> = {}) => fakeProviderEnv(servers, extra);

  it('`zekka doctor` prints the report and exits 0, as text or JSON', async function () {
    this.timeout(30_000);
    const text = await runZekka(['doctor'], envFor({ GEMINI_API_KEY: '', GEMINI_BASE_URL: '' }));
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/anthropic\s+answers \(\d+ ms, 2 models listed\)/);
    expect(text.stdout).to.match(/gemini\s+not configured \(GEMINI_API_KEY is not set\)/);
    expect(text.stdout).to.match(/premium\s+uses anthropic:claude-sonnet-4-6/);
    const json = await runZekka(['doctor', '--json'], envFor());
    expect(json.code, json.stderr).to.equal(0);
    const report = JSON.parse(json.stdout) as { tiers: { tier: string; uses: string }[] };
    expect(report.tiers.find((t) => t.tier === 'economy')?.uses).to.equal('gemini:gemini-2.5-flash-lite');
  });
});
