// followProject's subscriber is a duplicate of the caller's connection; a duplicate inherits
// options, not listeners. Through an outage it must stay quiet (no ioredis "Unhandled error
// event") and, once Redis is back, resubscribe and still see the run end.
import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import sinon from 'sinon';
import { followProject } from '../../src/cli/progress/follow-project.js';
import { EventBus } from '../../src/engine/events/event-bus.js';
import { createRedis } from '../../src/redis/connection.js';
import { testNamespace } from '../support/environment.js';
import { killPrivateRedis, startPrivateRedis } from '../support/private-redis.js';
import { waitFor } from '../support/wait-for.js';
import { freePort } from '../support/worker-process.js';

describe('cli: following a project through a Redis outage', function () {
  this.timeout(60_000);
  let server: ChildProcess | undefined;
  let redis: Redis | undefined;
  let subscriber: Redis | undefined;

  afterEach(async () => {
    sinon.restore();
    // Ends a follower left waiting by a failed assertion, so it does not reconnect forever.
    subscriber?.disconnect();
    redis?.disconnect();
    if (server) await killPrivateRedis(server);
  });

  it('prints no "Unhandled error event" while Redis is down, and sees the end once it is back', async () => {
    const port = await freePort();
    server = await startPrivateRedis(port);
    const connection = createRedis({ url: `redis://127.0.0.1:${port}`, name: 'zekka:test:follow-outage' });
    redis = connection;
    const bus = new EventBus(connection, testNamespace());
    const duplicate = sinon.spy(connection, 'duplicate');
    const following = followProject(connection, bus, 'p-outage', () => undefined);
    await waitFor('followProject to subscribe to the events channel', async (note) => Number(note(await connection.pubsub('NUMSUB', bus.channel))[1]) === 1);
    const follower = duplicate.returnValues[0];
    if (!follower) throw new Error('followProject made no duplicate connection');
    subscriber = follower;
    let reconnects = 0;
    follower.on('reconnecting', () => reconnects++);
    const printed = sinon.stub(console, 'error');

    await killPrivateRedis(server);
    // The first 'reconnecting' follows the lost socket; the second follows a refused reconnect, which ioredis emits as 'error'.
    await waitFor('the subscriber to fail a reconnect', (note) => note(reconnects) >= 2, { timeoutMs: 20_000 });
    printed.restore();
    expect(printed.args.map((args) => args.join(' ')).filter((line) => /unhandled/i.test(line))).to.deep.equal([]);

    server = await startPrivateRedis(port);
    await waitFor('the subscriber to resubscribe once Redis is back', async (note) => Number(note(await connection.pubsub('NUMSUB', bus.channel))[1]) === 1, { timeoutMs: 20_000 });
    await bus.publish({ type: 'project.created', projectId: 'p-outage' });
    await bus.publish({ type: 'project.completed', projectId: 'p-outage' });
    expect(await following).to.equal('project.completed');
  });
});
