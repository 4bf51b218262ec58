/**
 * Gemini's explicit context caching, used where it pays. Gemini caches prompt prefixes by itself
 * (implicit caching, no guarantee); an explicit cache (`caches.create`) guarantees the cache price
 * for every call that names it, but costs storage by the hour. A prefix is cached explicitly when
 *   - it ends at a breakpoint of the system blocks (src/agents/prompt.ts marks only prefixes that
 *     other calls of the project will send: src/engine/prompt-reuse.ts), and
 *   - it has at least the model's minimum (1,024 tokens; 4,096 for the Pro models), estimated as a
 *     quarter of its characters.
 * Otherwise the call goes out whole, the shared part first, for implicit caching.
 *
 * Caches live `TTL_SECONDS` (a project's stage runs its calls within minutes) and are found again
 * by the hash of model and prefix, in this process's memory: calls of any agent and project that
 * send the same prefix share one cache; a cache near its expiry is replaced. Two processes may
 * each create one for the same prefix, which costs one extra write, never a wrong answer. A cache
 * that cannot be created (an error, a prefix Gemini finds too short) leaves the call uncached.
 *
 * A call with a cache sends no systemInstruction (Gemini refuses both): the system blocks after
 * the cached prefix open the user turn instead.
 */
import { createHash } from 'node:crypto';
import type { GoogleGenAI } from '@google/genai';
import { blocksText, type PromptBlock } from '../provider.js';

export const TTL_SECONDS = 300;
/** A cache this close to its expiry is not used for a new call: it could expire mid-call. */
const EXPIRY_MARGIN_MS = 30_000;

/** Gemini's minimum cacheable prompt (ai.google.dev/gemini-api/docs/caching). */
export function minCacheTokens(model: string): number {
  return model.includes('-pro') ? 4_096 : 1_024;
}

/** The system blocks up to their last breakpoint (the prefix to cache), and the rest of the prompt. */
export function splitForCache(system: readonly PromptBlock[], prompt: readonly PromptBlock[]): { prefix: PromptBlock[]; rest: PromptBlock[] } | undefined {
  const last = system.findLastIndex((block) => block.cacheBreakpoint === true);
  if (last === -1) return undefined;
  return { prefix: system.slice(0, last + 1), rest: [...system.slice(last + 1), ...prompt] };
}

export interface CachedPrefix {
  /** `cachedContents/…`: what the call names as its cachedContent. */
  name: string;
  /** True when this call created the cache (its tokens were written, not read). */
  created: boolean;
  /** What follows the cached prefix: the user turn of the call. */
  rest: string;
}

interface Entry {
  name: Promise<string | undefined>;
  expiresAt: number;
}

export class GeminiContextCaches {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The cache for this request's shared prefix, created if needed; undefined when caching does not pay. */
  async forRequest(client: GoogleGenAI, model: string, system: readonly PromptBlock[], prompt: readonly PromptBlock[], abortSignal?: AbortSignal): Promise<CachedPrefix | undefined> {
    const split = splitForCache(system, prompt);
    if (!split) return undefined;
    const prefix = blocksText(split.prefix);
    if (Math.ceil(prefix.length / 4) < minCacheTokens(model)) return undefined;
    const key = createHash('sha256').update(model).update('\0').update(prefix).digest('hex');
    const rest = blocksText(split.rest);
    for (const [k, entry] of this.entries) if (entry.expiresAt <= this.now()) this.entries.delete(k);
    const known = this.entries.get(key);
    if (known && known.expiresAt - EXPIRY_MARGIN_MS > this.now()) {
      const name = await known.name;
      return name ? { name, created: false, rest } : undefined;
    }
    const creating = client.caches
      .create({ model, config: { systemInstruction: prefix, ttl: `${TTL_SECONDS}s`, displayName: `zekka-${key.slice(0, 16)}`, abortSignal } })
      .then((cache) => cache.name)
      .catch(() => undefined);
    this.entries.set(key, { name: creating, expiresAt: this.now() + TTL_SECONDS * 1_000 });
    const name = await creating;
    if (!name) {
      this.entries.delete(key);
      return undefined;
    }
    return { name, created: true, rest };
  }
}
