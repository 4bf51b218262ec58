/**
 * A request that names a language without a toolchain profile (Rust, Go, Java …) is built with
 * the catalogue's layout, but its stack decision must say what was asked for, so verification
 * reports it as not verifiable instead of proving a stack the user did not want.
 */
import { stackFor } from '../agents/request-kind.js';
import { decisionRecordPath, recordJson } from '../agents/structured-records.js';
import type { AgentOutput } from '../agents/output.js';
import type { AgentTask } from '../agents/agent-task.js';

export function withRequestedStack(task: AgentTask, answer: AgentOutput): AgentOutput {
  const stack = stackFor(task.analysis.kind ?? 'web-app', task.analysis.language);
  if (task.agentId !== 'tech-stack-selector' || stack.profile !== null) return answer;
  const path = decisionRecordPath(task.agentId);
  const files = answer.files.map((entry) => {
    if (entry.path !== path) return entry;
    const record = JSON.parse(entry.content) as { decisions?: Record<string, unknown> };
    const decisions = { ...record.decisions, profile: { choice: stack.choice, reason: `the request asks for ${stack.choice}, which has no toolchain profile` } };
    return { ...entry, content: recordJson({ ...record, decisions }) };
  });
  return { ...answer, files };
}
