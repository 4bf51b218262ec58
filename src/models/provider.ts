/**
 * The one interface every model goes through: Anthropic, Gemini, Ollama and the offline model.
 * `complete` takes the rendered prompt; `task` carries the same information as structured data,
 * which real providers ignore and the offline model writes its scaffolding from.
 */
import type { AgentTask } from '../agents/agent-task.js';

export interface CompletionRequest {
  model: string;
  system: string;
  prompt: string;
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
