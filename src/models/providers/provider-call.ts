/**
 * What every provider call shares: a time-out of its own (an AbortSignal joined with the caller's),
 * the classification of whatever was thrown into a ProviderError, and the checks on the answer
 * (empty, truncated) that make a reply usable.
 */
import { isConnectionFailure, ProviderError, type ProviderErrorKind } from './provider-error.js';

export interface CallContext {
  provider: string;
  model: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Turns an SDK-specific error into a ProviderError, or returns undefined to use the generic rules. */
export type Classifier = (error: unknown, context: CallContext) => ProviderError | undefined;

/** Runs `call` with a signal that aborts after `timeoutMs` or when the caller's signal aborts. */
export async function callProvider<T>(context: CallContext, call: (signal: AbortSignal) => Promise<T>, classify: Classifier): Promise<T> {
  const { provider, model, timeoutMs } = context;
  if (context.signal?.aborted) throw new ProviderError('cancelled', 'the caller aborted before the call', { provider, model, cause: context.signal.reason });
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const signal = context.signal ? AbortSignal.any([context.signal, timer.signal]) : timer.signal;
  try {
    return await call(signal);
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    if (timer.signal.aborted) throw new ProviderError('timeout', `no answer within ${timeoutMs} ms`, { provider, model, cause: error });
    if (context.signal?.aborted) throw new ProviderError('cancelled', 'the caller aborted the call', { provider, model, cause: error });
    throw classify(error, context) ?? classifyGeneric(error, context);
  } finally {
    clearTimeout(handle);
  }
}

function classifyGeneric(error: unknown, { provider, model }: CallContext): ProviderError {
  const message = error instanceof Error ? error.message : String(error);
  let kind: ProviderErrorKind = 'server';
  if (isConnectionFailure(error)) kind = 'connection';
  else if (error instanceof SyntaxError) kind = 'bad_response';
  return new ProviderError(kind, kind === 'bad_response' ? `malformed response body: ${message}` : message, { provider, model, cause: error });
}

/** A reply the agent can use: text that is not blank, not cut off. */
export function checkAnswer(context: Pick<CallContext, 'provider' | 'model'>, text: string, truncated: boolean, maxOutputTokens: number): void {
  const { provider, model } = context;
  if (truncated) throw new ProviderError('truncated', `the answer was cut off at ${maxOutputTokens} output tokens`, { provider, model });
  if (text.trim() === '') throw new ProviderError('bad_response', 'the answer is empty', { provider, model });
}

/** A response body that does not have the shape the protocol promises. */
export function malformed(context: Pick<CallContext, 'provider' | 'model'>, what: string, cause?: unknown): ProviderError {
  return new ProviderError('bad_response', `malformed response: ${what}`, { provider: context.provider, model: context.model, cause });
}
