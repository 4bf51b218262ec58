/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are untyped JSON */
// PostgreSQL crashes (`pg_ctl stop -m immediate`) and comes back in the middle of several projects
// run by real processes — one `zekka api`, two `zekka worker`s — on a server of this test's own
// (test/support/private-postgres.ts; the machine's shared server is never touched). While it is
// down, API requests answer at once with a 503 problem; once it is back, every project completes
// with every agent run done, each agent's files written once and every charge recorded once in
// the ledger (Redis's running budget equals the ledger's sum). The recovery times are printed.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../../src/db/database-outage.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { ProjectBudget } from '../../src/economics/project-budget.js';
import { MANIFEST_PATH } from '../../src/engine/project-finisher.js';
import { httpRequest, signUp, type HttpResult } from '../api/api-harness.js';
import { silentLogger, testNamespace, testRedisUrl } from '../support/environment.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { waitFor } from '../support/wait-for.js';
import { startApiProcess, startWorkerProcess, type ZekkaProcess } from '../support/worker-process.js';

const PROJECTS = 3;
const OUTAGE_MS = 6_000;
/** An answer during the outage must come well before a client or a load balancer gives up. */
const PROMPT_MS = 5_000;
// Priced, so the ledger check below compares real amounts (the offline model is free by default).
/** Every project the same request: the offline model answers it the same way, so their files can be compared. */
const PROJECT = { name: 'pg outage', requirements: 'A todo list API: users create tasks with a title and a due date, mark them done, and list them.' };
const MODEL_PRICES = JSON.stringify({ 'offline-premium': { input: 3, output: 15 }, 'offline-standard': { input: 1, output: 5 }, 'offline-economy': { input: 0.25, output: 1.25 } });

async function timed(fn: () => Promise<HttpResult>): Promise<{ result: HttpResult; ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}

describe('ha: PostgreSQL restarted in the middle of projects', function () {
  this.timeout(600_000);
  let postgres: PrivatePostgres | undefined;
  let processes: ZekkaProcess[] = [];
  let db: pg.Client | undefined;
  let redis: Redis | undefined;

  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await db?.end();
    redis?.disconnect();
    await postgres?.destroy();
  });

  it('every project completes, nothing is charged twice, and the API answers 503 at once while the database is down', async () => {
    postgres = await startPrivatePostgres();
    const env = { DATABASE_URL: postgres.url, OFFLINE_LATENCY_MS: '150', MODEL_PRICES };
    const [api, ...workers] = await Promise.all([startApiProcess(env), startWorkerProcess(env), startWorkerProcess(env)]);
    processes = [api, ...workers];
    const url = api.url;
    db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    db.on('error', () => undefined);

    const { token, email, password } = await signUp(url, 'pg-outage');
    const startProject = async (): Promise<string> => {
      const created = await httpRequest(url, 'POST', '/api/projects', { token, body: PROJECT });
      expect(created.status, created.text).to.equal(201);
      const started = await httpRequest(url, 'POST', `/api/projects/${created.json.id}/execute`, { token });
      expect(started.status, started.text).to.equal(202);
      return created.json.id as string;
    };
    const ids: string[] = [];
    for (let i = 0; i < PROJECTS; i++) ids.push(await startProject());
    await waitFor(
      'agents of stage 2 to be running',
      async (note) => note(Number((await db!.query(`SELECT count(*) AS n FROM "AgentRun" a JOIN "StageRun" s ON s.id = a."stageRunId" WHERE s.stage >= 2 AND a.status = 'running'`)).rows[0].n)) > 0,
      { timeoutMs: 120_000, intervalMs: 20 },
    );
    await db.end();
    db = undefined;

    // The outage: every request kind a user makes, again and again, until the server is back.
    await postgres.stop();
    const downAt = performance.now();
    const answers: { what: string; status: number; ms: number; type: string; code: unknown }[] = [];
    const ask = async (what: string, fn: () => Promise<HttpResult>) => {
      const { result, ms } = await timed(fn);
      answers.push({ what, status: result.status, ms: Math.round(ms), type: result.headers.get('content-type') ?? '', code: result.json?.code });
    };
    for (let round = 0; performance.now() - downAt < OUTAGE_MS; round++) {
      await ask('GET /api/projects/:id', () => httpRequest(url, 'GET', `/api/projects/${ids[0]}`, { token }));
      await ask('GET /api/projects', () => httpRequest(url, 'GET', '/api/projects', { token }));
      await ask('POST /api/projects', () => httpRequest(url, 'POST', '/api/projects', { token, body: { name: 'during the outage', requirements: 'A todo list API with tasks.' } }));
      await ask('GET /api/projects/:id/agents', () => httpRequest(url, 'GET', `/api/projects/${ids[1]}/agents`, { token }));
      // Twice only: every failed login counts against the account's throttle.
      if (round < 2) await ask('POST /api/auth/login', () => httpRequest(url, 'POST', '/api/auth/login', { body: { email, password } }));
      await ask('GET /health/ready', () => httpRequest(url, 'GET', '/health/ready'));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await postgres.start();
    const upAt = performance.now();

    const apiRecovery = waitFor('the API to read a project again', async (note) => note((await httpRequest(url, 'GET', `/api/projects/${ids[0]}`, { token })).status) === 200, { timeoutMs: 60_000 }).then(
      () => performance.now() - upAt,
    );
    const apiRecoveryMs = await apiRecovery;

    const statuses = new Map<string, string>();
    await waitFor(
      'every project to end',
      async (note) => {
        for (const id of ids) statuses.set(id, (await httpRequest(url, 'GET', `/api/projects/${id}`, { token })).json.status as string);
        note([...statuses.values()]);
        return [...statuses.values()].every((s) => s !== 'running' && s !== 'queued');
      },
      { timeoutMs: 360_000, intervalMs: 500 },
    );
    const completedMs = performance.now() - upAt;

    process.stdout.write(
      `      outage ${Math.round((upAt - downAt) / 100) / 10} s; ${answers.length} requests answered during it, the slowest in ${Math.max(...answers.map((a) => a.ms))} ms; API serving again ${Math.round(apiRecoveryMs)} ms after the restart; all ${PROJECTS} projects ended ${Math.round(completedMs / 100) / 10} s after it\n`,
    );

    // During the outage: only 503 problems (the readiness probe's is plain JSON), each at once. (readiness: a plain 503), each prompt.
    expect(answers.length).to.be.greaterThan(4);
    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer)).to.equal(503);
      expect(answer.ms, JSON.stringify(answer)).to.be.below(PROMPT_MS);
      if (answer.what.includes(' /api/')) {
        expect(answer.type, JSON.stringify(answer)).to.match(/^application\/problem\+json/);
        expect(answer.code, JSON.stringify(answer)).to.be.oneOf(['database_unavailable', 'unavailable']);
      }
    }

    db = new pg.Client({ connectionString: postgres.url });
    db.on('error', () => undefined);
    await db.connect();
    const failures = (await db.query<{ id: string; failureReason: string | null }>(`SELECT id, "failureReason" FROM "Project" WHERE id = ANY($1::uuid[])`, [ids])).rows;
    expect([...statuses.values()], JSON.stringify(failures)).to.deep.equal(ids.map(() => 'completed'));

    const runs = (await db.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM "AgentRun" WHERE "projectId" = ANY($1::uuid[]) GROUP BY status`, [ids])).rows;
    expect(runs.map((r) => r.status), JSON.stringify(runs)).to.deep.equal(['completed']);
    const twice = await db.query(
      `SELECT v."artifactId", v.author, count(*) AS n FROM "ArtifactVersion" v JOIN "Artifact" a ON a.id = v."artifactId" WHERE a."projectId" = ANY($1::uuid[]) GROUP BY 1, 2 HAVING count(*) > 1`,
      [ids],
    );
    expect(twice.rows, 'files written more than once by one author').to.deep.equal([]);

    // A charge is never lost or doubled: Redis's running budget is the ledger's sum, project by project,
    // and an agent run has no more charges than deliveries that reached the model.
    redis = new Redis(testRedisUrl(), { lazyConnect: true });
    redis.on('error', () => undefined);
    for (const id of ids) {
      const ledger = (await db.query<{ sum: string | null; n: string }>(`SELECT sum("costMicros") AS sum, count(*) AS n FROM "CostLedgerEntry" WHERE "projectId" = $1`, [id])).rows[0];
      expect(Number(ledger?.n), 'ledger rows').to.be.greaterThan(0);
      const budget = await new ProjectBudget(redis, id, { namespace: testNamespace() }).current();
      expect(budget.spentMicros.toString(), `project ${id}: Redis spent vs the ledger`).to.equal(ledger?.sum ?? '0');
      expect(budget.reservedMicros.toString(), `project ${id}: reservations left`).to.equal('0');
    }
    // Nothing lost: each project has the very files of the same project run afterwards, undisturbed
    // (but the run's manifest, which names its own project id and totals).
    const baseline = await startProject();
    await waitFor('the undisturbed project to end', async (note) => note((await httpRequest(url, 'GET', `/api/projects/${baseline}`, { token })).json.status) !== 'running', { timeoutMs: 240_000, intervalMs: 500 });
    const filesOf = async (id: string) => (await db!.query<{ path: string; sha256: string }>(`SELECT path, sha256 FROM "Artifact" WHERE "projectId" = $1 AND path <> $2 ORDER BY path`, [id, MANIFEST_PATH])).rows;
    const expected = await filesOf(baseline);
    expect(expected.length, 'the undisturbed project wrote files').to.be.greaterThan(10);
    for (const id of ids) {
      const files = await filesOf(id);
      const differing = files.filter((f, i) => f.path !== expected[i]?.path || f.sha256 !== expected[i]?.sha256).map((f) => f.path);
      expect(differing, `project ${id}: files unlike the undisturbed run's`).to.deep.equal([]);
      expect(files.length).to.equal(expected.length);
    }

    const overcharged = await db.query(
      `SELECT a."instanceKey", a.attempt, count(l.id) AS charges FROM "AgentRun" a JOIN "CostLedgerEntry" l ON l."agentRunId" = a.id WHERE a."projectId" = ANY($1::uuid[]) GROUP BY a.id HAVING count(l.id) > a.attempt`,
      [ids],
    );
    expect(overcharged.rows, 'agent runs charged more often than they were attempted').to.deep.equal([]);
    // The workers waited for the database rather than failing their jobs (src/db/patient-pool.ts).
    const waited = workers.filter((w) => w.output().includes('PostgreSQL is unreachable: waiting for it') && w.output().includes('PostgreSQL is reachable again'));
    expect(waited.length, workers.map((w) => w.output()).join('\n')).to.be.greaterThan(0);
    const retried = (await db.query<{ n: string }>(`SELECT count(*) AS n FROM "AgentRun" WHERE "projectId" = ANY($1::uuid[]) AND attempt > 1`, [ids])).rows[0]?.n;
    process.stdout.write(`      agent runs attempted more than once (cut off in flight by the crash): ${retried}\n`);
    for (const p of processes) expect(p.output(), 'process output').not.to.match(/unhandled|TypeError/i);
  });
});

describe('ha: taking a connection while PostgreSQL is down', function () {
  this.timeout(120_000);
  let postgres: PrivatePostgres | undefined;
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
    await postgres?.destroy();
    postgres = undefined;
  });

  it('a worker’s database waits for the server to come back; the API’s fails at once', async () => {
    postgres = await startPrivatePostgres();
    database = await openDatabase({ databaseUrl: postgres.url, dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger, outageWaitMs: 60_000 });
    const api = await openDatabase({ databaseUrl: postgres.url, dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger });
    try {
      expect(await database.prisma.user.count()).to.equal(0);
      await postgres.stop();

      const started = performance.now();
      const refused = await api.prisma.user.count().catch((error: unknown) => error);
      expect(isDatabaseUnavailable(refused), String(refused)).to.equal(true);
      const refusedSql = await api.sql.query('SELECT 1').catch((error: unknown) => error);
      expect(refusedSql).to.be.instanceOf(DatabaseUnavailableError);
      expect(performance.now() - started, 'the API is told at once').to.be.below(3_000);
      // Readiness answers (not ready) in bounded time even where statements wait for the server.
      const probed = performance.now();
      expect((await database.ready()).ok).to.equal(false);
      expect(performance.now() - probed, 'a readiness probe is not held by the wait').to.be.below(5_000);

      let settled = false;
      const count = database.prisma.user.count().finally(() => (settled = true));
      const statement = database.sql.query<{ one: number }>('SELECT 1 AS one');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(settled, 'still waiting while the server is down').to.equal(false);
      await postgres.start();
      expect(await count).to.equal(0);
      expect(await statement).to.deep.equal([{ one: 1 }]);
    } finally {
      await api.close();
    }
  });
});
