/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON */
/**
 * Live progress across real processes: two `zekka api` children and one `zekka worker` child on
 * this run's database and Redis namespace. A client on the first API receives every event of a
 * project the worker runs, in order and gap-free, ending with project.completed; another user's
 * subscribe is refused; a client that drops mid-run and reconnects to the SECOND API with its last
 * seq ends with the full sequence.
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import type { ProjectEvent } from '../../src/engine/events/event-schema.js';
import { httpRequest, signUp } from '../api/api-harness.js';
import { waitFor } from '../support/wait-for.js';
import { startApiProcess, startWorkerProcess, type ZekkaProcess } from '../support/worker-process.js';
import { client, connected, expectSequence, follow } from './socket-client.js';

describe('realtime across processes: two API processes and a worker process', function () {
  this.timeout(240_000);
  const processes: ZekkaProcess[] = [];
  const sockets: Socket[] = [];
  const open = (url: string, token: string) => {
    const socket = client(url, token);
    sockets.push(socket);
    return socket;
  };

  after(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGTERM')));
  });

  it('delivers every event in order to a client of the first API, refuses strangers, and a client that reconnects to the second API misses nothing', async () => {
    // 100 ms per model call keeps the run several seconds long: the reconnect happens mid-run.
    // One after the other: three engines loading at once starve each other on two cores.
    const first = await startApiProcess();
    processes.push(first);
    const second = await startApiProcess();
    processes.push(second);
    processes.push(await startWorkerProcess({ OFFLINE_LATENCY_MS: '100' }));

    const alice = await signUp(first.url, 'alice');
    const mallory = await signUp(first.url, 'mallory');
    const requirements = await readFile('examples/api-only.md', 'utf8');
    const created = await httpRequest(first.url, 'POST', '/api/projects', { token: alice.token, body: { name: 'across processes', requirements } });
    expect(created.status, created.text).to.equal(201);
    const id = created.json.id as string;

    // The watcher stays connected to the first API for the whole run.
    const watcher = open(first.url, alice.token);
    await connected(watcher);
    const watched = await follow(watcher, id);
    expect(watched.ack).to.have.property('ok', true);

    // Someone else's project: refused in the ack, and nothing arrives.
    const stranger = open(first.url, mallory.token);
    await connected(stranger);
    const refused = await follow(stranger, id);
    expect(refused.ack).to.deep.equal({ error: 'not found' });

    // The dropper leaves once stage 1 has completed …
    const dropper = open(first.url, alice.token);
    await connected(dropper);
    const dropped = await follow(dropper, id);
    const stageDone = (events: ProjectEvent[], stage: number) => events.some((e) => e.type === 'stage.completed' && e.data.stage === stage);

    const executed = await httpRequest(first.url, 'POST', `/api/projects/${id}/execute`, { token: alice.token });
    expect(executed.status, executed.text).to.equal(202);

    await waitFor('the dropping socket to see stage 1 complete', (note) => {
      note(dropped.events.at(-1)?.type);
      return stageDone(dropped.events, 1);
    }, { timeoutMs: 60_000 });
    dropper.disconnect();
    const lastSeen = dropped.events.at(-1)?.seq ?? 0;
    // … misses what happens while it is away (a few events of stage 2; it may have seen stage 2
    // start already, the polling above being coarser than the engine), then comes back to the other API.
    await waitFor(`the watching socket to reach seq ${lastSeen + 3}`, (note) => (note(watched.events.at(-1)?.seq) ?? 0) >= lastSeen + 3);
    const returning = open(second.url, alice.token);
    await connected(returning);
    const resumed = await follow(returning, id, lastSeen);
    if (!('ok' in resumed.ack)) throw new Error(`resubscribe refused: ${resumed.ack.error}`);
    expect(resumed.ack.snapshot.status, 'the reconnect happened mid-run').to.equal('running');

    const ended = (events: ProjectEvent[]) => events.at(-1)?.type === 'project.completed';
    await waitFor('both sockets to see project.completed', (note) => {
      note({ watched: watched.events.at(-1)?.type, resumed: resumed.events.at(-1)?.type });
      return ended(watched.events) && ended(resumed.events);
    }, { timeoutMs: 90_000 });
    const log = await httpRequest(first.url, 'GET', `/api/projects/${id}/events?limit=1`, { token: alice.token });
    const n = log.json.lastSeq as number;
    expect(n).to.be.greaterThan(20);

    expectSequence(watched.events, 1, n);
    expect(watched.events[0]?.type).to.equal('project.created');
    expect(resumed.events[0]?.seq).to.equal(lastSeen + 1);
    expectSequence([...dropped.events, ...resumed.events], 1, n);
    expect(refused.events).to.deep.equal([]);
    // Nothing more arrives after the end.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(watched.events).to.have.length(n);
    expect(resumed.events).to.have.length(n - lastSeen);
  });
});
