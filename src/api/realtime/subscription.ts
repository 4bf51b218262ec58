/**
 * One socket's subscription to one project: a cursor (the next seq to send) and the events waiting
 * for their turn. Exactly once, in order: an event is sent only when it is the cursor's next seq,
 * older ones are dropped (dedupe), and a hole — a live event published before this process heard of
 * the subscription — is filled from the project's Redis stream.
 *
 * A replay (the events read from the stream to catch up) sends at most `replayLimit` events. When
 * more are behind the cursor, the subscription ends with `replay_limit {projectId, afterSeq}`: the
 * client subscribes again with that afterSeq for the next page. Without the cap, one cheap
 * `subscribe` made the server read and send a project's whole history (tens of thousands of events
 * for a loop of re-subscribes); with it, the subscribe throttle also paces the pages.
 */
import type { Socket } from 'socket.io';
import type { ProjectEvent } from '../../engine/events/event-schema.js';
import type { Logger } from '../../logging/logger.js';

/** Server → client: a page of the replay ended here; subscribe with this afterSeq for the rest. */
export interface ReplayLimit {
  projectId: string;
  afterSeq: number;
}

export interface SubscriptionOptions {
  socket: Pick<Socket, 'emit'>;
  projectId: string;
  afterSeq: number;
  /** Up to `count` events after `afterSeq`, in order. */
  replay: (afterSeq: number, count: number) => Promise<ProjectEvent[]>;
  replayLimit: number;
  /** Called once the replay limit ended this subscription (after `replay_limit` was sent). */
  onLimit: (subscription: Subscription) => void;
  logger: Logger;
}

export class Subscription {
  readonly projectId: string;
  private next: number;
  private readonly pending = new Map<number, ProjectEvent>();
  private ready = false;
  private closed = false;
  private filling: Promise<void> | undefined;
  private fillAgain = false;
  /** Events the current replay may still send; back to the full limit once it has caught up. */
  private budget: number;

  constructor(private readonly options: SubscriptionOptions) {
    this.projectId = options.projectId;
    this.next = options.afterSeq + 1;
    this.budget = options.replayLimit;
  }

  /** Called once the ack is sent: delivers the backlog from the stream, then whatever is waiting. */
  start(): Promise<void> {
    this.ready = true;
    return this.fill();
  }

  stop(): void {
    this.closed = true;
    this.pending.clear();
  }

  offer(event: ProjectEvent): void {
    if (this.closed || event.seq < this.next) return;
    this.pending.set(event.seq, event);
    if (!this.ready) return;
    this.flush();
    if (this.pending.size > 0) void this.fill();
  }

  private flush(): void {
    for (let ready = this.pending.get(this.next); ready && !this.closed; ready = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      this.next++;
      this.options.socket.emit('event', ready);
    }
  }

  /** Reads the stream after the cursor until nothing is missing or the replay limit is reached (one read at a time). */
  private fill(): Promise<void> {
    if (this.filling) {
      this.fillAgain = true;
      return this.filling;
    }
    const { projectId, logger } = this.options;
    this.filling = (async () => {
      try {
        do {
          this.fillAgain = false;
          const allowed = this.budget;
          // One more than allowed: tells whether the stream holds more than this replay may send.
          const events = await this.options.replay(this.next - 1, allowed + 1);
          if (this.closed) return;
          const first = events[0];
          if (first && first.seq > this.next) {
            // The capped stream no longer holds these: say so in the log, carry on from what it has.
            logger.warn('realtime: events trimmed from the stream', { projectId, from: this.next, to: first.seq - 1 });
            this.next = first.seq;
          }
          for (const event of events.slice(0, allowed)) if (event.seq >= this.next) this.pending.set(event.seq, event);
          const before = this.next;
          this.flush();
          this.budget -= this.next - before;
          const beyond = events[allowed];
          if (beyond && beyond.seq >= this.next) return this.limitReached();
          if (!beyond) this.budget = this.options.replayLimit;
        } while (this.fillAgain && !this.closed);
      } catch (error) {
        logger.warn('realtime: replay failed', { projectId, error: error instanceof Error ? error.message : String(error) });
      } finally {
        this.filling = undefined;
      }
    })();
    return this.filling;
  }

  private limitReached(): void {
    this.stop();
    const limit: ReplayLimit = { projectId: this.projectId, afterSeq: this.next - 1 };
    this.options.socket.emit('replay_limit', limit);
    this.options.onLimit(this);
  }
}
