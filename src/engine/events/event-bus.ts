/**
 * Publishes and replays project events through Redis.
 *
 * One Lua script per event: INCR the project's sequence, XADD the event to the project's stream
 * with the id `<seq>-0` (so a replay is `XRANGE key (<lastSeq>-0 +`), and PUBLISH it on the
 * namespace channel that every API replica listens on. The stream is capped and expires a week
 * after its last event.
 */
import type { Redis } from 'ioredis';
import { eventsChannel, projectKeys } from '../../redis/keys.js';
import { runScript } from '../../redis/run-script.js';
import { eventSchema, type NewEvent, type ProjectEvent } from './event-schema.js';

// KEYS[1] sequence counter, KEYS[2] stream. ARGV[1] event JSON without seq (starts with '{"type"'),
// ARGV[2] channel, ARGV[3] stream cap, ARGV[4] ttl seconds. Returns the seq.
const PUBLISH = `
local seq = redis.call('INCR', KEYS[1])
local message = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], seq .. '-0', 'e', message)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[2], message)
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

  async publish(event: NewEvent): Promise<number> {
    const keys = projectKeys(event.projectId, this.namespace);
    const body = JSON.stringify({ type: event.type, projectId: event.projectId, at: new Date().toISOString(), data: event.data ?? {} });
    const seq = await runScript(this.redis, PUBLISH, [keys.sequence, keys.events], [body, this.channel, STREAM_CAP, TTL_SECONDS]);
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
