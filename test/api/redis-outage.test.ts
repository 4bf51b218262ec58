/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON */
// A `zekka api` process whose Redis goes away: requests are answered at once (reads from
// PostgreSQL still work, anything that needs the queues is a 503 problem with Retry-After), the
// readiness probe names Redis, and everything works again once Redis is back. The Redis here is a
// private server on a loopback port of its own, so killing it touches nothing else.
import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { httpRequest, REQUIREMENTS, signUp } from './api-harness.js';
import { killPrivateRedis, startPrivateRedis } from '../support/private-redis.js';
import { waitFor } from '../support/wait-for.js';
import { freePort, startApiProcess, type ZekkaProcess } from '../support/worker-process.js';

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

describe('api: Redis goes away and comes back', function () {
  this.timeout(180_000);
  let redisPort = 0;
  let redis: ChildProcess | undefined;
  let api: ZekkaProcess | undefined;

  before(async () => {
    redisPort = await freePort();
    redis = await startPrivateRedis(redisPort);
    api = await startApiProcess({ REDIS_URL: `redis://127.0.0.1:${redisPort}` });
  });
  after(async () => {
    await api?.stop();
    if (redis) await killPrivateRedis(redis);
  });

  it('answers at once while Redis is down — 503 with Retry-After where the queues are needed — and recovers', async () => {
    const url = api?.url ?? '';
    const { token, email, password } = await signUp(url, 'outage');
    const project = await httpRequest(url, 'POST', '/api/projects', { token, body: { name: 'outage', requirements: REQUIREMENTS } });
    expect(project.status).to.equal(201);
    const id = project.json.id as string;

    if (redis) await killPrivateRedis(redis);
    await waitFor('/health/ready to answer 503 once Redis is gone', async (note) => note((await httpRequest(url, 'GET', '/health/ready')).status) === 503);

    const ready = await httpRequest(url, 'GET', '/health/ready');
    expect(ready.text).to.match(/redis/i);
    expect((await httpRequest(url, 'GET', '/health')).status).to.equal(200);

    const read = await timed(() => httpRequest(url, 'GET', `/api/projects/${id}`, { token }));
    expect(read.value.status, read.value.text).to.equal(200);
    expect(read.ms, 'a read does not wait for Redis').to.be.below(3_000);

    const execute = await timed(() => httpRequest(url, 'POST', `/api/projects/${id}/execute`, { token }));
    expect(execute.value.status, execute.value.text).to.equal(503);
    expect(execute.ms, 'the 503 comes at once').to.be.below(3_000);
    expect(execute.value.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(execute.value.headers.get('retry-after')).to.equal('5');
    expect(execute.value.json).to.include({ status: 503, code: 'unavailable' });
    expect(execute.value.json.detail).to.match(/Redis/);

    // Login throttling fails closed: no login goes through unthrottled while its state is away.
    const login = await timed(() => httpRequest(url, 'POST', '/api/auth/login', { body: { email, password } }));
    expect(login.value.status, login.value.text).to.equal(503);
    expect(login.ms, 'the 503 comes at once').to.be.below(3_000);
    expect(login.value.headers.get('retry-after')).to.equal('5');
    expect(login.value.json).to.include({ status: 503, code: 'unavailable' });

    redis = await startPrivateRedis(redisPort);
    await waitFor('/health/ready to answer 200 once Redis is back', async (note) => note((await httpRequest(url, 'GET', '/health/ready')).status) === 200);
    const again = await httpRequest(url, 'POST', `/api/projects/${id}/execute`, { token });
    expect(again.status, again.text).to.equal(202);
    const loginAgain = await httpRequest(url, 'POST', '/api/auth/login', { body: { email, password } });
    expect(loginAgain.status, loginAgain.text).to.equal(200);
    expect(api?.output() ?? '').not.to.match(/unhandled|TypeError/i);
  });
});
