/**
 * Renders an agent's prompt from its task: the request, its context files, and the output contract.
 *
 * The prompt is ordered for prompt caching, most widely shared first, each level ending in a cache
 * breakpoint (src/models/provider.ts `PromptBlock`):
 *   1. what every agent of the project sends: the output contract and the request;
 *   2. what every instance of the role sends: its instructions and the paths it may write;
 *   3. the files the role reads (the same for its instances in one stage);
 *   4. this task alone: its subject, a repair.
 * A provider that caches prompts bills a prefix it has seen at a fraction of the input price, so
 * the 90-odd calls of a project pay the request and the shared files in full about once.
 * Nothing task-specific may move above a breakpoint: it would make the prefix unique to one call.
 */
import type { PromptBlock } from '../models/provider.js';
import type { AgentRole } from './types.js';
import type { AgentTask, ContextFile } from './agent-task.js';
import { OUTPUT_INSTRUCTIONS } from './output.js';
import { CONTRADICTION_RECORDS_DIR, DECISION_RECORDS_DIR } from './structured-records.js';

/** How to write the structured records (./structured-records.ts) a role's paths include. */
const RECORD_INSTRUCTIONS: readonly [dir: string, text: string][] = [
  [
    DECISION_RECORDS_DIR,
    'Declare each technology decision you make (topics such as database, framework, auth, messaging) in your decisions record, as JSON: {"agent": "<your role id>", "decisions": {"<topic>": {"choice": "<lower-case name>", "reason": "<why>"}}}.',
  ],
  [
    CONTRADICTION_RECORDS_DIR,
    'When two statements of the request cannot both hold, list them in your contradictions record, as JSON: {"agent": "<your role id>", "contradictions": [{"topic": "<kebab-case>", "statements": ["<one>", "<the other>"]}]}; write no record when there are none.',
  ],
];

const SHARED_INSTRUCTIONS =
  'You are one of the agents that build a software project together, each in its own role; your role and your task follow the request.';
const EDIT_INSTRUCTIONS = 'To edit an existing file, return its full new content under the same path.';

/** Levels 1 and 2: the project's shared block, then the role's own. */
export function renderSystemPrompt(role: AgentRole, task: Pick<AgentTask, 'projectName' | 'requirements'>): PromptBlock[] {
  return [
    { text: renderSharedInstructions(task), cacheBreakpoint: true },
    { text: renderRoleInstructions(role), cacheBreakpoint: true },
  ];
}

/** What every agent of the project is told, word for word the same. */
export function renderSharedInstructions(task: Pick<AgentTask, 'projectName' | 'requirements'>): string {
  return [SHARED_INSTRUCTIONS, `${OUTPUT_INSTRUCTIONS} ${EDIT_INSTRUCTIONS}`, `# Project: ${task.projectName}`, `## The request\n${task.requirements}`].join('\n\n');
}

export function renderRoleInstructions(role: AgentRole): string {
  const records = RECORD_INSTRUCTIONS.filter(([dir]) => role.writes.some((path) => path.startsWith(dir))).map(([, text]) => `\n${text}`);
  return `## Your role\n${role.systemPrompt}\n\nYou may write only these paths: ${role.writes.join(', ')}.${records.join('')}`;
}

/** Levels 3 and 4: the files the role reads, then what this task alone asks. */
export function renderPrompt(task: AgentTask): PromptBlock[] {
  const files = renderContextFiles(task.context);
  return [...(files === '' ? [] : [{ text: files, cacheBreakpoint: true }]), { text: renderTaskPart(task) }];
}

/** The existing files an agent reads, in the order given (empty when there are none). */
export function renderContextFiles(files: readonly ContextFile[]): string {
  return files.map((file) => `## Existing file ${file.path} (version ${file.version})\n\`\`\`\n${file.content}\n\`\`\``).join('\n\n');
}

function renderTaskPart(task: AgentTask): string {
  const parts = [
    task.subject ? `## Your subject\n${task.subject}` : '',
    task.repair
      ? `## Repair (round ${task.repair.round})\nThe software was built and its checks run; they failed. Fix ${task.repair.files.join(', ')} so that they pass, changing nothing else. What failed:\n\`\`\`\n${task.repair.failure}\n\`\`\``
      : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join('\n\n') : '## Your task\nWrite the files of your role for this project.';
}
