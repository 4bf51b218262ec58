/**
 * The `zekka` CLI for people, run as a child process against a real API server (in-process, with
 * Socket.IO at /ws and in-process workers whose model calls are priced as Claude Sonnet, so spend
 * and budgets are real): login, submit --follow to completion, status, artifacts; a project that
 * runs out of budget or is cancelled makes follow exit non-zero; the one-line errors.
 */
import { projectSpent } from '../../src/economics/cost-ledger.js';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startApiHarness, type ApiHarness } from '../api/api-harness.js';
import { clashOnSharedServerFile } from '../support/clashing-edits.js';
import { runZekka, type CliResult } from '../support/run-cli.js';
import { freePort } from '../support/worker-process.js';

const ANSI = /\x1b\[/; // eslint-disable-line no-control-regex -- the escape is what is looked for

describe('zekka CLI against a running API', function () {
  this.timeout(180_000);
  let api: ApiHarness;
  let dir: string;
  let user: { email: string; password: string };
  let userToken: string;
  let requestFile: string;

  /** The CLI with this suite's config folder and API. */
  const zekka = (args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<CliResult> =>
    runZekka(args, { ZEKKA_CONFIG_DIR: join(dir, 'default'), ZEKKA_API_URL: api.url, ...env }, { input });
  const projectIdIn = (stdout: string) => /submitted ([0-9a-f-]{36})/.exec(stdout)?.[1] ?? '';
  /** A config folder of its own, logged in, for one test. */
  const session = async (name: string) => {
    const env = { ZEKKA_CONFIG_DIR: join(dir, name) };
    const login = await zekka(['login', '--email', user.email, '--password', user.password], env);
    expect(login.code, login.stderr).to.equal(0);
    return env;
  };

  before(async () => {
    api = await startApiHarness({ engine: { workers: true, modelForTier: () => 'claude-sonnet-4-6' }, realtime: true });
    dir = await mkdtemp(join(tmpdir(), 'zekka-cli-'));
    requestFile = join(dir, 'inventory.md');
    await writeFile(requestFile, await readFile('examples/api-only.md', 'utf8'));
    const registered = await api.user('cli');
    user = { email: registered.email, password: registered.password };
    userToken = registered.token;
  });
  after(async () => {
    if (api) api.engine.provider.intercept = undefined;
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('logs in (password on stdin), submits --follow to completion with exit 0 and a summary, lists the project and writes its artifacts under --out', async () => {
    const env = { ZEKKA_CONFIG_DIR: join(dir, 'stdin') };
    const login = await zekka(['login', '--email', user.email], env, `${user.password}\n`);
    expect(login.code, login.stderr).to.equal(0);
    expect(login.stdout).to.match(new RegExp(`^logged in to ${api.url} as ${user.email} until `));
    const credentials = join(dir, 'stdin', 'credentials.json');
    expect((await stat(credentials)).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(await readFile(credentials, 'utf8'))).to.have.nested.property(`servers.${api.url.replaceAll('.', '\\.')}.kind`, 'jwt');

    const run = await zekka(['submit', requestFile, '--budget', '50', '--follow'], env);
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    const id = projectIdIn(run.stdout);
    expect(run.stdout).to.include(`submitted ${id} (Inventory API), budget $50.0000`);
    expect(run.stdout).to.match(/▸ Stage {2}1\/10 Requirements Analysis\s+\d+ agents/);
    const last = run.stdout.split('\n').find((line) => line.includes('✔ Stage 10/10 Quality Assurance')) ?? '';
    expect(last).to.match(/Quality Assurance\s+\d+\/\d+ agents/);
    expect(last).to.match(/\$\d+\.\d{4} of \$50\.0000/);
    expect(run.stdout).to.include('✔ project completed');
    expect(run.stdout).to.match(/Status: +completed\n/);
    expect(run.stdout).to.match(/Stages: +10\/10 completed/);
    expect(run.stdout, 'plain lines when stdout is not a terminal').not.to.match(ANSI);
    const spent = await projectSpent(api.engine.deps.sql, id);
    expect(spent > 0n).to.equal(true);
    expect(run.stdout).to.include(`Cost:       $${(Number(spent) / 1e6).toFixed(4)} of $50.0000 budget`);

    const list = await zekka(['status'], env);
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout).to.match(new RegExp(`^${id}\\s+completed\\s+10/10 Quality Assurance`, 'm'));
    const one = await zekka(['status', id], env);
    expect(one.stdout).to.match(/^status +completed$/m);

    const out = join(dir, 'out');
    const written = await zekka(['artifacts', id, '--out', out], env);
    expect(written.code, written.stderr).to.equal(0);
    const files = await api.engine.deps.artifacts.snapshot(id);
    expect(written.stdout).to.equal(`${files.length} files written to ${out}\n`);
    for (const file of files) expect(await readFile(join(out, file.path), 'utf8'), file.path).to.equal(file.content);

    const archived = await zekka(['artifacts', id, '--out', out, '--archive'], env);
    expect(archived.code, archived.stderr).to.equal(0);
    const archive = await readFile(join(out, 'inventory-api.tar.gz'));
    expect([...archive.subarray(0, 2)]).to.deep.equal([0x1f, 0x8b]);
  });

  it('follow exits non-zero for a project that ran out of budget, and for a cancelled one', async () => {
    const env = await session('budget');
    const exhausted = await zekka(['submit', requestFile, '--budget', '0.4', '--follow'], env);
    expect(exhausted.code).to.equal(1);
    expect(exhausted.stdout).to.match(/✖ budget exhausted: budget exhausted at stage \d+/);
    expect(exhausted.stdout).to.match(/Status: +budget_exhausted \(budget exhausted at stage/);

    // Hold every model call until the project is cancelled, so the cancel lands mid-run.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    api.engine.provider.intercept = async (_request, offline) => {
      await gate;
      return offline();
    };
    try {
      const submitted = await zekka(['submit', requestFile], env);
      expect(submitted.code, submitted.stderr).to.equal(0);
      const id = projectIdIn(submitted.stdout);
      expect(submitted.stdout).to.include(`follow it with: zekka follow ${id}`);
      const cancelled = await zekka(['cancel', id], env);
      expect(cancelled.code, cancelled.stderr).to.equal(0);
      expect(cancelled.stdout).to.equal(`cancelled ${id} (Inventory API)\n`);
      release();
      const followed = await zekka(['follow', id], env);
      expect(followed.code).to.equal(1);
      expect(followed.stdout).to.include('✖ project cancelled');
      expect(followed.stdout).to.match(/Status: +cancelled \(cancelled by the user\)/);
      const again = await zekka(['cancel', id], env);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.equal('zekka: a cancelled project cannot be cancelled\n');
    } finally {
      release();
      api.engine.provider.intercept = undefined;
    }
  });

  it('follow says a created project was never started; start --follow runs it to completion', async () => {
    const env = await session('start');
    const created = await api.request('POST', '/api/projects', { token: userToken, body: { name: 'Later', requirements: await readFile(requestFile, 'utf8') } });
    expect(created.status).to.equal(201);
    const { id } = created.json as { id: string };
    const waiting = await zekka(['follow', id], env);
    expect(waiting.code).to.equal(1);
    expect(waiting.stderr).to.equal(`zekka: project ${id} has not been started; start it with: zekka start ${id} --follow\n`);
    const started = await zekka(['start', id, '--follow'], env);
    expect(started.code, started.stderr + started.stdout).to.equal(0);
    expect(started.stdout).to.match(new RegExp(`^started ${id} \\(Later\\), run r1\n`));
    expect(started.stdout).to.include('✔ project completed');
    const again = await zekka(['start', id], env);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.equal('zekka: project already completed\n');
  });

  it('a project waiting for a person: conflicts shows why and how to answer, resolve answers, follow then sees it complete; budget sets the budget', async () => {
    const env = await session('review');
    // Two stage-4 agents rewrite the same line of one file: no merge settles it, so it waits for a person.
    api.engine.provider.intercept = clashOnSharedServerFile;
    try {
      const paused = await zekka(['submit', requestFile, '--follow'], env);
      expect(paused.code).to.equal(1);
      const id = projectIdIn(paused.stdout);
      expect(paused.stderr).to.include(`zekka: the project waits for a person to settle a conflict: zekka conflicts ${id} shows it and how to answer`);

      const listed = await zekka(['conflicts', id], env);
      expect(listed.code, listed.stderr).to.equal(0);
      const waiting = await api.engine.deps.prisma.conflict.findFirstOrThrow({ where: { projectId: id, status: 'needs_review' } });
      expect(listed.stdout).to.match(/^ID\s+STATUS\s+TYPE\s+STAGE\s+SETTLED BY\s+RAISED BY\s+ON$/m);
      expect(listed.stdout).to.match(new RegExp(`^${waiting.id}\\s+needs_review\\s+code\\s+4\\s+-\\s+\\S+\\s+src/server/app\\.ts$`, 'm'));
      expect(listed.stdout).to.include(`${waiting.id} waits for a person: conflict on src/server/app.ts:`);
      expect(listed.stdout).to.include(`answer: zekka resolve ${id} ${waiting.id} --take ours|theirs`);

      const noAnswer = await zekka(['resolve', id, waiting.id], env);
      expect(noAnswer.code).to.equal(2);
      expect(noAnswer.stderr).to.equal('zekka: give exactly one answer: --take ours|theirs, or --file <the merged file>\n');
      const answered = await zekka(['resolve', id, waiting.id, '--take', 'theirs'], env);
      expect(answered.code, answered.stderr).to.equal(0);
      expect(answered.stdout).to.equal(`answered ${waiting.id} (src/server/app.ts): take theirs; an arbitrator applies it now\n`);
      const finished = await zekka(['follow', id], env);
      expect(finished.code, finished.stderr + finished.stdout).to.equal(0);
      expect(finished.stdout).to.include('✔ project completed');
      const settled = await api.engine.deps.prisma.conflict.findUniqueOrThrow({ where: { id: waiting.id } });
      expect(settled).to.include({ status: 'resolved', strategy: 'manual' });

      const raised = await zekka(['budget', id, '7'], env);
      expect(raised.code, raised.stderr).to.equal(0);
      expect(raised.stdout).to.match(new RegExp(`^budget of ${id} \\(Inventory API\\) is now \\$7\\.0000; spent \\$\\d+\\.\\d{4}\n$`));
      expect((await api.engine.deps.prisma.project.findUniqueOrThrow({ where: { id } })).budgetMicros).to.equal(7_000_000n);
    } finally {
      api.engine.provider.intercept = undefined;
    }
  });

  it('says in one line what went wrong: server down, wrong password, not logged in, refused credentials, missing file, a refused request', async () => {
    const port = await freePort();
    const down = await zekka(['login', '--email', user.email, '--password', user.password, '--api-url', `http://127.0.0.1:${port}`]);
    expect(down.code).to.equal(1);
    expect(down.stderr).to.equal(`zekka: cannot reach the Zekka API at http://127.0.0.1:${port}: connection refused\n`);

    const wrong = await zekka(['login', '--email', user.email, '--password', 'not the password']);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.equal('zekka: invalid email or password\n');

    const fresh = { ZEKKA_CONFIG_DIR: join(dir, 'nobody') };
    const anonymous = await zekka(['status'], fresh);
    expect(anonymous.code).to.equal(1);
    expect(anonymous.stderr).to.equal(`zekka: not logged in to ${api.url}: run zekka login --api-url ${api.url}\n`);

    const revoked = { ZEKKA_CONFIG_DIR: join(dir, 'revoked') };
    expect((await zekka(['login', '--email', user.email, '--password', user.password, '--create-api-key'], revoked)).code).to.equal(0);
    await api.engine.deps.prisma.apiKey.updateMany({ where: { user: { email: user.email } }, data: { revokedAt: new Date() } });
    const refused = await zekka(['status'], revoked);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.equal(`zekka: ${api.url} refused the stored credentials (expired or revoked): run zekka login --api-url ${api.url}\n`);

    const env = await session('errors');
    const missing = await zekka(['submit', join(dir, 'nope.md')], env);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.equal(`zekka: cannot read the request file ${join(dir, 'nope.md')}: no such file\n`);

    const tiny = join(dir, 'tiny.md');
    await writeFile(tiny, 'todo');
    const invalid = await zekka(['submit', tiny], env);
    expect(invalid.code).to.equal(1);
    expect(invalid.stderr).to.match(/^zekka: [\w.]*requirements: must describe the software \(at least 10 characters\)\n$/);

    const unknown = await zekka(['status', '6f1c1c1e-0d7e-4a55-9a55-3b1a3a0e2f11'], env);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.equal('zekka: project not found\n');

    const usage = await zekka(['submit', requestFile, '--budget', 'lots']);
    expect(usage.code).to.equal(2);
    expect((await zekka(['follow', 'not-an-id'])).code).to.equal(2);
  });
});
