import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { resolveConflict } from '../../src/arbitration/conflict-review.js';
import { raiseProjectBudget } from '../../src/economics/budget-raise.js';
import { jobIds } from '../../src/engine/job-ids.js';
import { FileLocks } from '../../src/engine/workspace/file-locks.js';
import { ValidationError } from '../../src/errors/app-error.js';
import { ARBITRATION_QUEUE } from '../../queues/job-catalog.js';
import { blocksText } from '../../src/models/provider.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { testNamespace } from '../support/environment.js';
import { waitFor } from '../support/wait-for.js';
import { fenced, services, startModelServers, type ModelServers } from './arbitration-fixtures.js';

const API_ONLY = readFileSync('examples/api-only.md', 'utf8');
/** Names two databases: the Database Designer takes the first, the Tech Stack Selector the last. */
const TWO_DATABASES = `${API_ONLY}- Products are stored in PostgreSQL\n- Stock history is kept in MongoDB\n`;
/** Two statements that cannot both hold: the requirements agents flag them. */
const CONTRADICTORY = `${API_ONLY}- The service must be serverless\n- It runs on a dedicated server in the warehouse\n`;

describe('arbitration: design, requirement and resource conflicts', function () {
  this.timeout(180_000);
  let h: Harness;
  let servers: ModelServers | undefined;
  afterEach(async () => {
    await servers?.close();
    servers = undefined;
    await h?.close();
  });

  /** Asserts the conflict's arbitration job is a child of the stage job that raised it. */
  async function expectChildOfStage(projectId: string, conflictId: string, stage: number): Promise<void> {
    const project = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    const job = await h.deps.queues.get(ARBITRATION_QUEUE).getJob(jobIds.arbitration(projectId, project.runId ?? '', conflictId));
    expect(job?.parent?.id, 'the arbitration job is a child of the stage job').to.equal(jobIds.stage(projectId, project.runId ?? '', stage));
  }

  it('design: two architecture agents choose different databases; a model that proposes a third is rejected, the next picks one, later stages read it', async () => {
    servers = await startModelServers();
    const chain = services(servers.providers(['gemini', 'anthropic']), { strategies: 'merge,gemini,claude,human' });
    h = await createHarness({ arbitration: chain });
    servers.gemini.reply({ kind: 'ok', text: fenced('{"topic": "database", "choice": "cassandra", "reason": "scales"}', 'json') });
    servers.anthropic.reply({ kind: 'ok', text: fenced('{"topic": "database", "choice": "mongodb", "reason": "stock history is document-shaped"}', 'json') });
    // Only this project's stage 3: the run's queues are shared with the other test files, and a
    // flow another file left queued may run on this harness's workers too.
    const stageThree: { projectId: string; prompt: string }[] = [];
    h.provider.intercept = (request, offline) => {
      if (request.task.stage === 3) stageThree.push({ projectId: request.task.projectId, prompt: blocksText([...request.system, ...request.prompt]) });
      return offline();
    };
    const projectId = await h.createProject({ requirements: TWO_DATABASES });
    expect(await h.runToEnd(projectId)).to.equal('project.completed');

    // (Stage 4's concurrent edits of the shared server file are code conflicts the merge settles.)
    const [conflict, ...others] = await h.deps.prisma.conflict.findMany({ where: { projectId, type: 'design' }, include: { stageRun: true } });
    expect(others).to.have.length(0);
    expect(conflict).to.include({ type: 'design', topic: 'database', path: null, status: 'resolved', strategy: 'claude', raisedBy: 'tech-stack-selector' });
    expect(conflict?.stageRun?.stage).to.equal(2);
    expect(JSON.parse(conflict?.ours ?? '')).to.include({ choice: 'postgresql', agent: 'database-designer' });
    expect(JSON.parse(conflict?.theirs ?? '')).to.include({ choice: 'mongodb', agent: 'tech-stack-selector' });
    await expectChildOfStage(projectId, conflict?.id ?? '', 2);
    const attempts = await h.deps.prisma.arbitrationAttempt.findMany({ where: { conflictId: conflict?.id }, orderBy: { createdAt: 'asc' } });
    expect(attempts.map((a) => [a.strategy, a.outcome])).to.deep.equal([
      ['gemini', 'rejected'],
      ['claude', 'resolved'],
    ]);
    expect(attempts[0]?.error).to.match(/neither side's/);

    const settled = JSON.parse((await h.deps.artifacts.current(projectId, 'docs/architecture/decisions.json'))?.content ?? '{}') as { decisions: Record<string, { choice: string; decidedBy: string }> };
    expect(settled.decisions.database).to.include({ choice: 'mongodb', decidedBy: 'arbitration:claude' });
    expect(settled.decisions.framework).to.include({ choice: 'express', decidedBy: 'agreement' });
    const prompts = stageThree.filter((entry) => entry.projectId === projectId).map((entry) => entry.prompt);
    expect(prompts.length, 'stage 3 ran').to.be.greaterThan(0);
    expect(prompts.every((p) => p.includes('docs/architecture/decisions.json') && p.includes('"choice": "mongodb"')), 'stage 3 agents read the settled decision').to.equal(true);
    const byType = (await chain.metrics.resolutions.get()).values.filter((v) => v.labels.type === 'design');
    expect(byType).to.deep.equal([{ value: 1, labels: { strategy: 'claude', type: 'design' } }]);
  });

  it('requirement: contradictory statements are flagged at stage 1; a person must answer with a valid record, then the project completes', async () => {
    h = await createHarness({ arbitration: services(new Map(), { strategies: 'merge,human' }) });
    const projectId = await h.createProject({ requirements: CONTRADICTORY });
    expect(await h.runToEnd(projectId)).to.equal('project.needs_review');

    const conflict = await h.deps.prisma.conflict.findFirstOrThrow({ where: { projectId }, include: { stageRun: true } });
    expect(conflict).to.include({ type: 'requirement', topic: 'hosting', status: 'needs_review' });
    expect(conflict.stageRun?.stage).to.equal(1);
    expect(JSON.parse(conflict.ours ?? '')).to.deep.equal({ topic: 'hosting', requirement: 'The service must be serverless' });
    expect(JSON.parse(conflict.theirs ?? '')).to.deep.equal({ topic: 'hosting', requirement: 'It runs on a dedicated server in the warehouse' });
    await expectChildOfStage(projectId, conflict.id, 1);
    const stage1 = await h.deps.prisma.stageRun.findUniqueOrThrow({ where: { projectId_stage: { projectId, stage: 1 } } });
    expect(stage1.status, 'the stage waits for the conflict').to.equal('running');

    for (const content of ['serverless, please', '{"topic": "hosting"}', '{"topic": "database", "requirement": "x"}']) {
      const refused = await resolveConflict(h.deps, projectId, conflict.id, { content }).catch((error: unknown) => error);
      expect(refused, content).to.be.instanceOf(ValidationError);
    }
    const answer = { content: '{"topic": "hosting", "requirement": "Runs on one dedicated server", "reason": "the warehouse has no cloud account"}' };
    expect(await h.runToEnd(projectId, () => resolveConflict(h.deps, projectId, conflict.id, answer))).to.equal('project.completed');
    const settled = JSON.parse((await h.deps.artifacts.current(projectId, 'docs/requirements/clarifications.json'))?.content ?? '{}') as { clarifications: Record<string, unknown> };
    expect(settled.clarifications.hosting).to.deep.equal({ requirement: 'Runs on one dedicated server', reason: 'the warehouse has no cloud account', decidedBy: 'arbitration:manual' });
  });

  it('requirement: resolved by a model whose proposal is valid JSON for the topic', async () => {
    servers = await startModelServers();
    h = await createHarness({ arbitration: services(servers.providers(['ollama']), { strategies: 'merge,ollama,human' }) });
    servers.ollama.reply({ kind: 'ok', text: fenced('{"topic": "hosting", "requirement": "Runs on a dedicated server", "reason": "stated twice"}', 'json') });
    const projectId = await h.createProject({ requirements: CONTRADICTORY });
    expect(await h.runToEnd(projectId)).to.equal('project.completed');
    const conflict = await h.deps.prisma.conflict.findFirstOrThrow({ where: { projectId, type: 'requirement' } });
    expect(conflict).to.include({ type: 'requirement', status: 'resolved', strategy: 'ollama' });
    expect(JSON.parse(conflict.resolution ?? '')).to.deep.equal({ topic: 'hosting', requirement: 'Runs on a dedicated server', reason: 'stated twice' });
  });

  it('resource: writes blocked by a lock held past the wait limit are deferred to the arbitrator, which retries them', async () => {
    h = await createHarness();
    // Agents give up on a busy lock after 200 ms; an intruder holds the shared server file for 1.5 s.
    h.deps.locks = new FileLocks({ redis: h.redis, namespace: testNamespace(), waitMs: 200 });
    const intruder = new FileLocks({ redis: h.redis, namespace: testNamespace(), leaseMs: 1_500 });
    h.provider.intercept = async (request, offline) => {
      if (request.task.agentId === 'error-handler') await intruder.acquire(request.task.projectId, 'src/server/app.ts', 'intruder');
      return offline();
    };
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.completed');

    const conflicts = await h.deps.prisma.conflict.findMany({ where: { projectId } });
    const blocked = conflicts.find((c) => c.raisedBy === 'error-handler' && c.path === 'src/server/app.ts');
    expect(blocked).to.include({ type: 'resource', path: 'src/server/app.ts', topic: 'lock:src/server/app.ts', status: 'resolved', strategy: 'retry' });
    expect((blocked?.details as { reason?: string }).reason).to.match(/contended beyond the wait limit/);
    await expectChildOfStage(projectId, blocked?.id ?? '', 4);
    // Other agents blocked on the same file are deferred too; whichever way, everything was settled.
    for (const conflict of conflicts) expect(conflict.status, `${conflict.type} conflict of ${conflict.raisedBy}`).to.equal('resolved');
    const app = (await h.deps.artifacts.current(projectId, 'src/server/app.ts'))?.content ?? '';
    expect(app, "the error handler's deferred edit is in the file").to.include(blocked?.theirs?.split('\n').find((line) => /error/i.test(line) && !line.startsWith('//')) ?? 'missing');
  });

  it("resource: the budget refusing a critical agent is settled by its owner raising the budget and resuming", async () => {
    h = await createHarness({ modelForTier: () => 'claude-sonnet-4-6' });
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md', budgetUsd: 0.000_01 });
    expect(await h.runToEnd(projectId)).to.equal('project.budget_exhausted');
    // Every critical agent of the stage is refused and raises one; wait for this agent's, not the first.
    const mine = { projectId, topic: 'budget:requirements-parser', status: 'needs_review' } as const;
    await waitFor('the budget conflict raised by requirements-parser', async () => (await h.deps.prisma.conflict.count({ where: mine })) > 0);
    const refused = await h.deps.prisma.conflict.findFirstOrThrow({ where: mine });
    expect(refused).to.include({ type: 'resource', raisedBy: 'requirements-parser' });
    const refusedAnswer = await resolveConflict(h.deps, projectId, refused.id, { take: 'theirs' }).catch((error: unknown) => error);
    expect(String(refusedAnswer)).to.match(/raising the project budget and resuming/);

    await raiseProjectBudget({ prisma: h.deps.prisma, redis: h.redis, namespace: testNamespace(), projectId, budgetMicros: 100_000_000n });
    expect(await h.runToEnd(projectId, () => h.projects.resume(projectId))).to.equal('project.completed');
    const settled = await h.deps.prisma.conflict.findUniqueOrThrow({ where: { id: refused.id } });
    expect(settled).to.include({ status: 'resolved', strategy: 'manual' });
    expect(JSON.parse(settled.resolution ?? '')).to.include({ decision: 'budget raised and project resumed', budgetUsd: 100 });
  });
});
