/**
 * The workspace layout a request's profile gives each role. The catalogue holds the Node/TypeScript
 * layout; a Python program replaces the paths (and the selection) of the roles its layout lists
 * (src/agents/layouts/python-layout.ts) and leaves out the roles it has no place for. Selection,
 * the agent's allowed paths and the stage's "did it produce its files" check all read the role
 * through here, so the three always agree.
 */
import { PYTHON_LAYOUT } from './layouts/python-layout.js';
import { pythonPackageName } from './layouts/python-names.js';
import { stackFor } from './request-kind.js';
import type { AgentRole, RequestAnalysis } from './types.js';

export type LayoutId = 'python' | 'catalogue';

export function layoutOf(analysis: RequestAnalysis): LayoutId {
  return stackFor(analysis.kind ?? 'web-app', analysis.language).profile === 'python' ? 'python' : 'catalogue';
}

function onlyDocs(role: AgentRole): boolean {
  return role.writes.every((path) => path.startsWith('docs/'));
}

/** The role as this request's layout has it, or undefined when the layout has no place for it. */
export function roleInLayout(role: AgentRole, analysis: RequestAnalysis): AgentRole | undefined {
  if (layoutOf(analysis) === 'catalogue') return role;
  const entry = Object.hasOwn(PYTHON_LAYOUT, role.id) ? PYTHON_LAYOUT[role.id] : undefined;
  if (entry === undefined) return onlyDocs(role) ? role : undefined;
  const packageName = pythonPackageName(analysis);
  const fill = (paths: string[]): string[] => paths.map((path) => path.replaceAll('{package}', packageName));
  return {
    ...role,
    ...entry,
    systemPrompt: (entry.systemPrompt ?? role.systemPrompt).replaceAll('{package}', packageName),
    writes: fill(entry.writes ?? role.writes),
    produces: fill(entry.produces ?? role.produces),
  };
}
