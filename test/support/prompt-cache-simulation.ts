/**
 * Prompt caching as Anthropic does it, for the fake server: a request's blocks (system, then the
 * messages' content) in order; a prefix ending at a `cache_control` block is cached when it has at
 * least `minTokens` tokens. The longest prefix, at any block boundary up to the last breakpoint,
 * that an earlier request cached is read; from there to the last cacheable breakpoint is written;
 * the rest is plain input. Tokens are a quarter of the characters, per block, rounded up.
 */
import { createHash } from 'node:crypto';

export interface SimulatedBlock {
  text: string;
  breakpoint: boolean;
}

export interface SimulatedUsage {
  /** Prompt tokens that hit no cache (Anthropic's `input_tokens`). */
  uncached: number;
  read: number;
  written: number;
}

export const tokensOf = (text: string): number => Math.ceil(text.length / 4);

export class PromptCacheSimulation {
  private readonly cached = new Set<string>();

  constructor(readonly minTokens = 1_024) {}

  /** The usage of one request, and its breakpoints' prefixes cached for the next ones. */
  use(blocks: readonly SimulatedBlock[]): SimulatedUsage {
    const hash = createHash('sha256');
    const prefixes: { key: string; tokens: number; breakpoint: boolean }[] = [];
    let tokens = 0;
    for (const block of blocks) {
      hash.update(`${block.text.length}:${block.text}`);
      tokens += tokensOf(block.text);
      prefixes.push({ key: hash.copy().digest('hex'), tokens, breakpoint: block.breakpoint });
    }
    const last = prefixes.findLastIndex((p) => p.breakpoint && p.tokens >= this.minTokens);
    const hit = prefixes.slice(0, last + 1).findLast((p) => this.cached.has(p.key));
    const read = hit?.tokens ?? 0;
    const written = last === -1 ? 0 : (prefixes[last]?.tokens ?? 0) - read;
    for (const p of prefixes.slice(0, last + 1)) if (p.breakpoint && p.tokens >= this.minTokens) this.cached.add(p.key);
    return { uncached: tokens - read - written, read, written };
  }
}

/** The blocks of a Messages request body: `system` (a string or text blocks), then each message's content. */
export function messagesBlocks(body: unknown): SimulatedBlock[] {
  const b = body as { system?: unknown; messages?: { content?: unknown }[] };
  const blocksOf = (value: unknown): SimulatedBlock[] => {
    if (typeof value === 'string') return [{ text: value, breakpoint: false }];
    if (!Array.isArray(value)) return [];
    return (value as { text?: unknown; cache_control?: unknown }[]).map((block) => ({ text: typeof block.text === 'string' ? block.text : '', breakpoint: block.cache_control != null }));
  };
  return [...blocksOf(b.system), ...(b.messages ?? []).flatMap((message) => blocksOf(message.content))];
}
