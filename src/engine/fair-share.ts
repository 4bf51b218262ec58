/**
 * Fair share between projects on the agent queues: each agent job gets a BullMQ priority that is a
 * *virtual start time* (start-time fair queuing), so projects that wait on the same queue are served
 * round-robin instead of first-come-first-served.
 *
 *   - Each project keeps a clock (a Redis counter on its own hash tag): its k-th agent job gets
 *     priority clock + k, and the clock moves on by the number of jobs dispatched.
 *   - A project never starts behind "now": the lowest priority still waiting on the queues it is about
 *     to use (BullMQ serves the lowest first). A project submitted after a large one therefore
 *     interleaves with the large one's remaining jobs (it is not queued behind all of them), and a
 *     new project cannot jump ahead of everyone either (it does not start at 0 while others wait).
 *   - With one project alone, priorities only order its own jobs the way FIFO did: no throughput lost.
 *
 * BullMQ's priorities run from 1 to 2,097,152 (0 means "none" and is served before every prioritized
 * job). Virtual time starts again near 0 whenever the queues a dispatch uses are empty; a clock that
 * reaches the top is held there, which degrades to FIFO among those jobs rather than failing.
 *
 * AGENT_FAIR_SHARE=false turns it off (plain FIFO per queue, as before).
 */
import type { Redis } from 'ioredis';
import type { QueueRegistry } from '../../queues/queue-registry.js';
import { projectKeys } from '../redis/keys.js';
import { runScript } from '../redis/run-script.js';
import type { AgentSlotCap } from './agent-slot-cap.js';

/** BullMQ's highest priority value (lowest urgency). */
export const MAX_PRIORITY = 2_097_152;
/** Like the project's other keys on the bus. */
const CLOCK_TTL_SECONDS = 7 * 24 * 3600;
/** A ZSET score of BullMQ's `prioritized` set is priority × 2^32 + a counter. */
const SCORE_PER_PRIORITY = 0x1_0000_0000;

/**
 * KEYS[1] the project's fair-share clock. ARGV[1] virtual now, ARGV[2] jobs dispatched, ARGV[3] TTL s.
 * Returns the virtual start of this dispatch: max(project clock, now); the clock moves past the jobs.
 */
const ADVANCE = `
local clock = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local start = clock
if now > start then start = now end
redis.call('SET', KEYS[1], start + tonumber(ARGV[2]), 'EX', tonumber(ARGV[3]))
return start
`;

export interface FairShareOptions {
  /** The context bus (the project's clock lives there, on the project's hash tag). */
  redis: Redis;
  namespace: string;
  /** Queue handles: the heads of the agent queues are read to know virtual "now". */
  queues: QueueRegistry;
  /** false: no priorities (FIFO per queue). */
  enabled: boolean;
  /** Told of every dispatch: a project with agent jobs waiting bounds the others (src/engine/agent-slot-cap.ts). */
  slotCap: AgentSlotCap;
}

export class FairShare {
  constructor(private readonly options: FairShareOptions) {}

  /**
   * The priorities of the agent jobs a project is about to add, in the order given (undefined for
   * each when fair share is off). One read of each target queue's head, one script on the bus.
   */
  async priorities(projectId: string, queueNames: readonly string[]): Promise<(number | undefined)[]> {
    if (queueNames.length === 0) return [];
    await this.options.slotCap.markPresent(projectId);
    if (!this.options.enabled) return queueNames.map(() => undefined);
    const now = await this.virtualNow([...new Set(queueNames)]);
    const start = Number(await runScript(this.options.redis, ADVANCE, [projectKeys(projectId, this.options.namespace).fairClock], [now, queueNames.length, CLOCK_TTL_SECONDS]));
    return queueNames.map((_, k) => Math.min(MAX_PRIORITY, start + k + 1));
  }

  /** The lowest priority waiting on any of the queues (0 when none waits): what is being served now. */
  private async virtualNow(queueNames: string[]): Promise<number> {
    const handles = queueNames.map((name) => this.options.queues.get(name));
    const pipeline = this.options.queues.connection.pipeline();
    for (const queue of handles) pipeline.zrange(queue.keys.prioritized ?? '', 0, 0, 'WITHSCORES');
    let now = Infinity;
    for (const [error, head] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      const score = (head as string[])[1];
      if (score !== undefined) now = Math.min(now, Math.floor(Number(score) / SCORE_PER_PRIORITY));
    }
    return Number.isFinite(now) ? now : 0;
  }
}
