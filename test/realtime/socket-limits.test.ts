/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON */
/**
 * The per-user connection cap and the replay throttle (issue 12: "200 re-subscribes replayed 47,576
 * events"): subscribes per user are a token bucket, one replay sends at most `replayMaxEvents` and
 * says where to page on (`replay_limit`), and the CLI's stream follower pages through a long history.
 */
import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import type { ReplayLimit } from '../../src/api/realtime/subscription.js';
import { followRemoteProject } from '../../src/cli/remote/stream-follower.js';
import type { ProjectEvent } from '../../src/engine/events/event-schema.js';
import { REQUIREMENTS, startApiHarness, type ApiHarness } from '../api/api-harness.js';
import { waitFor } from '../support/wait-for.js';
import { client, connected, expectSequence, follow, trySubscribe } from './socket-client.js';

const HISTORY = 250;

describe('realtime limits: connection cap, subscribe throttle, replay pages', function () {
  this.timeout(60_000);
  let api: ApiHarness;
  const sockets: Socket[] = [];
  const open = (token: string) => {
    const socket = client(api.url, token);
    sockets.push(socket);
    return socket;
  };
  /** A project whose stream holds HISTORY events (the last one: project.completed). */
  const projectWithHistory = async (token: string) => {
    const created = await api.request('POST', '/api/projects', { token, body: { name: 'history', requirements: REQUIREMENTS } });
    expect(created.status, created.text).to.equal(201);
    const id = created.json.id as string;
    const events = api.engine.deps.events;
    for (let seq = (await events.lastSeq(id)) + 1; seq < HISTORY; seq++) await events.publish({ type: 'cost.updated', projectId: id, data: { spentMicros: seq } });
    await events.publish({ type: 'project.completed', projectId: id, data: {} });
    expect(await events.lastSeq(id)).to.equal(HISTORY);
    return id;
  };

  before(async () => {
    api = await startApiHarness({
      realtime: true,
      realtimeLimits: { maxConnectionsPerUser: 3, subscribeBurst: 10, subscribesPerSecond: 1, replayMaxEvents: 100, recheckIntervalMs: 60_000 },
    });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  after(async () => {
    await api?.close();
  });

  it('refuses a user’s connection past the cap, not another user’s, and admits again once one closes', async () => {
    const { token } = await api.user('capped');
    const three = [open(token), open(token), open(token)];
    await Promise.all(three.map(connected));
    const fourth = await connected(open(token)).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(fourth).to.equal('too many connections');
    const { token: otherToken } = await api.user('uncapped');
    await connected(open(otherToken));

    three[0]?.disconnect();
    await waitFor('the sockets past the cap to be closed', (note) => note(api.realtime?.sessions.size ?? 0) <= 3, { timeoutMs: 5_000 });
    await connected(open(token));
  });

  it('a client re-subscribing in a loop gets a bounded replay, not one per subscribe', async () => {
    const { token } = await api.user('looper');
    const id = await projectWithHistory(token);
    const socket = open(token);
    await connected(socket);
    let received = 0;
    socket.on('event', () => received++);
    const started = Date.now();
    const acks = [];
    for (let i = 0; i < 200; i++) acks.push(await trySubscribe(socket, id));
    const seconds = (Date.now() - started) / 1000;
    const accepted = acks.filter((ack) => 'ok' in ack).length;
    // Without the throttle and the cap: 200 × 250 = 50,000 events.
    expect(accepted).to.be.at.most(10 + Math.ceil(seconds) + 1);
    const refused = acks.find((ack) => 'error' in ack);
    expect(refused).to.have.property('error', 'too many subscribes');
    expect(refused).to.have.property('retryAfterMs').that.is.within(1, 1_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the last replay land before counting
    expect(received).to.be.at.most(accepted * 100);
  });

  it('one replay sends at most replayMaxEvents and says where to page on; live events follow the last page', async () => {
    const { token } = await api.user('pager');
    const id = await projectWithHistory(token);
    const socket = open(token);
    await connected(socket);
    const limits: ReplayLimit[] = [];
    socket.on('replay_limit', (limit: ReplayLimit) => limits.push(limit));
    const { ack, events } = await follow(socket, id);
    expect(ack).to.have.property('ok', true);
    await waitFor('the first replay_limit', (note) => note(limits.length) === 1, { timeoutMs: 5_000 });
    expect(limits[0]).to.deep.equal({ projectId: id, afterSeq: 100 });
    expectSequence(events, 1, 100);

    expect(await trySubscribe(socket, id, 100)).to.have.property('ok', true);
    await waitFor('the second replay_limit', (note) => note(limits.length) === 2, { timeoutMs: 5_000 });
    expect(limits[1]).to.deep.equal({ projectId: id, afterSeq: 200 });
    expect(await trySubscribe(socket, id, 200)).to.have.property('ok', true);
    await waitFor('every event of the history', (note) => note(events.length) === HISTORY, { timeoutMs: 5_000 });

    const live = await api.engine.deps.events.publish({ type: 'cost.updated', projectId: id, data: { spentMicros: 1 } });
    await waitFor('the live events', (note) => note(events.length) === live, { timeoutMs: 5_000 });
    expectSequence(events, 1, live);
    expect(limits).to.have.length(2);
  });

  it('the CLI’s stream follower pages through a long history and waits out the throttle', async () => {
    const { token } = await api.user('follower');
    const id = await projectWithHistory(token);
    // Use up the burst: the follower's pages then meet 'too many subscribes' and must wait.
    const spender = open(token);
    await connected(spender);
    for (let i = 0; i < 10; i++) await trySubscribe(spender, '6f1c1c1e-0d7e-4a55-9a55-3b1a3a0e2f11');
    const seen: ProjectEvent[] = [];
    const outcome = await followRemoteProject({ apiUrl: api.url, token, projectId: id, onEvent: (event) => seen.push(event) });
    expect(outcome).to.equal('project.completed');
    expectSequence(seen, 1, HISTORY);
  });
});
