/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- response bodies are untyped JSON; the assertions check their shape */
// Login throttling against the real Redis, through the API as a deployment behind an ingress sees
// it: TRUST_PROXY = 1 hop, client addresses from X-Forwarded-For. Time is a clock the test moves on,
// so the delays are checked exactly without waiting for them.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createApp } from '../../src/api/app.js';
import type { ApiOptions } from '../../src/api/api-options.js';
import type { LoginThrottleConfig } from '../../src/api/auth/login-throttle.js';
import { startApiServer } from '../../src/api/server.js';
import { httpRequest, startApiHarness, type ApiHarness, type HttpResult } from './api-harness.js';

const THROTTLE: LoginThrottleConfig = { freeFailures: 5, delayBaseMs: 1_000, delayMaxMs: 8_000, pairMemoryMs: 60_000, windowMs: 60_000, maxPerAddress: 1_000, maxPerAccount: 1_000 };

let nextAddress = 0;
/** A fresh client address (TEST-NET-3 and beyond), one per simulated machine. */
const address = (): string => `198.${18 + Math.floor(nextAddress / 250)}.${nextAddress % 250}.${(nextAddress++ % 200) + 1}`;

describe('api/login throttling per (account, address)', function () {
  let now = Date.now();
  const clock = () => now;
  let api: ApiHarness;
  const servers: { close(): Promise<void> }[] = [];

  before(async () => {
    api = await startApiHarness({ api: { trustProxy: 1, loginThrottle: THROTTLE }, clock });
  });
  after(async () => {
    for (const server of servers) await server.close();
    await api.close();
  });

  /** Another replica over the same Redis and database, with its own settings and (unless `rateLimitKeyPrefix` is given) counters. */
  async function replica(overrides: Partial<ApiOptions>): Promise<string> {
    const app = createApp({ engine: api.engine.deps, clock }, { ...api.options, rateLimitKeyPrefix: `${api.options.rateLimitKeyPrefix}:${randomUUID().slice(0, 8)}`, ...overrides });
    const server = await startApiServer(app, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    return server.url;
  }

  const login = (from: string, email: string, password: string, url = api.url): Promise<HttpResult> =>
    httpRequest(url, 'POST', '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': from } });
  const retryAfter = (r: HttpResult): number => Number(r.headers.get('retry-after'));

  it('lets the owner in from another address after an attacker made 20 wrong guesses, while the attacker is slowed', async () => {
    const owner = await api.user('owner');
    const attacker = address();
    const waits: number[] = [];
    let guesses = 0;
    for (let request = 0; guesses < 20 && request < 100; request++) {
      const r = await login(attacker, owner.email, `guess-${request}`);
      if (r.status === 429) {
        waits.push(retryAfter(r));
        now += retryAfter(r) * 1000; // the attacker waits as told
      } else {
        expect(r.status, r.text).to.equal(401);
        guesses++;
      }
    }
    expect(guesses, 'wrong guesses answered').to.equal(20);
    expect(waits).to.deep.equal([1, 2, 4, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]);
    expect((await login(attacker, owner.email, owner.password)).status, 'the attacker’s pair still waits').to.equal(429);

    const mine = await login(address(), owner.email, owner.password);
    expect(mine.status, mine.text).to.equal(200);
  });

  it('slows a pair with a growing Retry-After, refuses even the right password while it waits, and a success resets it', async () => {
    const user = await api.user('typo');
    const from = address();
    for (let i = 0; i < 5; i++) expect((await login(from, user.email, 'wrong')).status).to.equal(401);
    const first = await login(from, user.email, 'wrong');
    expect(first.status).to.equal(429);
    expect(first.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(first.json).to.include({ status: 429, code: 'rate_limited' });
    expect(retryAfter(first)).to.equal(1);
    expect((await login(from, user.email, user.password)).status, 'the right password waits too').to.equal(429);

    now += 1_000;
    expect((await login(from, user.email, 'wrong')).status).to.equal(401);
    const second = await login(from, user.email, 'wrong');
    expect([second.status, retryAfter(second)]).to.deep.equal([429, 2]);
    now += 2_000;
    expect((await login(from, user.email, 'wrong')).status).to.equal(401);
    const third = await login(from, user.email, 'wrong');
    expect([third.status, retryAfter(third)]).to.deep.equal([429, 4]);

    now += 4_000;
    expect((await login(from, user.email, user.password)).status).to.equal(200);
    for (let i = 0; i < 5; i++) expect((await login(from, user.email, 'wrong')).status, 'free failures again after a success').to.equal(401);
    const afterReset = await login(from, user.email, 'wrong');
    expect([afterReset.status, retryAfter(afterReset)]).to.deep.equal([429, 1]);
  });

  it('throttles an unknown email exactly like a known one', async () => {
    const user = await api.user('known');
    const run = async (email: string) => {
      const from = address();
      const seen: unknown[] = [];
      const record = (r: HttpResult) => seen.push({ status: r.status, retryAfter: r.headers.get('retry-after'), code: r.json?.code, detail: r.json?.detail });
      for (let i = 0; i < 7; i++) record(await login(from, email, 'wrong'));
      now += 1_000;
      for (let i = 0; i < 2; i++) record(await login(from, email, 'wrong'));
      return seen;
    };
    const known = await run(user.email);
    const unknown = await run(`nobody-${randomUUID()}@example.com`);
    expect(unknown).to.deep.equal(known);
    expect(known.map((r) => (r as { status: number }).status)).to.deep.equal([401, 401, 401, 401, 401, 429, 429, 401, 429]);
  });

  it('admits only the free failures of a burst of parallel guesses', async () => {
    const user = await api.user('burst');
    const from = address();
    const statuses = (await Promise.all(Array.from({ length: 12 }, () => login(from, user.email, 'wrong')))).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).to.have.length(5);
    expect(statuses.filter((s) => s === 429)).to.have.length(7);
  });

  it('limits failed logins per address across accounts (credential stuffing), with counters every replica shares', async () => {
    const settings = { loginThrottle: { ...THROTTLE, maxPerAddress: 4 }, rateLimitKeyPrefix: `${api.options.rateLimitKeyPrefix}:${randomUUID().slice(0, 8)}` };
    const [one, two] = [await replica(settings), await replica(settings)];
    const stuffer = address();
    for (let i = 0; i < 4; i++) expect((await login(stuffer, `victim-${randomUUID()}@example.com`, 'password1', i % 2 ? one : two)).status).to.equal(401);
    for (const url of [one, two]) {
      const refused = await login(stuffer, `victim-${randomUUID()}@example.com`, 'password1', url);
      expect(refused.status).to.equal(429);
      expect(retryAfter(refused)).to.be.within(1, 60);
    }
    expect((await login(address(), `victim-${randomUUID()}@example.com`, 'password1', one)).status, 'another address').to.equal(401);
  });

  it('past the per-account ceiling lets in only addresses that logged in to the account before, for known and unknown emails alike', async () => {
    const url = await replica({ loginThrottle: { ...THROTTLE, maxPerAccount: 3 } });
    const owner = await api.user('spread');
    const home = address();
    expect((await login(home, owner.email, owner.password, url)).status).to.equal(200);
    const nobody = `nobody-${randomUUID()}@example.com`;
    for (const email of [owner.email, nobody]) {
      for (let i = 0; i < 3; i++) expect((await login(address(), email, 'wrong', url)).status).to.equal(401);
      const stranger = await login(address(), email, email === owner.email ? owner.password : 'wrong', url);
      expect(stranger.status, 'a new address past the ceiling').to.equal(429);
      expect(retryAfter(stranger)).to.be.within(1, 60);
    }
    expect((await login(home, owner.email, owner.password, url)).status, 'the owner at a known address').to.equal(200);
  });
});
