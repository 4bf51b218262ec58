/**
 * The agents' output contract: the model answers with one JSON object
 *   {"summary": "...", "files": [{"path": "relative/path", "content": "..."}]}
 * optionally inside a ```json fence. Paths are checked separately (src/engine/workspace/workspace-paths.ts).
 */
import { z } from 'zod';

export const agentOutputSchema = z.object({
  summary: z.string().max(4_000).default(''),
  files: z
    .array(z.object({ path: z.string().min(1).max(300), content: z.string().max(200_000) }))
    .max(50),
});

export type AgentOutput = z.infer<typeof agentOutputSchema>;

/** A JSON answer a provider is held to by its own mechanism (tool input schema, response schema, format). */
export interface OutputContract {
  /** A tool name for providers that take the contract as a tool (letters, digits, `_`). */
  name: string;
  description: string;
  /** JSON Schema of the answer (an object). */
  schema: Record<string, unknown>;
}

/** The agents' file contract as a JSON Schema, for the providers' structured output. */
export const AGENT_OUTPUT_CONTRACT: OutputContract = {
  name: 'write_files',
  description: 'Write the files of your answer: a short summary and every file in full.',
  schema: jsonSchemaOf(agentOutputSchema),
};

/** A zod schema as plain JSON Schema, without the `$schema` tag some providers refuse. */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _tag, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return rest;
}

export const OUTPUT_INSTRUCTIONS =
  'Answer with one JSON object and nothing else: {"summary": string, "files": [{"path": string, "content": string}]}. ' +
  'Paths are relative to the project root, use forward slashes, and must be within the paths you may write.';

/**
 * The body of the first fenced block of model output (an opening fence, optionally `json`,
 * whitespace through a newline, then everything up to the next line starting with a fence), as
 * `/```(?:json)?\s*\n([\s\S]*?)\n```/` found it, in one pass: that pattern was quadratic in the
 * model's output on blank lines after a fence and on fences that never close.
 */
function fencedBody(text: string): string | undefined {
  for (let fence = text.indexOf('```'); fence !== -1; fence = text.indexOf('```', fence + 1)) {
    let at = fence + 3;
    if (text.startsWith('json', at)) at += 4;
    let newline = -1;
    for (; at < text.length && text.charAt(at).trim() === ''; at++) if (text.charAt(at) === '\n') newline = at;
    if (newline === -1) continue;
    const close = text.indexOf('\n```', newline + 1);
    return close === -1 ? undefined : text.slice(newline + 1, close);
  }
  return undefined;
}

export function parseAgentOutput(text: string): AgentOutput {
  const raw = (fencedBody(text) ?? text).trim();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new Error(`model output is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = agentOutputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`model output does not match the contract at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}
