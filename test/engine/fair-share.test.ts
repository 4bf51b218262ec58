import { expect } from 'chai';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { selectAgents } from '../../src/agents/selection.js';
import { agentQueueName } from '../../queues/job-catalog.js';
import { BENCH_REQUEST } from '../../bench/engine-request.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { waitFor } from '../support/wait-for.js';

/** As many entities and pages as request analysis keeps (12, 16): the largest plan selection makes. */
const BIG_REQUEST = [
  '# Big Suite',
  '',
  'A web platform with many parts.',
  '',
  '## Entities',
  ...Array.from({ length: 12 }, (_, i) => `- Thing${String.fromCharCode(65 + i)}: name, notes`),
  '',
  '## Pages',
  ...Array.from({ length: 16 }, (_, i) => `- Screen ${String.fromCharCode(65 + i)}`),
  '',
].join('\n');

describe('engine: fair share between projects on the agent queues', function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(async () => h?.close());

  it('starts a new project at the head of the queues it uses (not at 0), then keeps its own clock', async () => {
    h = await createHarness({ workers: false });
    const queue = h.deps.queues.get(agentQueueName('component-generator'));
    // Another project's jobs wait at priorities 100..109.
    for (let k = 0; k < 10; k++) await queue.add('run-agent', {}, { priority: 100 + k });
    const first = await h.deps.fairShare.priorities('p-new', [queue.name, queue.name, agentQueueName('page-creator')]);
    expect(first).to.deep.equal([101, 102, 103]);
    // Its next dispatch continues from its clock, even on queues where nothing waits.
    expect(await h.deps.fairShare.priorities('p-new', [agentQueueName('page-creator')])).to.deep.equal([104]);
    // A project alone on empty queues starts at the bottom.
    expect(await h.deps.fairShare.priorities('p-alone', [agentQueueName('page-creator')])).to.deep.equal([1]);
    await queue.obliterate({ force: true });
  });

  it('does nothing when turned off (AGENT_FAIR_SHARE=false): FIFO as before', async () => {
    h = await createHarness({ workers: false, fairShare: false });
    expect(await h.deps.fairShare.priorities('p', [agentQueueName('page-creator')])).to.deep.equal([undefined]);
  });

  it('a small project submitted right after a large one finishes within 2× its time alone, while the large one still runs', async () => {
    // Model calls of 100 ms and two slots per agent queue: the large project fills its queues for many rounds.
    h = await createHarness({ latencyMs: 100, agentConcurrency: 2 });
    const bigPlan = selectAgents(analyzeRequest(BIG_REQUEST), {});
    const smallPlan = selectAgents(analyzeRequest(BENCH_REQUEST), {});
    expect(bigPlan.length).to.be.greaterThan(2.5 * smallPlan.length);

    const aloneId = await h.createProject({ requirements: BENCH_REQUEST, name: 'small alone' });
    let started = performance.now();
    expect(await h.runToEnd(aloneId)).to.equal('project.completed');
    const alone = performance.now() - started;

    const bigId = await h.createProject({ requirements: BIG_REQUEST, name: 'large' });
    const smallId = await h.createProject({ requirements: BENCH_REQUEST, name: 'small' });
    const bigEnded = h.runToEnd(bigId);
    // Submitted right after the large one's first stage has dispatched its agents.
    await waitFor('the large project dispatched its first agents', async () => (await h.deps.prisma.agentRun.count({ where: { projectId: bigId } })) > 0, { timeoutMs: 10_000 });
    started = performance.now();
    expect(await h.runToEnd(smallId)).to.equal('project.completed');
    const beside = performance.now() - started;
    const big = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: bigId }, select: { status: true } });
    const bigDone = await h.deps.prisma.agentRun.count({ where: { projectId: bigId, status: 'completed' } });

    expect(big.status, 'the large project is still running').to.equal('running');
    expect(bigDone, 'agents of the large project done when the small one ended').to.be.lessThan(bigPlan.length);
    expect(beside, `small project: ${beside.toFixed(0)} ms beside the large one, ${alone.toFixed(0)} ms alone`).to.be.at.most(2 * alone);
    expect(await bigEnded).to.equal('project.completed');
    expect(await h.deps.prisma.agentRun.count({ where: { projectId: bigId, status: 'completed' } })).to.equal(bigPlan.length);
  });

  it('bounds the agent jobs one project runs at once while another runs agents (AGENT_MAX_ACTIVE_PER_PROJECT), and not when it runs alone', async () => {
    const cap = 3;
    h = await createHarness({ latencyMs: 100, agentConcurrency: 20, maxActiveAgentsPerProject: cap });
    const inFlight = new Map<string, number>();
    let bigAloneMax = 0;
    const bigWhileSmallRuns: number[] = [];
    let bigId = '';
    let smallId = '';
    h.provider.intercept = async (request, offline) => {
      const { projectId, stage } = request.task;
      const mine = (inFlight.get(projectId) ?? 0) + 1;
      inFlight.set(projectId, mine);
      if (projectId === bigId && !smallId) bigAloneMax = Math.max(bigAloneMax, mine);
      // From the small project's second stage on, the large one's jobs admitted before it ran have ended.
      if (projectId === smallId && stage >= 2) bigWhileSmallRuns.push(inFlight.get(bigId) ?? 0);
      try {
        return await offline();
      } finally {
        inFlight.set(projectId, (inFlight.get(projectId) ?? 1) - 1);
      }
    };
    bigId = await h.createProject({ requirements: BIG_REQUEST, name: 'large' });
    const small = await h.createProject({ requirements: BENCH_REQUEST, name: 'small' });
    const bigEnded = h.runToEnd(bigId);
    await waitFor('the large project runs more agents than the bound, alone', () => bigAloneMax > cap, { timeoutMs: 20_000 });
    smallId = small;
    expect(await h.runToEnd(smallId)).to.equal('project.completed');
    expect(await bigEnded).to.equal('project.completed');
    expect(bigWhileSmallRuns.length, 'samples').to.be.greaterThan(10);
    expect(Math.max(...bigWhileSmallRuns), `large project's calls in flight while the small one ran: ${bigWhileSmallRuns.join(' ')}`).to.be.at.most(cap);
    // Deferred jobs spent no attempt: every agent of both projects completed on its first.
    const runs = await h.deps.prisma.agentRun.findMany({ where: { projectId: { in: [bigId, smallId] } }, select: { status: true, attempt: true } });
    expect(runs.every((r) => r.status === 'completed' && r.attempt === 1)).to.equal(true);
  });
});
