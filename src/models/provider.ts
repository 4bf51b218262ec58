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
import type { PromptBlock } from '../agents/prompt-block.js';

export type { PromptBlock };

/** The blocks' text as one string (providers without prompt caching, token estimates, tests). */
export function blocksText(blocks: readonly PromptBlock[]): string {
  return blocks.map((block) => block.text).join('\n\n');
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
  /** `max_tokens` means the answer was cut off: the caller treats it as an error. */
  stopReason: 'end' | 'max_tokens';
}

export interface LlmProvider {
  readonly name: string;
  complete(request: CompletionRequest): Promise<CompletionResult>;
}
