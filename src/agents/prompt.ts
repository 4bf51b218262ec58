/** Renders an agent's prompt from its task: the request, its context files, and the output contract. */
import type { AgentRole } from './types.js';
import type { AgentTask } from '../models/provider.js';
import { OUTPUT_INSTRUCTIONS } from './output.js';

export function renderSystemPrompt(role: AgentRole): string {
  return `${role.systemPrompt}\n\nYou may write only these paths: ${role.writes.join(', ')}.\n${OUTPUT_INSTRUCTIONS}`;
}

export function renderPrompt(task: AgentTask): string {
  const parts = [
    `# Project: ${task.projectName}`,
    `## The request\n${task.requirements}`,
    task.subject ? `## Your subject\n${task.subject}` : '',
    ...task.context.map((file) => `## Existing file ${file.path} (version ${file.version})\n\`\`\`\n${file.content}\n\`\`\``),
    'To edit an existing file, return its full new content under the same path.',
  ];
  return parts.filter((p) => p !== '').join('\n\n');
}
