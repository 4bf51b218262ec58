/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON */
// Zekka on a real 3-master Redis Cluster: a worker process (BullMQ queues, flows, the context bus's
// Lua scripts), an API process (login throttle, rate limits, the realtime subscriber) and the
// engine in this process all reach the cluster through REDIS_CLUSTER_NODES. A script whose keys
// straddle two slots fails with CROSSSLOT here, and a project with such a script cannot complete.
import { expect } from 'chai';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { httpRequest, signUp } from '../api/api-harness.js';
import { startApiProcess, startWorkerProcess, type ZekkaProcess } from '../support/worker-process.js';
import { startCluster, type Topology } from './support/redis-topology.js';
import { outcomeOf, waitUntilEnded } from './support/project-outcomes.js';

describe('ha: Redis Cluster (3 masters)', function () {
  this.timeout(240_000);
  let cluster: Topology | undefined;
  let h: Harness | undefined;
  let processes: ZekkaProcess[] = [];

  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await h?.close();
    await cluster?.stop();
  });

  it('runs projects end to end, and the API logs in and serves through the cluster', async () => {
    const topology = cluster as Topology;
    h = await createHarness({ workers: false, redisTarget: topology.target });
    processes = await Promise.all([startWorkerProcess(topology.env), startApiProcess(topology.env)]);
    const [, api] = processes as [ZekkaProcess, ZekkaProcess];

    const ids = [await h.createProject({ requestFile: 'examples/api-only.md' }), await h.createProject({ requestFile: 'examples/api-only.md' })];
    for (const id of ids) await h.projects.execute(id);
    await waitUntilEnded(h, ids, 150_000);
    for (const id of ids) {
      const outcome = await outcomeOf(h, id);
      expect(outcome.status, outcome.failureReason ?? '').to.equal('completed');
      expect(outcome.artifacts.length).to.be.greaterThan(0);
    }

    // The login throttle's scripts (four keys, one `{login}` slot) and the rate limiter run on the cluster.
    const { token } = await signUp(api.url, 'cluster');
    const created = await httpRequest(api.url, 'POST', '/api/projects', { token, body: { name: 'via api', requirements: 'A todo list API: tasks with a title; list them.' } });
    expect(created.status, created.text).to.equal(201);
    const executed = await httpRequest(api.url, 'POST', `/api/projects/${created.json.id as string}/execute`, { token });
    expect(executed.status, executed.text).to.equal(202);
    await waitUntilEnded(h, [created.json.id as string], 150_000);
    expect((await outcomeOf(h, created.json.id as string)).status).to.equal('completed');

    const logs = processes.map((p) => p.output()).join('\n');
    expect(logs).not.to.match(/CROSSSLOT|non local key|unhandled/i);
  });
});
