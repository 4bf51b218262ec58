/**
 * One failover scenario, shared by the Sentinel and AOF tests: real `zekka worker`, `zekka api`
 * and `zekka arbitrator` processes on a Redis topology; one project run undisturbed first (the
 * reference), then several at once with `disrupt` called while agents of stage 2 are running.
 * Returns what each project ended with and the recovery times it measured.
 */
import { expect } from 'chai';
import { createHarness, type Harness } from '../../support/engine-harness.js';
import { httpRequest, signUp } from '../../api/api-harness.js';
import { waitFor } from '../../support/wait-for.js';
import { startApiProcess, startWorkerProcess, type ZekkaProcess } from '../../support/worker-process.js';
import type { Topology } from './redis-topology.js';
import { outcomeOf, waitUntilEnded, type ProjectOutcome } from './project-outcomes.js';

export interface OutageResult {
  reference: ProjectOutcome;
  outcomes: ProjectOutcome[];
  /** From `disrupt` starting until the API's /health/ready answered 200 again (and a login went through). */
  apiRecoveredMs: number;
  /** … until a worker completed an agent run again. */
  firstAgentAfterMs: number;
  /** … until every disturbed project had ended. */
  allEndedMs: number;
  /** The processes' output, for the test's own checks. */
  logs: string;
}

export interface OutageOptions {
  topology: Topology;
  projects: number;
  /** Kills or restarts part of the topology; resolves once it has done so. */
  disrupt: () => Promise<void>;
  requestFile?: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function ready(url: string): Promise<boolean> {
  return fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status === 200, () => false);
}

export async function runThroughOutage(options: OutageOptions, cleanup: { harness?: Harness; processes: ZekkaProcess[] }): Promise<OutageResult> {
  const { topology } = options;
  const requestFile = options.requestFile ?? 'examples/api-only.md';
  // Model calls that take a while, so the outage lands while agents are at work.
  const workerEnv = { ...topology.env, OFFLINE_LATENCY_MS: '300', JOB_LOCK_DURATION_MS: '10000' };
  const h = await createHarness({ workers: false, redisTarget: topology.target });
  cleanup.harness = h;
  // Two at a time: four processes loading the engine at once on a busy 2-core machine can miss
  // worker-process.ts's 60 s readiness deadline.
  const started: ZekkaProcess[] = [];
  for (const pair of [
    () => [startWorkerProcess(workerEnv), startApiProcess(topology.env)],
    () => [startWorkerProcess(workerEnv), startWorkerProcess(topology.env, 'arbitrator')],
  ]) {
    const batch = await Promise.all(pair());
    started.push(...batch);
    cleanup.processes.push(...batch);
  }
  const [, api, , arbitrator] = started as [ZekkaProcess, ZekkaProcess, ZekkaProcess, ZekkaProcess];
  const user = await signUp(api.url, 'ha');

  const referenceId = await h.createProject({ requestFile });
  await h.projects.execute(referenceId);
  await waitUntilEnded(h, [referenceId], 150_000);
  const reference = await outcomeOf(h, referenceId);
  expect(reference.status, `the undisturbed run: ${reference.failureReason ?? ''}`).to.equal('completed');

  const ids: string[] = [];
  for (let i = 0; i < options.projects; i++) ids.push(await h.createProject({ requestFile }));
  for (const id of ids) await h.projects.execute(id);
  await waitFor(
    'agents of stage 2 to be running',
    async () => (await h.deps.prisma.agentRun.count({ where: { projectId: { in: ids }, status: 'running', stageRun: { stage: 2 } } })) > 0,
    { timeoutMs: 120_000, intervalMs: 20 },
  );

  const disruptedAt = Date.now();
  await options.disrupt();
  const since = (at: number) => at - disruptedAt;

  const apiRecovered = (async () => {
    await waitFor('the API to answer ready again', () => ready(api.url), { timeoutMs: 120_000, intervalMs: 100 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\nAPI output:\n${api.output().slice(-4_000)}`);
    });
    // A login runs the throttle's Lua scripts on the (new) master.
    await waitFor('a login to go through', async (note) => note((await httpRequest(api.url, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).status) === 200, {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    return since(Date.now());
  })();
  const firstAgent = (async () => {
    const after = new Date(disruptedAt);
    await waitFor('an agent run to complete after the outage began', async () => (await h.deps.prisma.agentRun.count({ where: { projectId: { in: ids }, completedAt: { gt: after } } })) > 0, {
      timeoutMs: 120_000,
      intervalMs: 100,
    });
    return since(Date.now());
  })();
  await waitUntilEnded(h, ids, 180_000);
  const allEndedMs = since(Date.now());
  const [apiRecoveredMs, firstAgentAfterMs] = await Promise.all([apiRecovered, firstAgent]);
  await waitFor('the arbitrator to answer ready', () => ready(arbitrator.url), { timeoutMs: 30_000, intervalMs: 100 });

  const outcomes = await Promise.all(ids.map((id) => outcomeOf(h, id)));
  console.log(`      recovery: API ready + login ${seconds(apiRecoveredMs)}, first agent completed ${seconds(firstAgentAfterMs)}, all ${ids.length} projects ended ${seconds(allEndedMs)} after the outage began`);
  return { reference, outcomes, apiRecoveredMs, firstAgentAfterMs, allEndedMs, logs: started.map((p) => p.output()).join('\n') };
}

/** Every project completed with the reference's files, and no agent was charged more often than in the reference. */
export function expectSameAsReference(result: OutageResult): void {
  for (const outcome of result.outcomes) {
    expect(outcome.status, outcome.failureReason ?? '').to.equal('completed');
    expect(outcome.artifacts, 'the files of a disturbed project').to.deep.equal(result.reference.artifacts);
    expect(outcome.manifest, 'the manifest (file versions, totals) apart from the project and run ids').to.deep.equal(result.reference.manifest);
    expect(outcome.chargesPerAgent, 'ledger entries per agent (a model call charged twice adds one)').to.deep.equal(result.reference.chargesPerAgent);
  }
}
