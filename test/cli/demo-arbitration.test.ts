// `zekka demo` settles conflicts with the configured strategy chain, like `zekka arbitrator`:
// earlier it served the arbitration queue without it and silently fell back to merge → person.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeGeminiServer } from '../support/fake-gemini-server.js';
import { testDatabaseUrl, testNamespace, testQueuePrefix, testRedisUrl } from '../support/environment.js';
import { runZekka } from '../support/run-cli.js';

/** Two statements that cannot both hold: the requirements agents flag them (a stage-1 conflict). */
const CONTRADICTORY = `${readFileSync('examples/api-only.md', 'utf8')}- The service must be serverless\n- It runs on a dedicated server in the warehouse\n`;

describe('zekka demo: arbitration', function () {
  this.timeout(180_000);
  let dir: string;
  let gemini: FakeGeminiServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zekka-demo-arbitration-'));
    gemini = await new FakeGeminiServer().start();
  });
  after(async () => {
    await gemini.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('asks the model strategies of ARBITRATION_STRATEGIES, and the project completes', async () => {
    gemini.defaultReply = { kind: 'ok', text: '```json\n{"topic": "hosting", "requirement": "Runs on a dedicated server", "reason": "stated twice"}\n```' };
    const request = join(dir, 'request.md');
    await writeFile(request, CONTRADICTORY);
    const result = await runZekka(['demo', request, '--out', join(dir, 'out')], {
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: testRedisUrl(),
      REDIS_NAMESPACE: testNamespace(),
      QUEUE_PREFIX: testQueuePrefix(),
      ZEKKA_DATA_DIR: join(dir, 'data'),
      ARBITRATION_STRATEGIES: 'merge,gemini,human',
      GEMINI_API_KEY: FakeGeminiServer.apiKey,
      GEMINI_BASE_URL: gemini.url,
      // The agents stay on the offline model: only the arbitrator may call Gemini.
      MODELS_PREMIUM: 'offline:offline-premium',
      MODELS_STANDARD: 'offline:offline-standard',
      MODELS_ECONOMY: 'offline:offline-economy',
      LOG_LEVEL: 'warn',
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(gemini.completions.length, `the configured Gemini strategy was asked:\n${output}`).to.be.greaterThan(0);
    expect(result.code, output).to.equal(0);
  });
});
