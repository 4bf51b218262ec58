/**
 * The sandbox inside the pipeline: verify jobs run by a real `zekka worker` (VERIFY_SOFTWARE=true)
 * on workspaces seeded into the database, whose generated tests misbehave. Each misbehaviour is
 * contained, the report says how (the failure, the limit hit, the isolation in force), and the
 * worker keeps serving. A worker killed while its sandbox runs leaves no sandbox behind, and the
 * job, retried by another worker, produces one report.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { queueDefinition, VERIFY_QUEUE, type VerifyJobData } from '../../queues/job-catalog.js';
import type { VerificationReport } from '../../src/verification/verify-workspace.js';
import { testDatabaseUrl, testRedisUrl } from '../support/environment.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { waitFor } from '../support/wait-for.js';
import { PROCESS_JWT_SECRET, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const PROVIDER_KEY = 'sk-ant-pipeline-secret-0123456789';

function pythonProject(test: string): Map<string, string> {
  return new Map([
    ['pyproject.toml', '[project]\nname = "case"\nversion = "0.1.0"\n'],
    ['tests/__init__.py', ''],
    ['tests/test_case.py', `import os, socket, time, unittest\n\n\nclass CaseTest(unittest.TestCase):\n    def test_case(self):\n${test.replace(/^/gm, '        ')}\n`],
  ]);
}

const PASSING = pythonProject('self.assertEqual(1 + 1, 2)');

/** Processes whose working directory is inside `dir` (a sandbox that outlived its worker). */
async function processesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd.startsWith(dir)) found.push(pid);
  }
  return found;
}

describe('verification: the sandbox in the pipeline', function () {
  this.timeout(240_000);
  let h: Harness | undefined;
  let workers: WorkerProcess[] = [];
  let root = '';
  let settings = { workRoot: '', packageCacheDir: '', maxRepairRounds: 0 };

  beforeEach(async () => {
    root = await mkdtemp('/var/tmp/zekka-pipeline-');
    await chmod(root, 0o711);
    settings = { workRoot: join(root, 'runs'), packageCacheDir: join(root, 'cache'), maxRepairRounds: 0 };
    h = await createHarness({ workers: false, verification: settings });
  });
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    workers = [];
    await h?.close();
    await rm(root, { recursive: true, force: true });
  });

  const workerEnv = (extra: Record<string, string> = {}) => ({
    VERIFY_SOFTWARE: 'true',
    VERIFY_WORK_DIR: settings.workRoot,
    VERIFY_CACHE_DIR: settings.packageCacheDir,
    VERIFY_MAX_REPAIR_ROUNDS: '0',
    VERIFY_COMMAND_MAX_MS: '8000',
    ANTHROPIC_API_KEY: PROVIDER_KEY,
    // Only the verify queue: the project root is not in these runs.
    WORKER_QUEUES: VERIFY_QUEUE,
    ...extra,
  });

  /** A project whose workspace is `files`, and its verify job (round 0 of run r1). */
  async function enqueue(files: ReadonlyMap<string, string>): Promise<{ projectId: string; jobId: string }> {
    const harness = h as Harness;
    const projectId = await harness.createProject({ requirements: 'A small Python library with its unit tests.' });
    // The verify job belongs to the project's current run: r1, under way.
    await harness.deps.lifecycle.apply(projectId, 'enqueue', { runId: 'r1' });
    await harness.deps.artifacts.writeAll({ projectId, author: 'zekka', stage: 1, files: [...files].map(([path, content]) => ({ path, content, baseVersion: null, fenceToken: 0 })) });
    const definition = queueDefinition(VERIFY_QUEUE);
    const data: VerifyJobData = { projectId, runId: 'r1', round: 0, step: 'verify' };
    const jobId = `${projectId}.r1.verify`;
    await harness.deps.queues.get(VERIFY_QUEUE).add(definition.jobName, data, { ...definition.jobOptions, jobId });
    return { projectId, jobId };
  }

  async function finished(projectId: string, jobId: string): Promise<VerificationReport> {
    const harness = h as Harness;
    const job = await harness.deps.queues.get(VERIFY_QUEUE).getJob(jobId);
    await waitFor(`verify job ${jobId} to complete`, async (note) => note(await job?.getState()) === 'completed', { timeoutMs: 90_000, intervalMs: 100 });
    const rows = await harness.deps.prisma.verification.findMany({ where: { projectId } });
    expect(rows, 'one Verification row for round 0').to.have.length(1);
    return rows[0]?.report as unknown as VerificationReport;
  }

  const testCommand = (report: VerificationReport) => report.commands.find((command) => command.phase === 'test');

  it('a test that reads the environment, writes outside its directory, opens a socket to Redis, forks without end or never ends is contained and reported; the worker keeps serving', async () => {
    workers = [await startWorkerProcess(workerEnv())];
    const redis = new URL(testRedisUrl());
    const escapes = [join(root, 'escaped'), `/var/tmp/zekka-escaped-${process.pid}`];
    const cases = {
      environment: pythonProject(`print(dict(os.environ))\nself.assertIn('DATABASE_URL', os.environ)`),
      write: pythonProject(escapes.map((path) => `open(${JSON.stringify(path)}, 'w').write('escaped')`).join('\n')),
      socket: pythonProject(`socket.create_connection((${JSON.stringify(redis.hostname)}, ${redis.port || 6379}), timeout=3).sendall(b'PING\\r\\n')`),
      forkBomb: pythonProject('while True:\n    os.fork()'),
      neverEnds: pythonProject('while True:\n    pass'),
    };
    const reports: Record<string, VerificationReport> = {};
    // Two at a time, as the verify queue runs them.
    for (const [name, files] of Object.entries(cases)) {
      const { projectId, jobId } = await enqueue(files);
      reports[name] = await finished(projectId, jobId);
    }

    const secrets = [testDatabaseUrl(), testRedisUrl(), PROCESS_JWT_SECRET, PROVIDER_KEY];
    for (const [name, report] of Object.entries(reports)) {
      expect(report.status, `${name}: ${JSON.stringify(report, null, 1)}`).to.equal('failed');
      expect(report.isolation?.network, name).to.equal('cut');
      expect(report.isolation?.readOnlyFilesystem, name).to.equal(true);
      expect(report.isolation?.unprivilegedUser, name).to.equal(true);
      for (const secret of secrets) expect(JSON.stringify(report), `${name} shows a secret`).not.to.include(secret);
    }
    const tail = (name: string) => testCommand(reports[name] as VerificationReport)?.outputTail ?? '';
    // The environment the test printed holds none of the worker's variables.
    expect(tail('environment')).to.include("'DATABASE_URL' not found in");
    expect(tail('environment')).not.to.match(/REDIS_URL|JWT_SECRET|ANTHROPIC_API_KEY/);
    expect(tail('write')).to.include('Read-only file system');
    for (const path of escapes) expect(existsSync(path), `${path} was written`).to.equal(false);
    expect(tail('socket')).to.match(/Network is unreachable|Connection refused|timed out/);
    expect(testCommand(reports.forkBomb as VerificationReport)?.limit).to.equal('processes');
    expect(reports.forkBomb?.summary).to.include('stopped at its processes limit');
    expect(testCommand(reports.neverEnds as VerificationReport)?.limit).to.equal('wall-time');
    expect(reports.neverEnds?.summary).to.include('stopped at its wall-time limit');

    // Still serving: a normal workspace verifies on the same process.
    const normal = await enqueue(PASSING);
    expect((await finished(normal.projectId, normal.jobId)).status).to.equal('passed');
    expect(workers[0]?.child.exitCode, workers[0]?.output()).to.equal(null);
    expect(await processesIn(settings.workRoot), 'sandbox processes left behind').to.deep.equal([]);
  });

  it('a worker killed while its sandbox runs a slow test: no sandbox outlives it, another worker retries the job, and the run has one report', async () => {
    const env = workerEnv({ JOB_LOCK_DURATION_MS: '2000', VERIFY_COMMAND_MAX_MS: '60000' });
    const first = await startWorkerProcess(env);
    workers = [first];
    // The test marks its start in its own directory, then takes a while.
    const { projectId, jobId } = await enqueue(pythonProject("open('started', 'w').write('1')\ntime.sleep(25)\nself.assertTrue(True)"));
    let runDir = '';
    await waitFor('the slow test to start in the sandbox', async (note) => {
      const runs = await readdir(settings.workRoot).catch(() => []);
      runDir = runs.map((run) => join(settings.workRoot, run)).find((dir) => existsSync(join(dir, 'started'))) ?? '';
      return note(runDir) !== '';
    }, { timeoutMs: 60_000, intervalMs: 50 });
    await first.stop('SIGKILL');
    // Nothing of the dead worker's sandbox keeps running (its wall-time timer died with it).
    await waitFor('the killed worker’s sandbox to be gone', async (note) => note(await processesIn(runDir)).length === 0, { timeoutMs: 8_000, intervalMs: 100 });

    workers.push(await startWorkerProcess(env));
    const report = await finished(projectId, jobId);
    expect(report.status, JSON.stringify(report)).to.equal('passed');
    const harness = h as Harness;
    const job = await harness.deps.queues.get(VERIFY_QUEUE).getJob(jobId);
    expect(job?.attemptsStarted, 'delivered twice').to.be.at.least(2);
    // One report: one row for the round (above), one version of the report file, one finished event.
    const versions = await harness.deps.prisma.artifactVersion.findMany({ where: { artifact: { projectId, path: 'docs/verification/report.json' } } });
    expect(versions).to.have.length(1);
    const events = await harness.deps.events.replay(projectId, 0);
    expect(events.filter((event) => event.type === 'verification.finished')).to.have.length(1);
  });
});
