/**
 * Test helper: runs the offline model over a whole plan the way the engine does, without Redis or
 * PostgreSQL. Stages run in order; each agent gets the earlier stages' files matching its `reads`
 * as context; files written by several agents of one stage are merged with node-diff3 against the
 * version the stage started from, and any merge conflict is recorded.
 */
import { merge } from 'node-diff3';
import picomatch from 'picomatch';
import { getRole } from '../../src/agents/catalog/index.js';
import type { AgentInstance, RequestAnalysis, StageNumber } from '../../src/agents/types.js';
import { generateOffline } from '../../src/offline-model/index.js';
import type { AgentTask, ContextFile } from '../../src/agents/agent-task.js';
import type { AgentOutput } from '../../src/agents/output.js';

export interface Workspace {
  files: Map<string, { content: string; version: number }>;
  outputs: Map<string, AgentOutput>;
  conflicts: string[];
}

export function matches(path: string, globs: readonly string[]): boolean {
  return picomatch([...globs], { dot: true })(path);
}

export function taskFor(requirements: string, analysis: RequestAnalysis, instance: AgentInstance, context: ContextFile[] = []): AgentTask {
  return {
    projectId: 'project-1',
    projectName: analysis.title,
    requirements,
    analysis,
    stage: instance.stage,
    agentId: instance.agentId,
    instanceKey: instance.instanceKey,
    subject: instance.subject,
    context,
  };
}

/** 3-way merge of every version of one file against its base; undefined on a conflict. */
export function mergeAll(base: string, versions: string[]): string | undefined {
  const o = base.split('\n');
  let merged = o;
  for (const version of versions) {
    const result = merge(merged, o, version.split('\n'));
    if (result.conflict) return undefined;
    merged = result.result;
  }
  return merged.join('\n');
}

export function simulate(requirements: string, analysis: RequestAnalysis, plan: AgentInstance[]): Workspace {
  const workspace: Workspace = { files: new Map(), outputs: new Map(), conflicts: [] };
  for (let stage = 1; stage <= 10; stage += 1) {
    const writes = new Map<string, string[]>();
    for (const instance of plan.filter((candidate) => candidate.stage === (stage as StageNumber))) {
      const role = getRole(instance.agentId);
      const context = [...workspace.files]
        .filter(([path]) => matches(path, role.reads))
        .map(([path, file]) => ({ path, content: file.content, version: file.version }));
      const output = generateOffline(taskFor(requirements, analysis, instance, context));
      workspace.outputs.set(instance.instanceKey, output);
      for (const file of output.files) writes.set(file.path, [...(writes.get(file.path) ?? []), file.content]);
    }
    for (const [path, versions] of writes) {
      const previous = workspace.files.get(path);
      const merged = versions.length === 1 ? versions[0] : mergeAll(previous?.content ?? '', versions);
      if (merged === undefined) {
        workspace.conflicts.push(path);
        continue;
      }
      workspace.files.set(path, { content: merged, version: (previous?.version ?? 0) + 1 });
    }
  }
  return workspace;
}
