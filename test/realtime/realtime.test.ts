/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON */
/**
 * Socket.IO at /ws on a real API server: every event of a project in-process workers run arrives
 * once and in order; credentials are required; others' projects look nonexistent; a late subscriber
 * with afterSeq=k receives exactly k+1..n; a second API server (same Redis namespace) delivers too.
 */
import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import { createApp } from '../../src/api/app.js';
import { startApiServer } from '../../src/api/server.js';
import { REQUIREMENTS, startApiHarness, testApiOptions, testRealtime, type ApiHarness } from '../api/api-harness.js';
import { waitFor } from '../support/wait-for.js';
import { client, connected, expectSequence, follow } from './socket-client.js';

describe('realtime: Socket.IO at /ws', function () {
  this.timeout(60_000);
  let api: ApiHarness;
  const sockets: Socket[] = [];
  const open = (url: string, token?: string) => {
    const socket = client(url, token);
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    api = await startApiHarness({ engine: { workers: true }, realtime: true });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  after(async () => {
    await api?.close();
  });

  const createProject = async (token: string): Promise<string> => {
    const created = await api.request('POST', '/api/projects', { token, body: { name: 'live', requirements: REQUIREMENTS } });
    expect(created.status).to.equal(201);
    return created.json.id as string;
  };
  const execute = (token: string, id: string) => api.engine.runToEnd(id, () => api.request('POST', `/api/projects/${id}/execute`, { token }));

  it('refuses a connection without credentials or with bad ones', async () => {
    for (const token of [undefined, '', 'not-a-jwt', 'zk_bogus', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
      const socket = open(api.url, token);
      const error = await connected(socket).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message, String(token)).to.equal('unauthorized');
    }
  });

  it('delivers every event of a run in order, gap-free, ending with project.completed; late subscribers get exactly what they missed', async () => {
    const { token } = await api.user('live');
    const id = await createProject(token);
    const socket = open(api.url, token);
    await connected(socket);
    const { ack, events } = await follow(socket, id);
    expect(ack).to.have.property('ok', true);
    if (!('ok' in ack)) throw new Error('subscribe failed');
    expect(ack.snapshot).to.include({ status: 'created', lastSeq: 1 });
    expect(ack.snapshot.budgetMicros).to.equal(10_000_000);

    expect(await execute(token, id)).to.equal('project.completed');
    const n = await api.engine.deps.events.lastSeq(id);
    await waitFor(`the socket to receive all ${n} events`, (note) => note(events.length) >= n, { timeoutMs: 10_000 });
    expectSequence(events, 1, n);
    expect(events[0]?.type).to.equal('project.created');
    expect(events.at(-1)?.type).to.equal('project.completed');
    expect(events.every((e) => e.projectId === id)).to.equal(true);

    // Late, with afterSeq = k: exactly k+1..n, and a snapshot of the finished project.
    const k = Math.floor(n / 2);
    const late = open(api.url, token);
    await connected(late);
    const lateFollow = await follow(late, id, k);
    if (!('ok' in lateFollow.ack)) throw new Error('late subscribe failed');
    expect(lateFollow.ack.snapshot).to.include({ status: 'completed', lastSeq: n, currentStage: 10 });
    await waitFor(`the late socket to receive events ${k + 1}..${n}`, (note) => note(lateFollow.events.length) >= n - k, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expectSequence(lateFollow.events, k + 1, n);

    // Unsubscribe leaves the room.
    expect(await late.emitWithAck('unsubscribe', { projectId: id })).to.deep.equal({ ok: true });
  });

  it("answers a subscription to someone else's project exactly like one to a nonexistent project", async () => {
    const { token: ownerToken } = await api.user('owner');
    const { token: otherToken } = await api.user('other');
    const id = await createProject(ownerToken);
    const socket = open(api.url, otherToken);
    await connected(socket);
    const { ack, events } = await follow(socket, id);
    expect(ack).to.deep.equal({ error: 'not found' });
    expect(await socket.emitWithAck('subscribe', { projectId: '6f1c1c1e-0d7e-4a55-9a55-3b1a3a0e2f11' })).to.deep.equal({ error: 'not found' });
    expect(await socket.emitWithAck('subscribe', { projectId: 'nope' })).to.deep.equal({ error: 'invalid request' });
    await api.engine.deps.events.publish({ type: 'cost.updated', projectId: id, data: { spentMicros: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).to.deep.equal([]);

    // An admin sees it; an API key works like a JWT.
    const admin = await api.admin();
    const adminSocket = open(api.url, admin.token);
    await connected(adminSocket);
    expect(await adminSocket.emitWithAck('subscribe', { projectId: id })).to.have.property('ok', true);
    const key = await api.request('POST', '/api/auth/api-keys', { token: ownerToken, body: { name: 'ws' } });
    expect(key.status).to.equal(201);
    const keySocket = open(api.url, key.json.key as string);
    await connected(keySocket);
    expect(await keySocket.emitWithAck('subscribe', { projectId: id })).to.have.property('ok', true);
  });

  it('a client on a second API server (same Redis namespace) receives every event too', async () => {
    const app = createApp({ engine: api.engine.deps, projects: api.engine.projects }, testApiOptions());
    const second = await startApiServer(app, { port: 0, host: '127.0.0.1', attach: testRealtime(api.engine, api.options) });
    try {
      const { token } = await api.user('replica');
      const id = await createProject(token);
      const socket = open(second.url, token);
      await connected(socket);
      const { ack, events } = await follow(socket, id);
      expect(ack).to.have.property('ok', true);
      expect(await execute(token, id)).to.equal('project.completed');
      const n = await api.engine.deps.events.lastSeq(id);
      await waitFor(`the socket to receive all ${n} events`, (note) => note(events.length) >= n, { timeoutMs: 10_000 });
      expectSequence(events, 1, n);
      expect(events.at(-1)?.type).to.equal('project.completed');
    } finally {
      for (const socket of sockets.splice(0)) socket.disconnect();
      await second.close();
    }
  });
});
