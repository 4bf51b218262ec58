/**
 * The repair loop end to end, through real processes: a project run by a `zekka worker` whose
 * model is a scripted server speaking Anthropic's Messages protocol. In the Python layout the Route
 * Creator writes the program's package and the Unit Test Creator its tests; the program's first
 * answer is a module that fails its unit test; verification (the real sandbox) fails,
 * the repair task goes to the role that wrote the module, whose answer (recognised by the
 * prompt's "## Repair" section) is fixed; round 1 passes and the project completes. The cost
 * ledger holds every model call, repairs included, each once.
 */
import { projectSpent } from '../../src/economics/cost-ledger.js';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeAnthropicServer } from '../support/fake-anthropic-server.js';
import type { FakeReply, RecordedRequest } from '../support/fake-http-server.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const REQUEST = 'A tiny Python library that adds two numbers, with unit tests.\n\n## Entities\n- Sum\n';
// Only the two roles the test scripts: every stage excluded, these two forced in.
const OPTIONS = { excludeStages: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], includeAgents: ['route-creator', 'unit-test-creator'] };
const BROKEN = 'def add(a, b):\n    return a - b\n';
const FIXED = 'def add(a, b):\n    return a + b\n';
/** The program's import package, as the Python layout names it in the Route Creator's prompt. */
function packageOf(system: string): string {
  const marker = 'in the package ';
  const start = system.indexOf(marker);
  return start === -1 ? 'calc' : system.slice(start + marker.length, system.indexOf('/', start));
}
const files = (pkg: string) => ({
  module: `${pkg}/calc.py`,
  init: `${pkg}/__init__.py`,
  test: `tests/test_${pkg}.py`,
  testSource: `import unittest\n\nfrom ${pkg}.calc import add\n\n\nclass AddTest(unittest.TestCase):\n    def test_adds(self):\n        self.assertEqual(add(2, 3), 5)\n`,
});

/** The text of a Messages request: its system prompt and its user message. */
export function promptOf(request: RecordedRequest): { system: string; prompt: string } {
  const body = request.body as { system?: string | { text: string }[]; messages?: { content: string | { text?: string }[] }[] };
  const text = (value: string | { text?: string }[] | undefined): string => (typeof value === 'string' ? value : (value ?? []).map((part) => part.text ?? '').join(''));
  return { system: text(body.system), prompt: (body.messages ?? []).map((message) => text(message.content)).join('\n') };
}

function answer(files: { path: string; content: string }[]): FakeReply {
  return { kind: 'ok', text: JSON.stringify({ summary: 'done', files }), inputTokens: 900, outputTokens: 120 };
}

describe('verification: the repair loop through a worker process and a scripted model', function () {
  this.timeout(150_000);
  let h: Harness | undefined;
  let worker: WorkerProcess | undefined;
  let fake: FakeAnthropicServer | undefined;
  let root = '';

  afterEach(async function () {
    if (this.currentTest?.state !== 'passed' && h) {
      const runs = await h.deps.prisma.agentRun.findMany({ select: { instanceKey: true, status: true, error: true } });
      const rounds = await h.deps.prisma.verification.findMany({ select: { round: true, status: true, summary: true } });
      console.error(JSON.stringify({ runs, rounds }, null, 1), worker?.output().slice(-6_000));
    }
    await worker?.stop('SIGKILL');
    await h?.close();
    await fake?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('a failing unit test is repaired by the role that wrote the module; round 1 passes and the ledger holds every call once', async () => {
    root = await mkdtemp('/var/tmp/zekka-repair-loop-');
    await chmod(root, 0o711);
    const verification = { workRoot: join(root, 'runs'), packageCacheDir: join(root, 'cache'), maxRepairRounds: 2 };
    fake = await new FakeAnthropicServer().start();
    const repairs: string[] = [];
    let pkg = 'calc';
    fake.responder = (request) => {
      const { system, prompt } = promptOf(request);
      const repairing = prompt.includes('## Repair');
      if (system.includes('You write the Python program itself')) {
        pkg = packageOf(system);
        if (repairing) repairs.push('program');
        const f = files(pkg);
        return answer([{ path: f.module, content: repairing ? FIXED : BROKEN }, ...(repairing ? [] : [{ path: f.init, content: '' }])]);
      }
      if (system.includes('You write unittest tests')) {
        if (repairing) repairs.push('unit-test');
        const f = files(pkg);
        return answer([{ path: f.test, content: f.testSource }, ...(repairing ? [] : [{ path: 'tests/__init__.py', content: '' }])]);
      }
      return { kind: 'error', status: 400, message: `unscripted role: ${system.slice(0, 80)}` };
    };
    const model = 'anthropic:claude-sonnet-4-6';
    worker = await startWorkerProcess({
      VERIFY_SOFTWARE: 'true',
      VERIFY_WORK_DIR: verification.workRoot,
      VERIFY_CACHE_DIR: verification.packageCacheDir,
      VERIFY_MAX_REPAIR_ROUNDS: String(verification.maxRepairRounds),
      ANTHROPIC_API_KEY: FakeAnthropicServer.apiKey,
      ANTHROPIC_BASE_URL: fake.url,
      MODELS_PREMIUM: model,
      MODELS_STANDARD: model,
      MODELS_ECONOMY: model,
    });
    h = await createHarness({ workers: false, verification });
    const projectId = await h.createProject({ requirements: REQUEST, options: OPTIONS });
    // What no role of the catalogue writes yet: the Python manifest and the test packages.
    await h.deps.artifacts.writeAll({
      projectId,
      author: 'zekka',
      stage: 1,
      files: ['pyproject.toml'].map((path) => ({
        path,
        content: path === 'pyproject.toml' ? '[project]\nname = "calc"\nversion = "0.1.0"\n' : '',
        baseVersion: null,
        fenceToken: 0,
      })),
    });

    const ended = await h.runToEnd(projectId);
    const project = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(ended, `${project.failureReason ?? ''}\n${worker.output()}`).to.equal('project.completed');
    expect(project.status).to.equal('completed');

    const rounds = await h.deps.prisma.verification.findMany({ where: { projectId }, orderBy: { round: 'asc' } });
    expect(rounds.map((r) => [r.round, r.status])).to.deep.equal([
      [0, 'failed'],
      [1, 'passed'],
    ]);
    expect(rounds[0]?.summary).to.match(/python -m unittest failed/);
    expect(repairs, 'the module’s author was asked to repair it').to.include('program');

    const repairRun = await h.deps.prisma.agentRun.findUniqueOrThrow({ where: { projectId_instanceKey: { projectId, instanceKey: 'route-creator.r1-repair-1' } } });
    expect(repairRun.status).to.equal('completed');
    const module = await h.deps.artifacts.snapshot(projectId);
    expect(module.find((file) => file.path === files(pkg).module)?.content).to.equal(FIXED);

    // The ledger: one row per model call the scripted server answered, repairs included, none twice.
    const ledger = await h.deps.prisma.costLedgerEntry.findMany({ where: { projectId } });
    expect(ledger).to.have.length(fake.completions.length);
    expect(new Set(ledger.map((row) => row.idempotencyKey)).size).to.equal(ledger.length);
    expect(ledger.filter((row) => row.agentRunId === repairRun.id)).to.have.length(1);
    expect(ledger.every((row) => row.costMicros > 0n && row.provider === 'anthropic')).to.equal(true);
    expect(Number(await projectSpent(h.deps.sql, projectId))).to.equal(ledger.reduce((sum, row) => sum + Number(row.costMicros), 0));
  });
});
