import { expect } from 'chai';
import { projectKeys } from '../../src/redis/keys.js';
import { testNamespace } from '../support/environment.js';
import { createHarness, type Harness } from '../support/engine-harness.js';

describe('engine: context-bus state', function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(async () => h?.close());

  it('keeps a project’s keys under one hash tag; its status lives in PostgreSQL only, its cancel flag names the run', async () => {
    h = await createHarness();
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.completed');
    const keys = projectKeys(projectId, testNamespace());
    for (const key of Object.values(keys)) expect(key).to.contain(`:project:{${projectId}}:`);
    const base = `${testNamespace()}:project:{${projectId}}`;
    expect(await h.redis.exists(`${base}:state`, `${base}:agents`), 'no status mirror is written').to.equal(0);
    await h.deps.state.markCancelled(projectId, 'r1');
    expect(await h.deps.state.isCancelled(projectId, 'r1')).to.equal(true);
    expect(await h.deps.state.isCancelled(projectId, 'r2')).to.equal(false);
  });

  it('numbers every event of a project 1, 2, 3 … and replays them in order', async () => {
    h = await createHarness();
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.completed');
    const events = await h.deps.events.replay(projectId);
    expect(events.map((e) => e.seq)).to.deep.equal(events.map((_, i) => i + 1));
    expect(events[0]?.type).to.equal('project.created');
    expect(events.at(-1)?.type).to.equal('project.completed');
    const types = new Set(events.map((e) => e.type));
    for (const type of ['project.started', 'stage.started', 'stage.completed', 'agent.started', 'agent.completed'] as const) expect(types.has(type), type).to.equal(true);
    const tail = await h.deps.events.replay(projectId, events.length - 2);
    expect(tail.map((e) => e.seq)).to.deep.equal([events.length - 1, events.length]);
  });
});
