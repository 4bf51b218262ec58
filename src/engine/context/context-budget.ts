/**
 * The tokens one agent call may spend on file contents: the model's context window, less a margin
 * (our tokenizer is not the provider's, ./token-counter.ts: Claude's and Gemini's may count the same
 * text higher than cl100k_base, and a prompt over the window is refused outright), the system
 * prompt, the rest of the prompt (request, subject, map, instructions) and the room for the answer.
 */
export const TOKENIZER_MARGIN = 0.15;

export interface BudgetInput {
  /** The context window the call can count on (src/models/model-catalog.ts `tierContextWindow`). */
  windowTokens: number;
  systemTokens: number;
  /** The prompt without any file content. */
  frameTokens: number;
  maxOutputTokens: number;
}

export class ContextWindowTooSmallError extends Error {
  constructor(input: BudgetInput) {
    super(
      `the prompt without any file (${input.systemTokens + input.frameTokens} tokens) and the answer (${input.maxOutputTokens} tokens) do not fit ` +
        `the ${input.windowTokens}-token context window (less a ${TOKENIZER_MARGIN * 100}% margin): raise MODEL_CONTEXT_WINDOWS / MODEL_CONTEXT_TOKENS or use a model with a larger window`,
    );
    this.name = 'ContextWindowTooSmallError';
  }
}

export function contentBudget(input: BudgetInput): number {
  const budget = Math.floor(input.windowTokens * (1 - TOKENIZER_MARGIN)) - input.systemTokens - input.frameTokens - input.maxOutputTokens;
  if (budget < 0) throw new ContextWindowTooSmallError(input);
  return budget;
}
