/**
 * Events an agent job holds back to send with its next one: the budget guard's `cost.updated`
 * leaves with the job's `agent.completed` (or its failure) in one script call on the bus, instead
 * of a round trip of its own for every model call. Held events keep their order, and go out
 * before the event that flushes them.
 */
import type { EventBus } from './event-bus.js';
import type { NewEvent } from './event-schema.js';

export class HeldEvents {
  private held: NewEvent[] = [];

  constructor(private readonly bus: Pick<EventBus, 'publishAll'>) {}

  /** A publisher that holds: hand it to whoever publishes on the job's behalf (the budget guard). */
  readonly holder = {
    publish: (event: NewEvent): Promise<void> => {
      this.held.push(event);
      return Promise.resolve();
    },
  };

  /** Publishes what is held, then `event` (if any), together. */
  async publish(event?: NewEvent): Promise<void> {
    const events = event ? [...this.held, event] : this.held;
    this.held = [];
    await this.bus.publishAll(events);
  }
}
