/**
 * `zekka submit --review-plan`, `zekka plan show|edit` and `zekka start`, run as a child process
 * against a real API with in-process workers (offline model): the run stops after Requirements,
 * the plan is printed, edited (a bad edit is refused naming the field), and the resumed run
 * chooses its agents from the edit.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startApiHarness, type ApiHarness } from '../api/api-harness.js';
import { runZekka, type CliResult } from '../support/run-cli.js';

const REQUEST = `# Book lending

A web app with a REST API and a database to manage Books.

## Entities
- Book: title, author
`;

describe('zekka plan: review and edit the plan from the CLI', function () {
  this.timeout(180_000);
  let api: ApiHarness;
  let dir: string;

  const zekka = (args: string[]): Promise<CliResult> => runZekka(args, { ZEKKA_CONFIG_DIR: join(dir, 'config'), ZEKKA_API_URL: api.url });

  before(async () => {
    api = await startApiHarness({ engine: { workers: true }, realtime: true });
    dir = await mkdtemp(join(tmpdir(), 'zekka-plan-cli-'));
    const user = await api.user('plan-cli');
    const login = await zekka(['login', '--email', user.email, '--password', user.password]);
    expect(login.code, login.stderr).to.equal(0);
  });
  after(async () => {
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stops for review, shows the plan, refuses a bad edit naming the field, saves a good one, and start continues from it', async () => {
    const requestFile = join(dir, 'books.md');
    await writeFile(requestFile, REQUEST);
    const submitted = await zekka(['submit', requestFile, '--review-plan', '--follow']);
    expect(submitted.code).to.equal(1);
    const id = /submitted ([0-9a-f-]{36})/.exec(submitted.stdout)?.[1] ?? '';
    expect(submitted.stdout).to.include('⏸ the plan awaits review');
    expect(submitted.stderr).to.include(`zekka plan edit ${id} <file>`);

    const shown = await zekka(['plan', 'show', id]);
    expect(shown.code, shown.stderr).to.equal(0);
    const printed = JSON.parse(shown.stdout) as { version: number; editable: boolean; plan: { entities: { name: string; fields: unknown[] }[] } };
    expect(printed.editable).to.equal(true);
    expect(printed.plan.entities.map((entity) => entity.name)).to.deep.equal(['Book']);

    const badFile = join(dir, 'bad.json');
    await writeFile(badFile, JSON.stringify({ ...printed, plan: { ...printed.plan, kind: 'mainframe' } }));
    const bad = await zekka(['plan', 'edit', id, badFile]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include('kind');

    const editFile = join(dir, 'plan.json');
    await writeFile(editFile, JSON.stringify({ ...printed, plan: { ...printed.plan, entities: [...printed.plan.entities, { name: 'Member', fields: [{ name: 'email' }] }] } }));
    const saved = await zekka(['plan', 'edit', id, editFile]);
    expect(saved.code, saved.stderr).to.equal(0);
    expect(saved.stdout).to.include(`saved the plan of ${id} (version ${printed.version + 1}): 2 entities`);
    // The same file again was made on the version now replaced: refused.
    const stale = await zekka(['plan', 'edit', id, editFile]);
    expect(stale.code).to.equal(1);
    expect(stale.stderr).to.match(/version/);

    const started = await zekka(['start', id, '--follow']);
    expect(started.code, started.stderr).to.equal(0);
    const keys = (await api.engine.deps.prisma.agentRun.findMany({ where: { projectId: id }, select: { instanceKey: true } })).map((run) => run.instanceKey);
    expect(keys).to.include.members(['controller-generator.book', 'controller-generator.member']);
  });
});
