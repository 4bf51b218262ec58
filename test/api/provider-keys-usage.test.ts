/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON */
/**
 * Users' own provider keys at work, end to end: stored through the API, decrypted by the worker
 * (OwnerCredentials with the same keyring), sent to the (fake) provider for that user's projects
 * only, charged to the project budget, and never found in a log line or an API response.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { parseKeyring, ProviderKeyVault } from '../../src/models/credentials/provider-key-vault.js';
import { parseEnv } from '../../src/config/env.js';
import { PLAN_PATH } from '../../src/agents/plan.js';
import { planFromRequest } from '../../src/agents/plan-from-request.js';
import { openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/logging/logger.js';
import { OwnerCredentials } from '../../src/models/credentials/owner-credentials.js';
import { ProviderKeysUnavailableError } from '../../src/models/credentials/provider-credentials.js';
import { createModelRouter } from '../../src/models/router/create-router.js';
import { OfflineProvider } from '../../src/offline-model/offline-provider.js';
import { FakeAnthropicServer } from '../support/fake-anthropic-server.js';
import { silentLogger, testDatabaseUrl } from '../support/environment.js';
import { REQUIREMENTS, startApiHarness, TEST_KEYRING, type ApiHarness, type HttpResult, type RequestOptions } from './api-harness.js';

const USER_KEY = `sk-ant-user-${randomBytes(12).toString('hex')}`;
const ONE_STAGE = { includeStages: [1] };

interface Setup {
  api: ApiHarness;
  fake: FakeAnthropicServer;
  logs: string[];
  responses: HttpResult[];
  request: (method: string, path: string, options?: RequestOptions) => Promise<HttpResult>;
  /** A user who stored USER_KEY as their Anthropic key (through the API), and one who stored none. */
  users(): Promise<{ owner: { id: string; token: string }; other: { id: string; token: string } }>;
  runProject(token: string): Promise<{ id: string; ended: string }>;
}

/** The API (with the keyring) and in-process workers whose keyring is `workerKeyring`. */
async function start(workerKeyring: string | undefined): Promise<Setup> {
  const fake = await new FakeAnthropicServer().start();
  fake.apiKeys.add(USER_KEY);
  fake.defaultReply = { kind: 'ok', text: '{"summary": "done", "files": []}' };
  // The Requirements Parser must write the plan (an answer without it fails the attempt): it gets one.
  const plan = JSON.stringify({ summary: 'the plan', files: [{ path: PLAN_PATH, content: JSON.stringify(planFromRequest(REQUIREMENTS)) }] });
  fake.responder = (request) => (JSON.stringify(request.body).includes(`Write ${PLAN_PATH}, the plan`) ? { kind: 'ok', text: plan } : undefined);
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', service: 'test', stream });
  const database = await openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger, poolSize: 20 });
  const keyring = parseKeyring(workerKeyring);
  const credentials = new OwnerCredentials({ prisma: database.prisma, opener: keyring ? new ProviderKeyVault(database.prisma, keyring) : undefined });
  // The server has no Anthropic key of its own: only a user's key makes Claude usable.
  const env = parseEnv({ ANTHROPIC_BASE_URL: fake.url, MODEL_TIMEOUT_MS: '5000' });
  const { router } = createModelRouter({ env, offline: new OfflineProvider(), onAttempt: (attempt) => logger.debug('model attempt', { ...attempt }) });
  const api = await startApiHarness({ engine: { workers: true, database, logger, models: router, credentials } });
  const responses: HttpResult[] = [];
  const request = async (method: string, path: string, options?: RequestOptions) => {
    const response = await api.request(method, path, options);
    responses.push(response);
    return response;
  };
  return {
    api,
    fake,
    logs,
    responses,
    request,
    async users() {
      const owner = await api.user('byok');
      const other = await api.user('serverkeys');
      const put = await request('PUT', '/api/auth/provider-keys', { token: owner.token, body: { anthropic: USER_KEY } });
      expect(put.status).to.equal(200);
      return { owner, other };
    },
    async runProject(token) {
      const created = await request('POST', '/api/projects', { token, body: { name: 'byok', requirements: REQUIREMENTS, options: ONE_STAGE } });
      expect(created.status, created.text).to.equal(201);
      const id = created.json.id as string;
      const ended = await api.engine.runToEnd(id, async () => expect((await request('POST', `/api/projects/${id}/execute`, { token })).status).to.equal(202));
      return { id, ended };
    },
  };
}

describe('api: users’ own provider keys used for their projects', () => {
  let setup: Setup | undefined;

  afterEach(async () => {
    await setup?.api.close();
    await setup?.fake.close();
    setup = undefined;
  });

  it('sends the owner’s key to the provider for their projects only, and never logs or returns it', async () => {
    setup = await start(TEST_KEYRING);
    const { api, fake, request } = setup;
    const { owner, other } = await setup.users();

    const theirs = await setup.runProject(other.token);
    expect(fake.requests, 'a project of a user without keys calls no real provider').to.have.length(0);
    const otherRuns = await api.engine.deps.prisma.agentRun.findMany({ where: { projectId: theirs.id } });
    expect(otherRuns.length).to.be.greaterThan(0);
    expect(otherRuns.every((r) => r.provider === 'offline')).to.equal(true);

    const mine = await setup.runProject(owner.token);
    const calls = fake.completions;
    expect(calls.length).to.be.greaterThan(0);
    expect(calls.map((c) => FakeAnthropicServer.keyOf(c.headers))).to.deep.equal(calls.map(() => USER_KEY));
    // AgentRun and the ledger record which provider and model answered; the budget was charged.
    const runs = await api.engine.deps.prisma.agentRun.findMany({ where: { projectId: mine.id, status: 'completed' } });
    expect(runs.length).to.equal(calls.length);
    expect(runs.every((r) => r.provider === 'anthropic' && r.model?.startsWith('claude-'))).to.equal(true);
    const ledger = await api.engine.deps.prisma.costLedgerEntry.findMany({ where: { projectId: mine.id } });
    expect(ledger.every((l) => l.provider === 'anthropic' && l.model.startsWith('claude-'))).to.equal(true);
    expect(ledger.length).to.equal(calls.length);
    const project = await request('GET', `/api/projects/${mine.id}`, { token: owner.token });
    const spent = BigInt(project.json.spent.micros as string);
    expect(spent).to.equal(ledger.reduce((sum, l) => sum + l.costMicros, 0n));
    expect(spent > 0n, 'the calls were charged to the project budget').to.equal(true);

    for (const path of ['/api/auth/me', '/api/auth/provider-keys', `/api/projects/${mine.id}/agents`, `/api/projects/${mine.id}/stages`, `/api/costs/${mine.id}`, '/api/costs', '/api/projects']) {
      expect((await request('GET', path, { token: owner.token })).status, path).to.equal(200);
    }
    for (const response of setup.responses) expect(response.text).to.not.include(USER_KEY);
    const logged = setup.logs.join('');
    expect(logged, 'the capture holds the projects’ log lines').to.include(mine.id);
    expect(logged).to.not.include(USER_KEY);
    expect(logged).to.not.include(USER_KEY.slice(12));
  });

  it('fails the owner’s agents clearly on a worker without the keyring, and runs other projects as before', async () => {
    setup = await start(undefined);
    const { api, fake } = setup;
    const { owner, other } = await setup.users();

    const mine = await setup.runProject(owner.token);
    expect(mine.ended).to.equal('project.failed');
    expect(fake.requests, 'neither the user’s key nor any other went out').to.have.length(0);
    const runs = await api.engine.deps.prisma.agentRun.findMany({ where: { projectId: mine.id } });
    expect(runs.some((r) => r.status === 'failed' && /own anthropic key cannot be used on this process: PROVIDER_KEYS_ENCRYPTION_KEY is not set/.test(r.error ?? ''))).to.equal(true);

    const theirs = await setup.runProject(other.token);
    expect(theirs.ended).to.equal('project.completed');
    expect(setup.logs.join('')).to.not.include(USER_KEY);
  });

  it('refuses a key sealed under a server key this worker does not hold', async () => {
    setup = await start(TEST_KEYRING);
    const { owner } = await setup.users();
    const prisma = setup.api.engine.deps.prisma;
    const otherRing = parseKeyring(`k9:${randomBytes(32).toString('base64')}`);
    const lookup = new OwnerCredentials({ prisma, opener: new ProviderKeyVault(prisma, otherRing) });
    const error = await lookup.forOwner(owner.id).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).to.be.instanceOf(ProviderKeysUnavailableError);
    expect((error as Error).message).to.include('server key "k2"').and.not.include(USER_KEY);
    const right = new OwnerCredentials({ prisma, opener: new ProviderKeyVault(prisma, parseKeyring(TEST_KEYRING)) });
    expect(await right.forOwner(owner.id)).to.deep.equal({ anthropic: USER_KEY });
  });
});
