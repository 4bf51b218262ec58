/**
 * `npm run bench:context`: what agents see of the todo demo's workspace, and what it costs to decide.
 * No database: the workspace is built by the offline model in process (test/agents/simulate.ts).
 * Prints the tokenizer's load cost, the workspace's size in real tokens against the old chars/4
 * estimate, the time to plan one agent's context cold (every file summarised and counted) and warm
 * (cached per file version) against the old character loop measured in the same run, how many
 * roles now see every file they read against the old 24,000-character cut, and how many calls the
 * final validation makes at several context windows.
 */
import { loadavg } from 'node:os';
import { readFile } from 'node:fs/promises';
import { getRole } from '../src/agents/catalog/index.js';
import { analyzeRequest } from '../src/agents/request-analysis.js';
import { selectAgents } from '../src/agents/selection.js';
import { renderSystemPrompt, renderWorkspaceMap } from '../src/agents/prompt.js';
import { blocksText } from '../src/models/provider.js';
import { contentBudget } from '../src/engine/context/context-budget.js';
import { planContext, workspaceMap } from '../src/engine/context/context-plan.js';
import { FileFactsCache } from '../src/engine/context/file-facts.js';
import { loadTokenCounter } from '../src/engine/context/token-counter.js';
import { isAllowedPath } from '../src/engine/workspace/workspace-paths.js';
import { simulate } from '../test/agents/simulate.js';

const OLD_CONTEXT_CHARS = 24_000;

function time<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

async function main(): Promise<void> {
  console.log(`load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  // First, before anything else allocates: what the tokenizer itself costs.
  const rssBefore = process.memoryUsage().rss;
  const loaded = performance.now();
  const counter = await loadTokenCounter();
  console.log(`tokenizer: loaded in ${(performance.now() - loaded).toFixed(0)} ms, +${((process.memoryUsage().rss - rssBefore) / 1e6).toFixed(0)} MB RSS`);
  const requirements = await readFile('examples/todo-app.md', 'utf8');
  const analysis = analyzeRequest(requirements);
  const plan = selectAgents(analysis);
  const workspace = simulate(requirements, analysis, plan.filter((instance) => instance.stage < 10));
  const paths = [...workspace.files.keys()].sort();
  const snapshot = { versions: paths.map((path) => ({ path, version: workspace.files.get(path)?.version ?? 1 })), contents: new Map(paths.map((path) => [path, workspace.files.get(path)?.content ?? ''])) };

  const chars = paths.reduce((sum, path) => sum + (snapshot.contents.get(path)?.length ?? 0), 0);
  const tokens = paths.reduce((sum, path) => sum + counter.count(snapshot.contents.get(path) ?? ''), 0);
  console.log(`todo workspace before QA: ${paths.length} files, ${chars} chars, ${tokens} tokens (chars/4 estimate ${Math.ceil(chars / 4)}, ratio ${(tokens / (chars / 4)).toFixed(2)})`);

  const validation = getRole('final-validation-agent');
  const facts = new FileFactsCache();
  const input = (budgetTokens: number, cache = facts) => ({ projectId: 'bench', snapshot, reads: validation.reads, writes: validation.writes, repairing: [], reviews: true, budgetTokens, counter, facts: cache });
  const cold = time(() => planContext(input(1_000_000, new FileFactsCache())));
  planContext(input(1_000_000));
  const rounds = 200;
  const warm = time(() => {
    for (let i = 0; i < rounds; i++) planContext(input(1_000_000));
  });
  const baseline = time(() => {
    for (let i = 0; i < rounds; i++) {
      let budget = OLD_CONTEXT_CHARS;
      const kept: string[] = [];
      for (const path of paths) {
        const content = snapshot.contents.get(path) ?? '';
        if (!isAllowedPath(path, validation.reads) || content.length > budget) continue;
        budget -= content.length;
        kept.push(content);
      }
    }
  });
  const warmMs = warm.ms / rounds;
  const baselineMs = baseline.ms / rounds;
  console.log(`plan one agent's context: cold ${cold.ms.toFixed(1)} ms (every file summarised and counted), warm ${warmMs.toFixed(2)} ms; old character loop ${baselineMs.toFixed(2)} ms (ratio ${(warmMs / baselineMs).toFixed(1)}x)`);
  const map = workspaceMap(input(0));
  console.log(`workspace map: ${map.length} lines, ${counter.count(renderWorkspaceMap(map))} tokens`);

  let seesAllNow = 0;
  let seesAllBefore = 0;
  const roles = [...new Set(plan.map((instance) => instance.agentId))];
  for (const id of roles) {
    const role = getRole(id);
    const readable = paths.filter((path) => isAllowedPath(path, role.reads));
    const budgetTokens = contentBudget({ windowTokens: 200_000, systemTokens: 0, frameTokens: counter.count(blocksText(renderSystemPrompt(role, { projectName: 'todo', requirements, map, context: [] }))), maxOutputTokens: role.maxOutputTokens });
    const shown = new Set(planContext({ ...input(budgetTokens), reads: role.reads, writes: role.writes, reviews: role.reviews === true }).batches.flat().map((file) => file.path));
    if (readable.every((path) => shown.has(path))) seesAllNow += 1;
    let budget = OLD_CONTEXT_CHARS;
    let all = true;
    for (const path of readable) {
      const length = snapshot.contents.get(path)?.length ?? 0;
      if (length > budget) all = false;
      else budget -= length;
    }
    if (all) seesAllBefore += 1;
  }
  console.log(`roles that see every file they read (200k window): ${seesAllNow} of ${roles.length} now, ${seesAllBefore} of ${roles.length} with the old ${OLD_CONTEXT_CHARS}-char cut`);

  for (const window of [200_000, 64_000, 32_000]) {
    const budgetTokens = contentBudget({ windowTokens: window, systemTokens: 0, frameTokens: counter.count(blocksText(renderSystemPrompt(validation, { projectName: 'todo', requirements, map, context: [] }))) + 100, maxOutputTokens: validation.maxOutputTokens });
    const planned = planContext(input(budgetTokens));
    const shown = new Set(planned.batches.flat().map((file) => file.path));
    const calls = planned.batches.length === 1 ? 1 : planned.batches.length + 1;
    console.log(`final validation at a ${window}-token window: ${calls} call(s), ${shown.size} of ${paths.length} files in full`);
  }
  console.log(`file facts cached: ${facts.size} versions`);
}

await main();
