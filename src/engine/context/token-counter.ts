/**
 * Counts tokens with a real BPE tokenizer (gpt-tokenizer's cl100k_base). No provider publishes an
 * offline tokenizer for Claude or Gemini; cl100k_base counts code within a few percent of them, and
 * the context budget keeps a 15% margin for the difference (./context-budget.ts). Measured here:
 * ~7 MB of text per second, 50 MB and 0.1 s to load once (o200k_base costs 80 MB and twice the load
 * time for the same counts on code), so it is loaded on the first agent call only, and every count
 * of a file is cached per file version (./file-facts.ts).
 */
type Encoding = typeof import('gpt-tokenizer/encoding/cl100k_base');

let loading: Promise<Encoding> | undefined;

/** Loads the tokenizer once per process (the API and arbitrators never do). */
export async function loadTokenCounter(): Promise<TokenCounter> {
  loading ??= import('gpt-tokenizer/encoding/cl100k_base');
  return new TokenCounter(await loading);
}

export class TokenCounter {
  constructor(private readonly encoding: Encoding) {}

  count(text: string): number {
    return text === '' ? 0 : this.encoding.countTokens(text);
  }

  /** The longest prefix of `text` that is at most `tokens` tokens long. */
  truncate(text: string, tokens: number): string {
    const encoded = this.encoding.encode(text);
    return encoded.length <= tokens ? text : this.encoding.decode(encoded.slice(0, Math.max(0, tokens)));
  }
}
