/**
 * What every Python generator shares: the package and distribution names, the request's kind, the
 * entities as Python identifiers, and a string literal that is safe for any request text.
 */
import { pythonDistributionName, pythonPackageName } from '../../agents/layouts/python-names.js';
import { kebabCase } from '../../agents/naming.js';
import type { RequestKind } from '../../agents/request-kind.js';
import type { AgentTask } from '../../agents/agent-task.js';

export interface PythonProgram {
  packageName: string;
  distribution: string;
  kind: RequestKind;
  title: string;
  /** At least one: the request's entities, or `Item`. */
  entities: Array<{ name: string; command: string; fields: string[] }>;
}

const KEYWORDS = new Set(['and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'id', 'name']);

/** `dueDate` → `due_date`; keywords and the fields every record has already are dropped. */
function fieldName(field: string): string | undefined {
  const snake = kebabCase(field.split(':')[0] ?? '').replaceAll('-', '_');
  return /^[a-z][a-z0-9_]*$/.test(snake) && !KEYWORDS.has(snake) ? snake : undefined;
}

export function pythonProgram(task: AgentTask): PythonProgram {
  const analysis = task.analysis;
  const names = analysis.entities.length > 0 ? analysis.entities.slice(0, 6) : ['Item'];
  return {
    packageName: pythonPackageName(analysis),
    distribution: pythonDistributionName(analysis),
    kind: analysis.kind ?? 'cli',
    title: analysis.title,
    entities: names.map((name) => ({
      name,
      command: kebabCase(name),
      fields: [...new Set((analysis.entityFields?.[name] ?? []).flatMap((field) => fieldName(field) ?? []))].slice(0, 8),
    })),
  };
}

/** A Python string literal for any text (JSON's escapes are all valid in Python). */
export function pyString(text: string): string {
  return JSON.stringify(text);
}
