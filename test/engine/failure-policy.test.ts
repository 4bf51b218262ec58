import { expect } from 'chai';
import { runAgent } from '../../src/engine/agent-runner.js';
import { FileLocks } from '../../src/engine/workspace/file-locks.js';
import type { AgentJobData } from '../../queues/job-catalog.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { waitFor } from '../support/wait-for.js';

describe('engine: failure policy, retry and cancel', function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(async () => h?.close());

  it('records a non-critical agent’s final failure and goes on', async () => {
    h = await createHarness();
    h.provider.intercept = (request, offline) => (request.task.agentId === 'risk-analyzer' ? Promise.reject(new Error('model unavailable')) : offline());
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.completed');
    const run = await h.deps.prisma.agentRun.findUniqueOrThrow({ where: { projectId_instanceKey: { projectId, instanceKey: 'risk-analyzer' } } });
    expect(run.status).to.equal('failed');
    expect(run.attempt).to.equal(3);
    expect(run.error).to.equal('model unavailable');
    const stage1 = await h.deps.prisma.stageRun.findUniqueOrThrow({ where: { projectId_stage: { projectId, stage: 1 } } });
    expect(stage1.agentsFailed).to.equal(1);
  });

  it('fails the project with a readable reason when a critical agent fails, then resumes from that stage', async () => {
    h = await createHarness();
    let broken = true;
    h.provider.intercept = (request, offline) => (broken && request.task.agentId === 'route-creator' ? Promise.reject(new Error('boom')) : offline());
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.failed');
    const failed = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(failed.status).to.equal('failed');
    expect(failed.failureReason).to.equal('stage 4 API Development: Route Creator failed after 3 attempts: boom');
    const stagesAfter = await h.deps.prisma.stageRun.findMany({ where: { projectId, stage: { gt: 4 } } });
    expect(stagesAfter, 'no later stage started').to.have.length(0);
    const earlier = await h.deps.prisma.agentRun.findMany({ where: { projectId, stageRun: { stage: { lt: 4 } } }, select: { instanceKey: true, completedAt: true }, orderBy: { instanceKey: 'asc' } });

    broken = false;
    const callsBefore = h.provider.calls;
    expect(await h.runToEnd(projectId, () => h.projects.resume(projectId))).to.equal('project.completed');
    const project = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(project.status).to.equal('completed');
    expect(project.runId).to.equal('r2');
    const stages = await h.deps.prisma.stageRun.findMany({ where: { projectId }, orderBy: { stage: 'asc' } });
    expect(stages.map((s) => s.attempt)).to.deep.equal([1, 1, 1, 2, 1, 1, 1, 1, 1, 1]);
    const later = await h.deps.prisma.agentRun.findMany({ where: { projectId, stageRun: { stage: { lt: 4 } } }, select: { instanceKey: true, completedAt: true }, orderBy: { instanceKey: 'asc' } });
    expect(later, 'finished stages are not redone').to.deep.equal(earlier);
    const stage4 = await h.deps.prisma.agentRun.count({ where: { projectId, stageRun: { stage: 4 } } });
    // The resume re-ran only the failed agent of stage 4, then every agent of the later stages.
    const laterAgents = await h.deps.prisma.agentRun.count({ where: { projectId, stageRun: { stage: { gt: 4 } } } });
    expect(h.provider.calls - callsBefore).to.equal(1 + laterAgents);
    expect(stage4).to.be.greaterThan(1);
  });

  it('refuses an output path outside the workspace and writes nothing of it', async () => {
    h = await createHarness();
    h.provider.intercept = async (request, offline) => {
      const answer = await offline();
      if (request.task.agentId !== 'scope-validator') return answer;
      const parsed = JSON.parse(answer.text) as { files: { path: string; content: string }[] };
      parsed.files.push({ path: 'docs/../../etc/passwd', content: 'pwned' });
      return { ...answer, text: JSON.stringify(parsed) };
    };
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.completed');
    const run = await h.deps.prisma.agentRun.findUniqueOrThrow({ where: { projectId_instanceKey: { projectId, instanceKey: 'scope-validator' } } });
    expect(run.status).to.equal('failed');
    expect(run.error).to.match(/refused path "docs\/..\/..\/etc\/passwd": leaves the workspace/);
    const written = await h.deps.prisma.artifactVersion.count({ where: { artifact: { projectId }, author: 'scope-validator' } });
    expect(written, 'no file of the refused output was written').to.equal(0);
  });

  it('cancels a running project: no new agents start and it ends cancelled', async () => {
    h = await createHarness({ latencyMs: 150 });
    const projectId = await h.createProject();
    const ended = await h.runToEnd(projectId, async () => {
      await h.projects.execute(projectId);
      // Cancel once stage 2 is under way.
      await waitFor('stage 2 to start (its stageRun row)', async () => (await h.deps.prisma.stageRun.count({ where: { projectId, stage: 2 } })) > 0, { timeoutMs: 60_000, intervalMs: 20 });
      await h.projects.cancel(projectId);
    });
    expect(ended).to.equal('project.cancelled');
    const callsAtCancel = h.provider.calls;
    // Let the run wind down: the root job fails once the cancelled stage collects.
    const root = await h.deps.queues.get('project').getJob(`${projectId}.r1`);
    await waitFor(`the cancelled project's root job ${projectId}.r1 to fail`, async (note) => note(await root?.getState()) === 'failed');
    const project = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(project.status).to.equal('cancelled');
    expect(h.provider.calls - callsAtCancel, 'at most the in-flight calls finish').to.be.lessThanOrEqual(20);
    expect(await h.deps.prisma.stageRun.count({ where: { projectId, stage: { gt: 2 } } })).to.equal(0);
    expect(await h.deps.prisma.agentRun.count({ where: { projectId, status: { in: ['pending', 'running'] } } })).to.equal(0);
  });

  /** A finished project, and one of its agents as a job would carry it (to run `runAgent` by hand). */
  async function finishedAgent(agentId: string) {
    const projectId = await h.createProject();
    expect(await h.runToEnd(projectId)).to.equal('project.completed');
    const run = await h.deps.prisma.agentRun.findFirstOrThrow({ where: { projectId, agentId }, include: { stageRun: true } });
    const { runId } = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    const data: AgentJobData = { projectId, runId: runId ?? '', stage: run.stageRun.stage, agentId, instanceKey: run.instanceKey, critical: run.critical };
    // The same attempt, delivered again (as after its worker died).
    const meta = { jobId: run.jobId, attemptsMade: run.attempt - 1, delivery: run.attempt + 1, maxAttempts: 5, stageJob: { id: 'stage-job', queue: 'stage-queue' } };
    return { projectId, runId: runId ?? '', run, data, meta };
  }

  it('an agent job delivered again after its run completed does nothing: no second model call', async () => {
    h = await createHarness();
    const { run, data, meta } = await finishedAgent('route-creator');
    const calls = h.provider.calls;
    expect(await runAgent(h.deps, data, meta)).to.include({ status: 'completed' });
    expect(h.provider.calls).to.equal(calls);
    expect(await h.deps.prisma.agentRun.findUniqueOrThrow({ where: { id: run.id } })).to.include({ status: 'completed', attempt: run.attempt });
  });

  it('a run cancelled while another writer holds its files records nothing and ends cancelled', async () => {
    h = await createHarness();
    const { projectId, runId, run, data, meta } = await finishedAgent('route-creator');
    await h.deps.prisma.agentRun.update({ where: { id: run.id }, data: { status: 'pending' } });
    h.deps.locks = new FileLocks({ redis: h.redis, namespace: h.deps.namespace, waitMs: 50 });
    // While the model answers, the project is cancelled and another writer takes the agent's files.
    h.provider.intercept = async (_request, offline) => {
      const answer = await offline();
      const paths = (JSON.parse(answer.text) as { files: { path: string }[] }).files.map((f) => f.path);
      await h.deps.locks.acquireAll(projectId, paths, 'another-writer');
      await h.deps.state.markCancelled(projectId, runId);
      return answer;
    };
    const conflicts = await h.deps.prisma.conflict.count({ where: { projectId } });
    expect(await runAgent(h.deps, data, meta)).to.include({ status: 'cancelled' });
    expect(await h.deps.prisma.conflict.count({ where: { projectId } }), 'no lock conflict recorded').to.equal(conflicts);
    expect((await h.deps.prisma.agentRun.findUniqueOrThrow({ where: { id: run.id } })).status).to.equal('cancelled');
  });
});
