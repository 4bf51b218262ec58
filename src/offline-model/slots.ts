/**
 * Slot lines: the protocol that lets several agents of one stage edit a shared file from an
 * earlier stage concurrently and still merge cleanly. The earlier agent writes one line
 * `// zekka:slot <name>` per editor, with at least one ordinary line between any two slots; each
 * editor replaces only its own slot lines (keeping their indentation) and leaves every other
 * line byte-identical, so a line-based 3-way merge (diff3) of all editors' versions against the
 * original never conflicts, whatever the order.
 */
import type { AgentTask } from '../agents/agent-task.js';
import { contextFile, type OutputFile } from './scaffold.js';

/** src/server/app.ts (API Designer, stage 2) → edited by five API Development roles in stage 4. */
export const APP_SHELL_PATH = 'src/server/app.ts';
/** web/src/App.tsx (Tech Stack Selector, stage 2) → edited by four Frontend roles in stage 5. */
export const WEB_SHELL_PATH = 'web/src/App.tsx';

export const APP_SHELL_SLOTS = {
  middleware: 'middleware-developer',
  validation: 'validation-creator',
  errors: 'error-handler',
  authentication: 'authentication-manager',
  authorization: 'authorization-manager',
} as const;

export const WEB_SHELL_SLOTS = {
  routing: 'routing-manager',
  state: 'state-manager',
  'api-client': 'api-integration-specialist',
  theme: 'ui-ux-designer',
} as const;

export function slotLine(name: string, indent = ''): string {
  return `${indent}// zekka:slot ${name}`;
}

/**
 * Replaces each named slot line with its replacement lines (indented like the slot line).
 * Returns undefined when any of the slots is missing, so an editor whose shell was never written
 * (its author excluded, or no web client) writes nothing to that file.
 */
export function fillSlots(content: string, replacements: Record<string, string[]>): string | undefined {
  const lines = content.split('\n');
  for (const [name, replacement] of Object.entries(replacements)) {
    const index = lines.findIndex((line) => line.trim() === slotLine(name));
    if (index === -1) return undefined;
    const indent = /^\s*/.exec(lines[index] ?? '')?.[0] ?? '';
    lines.splice(index, 1, ...replacement.map((line) => (line === '' ? '' : indent + line)));
  }
  return lines.join('\n');
}

/**
 * An editor's version of a shared file: the context's copy with this editor's slots filled in,
 * or no file at all when the shared file or one of its slot lines is not in the context.
 */
export function editShared(task: AgentTask, path: string, replacements: Record<string, string[]>): OutputFile[] {
  const shared = contextFile(task, path);
  const edited = shared === undefined ? undefined : fillSlots(shared.content, replacements);
  return edited === undefined ? [] : [{ path, content: edited }];
}
