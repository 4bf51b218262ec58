/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON */
/**
 * A socket is a session (issue 12): the three bypasses an outside review found — a revoked API key,
 * a JWT that expired while the socket was open, an admin demoted to user — no longer subscribe, and
 * an open socket is closed with `auth_error {reason}` within 5 s of its key being revoked, its
 * token expiring or its role changing, on every replica.
 *
 * First block: the periodic re-check is off (60 s), so only the check on `subscribe` and the
 * Redis credentials-changed message can act. Second block: the production defaults, where the
 * periodic re-check is the backstop for changes nobody announced (a database edit).
 */
import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import { createApp } from '../../src/api/app.js';
import { signAccessToken } from '../../src/api/auth/tokens.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { REQUIREMENTS, startApiHarness, TEST_JWT_SECRET, testApiOptions, testRealtime, type ApiHarness } from '../api/api-harness.js';
import { testDatabaseUrl, testNamespace, testRedisUrl } from '../support/environment.js';
import { runZekka } from '../support/run-cli.js';
import { waitFor } from '../support/wait-for.js';
import { client, connected, follow, sessionEnd, trySubscribe, within } from './socket-client.js';

const FIVE_SECONDS = 5_000;

function sessionSuite(limits: { recheckIntervalMs?: number }) {
  let api: ApiHarness;
  const sockets: Socket[] = [];
  const open = async (token: string, url = api.url) => {
    const socket = client(url, token);
    sockets.push(socket);
    await connected(socket);
    return socket;
  };
  const project = async (token: string) => {
    const created = await api.request('POST', '/api/projects', { token, body: { name: 'session', requirements: REQUIREMENTS } });
    expect(created.status, created.text).to.equal(201);
    return created.json.id as string;
  };
  const apiKey = async (token: string) => {
    const created = await api.request('POST', '/api/auth/api-keys', { token, body: { name: 'ws' } });
    expect(created.status, created.text).to.equal(201);
    return { id: created.json.id as string, key: created.json.key as string };
  };
  const ok = (outcome: unknown) => typeof outcome === 'object' && outcome !== null && 'ok' in outcome;

  before(async () => {
    // A generous throttle: these tests subscribe in polling loops.
    api = await startApiHarness({ realtime: true, realtimeLimits: { ...limits, subscribeBurst: 1_000 } });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  after(async () => {
    await api?.close();
  });
  return { api: () => api, open, project, apiKey, ok };
}

describe('realtime sessions: credentials checked on every subscribe and pushed changes (periodic re-check off)', function () {
  this.timeout(60_000);
  const suite = sessionSuite({ recheckIntervalMs: 60_000 });

  it('a revoked API key can no longer subscribe (HTTP says 401), and its socket is closed', async () => {
    const api = suite.api();
    const owner = await api.user('revoked');
    const id = await suite.project(owner.token);
    const { id: keyId, key } = await suite.apiKey(owner.token);
    const socket = await suite.open(key);
    expect(await trySubscribe(socket, id)).to.have.property('ok', true);

    // Revoked in the database directly: no message, no periodic check — only the subscribe's own check.
    await api.engine.deps.prisma.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    expect((await api.request('GET', `/api/projects/${id}`, { apiKey: key })).status).to.equal(401);
    const ended = sessionEnd(socket);
    expect(await trySubscribe(socket, id)).to.deep.equal({ error: 'unauthorized' });
    expect(await within(ended, FIVE_SECONDS, 'the socket closed')).to.include({ reason: 'credentials revoked', disconnect: 'io server disconnect' });
  });

  it('a JWT that expired while the socket was open can no longer subscribe (HTTP says 401)', async () => {
    const api = suite.api();
    const owner = await api.user('expiring');
    const id = await suite.project(owner.token);
    const { accessToken } = signAccessToken({ secret: TEST_JWT_SECRET, expiresInSeconds: 1 }, owner.id);
    const socket = await suite.open(accessToken);
    const ended = sessionEnd(socket);
    expect(await trySubscribe(socket, id)).to.have.property('ok', true);

    await waitFor('HTTP to refuse the expired token', async (note) => note((await api.request('GET', `/api/projects/${id}`, { token: accessToken })).status) === 401, { timeoutMs: FIVE_SECONDS });
    const late = await trySubscribe(socket, id);
    expect(suite.ok(late), JSON.stringify(late)).to.equal(false);
    expect(await within(ended, FIVE_SECONDS, 'the socket closed')).to.include({ reason: 'token expired' });
  });

  it("an admin demoted to user can no longer subscribe to another user's project (HTTP says 404)", async () => {
    const api = suite.api();
    const owner = await api.user('tenant');
    const id = await suite.project(owner.token);
    const admin = await api.admin();
    const socket = await suite.open(admin.token);
    expect(await trySubscribe(socket, id)).to.have.property('ok', true);

    await api.engine.deps.prisma.user.update({ where: { id: admin.id }, data: { role: 'user' } });
    await waitFor('HTTP to answer 404 to the demoted admin', async (note) => note((await api.request('GET', `/api/projects/${id}`, { token: admin.token })).status) === 404, { timeoutMs: FIVE_SECONDS });
    const ended = sessionEnd(socket);
    // The socket's authenticator caches a user for up to 2 s, as HTTP's does: ask until it knows.
    let outcome: unknown;
    await waitFor('the subscribe to be refused', async () => !suite.ok((outcome = await trySubscribe(socket, id))), { timeoutMs: FIVE_SECONDS });
    expect(outcome).to.have.property('rejected');
    expect(await within(ended, FIVE_SECONDS, 'the socket closed')).to.include({ reason: 'role changed' });

    // Reconnected with the same token, it is a user now: the project is not there.
    const again = await suite.open(admin.token);
    expect(await trySubscribe(again, id)).to.deep.equal({ error: 'not found' });
  });

  it('revoking a key over HTTP closes its sockets on every replica at once', async () => {
    const api = suite.api();
    const app = createApp({ engine: api.engine.deps, projects: api.engine.projects }, testApiOptions());
    const second: ApiServer = await startApiServer(app, { port: 0, host: '127.0.0.1', attach: testRealtime(api.engine, api.options, { recheckIntervalMs: 60_000 }) });
    try {
      const owner = await api.user('replicas');
      const { id: keyId, key } = await suite.apiKey(owner.token);
      const first = await suite.open(key);
      const other = await suite.open(key, second.url);
      const bystander = await suite.open(owner.token);
      const ends = [sessionEnd(first), sessionEnd(other)];
      const revokedAt = Date.now();
      expect((await api.request('DELETE', `/api/auth/api-keys/${keyId}`, { token: owner.token })).status).to.equal(204);
      for (const end of await within(Promise.all(ends), FIVE_SECONDS, 'both replicas closed the socket')) {
        expect(end.reason).to.equal('credentials revoked');
        expect(end.closedAt - revokedAt).to.be.below(FIVE_SECONDS);
      }
      // The owner's JWT socket is not the key: it stays.
      expect(bystander.connected).to.equal(true);
    } finally {
      await second.close();
    }
  });

  it('`zekka users role` closes the demoted user’s sockets at once', async () => {
    const api = suite.api();
    const admin = await api.admin();
    const socket = await suite.open(admin.token);
    const ended = sessionEnd(socket);
    const env = { DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_NAMESPACE: testNamespace() };
    const demoted = await runZekka(['users', 'role', admin.email, 'user'], env);
    expect(demoted.code, demoted.stderr).to.equal(0);
    expect(demoted.stderr).to.equal('');
    expect(await within(ended, FIVE_SECONDS, 'the socket closed')).to.include({ reason: 'role changed' });
  });
});

describe('realtime sessions: the periodic re-check and the token timer (production defaults)', function () {
  this.timeout(60_000);
  const suite = sessionSuite({});

  it('closes a socket within 5 s of its key being revoked or its role changing, even when nobody announced it', async () => {
    const api = suite.api();
    const owner = await api.user('backstop');
    const { id: keyId, key } = await suite.apiKey(owner.token);
    const keySocket = await suite.open(key);
    const admin = await api.admin();
    const adminSocket = await suite.open(admin.token);
    const ends = [sessionEnd(keySocket), sessionEnd(adminSocket)];
    const changedAt = Date.now();
    await api.engine.deps.prisma.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    await api.engine.deps.prisma.user.update({ where: { id: admin.id }, data: { role: 'user' } });
    const [revoked, demoted] = await within(Promise.all(ends), FIVE_SECONDS, 'the periodic re-check closed both sockets');
    expect(revoked?.reason).to.equal('credentials revoked');
    expect(demoted?.reason).to.equal('role changed');
    expect(Math.max(revoked?.closedAt ?? Infinity, demoted?.closedAt ?? Infinity) - changedAt).to.be.below(FIVE_SECONDS);
  });

  it('closes a JWT socket at the token’s expiry, and the client hears why', async () => {
    const api = suite.api();
    const owner = await api.user('timer');
    const id = await suite.project(owner.token);
    const { accessToken } = signAccessToken({ secret: TEST_JWT_SECRET, expiresInSeconds: 2 }, owner.id);
    const exp = (JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp * 1000;
    const socket = await suite.open(accessToken);
    const { ack } = await follow(socket, id);
    expect(ack).to.have.property('ok', true);
    const end = await within(sessionEnd(socket), exp - Date.now() + FIVE_SECONDS, 'the socket closed at expiry');
    expect(end.reason).to.equal('token expired');
    // At exp, not before (the client's clock is the server's), and not a re-check interval later.
    expect(end.closedAt).to.be.at.least(exp - 5);
    expect(end.closedAt - exp).to.be.below(1_000);
  });
});
