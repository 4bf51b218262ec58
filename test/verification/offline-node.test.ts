/**
 * The offline model builds software that passes: a whole run of the offline pipeline, then the
 * verify job installs, type-checks and tests what it wrote in the sandbox — no database, no
 * network for build and test. The npm cache is a fixed directory kept between runs (warm runs
 * install from it); each run's work directories are fresh and removed.
 */
import { expect } from 'chai';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createHarness, type Harness } from '../support/engine-harness.js';

/** Kept between runs on purpose: a warm cache makes a verification take seconds, not minutes. */
const PACKAGE_CACHE = process.env.ZEKKA_TEST_PACKAGE_CACHE ?? '/var/tmp/zekka-test-package-cache';

describe('verification: the offline model builds Node/TypeScript software that passes', function () {
  this.timeout(600_000);
  let h: Harness | undefined;
  let root: string;

  before(async () => {
    await mkdir('/var/tmp', { recursive: true });
    root = await mkdtemp('/var/tmp/zekka-offline-node-');
    // The sandbox user passes through to its run directory; it may not list the others.
    await chmod(root, 0o711);
  });
  afterEach(async () => h?.close());
  after(async () => rm(root, { recursive: true, force: true }));

  for (const request of ['examples/todo-app.md', 'examples/api-only.md']) {
    it(`${request}: install, type-check and tests pass in the sandbox`, async () => {
      h = await createHarness({ verification: { workRoot: join(root, 'runs'), packageCacheDir: PACKAGE_CACHE, maxRepairRounds: 0 } });
      const projectId = await h.createProject({ requestFile: request });
      const ended = await h.runToEnd(projectId);

      const rows = await h.deps.verifications.list(projectId);
      const report = rows?.at(-1)?.report;
      const detail = JSON.stringify(report?.commands.filter((command) => !command.passed).map((command) => [command.label, command.outputTail]), null, 1);
      expect(report?.status, `${report?.summary}\n${detail}`).to.equal('passed');
      expect(ended).to.equal('project.completed');
      expect(report?.profile).to.equal('node-typescript');
      const byPhase = new Map(report?.commands.map((command) => [command.phase, command]));
      for (const phase of ['dependencies', 'install', 'build', 'test'] as const) expect(byPhase.get(phase)?.passed, phase).to.equal(true);
      expect(byPhase.get('build')?.label).to.equal('npm run typecheck');
      const tests = byPhase.get('test')?.tests;
      expect(tests?.passed, 'tests passed').to.be.greaterThan(0);
      expect(tests?.failed).to.equal(0);
      // The app is usable: sign-up → login → an authenticated call, and a wrong password's 401, are among the tests that passed.
      const signIn = (await h.deps.artifacts.snapshot(projectId)).find((file) => file.path === 'tests/security/sign-in.test.ts');
      expect(signIn?.content).to.include("post('/api/auth/signup')").and.include("post('/api/auth/login')").and.include('expect(401)');
      // eslint-disable-next-line no-control-regex -- vitest colours its report
      expect(byPhase.get('test')?.outputTail.replace(/\u001b\[[0-9;]*m/g, '')).to.match(/sign-in\.test\.ts \(3 tests\)/);
      console.log(`      ${request}: ${report?.summary} in ${report?.durationMs} ms (${report?.commands.map((command) => `${command.label} ${command.durationMs} ms`).join(', ')})`);
    });
  }
});
