/**
 * The structured records agents write so the engine can see disagreements that are not file edits:
 *
 *   design       each architecture agent declares its decisions in
 *                `docs/architecture/decisions/<agent-id>.json`: {agent, decisions: {<topic>: {choice, reason}}}
 *                (topics like database, framework, auth, messaging). Two agents choosing differently
 *                for one topic is a design conflict; the settled record of the stage is
 *                `docs/architecture/decisions.json`.
 *   requirement  requirements agents flag contradictions of the request in
 *                `docs/requirements/contradictions/<agent-id>.json`: {agent, contradictions: [{topic, statements}]};
 *                each topic is a requirement conflict; the settled record is `docs/requirements/clarifications.json`.
 *
 * A conflict's sides (ours / theirs) and any proposed resolution are one JSON object of the
 * type's resolution schema, so an LLM's proposal and a reviewer's answer are checked the same way.
 */
import { z } from 'zod';

export const topicSchema = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'a topic is lower-case kebab-case, at most 41 characters');

export const DECISION_RECORDS_DIR = 'docs/architecture/decisions/';
export const SETTLED_DECISIONS_PATH = 'docs/architecture/decisions.json';
export const CONTRADICTION_RECORDS_DIR = 'docs/requirements/contradictions/';
export const SETTLED_REQUIREMENTS_PATH = 'docs/requirements/clarifications.json';

export const decisionRecordPath = (agentId: string): string => `${DECISION_RECORDS_DIR}${agentId}.json`;
export const contradictionRecordPath = (agentId: string): string => `${CONTRADICTION_RECORDS_DIR}${agentId}.json`;

/** `$comment` (the JSON Schema convention for a comment) carries the offline model's marker. */
export const decisionRecordSchema = z.object({
  $comment: z.string().optional(),
  agent: z.string().min(1).max(100),
  decisions: z.record(topicSchema, z.object({ choice: z.string().trim().min(1).max(200), reason: z.string().max(1_000).default('') })),
});

export const contradictionRecordSchema = z.object({
  $comment: z.string().optional(),
  agent: z.string().min(1).max(100),
  contradictions: z.array(z.object({ topic: topicSchema, statements: z.array(z.string().trim().min(1).max(1_000)).min(2).max(10) })).max(50),
});


/** One side of a design conflict, and the shape of its resolution: the decision taken for the topic. */
export const decisionSchema = z.object({
  topic: topicSchema,
  choice: z.string().trim().min(1).max(200),
  reason: z.string().max(2_000).optional(),
  agent: z.string().max(100).optional(),
});

/** One side of a requirement conflict, and the shape of its resolution: the requirement that holds. */
export const requirementSchema = z.object({
  topic: topicSchema,
  requirement: z.string().trim().min(1).max(2_000),
  reason: z.string().max(2_000).optional(),
});

export type Decision = z.infer<typeof decisionSchema>;
export type Requirement = z.infer<typeof requirementSchema>;

/** Parses JSON against a schema; the error names the first field at fault. */
export function parseJsonAs<S extends z.ZodType>(schema: S, text: string): { ok: true; value: z.infer<S> } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `does not match the record's schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
}

/** Stable JSON for records written to the workspace: two-space indent, final newline. */
export const recordJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
