/**
 * The parts of the remote CLI that need no Zekka server: the path check every downloaded file goes
 * through (and `zekka artifacts` against a fake API that names a path outside --out), when a
 * followed run has ended, and the progress display on a terminal and on a pipe.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { targetUnder, writeUnder } from '../../src/cli/output/safe-files.js';
import { ProgressDisplay } from '../../src/cli/progress/progress-display.js';
import { RunEndWatch } from '../../src/cli/remote/stream-follower.js';
import type { EventType, ProjectEvent } from '../../src/engine/events/event-schema.js';
import { runZekka } from '../support/run-cli.js';

const PROJECT = '6f1c1c1e-0d7e-4a55-9a55-3b1a3a0e2f11';

function events(...types: [EventType, Record<string, unknown>?][]): ProjectEvent[] {
  const start = Date.parse('2026-01-01T00:00:00Z');
  return types.map(([type, data = {}], index) => ({ type, projectId: PROJECT, seq: index + 1, at: new Date(start + index * 1000).toISOString(), data }));
}

describe('remote CLI parts', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'zekka-parts-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes only under the folder: absolute paths, .., backslashes and symlinks that lead outside are refused', async () => {
    const root = join(dir, 'out');
    expect(targetUnder(root, 'src/app.ts')).to.equal(join(root, 'src', 'app.ts'));
    for (const bad of ['../evil.txt', 'a/../../evil.txt', '/etc/passwd', 'C:/x', 'a\\..\\b', '', '.', 'a/..', 'x\0y']) {
      expect(() => targetUnder(root, bad), JSON.stringify(bad)).to.throw(/^refusing to write/);
    }
    await mkdir(root, { recursive: true });
    await mkdir(join(dir, 'elsewhere'));
    await symlink(join(dir, 'elsewhere'), join(root, 'link'));
    const escaped = await writeUnder(root, 'link/evil.txt', 'x').catch((error: Error) => error);
    expect(escaped).to.be.instanceOf(Error).with.property('message').that.matches(/symbolic link leads outside/);
    expect(await readdir(join(dir, 'elsewhere'))).to.deep.equal([]);
    // Deeper through the link: refused before any folder is made on the far side.
    const deeper = await writeUnder(root, 'link/sub/evil.txt', 'x').catch((error: Error) => error);
    expect(deeper).to.be.instanceOf(Error).with.property('message').that.matches(/symbolic link leads outside/);
    expect(await readdir(join(dir, 'elsewhere'))).to.deep.equal([]);
    await symlink(join(dir, 'elsewhere', 'target.txt'), join(root, 'file-link.txt'));
    expect(await writeUnder(root, 'file-link.txt', 'x').catch((error: Error) => error)).to.be.instanceOf(Error).with.property('message').that.matches(/is a symbolic link/);
    expect(await readdir(join(dir, 'elsewhere'))).to.deep.equal([]);
    await writeUnder(root, 'deep/er/ok.txt', 'fine');
    expect(await readFile(join(root, 'deep', 'er', 'ok.txt'), 'utf8')).to.equal('fine');
  });

  it('zekka artifacts refuses a path from the server that leads outside --out, writes the rest, and exits 1', async () => {
    const served: Record<string, string> = { 'ok.txt': 'fine', '../evil.txt': 'evil' };
    const server: Server = createServer((req, res) => {
      const url = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      if (url === '/api/auth/me') return res.end(JSON.stringify({ email: 'fake@example.com', role: 'user' }));
      if (url === `/api/projects/${PROJECT}/artifacts`) return res.end(JSON.stringify({ items: Object.keys(served).map((path) => ({ path })) }));
      const file = decodeURIComponent(url.slice(`/api/projects/${PROJECT}/artifacts/`.length));
      res.setHeader('content-type', 'text/plain');
      res.end(served[file] ?? '');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const env = { ZEKKA_CONFIG_DIR: join(dir, 'config'), ZEKKA_API_URL: apiUrl };
      const login = await runZekka(['login', '--api-key', 'zk_fake'], env);
      expect(login.code, login.stderr).to.equal(0);
      const out = join(dir, 'out');
      const result = await runZekka(['artifacts', PROJECT, '--out', out], env);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include(`zekka: refusing to write "../evil.txt" outside ${out}: a .. segment\n`);
      expect(result.stderr).to.include(`zekka: 1 of 2 files refused: their paths lead outside ${out}\n`);
      expect(await readFile(join(out, 'ok.txt'), 'utf8')).to.equal('fine');
      expect(await readdir(dir)).to.have.members(['config', 'out']);
    } finally {
      server.close();
    }
  });

  it('zekka artifacts creates nothing outside --out through a symbolic link planted inside it', async () => {
    const served: Record<string, string> = { 'ok.txt': 'fine', 'src/deep/er/app.ts': 'evil' };
    const server: Server = createServer((req, res) => {
      const url = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      if (url === '/api/auth/me') return res.end(JSON.stringify({ email: 'fake@example.com', role: 'user' }));
      if (url === `/api/projects/${PROJECT}/artifacts`) return res.end(JSON.stringify({ items: Object.keys(served).map((path) => ({ path })) }));
      res.setHeader('content-type', 'text/plain');
      res.end(served[decodeURIComponent(url.slice(`/api/projects/${PROJECT}/artifacts/`.length))] ?? '');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const env = { ZEKKA_CONFIG_DIR: join(dir, 'config'), ZEKKA_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
      expect((await runZekka(['login', '--api-key', 'zk_fake'], env)).code).to.equal(0);
      const out = join(dir, 'out');
      const outside = join(dir, 'outside');
      await mkdir(out);
      await mkdir(outside);
      await symlink(outside, join(out, 'src'));
      const result = await runZekka(['artifacts', PROJECT, '--out', out], env);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include('refusing to write "src/deep/er/app.ts"');
      expect(await readFile(join(out, 'ok.txt'), 'utf8')).to.equal('fine');
      expect(await readdir(outside)).to.deep.equal([]);
    } finally {
      server.close();
    }
  });

  it('a followed run ends at its last end, not at an earlier one a resume moved past', () => {
    const history = events(['project.created'], ['project.started'], ['project.failed'], ['project.started'], ['stage.started', { stage: 1 }], ['project.completed']);
    const replay = new RunEndWatch();
    expect(replay.reached(6, 0)).to.equal(undefined);
    expect(history.map((event) => replay.observe(event))).to.deep.equal([undefined, undefined, undefined, undefined, undefined, 'project.completed']);

    // Subscribed while the second run was going (lastSeq 5): the end arrives live.
    const live = new RunEndWatch();
    live.reached(5, 0);
    expect(history.slice(0, 5).map((event) => live.observe(event)).filter(Boolean)).to.deep.equal([]);
    expect(live.observe(history[5] as ProjectEvent)).to.equal('project.completed');

    // Reconnected after everything had been seen: the end is known at the ack.
    const again = new RunEndWatch();
    for (const event of history) again.observe(event);
    expect(again.reached(6, 6)).to.equal('project.completed');

    // A review pause that a person settled is no end.
    const review = new RunEndWatch();
    review.reached(3, 0);
    const paused = events(['project.needs_review'], ['conflict.resolved'], ['stage.completed', { stage: 1 }]);
    expect(paused.map((event) => review.observe(event))).to.deep.equal([undefined, undefined, undefined]);
  });

  it('the progress display redraws a bar on a terminal and prints plain lines elsewhere, with spend against budget', () => {
    const run = events(
      ['project.created', { budgetMicros: '2000000' }],
      ['stage.started', { stage: 1, agents: 2, toRun: 2 }],
      ['agent.completed', { stage: 1, instanceKey: 'a' }],
      ['cost.updated', { spentMicros: '125000', budgetMicros: '2000000' }],
      ['conflict.detected', { stage: 1, path: 'src/app.ts', raisedBy: 'b' }],
      ['agent.failed', { stage: 1, instanceKey: 'b', error: 'boom' }],
      ['stage.completed', { stage: 1, conflicts: 1 }],
      ['project.budget_exhausted', { reason: 'no money left' }],
    );
    const render = (isTTY: boolean) => {
      const out = Object.assign(new PassThrough(), { isTTY });
      let text = '';
      out.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const display = new ProgressDisplay(out, 'Demo', PROJECT);
      for (const event of run) display.onEvent(event);
      display.finish();
      return text;
    };
    const plain = render(false);
    expect(plain).not.to.match(/\x1b\[/); // eslint-disable-line no-control-regex -- the escape is what is looked for
    expect(plain.split('\n')).to.deep.equal([
      'Zekka: Demo',
      `project ${PROJECT}`,
      '▸ Stage  1/10 Requirements Analysis   2 agents',
      '    ⚠ conflict on src/app.ts (edit by b)',
      '    ✖ b failed: boom',
      '✔ Stage  1/10 Requirements Analysis   1/2 agents, 1 conflicts settled  5.0s  $0.1250 of $2.0000',
      '✖ budget exhausted: no money left',
      '',
    ]);
    const tty = render(true);
    expect(tty).to.include('\r\x1b[2K… Stage  1/10 Requirements Analysis   [██████████░░░░░░░░░░] 1/2 agents  $0.0000 of $2.0000');
    expect(tty).to.include('[██████████░░░░░░░░░░] 1/2 agents  $0.1250 of $2.0000');
    expect(tty).to.include('✔ Stage  1/10 Requirements Analysis   1/2 agents, 1 conflicts settled  5.0s  $0.1250 of $2.0000\n');
  });
});
