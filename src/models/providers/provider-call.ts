/**
 * What every provider call shares: a time-out of its own (an AbortSignal joined with the caller's),
 * the classification of whatever was thrown into a ProviderError (with what a stream had produced
 * before it failed), the output meter of a streamed answer, and the checks on the answer.
 */
import type { TokenUsage } from '../provider.js';
import { isConnectionFailure, ProviderError, type ProviderErrorKind } from './provider-error.js';

export interface CallContext {
  provider: string;
  model: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** What a streamed call had produced so far; attached to the error when it fails. */
  consumed?: () => TokenUsage | undefined;
}

/**
 * Characters per output token when the provider has not said yet. Code and JSON run at about
 * 3.2–4 characters a token; 3 counts high, so a budget is asked for more a little early, never late.
 */
const CHARS_PER_TOKEN = 3;

/**
 * Counts a streamed answer's output tokens: the provider's own running count where it sends one
 * (Gemini), else the characters received (Anthropic, Ollama send their count only at the end).
 * Tells `onTokens` every time the count grows.
 */
export class OutputMeter {
  private chars = 0;
  private reported = 0;
  private told = 0;

  constructor(private readonly onTokens?: (outputTokensSoFar: number) => void) {}

  get tokens(): number {
    return Math.max(this.reported, Math.ceil(this.chars / CHARS_PER_TOKEN));
  }

  addText(text: string): void {
    this.chars += text.length;
    this.tell();
  }

  /** The provider's own cumulative output count. */
  report(outputTokens: number): void {
    if (outputTokens > this.reported) this.reported = outputTokens;
    this.tell();
  }

  /** What was produced before a failure: undefined when no output was, so nothing is billed. */
  consumed(inputTokens: number): TokenUsage | undefined {
    return this.tokens > 0 ? { inputTokens, outputTokens: this.tokens } : undefined;
  }

  private tell(): void {
    const tokens = this.tokens;
    if (tokens <= this.told) return;
    this.told = tokens;
    this.onTokens?.(tokens);
  }
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
    const failure = classifyFailure(error, context, timer.signal, classify);
    failure.consumed ??= context.consumed?.();
    throw failure;
  } finally {
    clearTimeout(handle);
  }
}

function classifyFailure(error: unknown, context: CallContext, timer: AbortSignal, classify: Classifier): ProviderError {
  const { provider, model, timeoutMs } = context;
  if (error instanceof ProviderError) return error;
  if (timer.aborted) return new ProviderError('timeout', `no answer within ${timeoutMs} ms`, { provider, model, cause: error });
  if (context.signal?.aborted) return new ProviderError('cancelled', 'the caller aborted the call', { provider, model, cause: context.signal.reason ?? error });
  return classify(error, context) ?? classifyGeneric(error, context);
}

function classifyGeneric(error: unknown, { provider, model }: CallContext): ProviderError {
  const message = error instanceof Error ? error.message : String(error);
  let kind: ProviderErrorKind = 'server';
  if (isConnectionFailure(error)) kind = 'connection';
  else if (error instanceof SyntaxError) kind = 'bad_response';
  return new ProviderError(kind, kind === 'bad_response' ? `malformed response body: ${message}` : message, { provider, model, cause: error });
}

/**
 * A reply the agent can use: text that is not blank. One cut off at the output limit is returned
 * as such (`stopReason: 'max_tokens'`): the router continues it in another call.
 */
export function checkAnswer(context: Pick<CallContext, 'provider' | 'model'>, text: string, truncated: boolean): void {
  const { provider, model } = context;
  if (!truncated && text.trim() === '') throw new ProviderError('bad_response', 'the answer is empty', { provider, model });
}

/** A stream that ended without the event that closes a complete answer. */
export function interrupted(context: Pick<CallContext, 'provider' | 'model'>, what: string, cause?: unknown): ProviderError {
  return new ProviderError('interrupted', `the stream stopped without ${what}`, { provider: context.provider, model: context.model, cause });
}

/** A response body that does not have the shape the protocol promises. */
export function malformed(context: Pick<CallContext, 'provider' | 'model'>, what: string, cause?: unknown): ProviderError {
  return new ProviderError('bad_response', `malformed response: ${what}`, { provider: context.provider, model: context.model, cause });
}
