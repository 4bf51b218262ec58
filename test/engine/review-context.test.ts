import { expect } from 'chai';
import { isAllowedPath } from '../../src/engine/workspace/workspace-paths.js';
import { getRole } from '../../src/agents/catalog/index.js';
import { renderRoleInstructions } from '../../src/agents/prompt.js';
import { blocksText } from '../../src/models/provider.js';
import { loadTokenCounter } from '../../src/engine/context/token-counter.js';
import type { AgentTask } from '../../src/agents/agent-task.js';
import type { CompletionRequest } from '../../src/models/provider.js';
import { createHarness, type Harness } from '../support/engine-harness.js';

/** Issue #15: "a reviewing role sees every file" — the todo demo, run by the offline model. */
describe('engine: reviewing roles see every file they judge', function () {
  this.timeout(180_000);
  let h: Harness;
  afterEach(async () => h?.close());

  function recordCalls(harness: Harness): CompletionRequest[] {
    const calls: CompletionRequest[] = [];
    harness.provider.intercept = (request, offline) => {
      calls.push(request);
      return offline();
    };
    return calls;
  }

  const of = (calls: CompletionRequest[], agentId: string): AgentTask[] => calls.filter((call) => call.task.agentId === agentId).map((call) => call.task);

  it('in one call when the window holds the workspace: the final validation gets the whole map and every file in full', async () => {
    h = await createHarness();
    const calls = recordCalls(h);
    const projectId = await h.createProject();
    expect(await h.runToEnd(projectId)).to.equal('project.completed');

    const workspace = (await h.deps.artifacts.stageInputs(projectId, 10)).versions.map((file) => file.path);
    expect(workspace.length, 'the todo demo’s files before QA').to.be.greaterThan(100);
    const [validation, ...more] = of(calls, 'final-validation-agent');
    expect(more, 'one call').to.have.length(0);
    expect(validation?.map?.map((entry) => entry.path)).to.deep.equal(workspace);
    expect(validation?.map?.every((entry) => entry.summary.length > 0)).to.equal(true);
    expect(validation?.context.map((file) => file.path).sort()).to.deep.equal([...workspace].sort());

    const review = of(calls, 'code-review-agent')[0];
    const judged = workspace.filter((path) => isAllowedPath(path, getRole('code-review-agent').reads));
    expect(review?.context.map((file) => file.path).sort()).to.deep.equal(judged.sort());

    const report = await h.deps.artifacts.current(projectId, 'docs/qa/final-validation.md');
    expect(report?.content).to.include('## Verdict: PASS');
    expect(report?.content).to.not.include('| NO |');
  });

  it('in several calls and a merge when it does not: every file is judged, every call fits the window and is paid for', async () => {
    const window = 40_000;
    h = await createHarness({ contextWindow: (tier) => (tier === 'premium' ? window : 200_000) });
    const calls = recordCalls(h);
    const projectId = await h.createProject();
    expect(await h.runToEnd(projectId)).to.equal('project.completed');

    const workspace = (await h.deps.artifacts.stageInputs(projectId, 10)).versions.map((file) => file.path);
    const tasks = of(calls, 'final-validation-agent');
    const parts = tasks.filter((task) => task.review?.kind === 'part');
    const merges = tasks.filter((task) => task.review?.kind === 'merge');
    expect(parts.length, 'parts').to.be.greaterThan(1);
    expect(merges, 'one merge, last').to.have.length(1);
    expect(tasks.at(-1)?.review).to.deep.equal({ kind: 'merge', parts: parts.length });
    // Every file of the workspace is shown in full in some part; the map in every call lists them all.
    expect([...new Set(parts.flatMap((task) => task.context.map((file) => file.path)))].sort()).to.deep.equal([...workspace].sort());
    for (const task of tasks) expect(task.map?.map((entry) => entry.path)).to.deep.equal(workspace);
    // The merge sees each part's report.
    expect(merges[0]?.context.map((file) => file.path)).to.deep.equal(parts.map((_, i) => `docs/qa/final-validation.md (part ${i + 1} of ${parts.length})`));

    // Each call fits the window: prompt + system + room for the answer, counted with the tokenizer.
    const counter = await loadTokenCounter();
    const role = getRole('final-validation-agent');
    for (const request of calls.filter((call) => call.task.agentId === role.id)) {
      expect(counter.count(blocksText(request.system)) + counter.count(blocksText(request.prompt)) + role.maxOutputTokens).to.be.at.most(window);
      expect(request.system.at(-1)?.text).to.equal(renderRoleInstructions(role));
    }
    // Each call reserved and settled on its own: one ledger entry per call.
    const run = await h.deps.prisma.agentRun.findFirstOrThrow({ where: { projectId, agentId: role.id } });
    expect(await h.deps.prisma.costLedgerEntry.count({ where: { agentRunId: run.id } })).to.equal(tasks.length);
    expect(run.inputTokens).to.be.greaterThan(0);

    // Every reviewing role judged every file it reads, whether in one call or in parts.
    const reviewers = ['code-review-agent', 'security-audit-agent', 'performance-audit-agent', 'final-validation-agent'];
    for (const agentId of reviewers) {
      const judged = workspace.filter((path) => isAllowedPath(path, getRole(agentId).reads));
      const seen = new Set(of(calls, agentId).flatMap((task) => (task.review?.kind === 'merge' ? [] : task.context.map((file) => file.path))));
      expect(judged.filter((path) => !seen.has(path)), `${agentId}: files not judged`).to.deep.equal([]);
      const split = of(calls, agentId).find((task) => task.review?.kind === 'merge');
      if (split?.review?.kind === 'merge' && agentId !== 'final-validation-agent') {
        // The offline model joins the parts' reports: each part is in the final report.
        const report = await h.deps.artifacts.current(projectId, getRole(agentId).writes[0] ?? '');
        for (let part = 1; part <= split.review.parts; part++) expect(report?.content).to.include(`## part ${part} of ${split.review.parts}`);
      }
    }

    // The merged verdict judges presence by the map: nothing that exists is reported missing.
    const report = await h.deps.artifacts.current(projectId, 'docs/qa/final-validation.md');
    expect(report?.content).to.include('## Verdict: PASS');
    expect(report?.content).to.not.include('| NO |');
  });
});
