import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createEngineDeps, verificationServices, type EngineDeps } from '../../src/engine/engine-deps.js';
import { blocksText, type CompletionRequest, type CompletionResult, type LlmProvider } from '../../src/models/provider.js';
import { createRedis } from '../../src/redis/connection.js';
import { WorkerPool } from '../../workers/worker-pool.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { silentLogger, testNamespace, testQueuePrefix, testRedisUrl } from '../support/environment.js';
import { services } from './arbitration-fixtures.js';
import { clashOnSharedServerFile } from '../support/clashing-edits.js';

/** A model that resolves by taking THEIRS from the prompt (the SDK paths are tested in strategy-chain.test.ts). */
class TakeTheirsModel implements LlmProvider {
  readonly name = 'anthropic';
  calls = 0;
  complete(request: CompletionRequest): Promise<CompletionResult> {
    this.calls++;
    // indexOf rather than a lazy [\s\S]*? between fences: the lint allows no backtracking pattern.
    const prompt = blocksText(request.prompt);
    const after = prompt.slice(prompt.indexOf('THEIRS (the colliding edit by '));
    const opening = '):\n```\n';
    const start = after.indexOf(opening);
    const end = after.indexOf('\n```\n\nWrite the complete', start + opening.length);
    const theirs = start !== -1 && end !== -1 ? after.slice(start + opening.length, end) : '';
    return Promise.resolve({ text: `\`\`\`\n${theirs}\n\`\`\``, usage: { inputTokens: 100, outputTokens: 100 }, model: request.model, provider: this.name, stopReason: 'end' });
  }
}

describe('arbitration: two arbitrators on one queue', function () {
  this.timeout(120_000);
  let h: Harness;
  let second: { deps: EngineDeps; redis: Redis; pool: WorkerPool } | undefined;
  afterEach(async () => {
    await second?.pool.close();
    await second?.deps.queues.close();
    await second?.redis.quit();
    second = undefined;
    await h?.close();
  });

  it('settles every conflict exactly once, by whichever arbitrator takes its job', async () => {
    const model = new TakeTheirsModel();
    const chain = services(new Map([['anthropic', model]]));
    h = await createHarness({ reviewPollMs: 60_000, arbitration: chain });
    const redis = createRedis({ url: testRedisUrl(), name: 'zekka:test:arbitrator-2' });
    const deps = createEngineDeps({ prisma: h.database.prisma, redis, prefix: testQueuePrefix(), namespace: testNamespace(), logger: silentLogger, models: h.deps.models, limits: { reviewPollMs: 60_000 } });
    second = { deps, redis, pool: new WorkerPool({ deps, arbitration: chain, verification: verificationServices(deps, { workRoot: '/var/tmp/zekka-test-verify', packageCacheDir: '/var/tmp/zekka-test-verify-cache', maxRepairRounds: 0 }), connection: redis, prefix: testQueuePrefix(), queueGlobs: 'arbitration', lockDurationMs: 5_000 }) };

    // Two stage-4 agents rewrite the same line of the shared server file in different ways.
    h.provider.intercept = clashOnSharedServerFile;
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.completed');

    const conflicts = await h.deps.prisma.conflict.findMany({ where: { projectId } });
    expect(conflicts.length).to.be.greaterThan(0);
    const byModel = conflicts.filter((c) => c.strategy === 'claude');
    expect(byModel.length, 'at least one conflict needed the model').to.be.greaterThan(0);
    for (const conflict of conflicts) {
      expect(conflict.status).to.equal('resolved');
      expect(conflict.strategy).to.be.oneOf(['three-way-merge', 'claude']);
      const resolved = await h.deps.prisma.arbitrationAttempt.count({ where: { conflictId: conflict.id, outcome: 'resolved' } });
      expect(resolved, 'one resolving attempt').to.equal(1);
      const written = await h.deps.prisma.artifactVersion.findMany({ where: { author: `arbitrator:${conflict.strategy}:${conflict.id}` } });
      expect(written, 'one write by the arbitrator').to.have.length(1);
      if (conflict.strategy === 'claude') expect(written[0]?.content).to.equal(conflict.theirs);
    }
    // A file that moved while the model answered is retried against the new file: each call is one attempt row.
    expect(model.calls).to.equal(await h.deps.prisma.arbitrationAttempt.count({ where: { conflict: { projectId }, strategy: 'claude' } }));
  });
});
