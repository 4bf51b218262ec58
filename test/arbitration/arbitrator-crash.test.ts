import { expect } from 'chai';
import { jobIds } from '../../src/engine/job-ids.js';
import { ARBITRATION_QUEUE, queueDefinition } from '../../queues/job-catalog.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { FakeGeminiServer } from '../support/fake-gemini-server.js';
import { waitFor } from '../support/wait-for.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { fenced, RESOLVED, seedConflict } from './arbitration-fixtures.js';

describe('arbitration: an arbitrator killed mid-resolution', function () {
  this.timeout(120_000);
  let h: Harness;
  let gemini: FakeGeminiServer | undefined;
  let arbitrators: WorkerProcess[] = [];
  afterEach(async () => {
    await Promise.all(arbitrators.map((a) => a.stop('SIGKILL')));
    arbitrators = [];
    await gemini?.close();
    await h?.close();
  });

  it('leaves the conflict to the other arbitrator, which resolves it exactly once', async () => {
    h = await createHarness({ workers: false });
    gemini = await new FakeGeminiServer().start();
    // The first model call never answers: the arbitrator making it is inside the job when it dies.
    gemini.reply({ kind: 'hang' }, { kind: 'ok', text: fenced(RESOLVED) });
    const conflict = await seedConflict(h);
    await h.deps.prisma.project.update({ where: { id: conflict.projectId }, data: { runId: 'r1', status: 'running' } });
    // A short job lock, so the dead arbitrator's job counts as stalled within seconds.
    const env = { GEMINI_API_KEY: FakeGeminiServer.apiKey, GEMINI_BASE_URL: gemini.url, ARBITRATION_STRATEGIES: 'merge,gemini,human', JOB_LOCK_DURATION_MS: '2000' };

    const first = await startWorkerProcess(env, 'arbitrator');
    arbitrators.push(first);
    const definition = queueDefinition(ARBITRATION_QUEUE);
    await h.deps.queues
      .get(ARBITRATION_QUEUE)
      .add(definition.jobName, { projectId: conflict.projectId, runId: 'r1', stage: 4, conflictId: conflict.id }, { ...definition.jobOptions, jobId: jobIds.arbitration(conflict.projectId, 'r1', conflict.id) });
    await waitFor('the first arbitrator to call Gemini', (note) => note(gemini?.completions.length) === 1);
    const second = await startWorkerProcess(env, 'arbitrator');
    arbitrators.push(second);
    await first.stop('SIGKILL');
    expect(first.child.signalCode).to.equal('SIGKILL');

    await waitFor(`conflict ${conflict.id} to be resolved by the second arbitrator`, async (note) => note((await h.deps.prisma.conflict.findUniqueOrThrow({ where: { id: conflict.id } })).status) === 'resolved', { timeoutMs: 60_000 });
    const settled = await h.deps.prisma.conflict.findUniqueOrThrow({ where: { id: conflict.id }, include: { attempts: { orderBy: { createdAt: 'asc' } } } });
    expect(settled.strategy).to.equal('gemini');
    // The dead arbitrator's merge attempt is recorded; its model call never finished, so only the second resolves.
    expect(settled.attempts.map((a) => [a.strategy, a.outcome])).to.deep.equal([
      ['merge', 'rejected'],
      ['merge', 'rejected'],
      ['gemini', 'resolved'],
    ]);
    expect(gemini.completions).to.have.length(2);
    const written = await h.deps.prisma.artifactVersion.findMany({ where: { author: `arbitrator:gemini:${conflict.id}` } });
    expect(written.map((v) => v.content)).to.deep.equal([`${RESOLVED}\n`]);
    const job = await h.deps.queues.get(ARBITRATION_QUEUE).getJob(jobIds.arbitration(conflict.projectId, 'r1', conflict.id));
    await waitFor('the arbitration job to complete', async (note) => note(await job?.getState()) === 'completed');
    expect(second.child.exitCode).to.equal(null);
  });
});
