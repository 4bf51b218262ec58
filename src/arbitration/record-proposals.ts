/**
 * Design and requirement conflicts are settled by a JSON record, not a file: the decision taken
 * for a topic ({topic, choice, reason}) or the requirement that holds ({topic, requirement, reason})
 * (src/agents/structured-records.ts). A model is shown both sides and the request, and its answer
 * is checked here before it is accepted: valid JSON of the type's schema, for the conflict's topic,
 * and — for a design decision proposed by a model — one of the two choices on the table (the
 * arbitrator picks, it does not invent a third stack). A reviewer may state any choice.
 */
import type { Conflict } from '../db/prisma-types.js';
import { decisionSchema, parseJsonAs, requirementSchema } from '../agents/structured-records.js';
import type { ProposalRequest } from './llm-proposal.js';
import type { Validation } from './proposal-validator.js';

export const isRecordConflict = (conflict: Pick<Conflict, 'type'>): boolean => conflict.type === 'design' || conflict.type === 'requirement';

const SYSTEM: Readonly<Record<'design' | 'requirement', string>> = {
  design: [
    'You settle a disagreement between two architecture agents of a generated software project about one design decision.',
    'Choose the option that best fits the request; keep the reason to one or two sentences.',
    'Answer with one JSON object in a single fenced code block and nothing else: {"topic": string, "choice": string, "reason": string}, where choice is one of the two choices given.',
  ].join(' '),
  requirement: [
    'You settle a contradiction between two statements of a software request.',
    'State the one requirement that should hold — one of the statements, or a reconciliation of both that the request supports; keep the reason to one or two sentences.',
    'Answer with one JSON object in a single fenced code block and nothing else: {"topic": string, "requirement": string, "reason": string}.',
  ].join(' '),
};

const REQUEST_CHARS = 6_000;

export function recordProposalRequest(conflict: Conflict, requirements: string): ProposalRequest {
  const type = conflict.type === 'design' ? 'design' : 'requirement';
  const request = requirements.length > REQUEST_CHARS ? `${requirements.slice(0, REQUEST_CHARS)}\n… (cut)` : requirements;
  const prompt = [
    `Topic: ${conflict.topic ?? ''}`,
    `The request:\n\`\`\`\n${request}\n\`\`\``,
    `OURS:\n\`\`\`json\n${conflict.ours ?? ''}\n\`\`\``,
    `THEIRS:\n\`\`\`json\n${conflict.theirs ?? ''}\n\`\`\``,
    type === 'design' ? 'Write the decision record.' : 'Write the requirement record.',
  ].join('\n\n');
  return { system: SYSTEM[type], prompt, finalNewline: false };
}

/** Checks a proposed record; on success `canonical` is the JSON to store as the resolution. */
export function validateRecordProposal(conflict: Conflict, content: string, options: { maxBytes: number; fromModel: boolean }): Validation & { canonical?: string } {
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > options.maxBytes) return { ok: false, reason: `the proposal is ${bytes} bytes, above the limit of ${options.maxBytes}` };
  const parsed = conflict.type === 'design' ? parseJsonAs(decisionSchema, content) : parseJsonAs(requirementSchema, content);
  if (!parsed.ok) return parsed;
  if (parsed.value.topic !== conflict.topic) return { ok: false, reason: `the proposal is about ${JSON.stringify(parsed.value.topic)}, not ${JSON.stringify(conflict.topic)}` };
  if (conflict.type === 'design' && options.fromModel && 'choice' in parsed.value) {
    const offered = [conflict.ours, conflict.theirs].map((side) => {
      const decision = parseJsonAs(decisionSchema, side ?? '');
      return decision.ok ? decision.value.choice.toLowerCase() : undefined;
    });
    if (!offered.includes(parsed.value.choice.toLowerCase())) return { ok: false, reason: `choice ${JSON.stringify(parsed.value.choice)} is neither side's (${offered.join(' or ')})` };
  }
  return { ok: true, canonical: JSON.stringify(parsed.value) };
}
