/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- response bodies are untyped JSON; the assertions check their shape */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { parseKeyring, ProviderKeyVault } from '../../src/models/credentials/provider-key-vault.js';
import { OwnerCredentials } from '../../src/models/credentials/owner-credentials.js';
import { ProviderKeysUnavailableError } from '../../src/models/credentials/provider-credentials.js';
import { REQUIREMENTS, startApiHarness, TEST_JWT_SECRET, TEST_KEYRING, type ApiHarness } from './api-harness.js';

/** A token signed like the server's but with other claims or algorithm. */
function forge(payload: object, options: jwt.SignOptions, secret: string = TEST_JWT_SECRET): string {
  return jwt.sign(payload, secret, { issuer: 'zekka', audience: 'zekka-api', ...options });
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('api/auth', function () {
  let api: ApiHarness;

  before(async () => {
    api = await startApiHarness();
  });
  after(async () => {
    await api.close();
  });

  it('registers, logs in and answers /me with the token', async () => {
    const email = `Ada-${Date.now()}@Example.com`;
    const registered = await api.request('POST', '/api/auth/register', { body: { email, password: 'a long enough password' } });
    expect(registered.status).to.equal(201);
    expect(registered.json).to.deep.equal({ id: registered.json.id, email: email.toLowerCase() });
    const stored = await api.engine.deps.prisma.user.findUniqueOrThrow({ where: { id: registered.json.id } });
    expect(stored.passwordHash).to.match(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);

    const login = await api.request('POST', '/api/auth/login', { body: { email, password: 'a long enough password' } });
    expect(login.status).to.equal(200);
    expect(login.json).to.include({ tokenType: 'Bearer', expiresIn: 600 });
    const me = await api.request('GET', '/api/auth/me', { token: login.json.accessToken });
    expect(me.status).to.equal(200);
    expect(me.json).to.include({ id: registered.json.id, email: email.toLowerCase(), role: 'user', authenticatedWith: 'jwt' });

    const again = await api.request('POST', '/api/auth/register', { body: { email, password: 'another long password' } });
    expect(again.status).to.equal(409);
    const audit = await api.engine.deps.prisma.auditLogEntry.findMany({ where: { actorId: registered.json.id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).to.include.members(['auth.register', 'auth.login']);
    expect(audit[0]?.requestId).to.be.a('string').with.length.greaterThan(0);
  });

  it('answers a wrong email and a wrong password alike', async () => {
    const user = await api.user();
    const wrongPassword = await api.request('POST', '/api/auth/login', { body: { email: user.email, password: 'not the password' } });
    const wrongEmail = await api.request('POST', '/api/auth/login', { body: { email: `nobody-${Date.now()}@example.com`, password: 'not the password' } });
    expect(wrongPassword.status).to.equal(401);
    expect(wrongEmail.status).to.equal(401);
    const strip = (p: Record<string, unknown>) => ({ ...p, requestId: undefined });
    expect(strip(wrongPassword.json)).to.deep.equal(strip(wrongEmail.json));
    expect(wrongPassword.headers.get('content-type')).to.match(/^application\/problem\+json/);
  });

  it('refuses expired, tampered, alg:none, wrong-secret and malformed tokens with 401', async () => {
    const user = await api.user();
    const [header, payload] = user.token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tokens = {
      expired: forge({}, { subject: user.id, expiresIn: -10 }),
      tampered: `${header}.${b64({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${user.token.split('.')[2]}`,
      algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims })}.`,
      hs512: forge({}, { subject: user.id, algorithm: 'HS512', expiresIn: 60 }),
      wrongSecret: forge({}, { subject: user.id, expiresIn: 60 }, 'another-secret-another-secret-another-secret'),
      wrongAudience: jwt.sign({}, TEST_JWT_SECRET, { subject: user.id, issuer: 'zekka', audience: 'someone-else', expiresIn: 60 }),
      garbage: 'not.a.token',
    };
    for (const [name, token] of Object.entries(tokens)) {
      const response = await api.request('GET', '/api/auth/me', { token });
      expect(response.status, name).to.equal(401);
      expect(response.json.code, name).to.equal('unauthorized');
      expect(response.headers.get('www-authenticate'), name).to.match(/^Bearer/);
    }
    expect((await api.request('GET', '/api/auth/me')).status).to.equal(401);
    expect((await api.request('GET', '/api/auth/me', { token: user.token })).status).to.equal(200);
  });

  it('refuses a token once it expires, though it was accepted (and remembered as verified) before', async () => {
    const user = await api.user();
    // exp has a resolution of one second: a token for 2 s expires 1–2 s from now.
    const token = forge({}, { subject: user.id, expiresIn: 2 });
    expect((await api.request('GET', '/api/auth/me', { token })).status).to.equal(200);
    expect((await api.request('GET', '/api/auth/me', { token })).status).to.equal(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const late = await api.request('GET', '/api/auth/me', { token });
    expect(late.status).to.equal(401);
    expect(late.headers.get('www-authenticate')).to.match(/^Bearer/);
  });

  it('creates API keys shown once, accepts them as X-API-Key or Bearer, and refuses them once revoked', async () => {
    const user = await api.user();
    const created = await api.request('POST', '/api/auth/api-keys', { token: user.token, body: { name: 'ci' } });
    expect(created.status).to.equal(201);
    const { key, id, prefix } = created.json as { key: string; id: string; prefix: string };
    expect(key).to.match(/^zk_[\w-]{43}$/);
    expect(key.startsWith(prefix)).to.equal(true);
    const row = await api.engine.deps.prisma.apiKey.findUniqueOrThrow({ where: { id } });
    expect(row.keyHash).to.not.include(key);

    const viaHeader = await api.request('GET', '/api/auth/me', { apiKey: key });
    expect(viaHeader.status).to.equal(200);
    expect(viaHeader.json.authenticatedWith).to.equal('api-key');
    expect((await api.request('GET', '/api/auth/me', { token: key })).status).to.equal(200);

    const list = await api.request('GET', '/api/auth/api-keys', { token: user.token });
    expect(list.json.items).to.have.length(1);
    expect(JSON.stringify(list.json)).to.not.include(key);

    const other = await api.user();
    expect((await api.request('DELETE', `/api/auth/api-keys/${id}`, { token: other.token })).status).to.equal(404);
    expect((await api.request('DELETE', `/api/auth/api-keys/${id}`, { token: user.token })).status).to.equal(204);
    const revoked = await api.request('GET', '/api/auth/me', { apiKey: key });
    expect(revoked.status).to.equal(401);
    expect((await api.request('GET', '/api/auth/me', { apiKey: `zk_${'A'.repeat(43)}` })).status).to.equal(401);
    expect((await api.request('GET', '/api/auth/me', { apiKey: 'short' })).status).to.equal(401);
  });

  it('stores provider keys encrypted, never returns them, and decrypts them for the owner’s projects', async () => {
    const user = await api.user();
    const secret = 'sk-ant-test-0123456789abcdefghijklmnop';
    const put = await api.request('PUT', '/api/auth/provider-keys', { token: user.token, body: { anthropic: secret, gemini: 'AIzaSyTest-0123456789' } });
    expect(put.status).to.equal(200);
    expect(put.json.items.map((i: { provider: string }) => i.provider)).to.deep.equal(['anthropic', 'gemini']);
    expect(put.text).to.not.include(secret);
    const rows = await api.engine.deps.prisma.providerKey.findMany({ where: { userId: user.id } });
    expect(rows).to.have.length(2);
    for (const row of rows) expect(JSON.stringify(row)).to.not.include(secret.slice(8));
    expect(rows.every((r) => r.keyId === 'k2')).to.equal(true);
    // Decrypted the way workers do (OwnerCredentials over the vault), for the project's owner.
    const prisma = api.engine.deps.prisma;
    const credentialsWith = (keyring: string) => new OwnerCredentials({ prisma, opener: new ProviderKeyVault(prisma, parseKeyring(keyring)), ttlMs: 1 });
    const project = await api.request('POST', '/api/projects', { token: user.token, body: { name: 'byok', requirements: REQUIREMENTS } });
    expect(project.json.ownerId).to.equal(user.id);
    expect(await credentialsWith(TEST_KEYRING).forOwner(user.id)).to.deep.equal({ anthropic: secret, gemini: 'AIzaSyTest-0123456789' });
    // Rotation: a new key first, the old ones still decrypt; rotate() re-encrypts under the new one.
    const rotatedRing = `k3:${randomBytes(32).toString('base64')},${TEST_KEYRING}`;
    expect(await new ProviderKeyVault(prisma, parseKeyring(rotatedRing)).rotate()).to.be.at.least(2);
    expect((await prisma.providerKey.findMany({ where: { userId: user.id } })).every((r) => r.keyId === 'k3')).to.equal(true);
    expect((await credentialsWith(rotatedRing).forOwner(user.id))?.anthropic).to.equal(secret);
    // A ciphertext moved to another user's row does not decrypt (the AAD binds user and provider).
    const other = await api.user();
    const row = rows[0]!;
    await api.engine.deps.prisma.providerKey.create({ data: { userId: other.id, provider: row.provider, keyId: 'k2', iv: row.iv, ciphertext: row.ciphertext, authTag: row.authTag } });
    const moved = await credentialsWith(TEST_KEYRING).forOwner(other.id).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(moved).to.be.instanceOf(ProviderKeysUnavailableError);

    const got = await api.request('GET', '/api/auth/provider-keys', { token: user.token });
    expect(got.text).to.not.include(secret);
    const removed = await api.request('PUT', '/api/auth/provider-keys', { token: user.token, body: { gemini: null } });
    expect(removed.json.items).to.have.length(1);
    expect((await api.request('DELETE', '/api/auth/provider-keys/gemini', { token: user.token })).status).to.equal(404);
    expect((await api.request('PUT', '/api/auth/provider-keys', { token: user.token, body: {} })).status).to.equal(400);
    expect((await api.request('PUT', '/api/auth/provider-keys', { token: user.token, body: { openai: 'x-123456789' } })).status).to.equal(400);
  });

  it('lets only admins into Bull Board', async () => {
    const user = await api.user();
    const admin = await api.admin();
    const none = await api.request('GET', '/admin/queues');
    expect(none.status).to.equal(401);
    expect(none.headers.get('www-authenticate')).to.match(/^Basic/);
    expect((await api.request('GET', '/admin/queues', { token: user.token })).status).to.equal(403);
    expect((await api.request('GET', '/admin/queues/api/queues', { token: user.token })).status).to.equal(403);
    const page = await api.request('GET', '/admin/queues', { token: admin.token });
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<html');
    // Nothing on the page is fetched from a third party (Bull Board's template links Google Fonts).
    expect(page.text).not.to.match(/https?:\/\/(?!127\.0\.0\.1|localhost)/);
    const queues = await api.request('GET', '/admin/queues/api/queues', { token: admin.token });
    expect(queues.status).to.equal(200);
    expect(queues.json.queues).to.have.length(68);

    const key = (await api.request('POST', '/api/auth/api-keys', { token: admin.token, body: { name: 'browser' } })).json.key as string;
    const basic = await api.request('GET', '/admin/queues', { headers: { authorization: `Basic ${Buffer.from(`admin:${key}`).toString('base64')}` } });
    expect(basic.status).to.equal(200);
  });
});
