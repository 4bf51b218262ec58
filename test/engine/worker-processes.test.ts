import { expect } from 'chai';
import { QUEUES } from '../../queues/job-catalog.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { waitFor } from '../support/wait-for.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

describe('engine: worker processes', function () {
  this.timeout(180_000);
  let h: Harness;
  let workers: WorkerProcess[] = [];
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    workers = [];
    await h?.close();
  });

  async function processedBy(projectId: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const definition of QUEUES.filter((q) => q.kind === 'agent')) {
      for (const job of await h.deps.queues.get(definition.name).getCompleted(0, 1_000)) {
        if (!job.id?.startsWith(projectId)) continue;
        counts.set(job.processedBy ?? '?', (counts.get(job.processedBy ?? '?') ?? 0) + 1);
      }
    }
    return counts;
  }

  it('two worker processes share the agent jobs of one project', async () => {
    h = await createHarness({ workers: false });
    workers = await Promise.all([startWorkerProcess({ OFFLINE_LATENCY_MS: '20' }), startWorkerProcess({ OFFLINE_LATENCY_MS: '20' })]);
    const projectId = await h.createProject();
    expect(await h.runToEnd(projectId)).to.equal('project.completed');
    const counts = await processedBy(projectId);
    expect([...counts.keys()].filter((k) => k !== '?'), `processedBy: ${JSON.stringify([...counts])}`).to.have.length(2);
  });

  it('a worker killed with SIGKILL mid-run: the project still completes and each agent’s files are written once', async () => {
    h = await createHarness({ workers: false });
    const env = { OFFLINE_LATENCY_MS: '200', JOB_LOCK_DURATION_MS: '2000' };
    workers = await Promise.all([startWorkerProcess(env), startWorkerProcess(env)]);
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    const ended = h.runToEnd(projectId, async () => {
      await h.projects.execute(projectId);
      // Kill the first worker while agents of stage 2 are in flight.
      await waitFor('an agent of stage 2 to be running', async () => (await h.deps.prisma.agentRun.count({ where: { projectId, status: 'running', stageRun: { stage: 2 } } })) > 0, { timeoutMs: 90_000, intervalMs: 20 });
      await workers[0]?.stop('SIGKILL');
    });
    const outcome = await ended;
    const failure = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: { failureReason: true } });
    expect(outcome, failure.failureReason ?? '').to.equal('project.completed');
    const versions = await h.deps.prisma.artifactVersion.groupBy({ by: ['artifactId', 'author'], where: { artifact: { projectId } }, _count: { _all: true } });
    expect(versions.filter((v) => v._count._all !== 1), 'files written more than once by one author').to.have.length(0);
    const runs = await h.deps.prisma.agentRun.findMany({ where: { projectId } });
    expect(runs.every((r) => r.status === 'completed')).to.equal(true);
  });
});
