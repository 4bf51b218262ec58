/**
 * Renders an agent's prompt from its task: the request, its context files, and the output contract.
 *
 * The prompt is ordered for prompt caching, most widely shared first, each level ending in a cache
 * breakpoint (src/models/provider.ts `PromptBlock`):
 *   1. what every agent of the project sends: the output contract, the request and the plan;
 *   2. the workspace the agent sees: the map of every file (the same for the whole stage), then the
 *      files it reads: most roles of a stage read the same earlier artifacts, so these
 *      come before the role (measured on examples/todo-app.md: 6 roles of stage 2 read the same
 *      3k tokens of files; with the role first, none of them could share the files);
 *   3. what every instance of the role sends: its instructions and the paths it may write;
 *   4. this task alone: its subject, a repair.
 * A provider that caches prompts bills a prefix it has seen at a fraction of the input price, so
 * the 90-odd calls of a project pay the request and the shared files in full about once.
 * Nothing task-specific may move above a breakpoint: it would make the prefix unique to one call.
 * Levels 1–3 are the system prompt, level 4 the user turn.
 */
import type { PromptBlock } from './prompt-block.js';
import type { AgentRole } from './types.js';
import type { AgentTask, ContextFile, MapEntry } from './agent-task.js';
import { OUTPUT_INSTRUCTIONS } from './output.js';
import { PLAN_INSTRUCTIONS, PLAN_PATH, renderPlanForPrompt } from './plan.js';
import { CONTRADICTION_RECORDS_DIR, DECISION_RECORDS_DIR } from './structured-records.js';

/** How to write the structured records (./structured-records.ts) a role's paths include. */
const RECORD_INSTRUCTIONS: readonly [dir: string, text: string][] = [
  [PLAN_PATH, PLAN_INSTRUCTIONS],
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

/** Whether other calls will send the prefix up to the files, up to the role (see src/engine/prompt-reuse.ts). */
export interface PromptReuse {
  files: boolean;
  role: boolean;
}

type SystemPromptTask = Pick<AgentTask, 'projectName' | 'requirements' | 'plan' | 'context' | 'map'>;

/**
 * Levels 1 to 3: the project's shared block, the workspace the agent sees (the map, then the files
 * it reads), the role's own block. Every level is the same text whatever `reuse` says; `reuse` only
 * withholds the breakpoints of prefixes no other call will send (a cache write that is never read
 * costs more than no cache at all). The map is the stage's whole workspace: every agent of the
 * stage sends it, so it always ends a cacheable prefix.
 */
export function renderSystemPrompt(role: AgentRole, task: SystemPromptTask, reuse: PromptReuse = { files: true, role: true }): PromptBlock[] {
  const map = renderWorkspaceMap(task.map ?? []);
  const files = renderContextFiles(task.context);
  return [
    { text: renderSharedInstructions(task), cacheBreakpoint: true },
    ...(map === '' ? [] : [{ text: map, cacheBreakpoint: true }]),
    ...(files === '' ? [] : [{ text: files, cacheBreakpoint: reuse.files }]),
    { text: renderRoleInstructions(role), cacheBreakpoint: reuse.role },
  ];
}

/** What every agent of the project is told, word for word the same (the plan once the Requirements stage wrote it). */
export function renderSharedInstructions(task: Pick<AgentTask, 'projectName' | 'requirements' | 'plan'>): string {
  return [
    SHARED_INSTRUCTIONS,
    `${OUTPUT_INSTRUCTIONS} ${EDIT_INSTRUCTIONS}`,
    `# Project: ${task.projectName}`,
    `## The request\n${task.requirements}`,
    ...(task.plan ? [renderPlanForPrompt(task.plan)] : []),
  ].join('\n\n');
}

export function renderRoleInstructions(role: AgentRole): string {
  const records = RECORD_INSTRUCTIONS.filter(([dir]) => role.writes.some((path) => path.startsWith(dir))).map(([, text]) => `\n${text}`);
  return `## Your role\n${role.systemPrompt}\n\nYou may write only these paths: ${role.writes.join(', ')}.${records.join('')}`;
}

/** Level 4: what this task alone asks. */
export function renderPrompt(task: AgentTask): PromptBlock[] {
  return [{ text: renderTaskPart(task) }];
}

/** Every file of the workspace with what it holds or exports (empty without a map). */
export function renderWorkspaceMap(map: readonly MapEntry[]): string {
  if (map.length === 0) return '';
  const lines = map.map((entry) => `- ${entry.path}: ${entry.summary}`).join('\n');
  return `## Workspace map\nEvery file of the workspace (${map.length}), with what it holds or exports. A file listed here exists, even when its content is not shown.\n${lines}`;
}

/** The existing files an agent reads, in the order given (empty when there are none). */
export function renderContextFiles(files: readonly ContextFile[]): string {
  return files.map((file) => `## Existing file ${file.path} (version ${file.version})\n\`\`\`\n${file.content}\n\`\`\``).join('\n\n');
}

/** For a reviewing role whose files were split into parts: which part this call judges, or that it merges them. */
function renderReviewNote(review: AgentTask['review']): string {
  if (review?.kind === 'part') {
    return `## Your part (${review.part} of ${review.parts})\nThe files to judge do not fit one call: judge the files shown in full; the other parts judge the rest of the map. Report on these files only; a later call merges the parts' reports into one.`;
  }
  if (review?.kind === 'merge') {
    return `## Merge the ${review.parts} parts\nThe files were judged in ${review.parts} parts; their reports are shown as files named "<report> (part N of ${review.parts})". Write the one final report from them (one verdict for the whole workspace), judging existence by the map.`;
  }
  return '';
}

function renderTaskPart(task: AgentTask): string {
  const parts = [
    task.subject ? `## Your subject\n${task.subject}` : '',
    renderReviewNote(task.review),
    task.repair
      ? `## Repair (round ${task.repair.round})\nThe software was built and its checks run; they failed. Fix ${task.repair.files.join(', ')} so that they pass, changing nothing else. What failed:\n\`\`\`\n${task.repair.failure}\n\`\`\``
      : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join('\n\n') : '## Your task\nWrite the files of your role for this project.';
}
