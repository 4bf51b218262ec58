/**
 * The one Redis connection factory. BullMQ needs `maxRetriesPerRequest: null` on the
 * connections its workers block on; every connection is named so `CLIENT LIST` shows who is who.
 *
 * A process holds two: BullMQ's (queues, flows, workers), and the context bus (events, project
 * state, file locks, budgets, rate limits) with auto-pipelining: the commands a busy worker's
 * agents issue in one event-loop turn leave in one write. BullMQ's connection stays without it
 * (users of Bull/BullMQ with auto-pipelining report jobs read back empty and "not in the active
 * list" errors: taskforcesh/bullmq#457, OptimalBits/bull#2276).
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logging/logger.js';

export interface RedisConnectionOptions {
  url: string;
  /** Shown in `CLIENT LIST`; e.g. `zekka:worker:agent`. */
  name: string;
  /** Fail fast (commands rejected while disconnected) instead of queueing: for probes and the API. */
  failFast?: boolean;
  /** ioredis `enableAutoPipelining`: for the context bus only, never for a connection BullMQ uses. */
  autoPipelining?: boolean;
  /** Where connection errors go; without it they are dropped (never ioredis's "Unhandled error event"). */
  logger?: Pick<Logger, 'warn' | 'info'>;
}

export function createRedis({ url, name, failFast = false, autoPipelining = false, logger }: RedisConnectionOptions): Redis {
  const options: RedisOptions = {
    connectionName: name,
    maxRetriesPerRequest: failFast ? 1 : null,
    enableOfflineQueue: !failFast,
    enableReadyCheck: true,
    enableAutoPipelining: autoPipelining,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  };
  const redis = new Redis(url, options);
  watchConnectionErrors(redis, name, logger);
  return redis;
}

/**
 * Every client needs an `error` listener: without one ioredis prints "Unhandled error event" on
 * each failed reconnect. An outage is logged once when it starts and once when it ends, not on
 * every retry.
 */
function watchConnectionErrors(redis: Redis, name: string, logger: RedisConnectionOptions['logger']): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger?.warn('redis connection error', { connection: name, error: error.message });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger?.info('redis connection restored', { connection: name });
  });
}

/**
 * True for the errors a fail-fast connection gives while Redis cannot be reached (no offline
 * queue, retries spent, socket closed): the caller should answer "unavailable", not "internal error".
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return /enableOfflineQueue options is false|Connection is closed|connect ECONNREFUSED/.test(error.message);
}

/**
 * True for errors about the connection itself (refused, reset, timed out, closed, retries spent)
 * rather than about a command: the connection's own listener reports those once per outage, so
 * the BullMQ handles that share it (and forward every reconnect failure) need not repeat them.
 */
export function isConnectionError(error: unknown): boolean {
  if (isRedisUnavailable(error)) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** Readiness: a PING answered within `timeoutMs`. */
export async function redisReady(redis: Redis, timeoutMs = 1_000): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const pong: string = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return pong === 'PONG' ? { ok: true } : { ok: false, error: `unexpected reply ${JSON.stringify(pong)}` };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
