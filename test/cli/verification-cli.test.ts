/**
 * The verification as people see it in the terminal: the live display's lines per verify and
 * repair round (fed the events the engine published), `zekka follow` ending at
 * verification_failed with exit 1 and the hint, `zekka status` showing the result, `zekka accept`
 * — all through the real binary against a real API with Socket.IO — and the demo's follower
 * (over Redis) ending there too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { followProject } from '../../src/cli/progress/follow-project.js';
import { ProgressDisplay } from '../../src/cli/progress/progress-display.js';
import { RunEndWatch } from '../../src/cli/remote/stream-follower.js';
import { startApiHarness, REQUIREMENTS, type ApiHarness } from '../api/api-harness.js';
import { runZekka, type CliResult } from '../support/run-cli.js';
import { failVerification } from '../support/verification-fixture.js';

describe('zekka CLI: verification results, follow and accept', function () {
  this.timeout(120_000);
  let api: ApiHarness;
  let dir: string;
  let owner: { id: string; email: string; password: string; token: string };
  let env: Record<string, string>;

  const zekka = (args: string[]): Promise<CliResult> => runZekka(args, { ...env, ZEKKA_API_URL: api.url });
  const failedProject = async (name: string): Promise<string> => {
    const created = await api.engine.projects.create({ ownerId: owner.id, name, requirements: REQUIREMENTS });
    await failVerification(api.engine.deps, created.id);
    return created.id;
  };

  before(async () => {
    api = await startApiHarness({ realtime: true });
    dir = await mkdtemp(join(tmpdir(), 'zekka-verify-cli-'));
    owner = await api.user('verify-cli');
    env = { ZEKKA_CONFIG_DIR: join(dir, 'config') };
    const login = await zekka(['login', '--email', owner.email, '--password', owner.password]);
    expect(login.code, login.stderr).to.equal(0);
  });
  after(async () => {
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the live display prints a line per verify round (profile, each command with test counts, repairs) and per repair round', async () => {
    const id = await failedProject('display');
    const out = Object.assign(new PassThrough(), { isTTY: false });
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const display = new ProgressDisplay(out, 'Display', id);
    for (const event of await api.engine.deps.events.replay(id, 0)) display.onEvent(event);
    display.finish();
    const round = (n: number, repairs: string) =>
      `✖ Verification round ${n}  node-typescript  failed  registry check ✔ · npm ci ✔ · tsc --noEmit ✔ · vitest run ✖ (4 passed, 1 failed)${repairs}\n    tests failed: 1 of 5 (round ${n})`;
    expect(text.split('\n').slice(2).join('\n')).to.equal(
      [
        '▶ run r1 started from stage 1',
        "▸ Verification round 0  running the software's install, build and tests in the sandbox",
        round(0, '  → 1 repair agent'),
        '↻ Repair round 1: 1 agent: unit-test-creator.todo.repair-1 (test/todo.test.ts)',
        "▸ Verification round 1  running the software's install, build and tests in the sandbox",
        round(1, ''),
        '✖ the software did not pass its checks after round 1: tests failed: 1 of 5 (round 1)  $0.0000 of $10.0000',
        '',
      ].join('\n'),
    );
  });

  it('the demo’s follower (Redis) ends at verification_failed instead of waiting forever', async () => {
    const id = await failedProject('demo follower');
    const seen: string[] = [];
    const end = await followProject(api.engine.redis, api.engine.deps.events, id, (event) => seen.push(event.type));
    expect(end).to.equal('project.verification_failed');
    expect(seen).to.include.members(['verification.started', 'verification.finished', 'repair.started']);
  });

  it('follow exits 1 with the hint; status shows the result; accept completes it, then follow exits 0', async () => {
    const id = await failedProject('follow me');
    const followed = await zekka(['follow', id]);
    expect(followed.code, followed.stderr).to.equal(1);
    expect(followed.stdout).to.include('✖ Verification round 1  node-typescript  failed');
    expect(followed.stdout).to.include('↻ Repair round 1: 1 agent');
    expect(followed.stdout).to.match(/^Status: +verification_failed \(the software did not pass its checks after 1 repair round/m);
    expect(followed.stdout).to.match(/^Verified: +failed \(node-typescript, round 1\): tests failed: 1 of 5 \(round 1\)$/m);
    expect(followed.stderr).to.equal(`zekka: the software did not pass its own checks: accept it as it is with zekka accept ${id}, or repair again with zekka start ${id}\n`);

    const status = await zekka(['status', id]);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout).to.match(/^status +verification_failed \(/m);
    expect(status.stdout).to.match(/^verified +failed \(node-typescript, round 1\): tests failed: 1 of 5 \(round 1\)$/m);
    const json = await zekka(['status', id, '--json']);
    expect((JSON.parse(json.stdout) as { verification: { round: number } }).verification.round).to.equal(1);

    const accepted = await zekka(['accept', id]);
    expect(accepted.code, accepted.stderr).to.equal(0);
    expect(accepted.stdout).to.equal(`accepted ${id} (follow me): completed, although its software did not pass its own checks\n`);
    const again = await zekka(['accept', id]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.equal('zekka: a completed project cannot accept\n');
    expect((await zekka(['accept', 'not-an-id'])).code).to.equal(2);

    const after = await zekka(['follow', id]);
    expect(after.code, after.stderr).to.equal(0);
    expect(after.stdout).to.match(/^Status: +completed$/m);
  });

  it('an end that a later event moved past is not taken when the replay arrives before the subscribe’s snapshot', async () => {
    const id = await failedProject('accepted before follow');
    await api.engine.projects.accept(id);
    const history = await api.engine.deps.events.replay(id, 0);
    expect(history.slice(-2).map((event) => event.type)).to.deep.equal(['project.verification_failed', 'project.completed']);
    const watch = new RunEndWatch();
    watch.subscribing();
    // The whole replay handled before the ack's continuation ran (both came in one read).
    expect(history.map((event) => watch.observe(event)).filter(Boolean)).to.deep.equal([]);
    expect(watch.reached(history.length, history.length)).to.equal('project.completed');
  });

  it('a project never verified says so in its summary and status', async () => {
    const created = await api.engine.projects.create({ ownerId: owner.id, name: 'unverified', requirements: REQUIREMENTS });
    const status = await zekka(['status', created.id]);
    expect(status.stdout).to.match(/^verified +not run$/m);
  });
});
