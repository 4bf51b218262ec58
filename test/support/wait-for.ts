/**
 * Bounded polling for states no event announces. Every wait names what it waits for, so a
 * failure reads "waited 30 s for <what> (last seen: …)" instead of mocha's bare "Timeout of
 * 120000ms exceeded". A check that itself hangs (a fetch, a query) is cut off at the deadline too.
 */
import { inspect } from 'node:util';

export interface WaitOptions {
  /** Give up after this long (default 30 s); keep it below the test's own mocha timeout. */
  timeoutMs?: number;
  /** Pause between checks (default 50 ms). */
  intervalMs?: number;
}

/** Records what a check saw, for the failure message; returns its argument so it can wrap an expression. */
export type Note = <T>(observed: T) => T;

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

const NOTHING = Symbol('nothing observed');

/**
 * Polls `check` until it returns true, or throws a WaitTimeoutError naming `what` and the last
 * value passed to `note`. Errors thrown by `check` end the wait at once.
 *
 *   await waitFor('the root job to fail', async (note) => note(await job.getState()) === 'failed');
 */
export async function waitFor(what: string, check: (note: Note) => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  let observed: unknown = NOTHING;
  const note: Note = (value) => {
    observed = value;
    return value;
  };
  const fail = (suffix = '') => {
    const seen = observed === NOTHING ? '' : ` (last seen: ${inspect(observed, { depth: 3, breakLength: Infinity, maxStringLength: 500 })})`;
    return new WaitTimeoutError(`waited ${timeoutMs / 1000} s for ${what}${seen}${suffix}`);
  };
  for (;;) {
    const outcome = await beforeDeadline(Promise.resolve(check(note)), deadline);
    if (outcome === 'timed out') throw fail('; the last check was still running');
    if (outcome.value) return;
    if (Date.now() >= deadline) throw fail();
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

/** The settled value of `promise`, or `'timed out'` if the deadline passes first (the timer is always cleared). */
async function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<{ value: T } | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise.then((value) => ({ value })), expired]);
  } finally {
    clearTimeout(timer);
  }
}
