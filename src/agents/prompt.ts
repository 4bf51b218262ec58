/** Renders an agent's prompt from its task: the request, its context files, and the output contract. */
import type { AgentRole } from './types.js';
import type { AgentTask } from './agent-task.js';
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

export function renderSystemPrompt(role: AgentRole): string {
  const records = RECORD_INSTRUCTIONS.filter(([dir]) => role.writes.some((path) => path.startsWith(dir))).map(([, text]) => `\n${text}`);
  return `${role.systemPrompt}\n\nYou may write only these paths: ${role.writes.join(', ')}.${records.join('')}\n${OUTPUT_INSTRUCTIONS}`;
}

export function renderPrompt(task: AgentTask): string {
  const parts = [
    `# Project: ${task.projectName}`,
    `## The request\n${task.requirements}`,
    task.plan ? renderPlanForPrompt(task.plan) : '',
    task.subject ? `## Your subject\n${task.subject}` : '',
    renderContext(task),
    task.repair
      ? `## Repair (round ${task.repair.round})\nThe software was built and its checks run; they failed. Fix ${task.repair.files.join(', ')} so that they pass, changing nothing else. What failed:\n\`\`\`\n${task.repair.failure}\n\`\`\``
      : '',
    'To edit an existing file, return its full new content under the same path.',
  ];
  return parts.filter((p) => p !== '').join('\n\n');
}

/**
 * The workspace as the agent sees it: the map of every file, the files given in full, and for a
 * reviewing role split into parts, which part this is. The one place context reaches the prompt.
 */
export function renderContext(task: Pick<AgentTask, 'context' | 'map' | 'review'>): string {
  const parts: string[] = [];
  if (task.map && task.map.length > 0) {
    parts.push(
      `## Workspace map\nEvery file of the workspace (${task.map.length}), with what it holds or exports. A file listed here exists, even when its content is not shown below.\n` +
        task.map.map((entry) => `- ${entry.path}: ${entry.summary}`).join('\n'),
    );
  }
  if (task.review?.kind === 'part') {
    parts.push(
      `## Your part (${task.review.part} of ${task.review.parts})\nThe files to judge do not fit one call: judge the files shown in full below; the other parts judge the rest of the map. Report on these files only; a later call merges the parts' reports into one.`,
    );
  } else if (task.review?.kind === 'merge') {
    parts.push(
      `## Merge the ${task.review.parts} parts\nThe files were judged in ${task.review.parts} parts; their reports are shown below as files named "<report> (part N of ${task.review.parts})". Write the one final report from them (one verdict for the whole workspace), judging existence by the map.`,
    );
  }
  parts.push(...task.context.map((file) => `## Existing file ${file.path} (version ${file.version})\n\`\`\`\n${file.content}\n\`\`\``));
  return parts.join('\n\n');
}
