/**
 * Publishes and replays project events through Redis.
 *
 * One Lua script per event, or per batch of one project's events (`publishAll`: an agent's cost
 * update goes out with its completion): INCR the project's sequence, XADD the event to the
 * project's stream with the id `<seq>-0` (so a replay is `XRANGE key (<lastSeq>-0 +`), and PUBLISH
 * it on the namespace channel that every API replica listens on. The stream is capped and expires
 * a week after its last event. `publishUnlessCancelled` first reads the run's cancel flag (the key
 * and value src/engine/project-state.ts keeps) in the same script: an agent's start announcement
 * is its cancel check too.
 */
import type { Redis } from 'ioredis';
import { eventsChannel, projectKeys } from '../../redis/keys.js';
import { runScript } from '../../redis/run-script.js';
import { eventSchema, type NewEvent, type ProjectEvent } from './event-schema.js';

// KEYS[1] sequence counter, KEYS[2] stream, KEYS[3] the project's cancel flag. ARGV[1] channel,
// ARGV[2] stream cap, ARGV[3] ttl seconds, ARGV[4] a run id: publish nothing if the flag holds it
// ('' publishes regardless), ARGV[5..] events as JSON without seq (each starts with '{"type"'), in
// order. Returns the seq of the last, 0 when the run was cancelled.
const PUBLISH = `
if ARGV[4] ~= '' and redis.call('GET', KEYS[3]) == ARGV[4] then return 0 end
local seq = 0
for i = 5, #ARGV do
  seq = redis.call('INCR', KEYS[1])
  local message = '{"seq":' .. seq .. ',' .. string.sub(ARGV[i], 2)
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'e', message)
  redis.call('PUBLISH', ARGV[1], message)
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return seq
`;

const STREAM_CAP = 20_000;
const TTL_SECONDS = 7 * 24 * 3600;

export class EventBus {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  get channel(): string {
    return eventsChannel(this.namespace);
  }

  /** Publishes one event; returns its seq. */
  async publish(event: NewEvent): Promise<number> {
    return this.publishAll([event]);
  }

  /** Publishes events of one project in order, in one round trip; returns the last one's seq (0 for none). */
  async publishAll(events: readonly NewEvent[]): Promise<number> {
    return this.send(events, '');
  }

  /** Publishes the event unless the run `runId` was cancelled; returns its seq, or 0 when the run was cancelled. */
  async publishUnlessCancelled(event: NewEvent, runId: string): Promise<number> {
    return this.send([event], runId);
  }

  private async send(events: readonly NewEvent[], unlessCancelledRun: string): Promise<number> {
    const first = events[0];
    if (!first) return 0;
    if (events.some((e) => e.projectId !== first.projectId)) throw new Error('publishAll takes the events of one project');
    const keys = projectKeys(first.projectId, this.namespace);
    const at = new Date().toISOString();
    const bodies = events.map((event) => JSON.stringify({ type: event.type, projectId: event.projectId, at, data: event.data ?? {} }));
    const seq = await runScript(this.redis, PUBLISH, [keys.sequence, keys.events, keys.cancelled], [this.channel, STREAM_CAP, TTL_SECONDS, unlessCancelledRun, ...bodies]);
    return Number(seq);
  }

  /** Events after `afterSeq` (0 = from the start), in order. */
  async replay(projectId: string, afterSeq = 0, count = 10_000): Promise<ProjectEvent[]> {
    const keys = projectKeys(projectId, this.namespace);
    const entries = await this.redis.xrange(keys.events, `(${afterSeq}-0`, '+', 'COUNT', count);
    return entries.map(([, fields]) => parseEvent(fields[1] ?? '')).filter((e): e is ProjectEvent => e !== undefined);
  }

  async lastSeq(projectId: string): Promise<number> {
    return Number((await this.redis.get(projectKeys(projectId, this.namespace).sequence)) ?? 0);
  }
}

export function parseEvent(message: string): ProjectEvent | undefined {
  try {
    const parsed = eventSchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
