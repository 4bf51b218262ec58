/**
 * The one interface every model goes through: Anthropic, Gemini, Ollama and the offline model.
 * `complete` takes the rendered prompt; `task` carries the same information as structured data,
 * which real providers ignore and the offline model writes its scaffolding from.
 *
 * The prompt comes as blocks, most widely shared first (src/agents/prompt.ts): a block marked
 * `cacheBreakpoint` ends a prefix that other calls send too, so providers that cache prompts
 * (Anthropic's cache_control, Gemini's cached contents) cache up to there; the others concatenate.
 */
import type { AgentTask } from '../agents/agent-task.js';
import type { OutputContract } from '../agents/output.js';
import type { PromptBlock } from '../agents/prompt-block.js';

export type { PromptBlock };

/** The blocks' text as one string (providers without prompt caching, token estimates, tests). */
export function blocksText(blocks: readonly PromptBlock[]): string {
  return blocks.map((block) => block.text).join('\n\n');
}

/** Rough prompt size: a quarter of the characters (the answer so far included), rounded up. */
export function estimatePromptTokens(request: Pick<CompletionRequest, 'system' | 'prompt' | 'continuation'>): number {
  return Math.ceil((blocksText(request.system).length + blocksText(request.prompt).length + (request.continuation?.length ?? 0)) / 4);
}

export interface CompletionRequest {
  model: string;
  /** System instructions, shared prefix first. */
  system: PromptBlock[];
  /** The user turn, continuing the system blocks' prefix. */
  prompt: PromptBlock[];
  maxOutputTokens: number;
  task: AgentTask;
  signal?: AbortSignal;
  /**
   * The answer must be one JSON object of this schema: providers use their own mechanism
   * (Anthropic forced tool use, Gemini's response schema, Ollama's `format`). Absent: free text.
   */
  output?: OutputContract;
  /**
   * The answer so far, when an earlier call stopped at its output limit: this call continues it
   * and returns only the rest (free text, since a schema cannot describe half an object).
   */
  continuation?: string;
  /**
   * Told the output tokens of this call so far, as the answer streams in (counted from the
   * provider's own figures where it sends them, else estimated from the characters, rounded up).
   * The router uses it to keep a call within what its budget holds.
   */
  onOutputTokens?: (outputTokensSoFar: number) => void;
}

export interface TokenUsage {
  /** Every prompt token, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the provider's cache (part of `inputTokens`, billed lower). */
  cacheReadTokens?: number;
  /** Prompt tokens written to the provider's cache (part of `inputTokens`, billed higher). */
  cacheWriteTokens?: number;
  /** Tokens × seconds of explicit cache storage the call bought (Gemini, billed per hour). */
  cacheStorageTokenSeconds?: number;
}

export interface CompletionResult {
  text: string;
  usage: TokenUsage;
  model: string;
  provider: string;
  /** `max_tokens` means the answer stopped at the output limit: the router continues it in another call. */
  stopReason: 'end' | 'max_tokens';
}

export interface LlmProvider {
  readonly name: string;
  complete(request: CompletionRequest): Promise<CompletionResult>;
}
