/**
 * The one interface every model goes through: Anthropic, Gemini, Ollama and the offline model.
 * `complete` takes the rendered prompt; `task` carries the same information as structured data,
 * which real providers ignore and the offline model writes its scaffolding from.
 */
import type { AgentTask } from '../agents/agent-task.js';
import type { OutputContract } from '../agents/output.js';

export interface CompletionRequest {
  model: string;
  system: string;
  prompt: string;
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
