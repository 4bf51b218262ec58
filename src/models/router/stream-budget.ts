/**
 * Keeps one streamed model call within what its budget holds.
 *
 * The reservation pays for `outputTokens`; the provider was asked for at most `outputLimit` (what
 * was held plus what was free when it was reserved). As the answer streams, the provider reports
 * its output so far (`onOutputTokens`); when it nears what is held, the hold is extended by half
 * again (at least 256 tokens, at most up to `outputLimit`) — one extension in flight at a time.
 * When the guard refuses (other calls took what was free) and the answer outgrows its hold, the
 * stream is aborted: the router settles what it produced and the call ends as a budget refusal.
 * An answer that reaches `outputLimit` itself needs no abort: the provider stops it there.
 */
import type { BudgetGuard, Reservation } from '../budget-guard.js';

/** The abort reason of a stream the budget stopped. */
export class BudgetStop extends Error {
  constructor(readonly outputTokens: number) {
    super(`the budget refused more than ${outputTokens} output tokens while the answer streamed`);
    this.name = 'BudgetStop';
  }
}

export class StreamBudget {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private produced = 0;
  private extending: Promise<void> | undefined;
  private refused = false;
  /** True once the stream was aborted for want of budget. */
  stopped = false;

  constructor(
    private readonly guard: BudgetGuard | undefined,
    private readonly reservation: Reservation | undefined,
    caller: AbortSignal | undefined,
  ) {
    this.signal = caller ? AbortSignal.any([caller, this.controller.signal]) : this.controller.signal;
  }

  /** The provider's `onOutputTokens`. */
  readonly onOutputTokens = (outputTokens: number): void => {
    this.produced = outputTokens;
    const reservation = this.reservation;
    const covered = reservation?.outputTokens;
    if (!reservation || covered === undefined || this.stopped) return;
    const limit = reservation.outputLimit ?? covered;
    if (!this.extending && !this.refused && covered < limit && outputTokens >= covered - Math.max(32, Math.floor(covered / 4))) {
      this.extend(reservation, Math.min(limit, Math.max(covered + 256, Math.ceil(covered * 1.5))));
    }
    if (this.refused && outputTokens > covered) this.stop(covered);
  };

  /** Waits for an extension in flight, so the reservation is final before it is settled or released. */
  async idle(): Promise<void> {
    while (this.extending) await this.extending;
  }

  private extend(reservation: Reservation, outputTokens: number): void {
    const extend = this.guard?.extend?.bind(this.guard);
    if (!extend) {
      this.refused = true;
      return;
    }
    this.extending = extend(reservation, outputTokens)
      .catch(() => false)
      .then((ok) => {
        this.extending = undefined;
        if (!ok) this.refused = true;
        // Tokens that arrived meanwhile are judged against the new hold (or the refusal).
        this.onOutputTokens(this.produced);
      });
  }

  private stop(covered: number): void {
    this.stopped = true;
    this.controller.abort(new BudgetStop(covered));
  }
}
