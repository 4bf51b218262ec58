// BullMQ emits 'error' on Queue and FlowProducer handles; one nobody listens to is printed by
// BullMQ as Node's "Unhandled error" (which made the Redis-outage test fail on a busy machine).
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import sinon from 'sinon';
import { QueueRegistry } from '../../queues/queue-registry.js';
import { createRedis } from '../../src/redis/connection.js';
import { testQueuePrefix, testRedisUrl } from '../support/environment.js';

describe('queues: the registry’s handles report their errors', () => {
  let redis: Redis;
  let registry: QueueRegistry;
  const warnings: Array<{ message: string; meta: unknown }> = [];

  beforeEach(() => {
    warnings.length = 0;
    redis = createRedis({ url: testRedisUrl(), name: 'zekka:test:queue-registry' });
    registry = new QueueRegistry(redis, testQueuePrefix(), { warn: (message: string, meta: unknown) => warnings.push({ message, meta }) } as never);
  });
  afterEach(async () => {
    sinon.restore();
    await registry.close();
    await redis.quit();
  });

  it('logs an error of any queue or of the flow producer, naming the handle, and prints nothing', () => {
    const queues = registry.all();
    const printed = sinon.stub(console, 'error');
    for (const queue of queues) queue.emit('error', new Error(`script failed on ${queue.name}`));
    registry.flows.emit('error', new Error('flow failed'));
    printed.restore();
    expect(printed.args.map((args) => args.join(' '))).to.deep.equal([]);
    expect(warnings).to.have.length(queues.length + 1);
    expect(warnings[0]).to.deep.equal({ message: 'queue handle error', meta: { handle: `queue ${queues[0]?.name}`, error: `script failed on ${queues[0]?.name}` } });
    expect(warnings.at(-1)).to.deep.equal({ message: 'queue handle error', meta: { handle: 'flow producer', error: 'flow failed' } });
  });

  it('leaves connection failures to the shared connection, which reports an outage once', () => {
    const [queue] = registry.all();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    const printed = sinon.stub(console, 'error');
    queue?.emit('error', refused);
    registry.flows.emit('error', refused);
    printed.restore();
    expect(printed.callCount).to.equal(0);
    expect(warnings).to.deep.equal([]);
  });
});
