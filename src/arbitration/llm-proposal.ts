/**
 * Asks one model for a resolution in one fenced block; the answer's block is the proposal. For a
 * file (code and resource conflicts) the prompt shows base / ours / theirs and asks for the whole
 * file; design and requirement conflicts render their own prompt (./record-proposals.ts). The call reserves and
 * settles on the project's budget exactly like an agent's call (src/economics/project-budget-guard.ts).
 */
import type { ProjectBudgetGuard } from '../economics/project-budget-guard.js';
import { reservationRefused } from '../models/router/routing-errors.js';
import { estimatePromptTokens } from '../models/provider.js';
import type { AgentTask } from '../agents/agent-task.js';
import type { CompletionResult, LlmProvider } from '../models/provider.js';

export interface ProposalInput {
  path: string;
  base: string;
  ours: string;
  theirs: string;
  /** What each side meant, when known (the agents that wrote them). */
  raisedBy: string;
}

/** A rendered proposal request. */
export interface ProposalRequest {
  system: string;
  prompt: string;
  /** Fences swallow a final newline: add one back when the current side ends with one. */
  finalNewline: boolean;
}

export interface ProposalCall {
  provider: LlmProvider;
  model: string;
  maxOutputTokens: number;
  budget: ProjectBudgetGuard;
  task: AgentTask;
}

export interface Proposal {
  content: string;
  result: CompletionResult;
  costMicros: bigint;
}

export const ARBITRATION_SYSTEM_PROMPT = [
  'You resolve merge conflicts between two edits of one file in a generated software project.',
  'Keep the intent of both edits where they are compatible; where they contradict, choose the one that keeps the file correct and consistent.',
  'Answer with the complete resolved file in a single fenced code block and nothing else: no conflict markers, no commentary, no elisions.',
].join(' ');

export function renderArbitrationPrompt(input: ProposalInput): string {
  const block = (label: string, text: string) => `${label}:\n\`\`\`\n${text}\n\`\`\``;
  return [
    `File: ${input.path}`,
    block('BASE (the version both edits started from)', input.base),
    block('OURS (the file as it is now)', input.ours),
    block(`THEIRS (the colliding edit by ${input.raisedBy})`, input.theirs),
    'Write the complete resolved file.',
  ].join('\n\n');
}

/** The text between the first opening fence and the last closing fence; the whole answer without one. */
export function extractFencedContent(text: string): string {
  const lines = text.split('\n');
  const open = lines.findIndex((l) => /^\s*```/.test(l));
  if (open === -1) return text.trim();
  let close = -1;
  for (let i = lines.length - 1; i > open; i--) {
    if (/^\s*```\s*$/.test(lines[i] ?? '')) {
      close = i;
      break;
    }
  }
  if (close === -1) return lines.slice(open + 1).join('\n');
  return lines.slice(open + 1, close).join('\n');
}

export function fileProposalRequest(input: ProposalInput): ProposalRequest {
  return { system: ARBITRATION_SYSTEM_PROMPT, prompt: renderArbitrationPrompt(input), finalNewline: input.ours.endsWith('\n') };
}

export async function requestProposal(rendered: ProposalRequest, call: ProposalCall): Promise<Proposal> {
  const request = { system: [{ text: rendered.system }], prompt: [{ text: rendered.prompt }], maxOutputTokens: call.maxOutputTokens };
  const reservation = await call.budget.reserve({ provider: call.provider.name, model: call.model, inputTokens: estimatePromptTokens(request), maxOutputTokens: call.maxOutputTokens });
  if (!reservation) throw reservationRefused(call.budget, `${call.provider.name}:${call.model}`);
  const started = Date.now();
  let result: CompletionResult;
  try {
    result = await call.provider.complete({ ...request, model: call.model, task: call.task });
  } catch (error) {
    await call.budget.release(reservation);
    throw error;
  }
  const settled = await call.budget.settle(reservation, result.usage, Date.now() - started);
  let content = extractFencedContent(result.text);
  if (rendered.finalNewline && !content.endsWith('\n')) content += '\n';
  return { content, result, costMicros: settled.costMicros };
}
