/**
 * Prompt blocks (src/models/provider.ts) as Anthropic Messages text blocks. A block that ends a
 * shared prefix gets `cache_control: {type: 'ephemeral'}` (5-minute cache, refreshed on each hit):
 * the first call writes the prefix (billed 1.25× the input price), later calls with the same
 * prefix read it (0.1×). Anthropic allows at most 4 breakpoints per request; the last ones are
 * kept, since a later breakpoint also finds the cached shorter prefixes before it (the API looks
 * back over earlier block boundaries). A prefix shorter than the model's minimum (1,024 tokens for
 * Sonnet and Opus, more for some Haiku models) is simply not cached: the API neither errs nor
 * charges a write for it, so no breakpoint has to be withheld for length.
 */
import type { TextBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';
import type { PromptBlock } from '../provider.js';

export const MAX_CACHE_BREAKPOINTS = 4;

/** `system` and the user message's content; without caching, no block carries cache_control. */
export function anthropicPrompt(system: readonly PromptBlock[], prompt: readonly PromptBlock[], caching: boolean): { system: TextBlockParam[]; content: TextBlockParam[] } {
  const blocks = [...system, ...prompt];
  const breakpoints = blocks.flatMap((block, i) => (caching && block.cacheBreakpoint && block.text !== '' ? [i] : [])).slice(-MAX_CACHE_BREAKPOINTS);
  const rendered = blocks.map((block, i): TextBlockParam | undefined =>
    block.text === '' ? undefined : { type: 'text', text: block.text, ...(breakpoints.includes(i) ? { cache_control: { type: 'ephemeral' } } : {}) },
  );
  const present = (list: (TextBlockParam | undefined)[]) => list.filter((block): block is TextBlockParam => block !== undefined);
  return { system: present(rendered.slice(0, system.length)), content: present(rendered.slice(system.length)) };
}
