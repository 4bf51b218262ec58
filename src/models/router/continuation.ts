/**
 * An answer that stops at its output limit goes on in a follow-up call: the request again with
 * the answer so far as `continuation` (each provider renders it its own way: an assistant prefill,
 * a model turn plus "continue"), through the router again — so each part is its own model call
 * with its own reservation, and the budget sees every one. The parts are joined; usage, cost and
 * switches add up. After `maxContinuations` the answer is still cut off: a `truncated` error.
 */
import type { CompletionResult } from '../provider.js';
import { ProviderError } from '../providers/provider-error.js';

/** What a routed call returns (model-router.ts's RoutedResult, structurally: that module imports this one). */
type Part = CompletionResult & { costMicros: bigint; switches: unknown[] };

export const DEFAULT_MAX_CONTINUATIONS = 4;

/** `call(request, previous)`: one routed call; `previous` is the part before (its model is the one to prefer). */
export type PartCall<R, T extends Part> = (request: R, previous: T | undefined) => Promise<T>;

export async function completeInParts<R extends { continuation?: string }, T extends Part>(request: R, call: PartCall<R, T>, maxContinuations = DEFAULT_MAX_CONTINUATIONS): Promise<T> {
  let part = await call(request, undefined);
  let text = part.text;
  let usage = { ...part.usage };
  let costMicros = part.costMicros;
  const switches = [...part.switches];
  for (let continued = 0; part.stopReason === 'max_tokens'; continued++) {
    if (continued >= maxContinuations) {
      throw new ProviderError('truncated', `the answer was still cut off after ${maxContinuations} continuations (${usage.outputTokens} output tokens)`, {
        provider: part.provider,
        model: part.model,
      });
    }
    part = await call({ ...request, continuation: (request.continuation ?? '') + text }, part);
    text += part.text;
    usage = {
      inputTokens: usage.inputTokens + part.usage.inputTokens,
      outputTokens: usage.outputTokens + part.usage.outputTokens,
      ...sum('cacheReadTokens', usage.cacheReadTokens, part.usage.cacheReadTokens),
      ...sum('cacheWriteTokens', usage.cacheWriteTokens, part.usage.cacheWriteTokens),
    };
    costMicros += part.costMicros;
    switches.push(...part.switches);
  }
  return { ...part, text, usage, costMicros, switches };
}

function sum<K extends string>(key: K, a: number | undefined, b: number | undefined): Partial<Record<K, number>> {
  return a === undefined && b === undefined ? {} : ({ [key]: (a ?? 0) + (b ?? 0) } as Record<K, number>);
}
