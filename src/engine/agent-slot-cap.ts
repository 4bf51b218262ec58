/**
 * A bound on how many agent jobs one project runs at once across the cluster, applied only while
 * another project has agent work too (a lone project keeps every slot: no throughput lost).
 *
 * "Has agent work": a project is *present* from the moment a stage dispatches its agents (before any
 * of them runs — its jobs may all still be waiting behind the large project's), while any of its
 * agents runs, and for LINGER_MS after its last one ends (the gap between two of its stages).
 *
 * Checked atomically in Redis when an agent job starts (ADMIT below). A job over the bound goes back
 * to the delayed set for a moment (`job.moveToDelayed`, which BullMQ does not count as an attempt)
 * and comes back at its fair-share priority (src/engine/fair-share.ts). Each running job is a member
 * of its project's set with an expiry, so a worker that dies holds its slots for EXPIRY_MS at most.
 *
 * Keys share the hash tag `{fair}` (one Redis Cluster slot), so the script may touch every project's set:
 *   <ns>:fair:{fair}:active:<projectId>  ZSET jobId → expiry (ms)
 *   <ns>:fair:{fair}:projects            ZSET projectId → present until (ms)
 *
 * AGENT_MAX_ACTIVE_PER_PROJECT sets the bound (0, the default: no bound, no extra Redis calls).
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { runScript } from '../redis/run-script.js';

/** Longer than any model call (MODEL_TIMEOUT_MS defaults to 2 min); a crashed worker's slots lapse after it. */
const EXPIRY_MS = 10 * 60_000;
/** A project stays present this long after it dispatched agents or its last agent ended. */
const LINGER_MS = 10_000;

/**
 * KEYS[1] the project's active set, KEYS[2] the set of projects with agents running.
 * ARGV[1] now (ms), ARGV[2] expiry (ms), ARGV[3] job id, ARGV[4] project id, ARGV[5] the bound.
 * Returns 1 (admitted, counted) or 0 (over the bound while another project is present).
 */
const ADMIT = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then
  local others = redis.call('ZCARD', KEYS[2])
  if redis.call('ZSCORE', KEYS[2], ARGV[4]) then others = others - 1 end
  if others > 0 then return 0 end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ${EXPIRY_MS})
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ${EXPIRY_MS})
return 1
`;

/** KEYS as ADMIT; ARGV[1] job id, ARGV[2] project id, ARGV[3] present until. With its last job ended, the project lingers. */
const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[2]) end
return 1
`;

/** KEYS[1] the set of present projects; ARGV[1] present until, ARGV[2] project id. */
const PRESENT = `
redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ${EXPIRY_MS})
return 1
`;

export interface AgentSlotCapOptions {
  redis: Redis;
  namespace: string;
  /** Agent jobs one project may run at once while others run agents; 0: no bound. */
  maxActivePerProject: number;
  logger: Pick<Logger, 'warn'>;
}

export class AgentSlotCap {
  /** How long a job over the bound waits before it is offered to a worker again. */
  readonly deferMs = 500;

  constructor(private readonly options: AgentSlotCapOptions) {}

  get enabled(): boolean {
    return this.options.maxActivePerProject > 0;
  }

  private keys(projectId: string): [string, string] {
    const base = `${this.options.namespace}:fair:{fair}`;
    return [`${base}:active:${projectId}`, `${base}:projects`];
  }

  /** True when the job may run now (and is counted until `release`). */
  async admit(projectId: string, jobId: string): Promise<boolean> {
    if (!this.enabled) return true;
    const now = Date.now();
    const admitted = await runScript(this.options.redis, ADMIT, this.keys(projectId), [now, now + EXPIRY_MS, jobId, projectId, this.options.maxActivePerProject]);
    return admitted === 1;
  }

  /** A stage (or a repair round) is about to add the project's agent jobs: others are bounded from now. */
  async markPresent(projectId: string): Promise<void> {
    if (!this.enabled) return;
    await runScript(this.options.redis, PRESENT, [this.keys(projectId)[1]], [Date.now() + LINGER_MS, projectId]);
  }

  /** Never throws: a slot that cannot be released now lapses after its expiry. */
  async release(projectId: string, jobId: string): Promise<void> {
    if (!this.enabled) return;
    await runScript(this.options.redis, RELEASE, this.keys(projectId), [jobId, projectId, Date.now() + LINGER_MS]).catch((error: unknown) =>
      this.options.logger.warn('agent slot not released (it lapses by itself)', { projectId, jobId, error: String(error) }),
    );
  }
}
