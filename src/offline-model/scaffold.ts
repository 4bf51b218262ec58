/**
 * What every offline generator shares: the generator signature, the "generated offline" marker
 * each file starts with (in the comment syntax of its type), and lookups into the task.
 */
import { subjectSlug } from '../agents/catalog/index.js';
import type { AgentOutput } from '../agents/output.js';
import type { AgentTask, ContextFile } from '../agents/agent-task.js';
import { recordJson } from '../agents/structured-records.js';

/** One role's offline model: a pure function of the task. */
export type RoleGenerator = (task: AgentTask) => AgentOutput;

export type OutputFile = AgentOutput['files'][number];

function markerText(task: AgentTask): string {
  const title = task.analysis.title.replace(/\*\/|-->|[\r\n]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80);
  return `Generated offline by Zekka's offline model from the request "${title}": deterministic scaffolding, not written by an LLM.`;
}

const HASH_COMMENTED = /(?:^|\/)(?:Dockerfile|\.dockerignore|\.env[^/]*)$|\.(?:ya?ml|toml|sh|gitignore|py)$/;

/** The marker line for a path, in that file type's comment syntax. JSON files are refused: use `jsonFile`. */
export function markerLine(task: AgentTask, path: string): string {
  const text = markerText(task);
  if (/\.(?:ts|tsx|js|mjs|cjs|prisma)$/.test(path)) return `// ${text}`;
  if (/\.(?:md|html)$/.test(path)) return `<!-- ${text} -->`;
  if (/\.sql$/.test(path)) return `-- ${text}`;
  if (/\.css$/.test(path)) return `/* ${text} */`;
  if (HASH_COMMENTED.test(path)) return `# ${text}`;
  throw new Error(`offline model: no comment syntax known for ${path}; JSON files are avoided on purpose`);
}

/** A file that starts with the marker; `lines` are joined with newlines and end with one. */
export function file(task: AgentTask, path: string, lines: Array<string | false | undefined>): OutputFile {
  const body = lines.filter((line): line is string => typeof line === 'string');
  return { path, content: [markerLine(task, path), ...body].join('\n') + '\n' };
}

/** A JSON record (decisions, contradictions): the marker goes in its `$comment` key, JSON's conventional comment. */
export function jsonFile(task: AgentTask, path: string, value: Record<string, unknown>): OutputFile {
  return { path, content: recordJson({ $comment: markerText(task), ...value }) };
}

/** The instance subject in kebab-case, `general` when the instance has none. */
export function slugOf(task: AgentTask): string {
  return subjectSlug(task.subject);
}

/** The subject's display name: the request's own spelling, or `General`. */
export function subjectName(task: AgentTask): string {
  return task.subject ?? 'General';
}

export function contextFile(task: AgentTask, path: string): ContextFile | undefined {
  return task.context.find((candidate) => candidate.path === path);
}

export function output(summary: string, files: OutputFile[]): AgentOutput {
  return { summary, files };
}

/** A markdown bullet list, or a single "none" line for an empty one. */
export function bullets(items: string[], none = '- none'): string[] {
  return items.length > 0 ? items.map((item) => `- ${item}`) : [none];
}
