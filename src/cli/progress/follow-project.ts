/**
 * Follows one project's events until it ends: subscribes to the live channel first, then replays
 * the stream from the start, delivering each sequence number exactly once and in order.
 */
import type { Redis } from 'ioredis';
import type { EventBus } from '../../engine/events/event-bus.js';
import { parseEvent } from '../../engine/events/event-bus.js';
import type { EventType, ProjectEvent } from '../../engine/events/event-schema.js';

const STOP_AT: readonly EventType[] = ['project.completed', 'project.failed', 'project.cancelled', 'project.budget_exhausted', 'project.verification_failed', 'project.needs_review'];

export async function followProject(redis: Redis, bus: EventBus, projectId: string, onEvent: (event: ProjectEvent) => void, afterSeq = 0): Promise<EventType> {
  const subscriber = redis.duplicate({ connectionName: 'zekka:follow', enableAutoPipelining: false });
  // A duplicate inherits the options, not the listeners: without its own, an outage prints
  // ioredis's "Unhandled error event" on every reconnect. The parent connection reports the outage.
  subscriber.on('error', () => undefined);
  let next = afterSeq + 1;
  const pending = new Map<number, ProjectEvent>();
  let finish: (type: EventType) => void = () => undefined;
  const done = new Promise<EventType>((resolve) => (finish = resolve));

  const deliver = (event: ProjectEvent) => {
    if (event.projectId !== projectId || event.seq < next) return;
    pending.set(event.seq, event);
    for (let ready = pending.get(next); ready; ready = pending.get(next)) {
      pending.delete(next);
      next++;
      onEvent(ready);
      if (STOP_AT.includes(ready.type)) finish(ready.type);
    }
  };
  // A gap that the live channel cannot fill (a message published before we subscribed): replay.
  const fillGaps = async () => {
    for (const event of await bus.replay(projectId, next - 1)) deliver(event);
  };

  subscriber.on('message', (_channel: string, message: string) => {
    const event = parseEvent(message);
    if (!event) return;
    deliver(event);
    if (pending.size > 0) void fillGaps();
  });
  await subscriber.subscribe(bus.channel);
  await fillGaps();
  try {
    return await done;
  } finally {
    await subscriber.quit();
  }
}
