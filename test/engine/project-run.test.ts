import { expect } from 'chai';
import { getRole, producedPaths } from '../../src/agents/catalog/index.js';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { selectAgents } from '../../src/agents/selection.js';
import { MANIFEST_PATH } from '../../src/engine/project-finisher.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { readFile } from 'node:fs/promises';

describe('engine: a project runs end to end', function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(async () => h?.close());

  it('completes all ten stages with every selected agent recorded, and merges the offline agents’ overlapping edits', async () => {
    h = await createHarness();
    const projectId = await h.createProject();
    const ended = await h.runToEnd(projectId);
    expect(ended).to.equal('project.completed');

    const { prisma } = h.deps;
    const project = await prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(project.status).to.equal('completed');
    const stages = await prisma.stageRun.findMany({ where: { projectId }, orderBy: { stage: 'asc' } });
    expect(stages.map((s) => [s.stage, s.status])).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => [n, 'completed']));

    const plan = selectAgents(analyzeRequest(await readFile('examples/todo-app.md', 'utf8')));
    const runs = await prisma.agentRun.findMany({ where: { projectId } });
    expect(runs.map((r) => r.instanceKey).sort()).to.deep.equal(plan.map((p) => p.instanceKey).sort());
    expect(runs.every((r) => r.status === 'completed' && r.outputTokens > 0)).to.equal(true);

    const conflicts = await prisma.conflict.findMany({ where: { projectId } });
    expect(conflicts.length).to.be.greaterThan(0);
    expect(conflicts.every((c) => c.status === 'resolved' && c.strategy === 'three-way-merge')).to.equal(true);

    const manifest = await h.deps.artifacts.current(projectId, MANIFEST_PATH);
    expect(manifest, 'manifest').to.not.equal(undefined);
    const parsed = JSON.parse(manifest?.content ?? '{}') as { artifacts: { path: string }[] };
    expect(parsed.artifacts.length).to.equal((await prisma.artifact.count({ where: { projectId } })) - 1);
    // Every produced artifact a role declares exists.
    for (const run of runs) {
      const subject = run.instanceKey.includes('.') ? run.instanceKey.slice(run.instanceKey.indexOf('.') + 1) : undefined;
      for (const path of producedPaths(getRole(run.agentId), subject)) {
        expect(await h.deps.artifacts.current(projectId, path), path).to.not.equal(undefined);
      }
    }
    // Each merged shared file holds every editor's change.
    const server = await h.deps.artifacts.current(projectId, 'src/server/app.ts');
    expect(server?.content ?? '').to.not.match(/zekka:slot (middleware|validation|errors)\b/);
  });

  it('keeps the conflicts of two projects with the same request apart (each merges its own edits)', async () => {
    h = await createHarness();
    for (const projectId of [await h.createProject({ requestFile: 'examples/api-only.md' }), await h.createProject({ requestFile: 'examples/api-only.md' })]) {
      expect(await h.runToEnd(projectId)).to.equal('project.completed');
      const server = await h.deps.artifacts.current(projectId, 'src/server/app.ts');
      expect(server?.content.match(/zekka:slot [a-z-]+/g) ?? [], `slots left in ${projectId}`).to.deep.equal([]);
      expect(await h.deps.prisma.conflict.count({ where: { projectId, status: 'resolved' } })).to.be.greaterThan(0);
    }
  });

  it('gives an API-only request no frontend agents', async () => {
    h = await createHarness();
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.completed');
    const runs = await h.deps.prisma.agentRun.findMany({ where: { projectId } });
    expect(runs.length).to.be.greaterThan(0);
    expect(runs.filter((r) => getRole(r.agentId).stage === 5)).to.have.length(0);
    const stage5 = await h.deps.prisma.stageRun.findUniqueOrThrow({ where: { projectId_stage: { projectId, stage: 5 } } });
    expect(stage5.status).to.equal('completed');
    expect(stage5.agentsTotal).to.equal(0);
  });

  it('is idempotent: executing twice at once starts one run and one set of agents', async () => {
    h = await createHarness();
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    const ended = h.runToEnd(projectId, async () => {
      const [a, b] = await Promise.all([h.projects.execute(projectId), h.projects.execute(projectId)]);
      expect(a.runId).to.equal(b.runId);
      expect([a.started, b.started].filter(Boolean)).to.have.length(1);
    });
    expect(await ended).to.equal('project.completed');
    const again = await h.projects.execute(projectId).catch((e: Error) => e);
    expect(again).to.be.instanceOf(Error).with.property('message', 'project already completed');
    const versions = await h.deps.prisma.artifactVersion.groupBy({ by: ['artifactId', 'author'], where: { artifact: { projectId } }, _count: { _all: true } });
    expect(versions.every((v) => v._count._all === 1), 'each author wrote each file once').to.equal(true);
  });
});
