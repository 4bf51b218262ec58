// A Python command-line tool requested in plain words, built end to end by the offline model
// through the real engine (stages, agents, locks, PostgreSQL, Redis) and proven by the verify job
// in the sandbox with the Python profile: compileall and unittest pass, and the workspace is a
// Python program (a console script, a package, tests), not a Node web app.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { createHarness, type Harness } from '../support/engine-harness.js';

describe('verification: a Python CLI request through the offline model', function () {
  this.timeout(300_000);
  let harness: Harness | undefined;
  let root = '';

  before(async () => {
    root = await mkdtemp('/var/tmp/zekka-python-program-');
    await chmod(root, 0o711);
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes a Python CLI with tests that pass the Python profile in the sandbox', async () => {
    harness = await createHarness({ verification: { workRoot: join(root, 'runs'), packageCacheDir: join(root, 'cache'), maxRepairRounds: 0 } });
    const projectId = await harness.createProject({ requestFile: 'examples/requests/cli-habit-tracker.md', name: 'habits' });
    const ended = await harness.runToEnd(projectId);
    const rounds = await harness.deps.verifications.list(projectId);
    const last = rounds?.[0];
    expect(last?.status, JSON.stringify(last?.report, null, 2)).to.equal('passed');
    expect(ended).to.equal('project.completed');
    expect(last?.profile).to.equal('python');
    const test = last?.report?.commands.find((command) => command.phase === 'test');
    expect(test?.tests?.passed).to.be.greaterThan(4);
    expect(test?.tests?.failed).to.equal(0);

    const files = new Map((await harness.deps.artifacts.snapshot(projectId)).map((file) => [file.path, file.content]));
    expect(files.get('pyproject.toml')).to.include('[project.scripts]').and.include('habit-tracker = "habit_tracker.cli:main"');
    expect(files.get('habit_tracker/cli.py')).to.include('argparse');
    expect(files.has('tests/test_habit_tracker.py')).to.equal(true);
    expect(files.get('Dockerfile')).to.include('FROM python:').and.not.include('3000');
    expect([...files.keys()].filter((path) => /\.tsx?$/.test(path) || path === 'package.json')).to.deep.equal([]);
  });
});
