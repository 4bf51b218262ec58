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
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/redis-env.js';
import type { Logger } from '../logging/logger.js';

export interface RedisConnectionOptions {
  /** A single node's URL (tests, scripts); processes pass `target` (src/config/redis-env.ts) instead. */
  url?: string;
  /** Where Redis is: one node, a Sentinel master group or a Cluster. Wins over `url`. */
  target?: RedisTarget;
  /** Shown in `CLIENT LIST`; e.g. `zekka:worker:agent`. */
  name: string;
  /** Fail fast (commands rejected while disconnected) instead of queueing: for probes and the API. */
  failFast?: boolean;
  /** ioredis `enableAutoPipelining`: for the context bus only, never for a connection BullMQ uses. */
  autoPipelining?: boolean;
  /** Where connection errors go; without it they are dropped (never ioredis's "Unhandled error event"). */
  logger?: Pick<Logger, 'warn' | 'info'>;
}

const retryStrategy = (attempt: number) => Math.min(attempt * 200, 5_000);

/**
 * One connection to wherever `target` (or `url`) says. A Cluster client is returned typed as
 * `Redis`: every command Zekka issues (single-key commands, EVALSHA/EVAL with keys on one slot,
 * PUBLISH/SUBSCRIBE, defineCommand) has the same signature on both, and BullMQ takes either.
 */
export function createRedis({ url, target, name, failFast = false, autoPipelining = false, logger }: RedisConnectionOptions): Redis {
  const resolved: RedisTarget = target ?? { kind: 'single', url: url ?? 'redis://127.0.0.1:6379', tls: false };
  const options: RedisOptions = {
    connectionName: name,
    maxRetriesPerRequest: failFast ? 1 : null,
    enableOfflineQueue: !failFast,
    enableReadyCheck: true,
    enableAutoPipelining: autoPipelining,
    retryStrategy,
    ...(resolved.username !== undefined && { username: resolved.username }),
    ...(resolved.password !== undefined && { password: resolved.password }),
    ...(resolved.tls && { tls: {} }),
  };
  const redis = resolved.kind === 'cluster' ? createCluster(resolved, options) : resolved.kind === 'sentinel' ? createSentinelClient(resolved, options) : new Redis(resolved.url, options);
  watchConnectionErrors(redis, name, logger);
  return redis;
}

/**
 * A master group behind Sentinel: each (re)connection asks the sentinels for the master, so once
 * the old master's socket fails, the retries find the promoted replica. Asking for the master
 * role keeps writes off a demoted node. (ioredis's `failoverDetector`, which reconnects on
 * +switch-master, left a whole API process unresponsive after a failover in test/ha: not used.)
 */
function createSentinelClient(target: Extract<RedisTarget, { kind: 'sentinel' }>, options: RedisOptions): Redis {
  return new Redis({
    ...options,
    sentinels: target.sentinels,
    name: target.name,
    role: 'master',
    sentinelRetryStrategy: retryStrategy,
    ...(target.sentinelUsername !== undefined && { sentinelUsername: target.sentinelUsername }),
    ...(target.sentinelPassword !== undefined && { sentinelPassword: target.sentinelPassword }),
    ...(target.sentinelTls && { enableTLSForSentinelMode: true, sentinelTLS: {} }),
  });
}

/**
 * A Redis Cluster. The per-node options (credentials, TLS, the connection name) go in
 * `redisOptions`; the offline queue, retries and auto-pipelining are the cluster client's own.
 * BullMQ needs `maxRetriesPerRequest: null` on its nodes and a `{hash-tagged}` queue prefix
 * (QUEUE_PREFIX's default `{zekka}`): https://docs.bullmq.io/patterns/redis-cluster.
 *
 * `duplicate()` differs: a Cluster's takes (startupNodes, options), Redis's takes (options). Zekka's
 * callers (the realtime subscriber, `followProject`) pass Redis options, so this client's
 * `duplicate(options)` applies them to the new cluster client and its nodes; the two-argument
 * Cluster form (BullMQ's) goes to ioredis unchanged.
 */
function createCluster(target: Extract<RedisTarget, { kind: 'cluster' }>, options: RedisOptions): Redis {
  const { enableOfflineQueue, enableAutoPipelining, maxRetriesPerRequest, ...nodeOptions } = options;
  const clusterOptions: ClusterOptions = {
    redisOptions: { ...nodeOptions, maxRetriesPerRequest },
    enableOfflineQueue,
    enableAutoPipelining,
    enableReadyCheck: true,
    maxRedirections: 16,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    clusterRetryStrategy: retryStrategy,
    // TLS clusters announce IPs that the certificate does not name; keep the host names given.
    ...(target.tls && { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) }),
  };
  const build = (overrides: RedisOptions = {}): Redis => {
    const merged = { ...options, ...overrides };
    const { enableOfflineQueue: offline, enableAutoPipelining: pipelining, maxRetriesPerRequest: retries, ...node } = merged;
    const cluster = new Cluster(target.nodes, {
      ...clusterOptions,
      redisOptions: { ...clusterOptions.redisOptions, ...node, maxRetriesPerRequest: retries },
      enableOfflineQueue: offline,
      enableAutoPipelining: pipelining,
    });
    const clusterDuplicate = cluster.duplicate.bind(cluster);
    // BullMQ calls the Cluster form, duplicate(undefined, { redisOptions }): left as ioredis has it.
    const duplicate = (more?: RedisOptions | ConstructorParameters<typeof Cluster>[0], clusterOverrides?: ClusterOptions) =>
      Array.isArray(more) || clusterOverrides !== undefined ? clusterDuplicate(Array.isArray(more) ? more : undefined, clusterOverrides) : build({ ...overrides, ...(more) });
    Object.defineProperty(cluster, 'duplicate', { value: duplicate, writable: true, configurable: true });
    return cluster as unknown as Redis;
  };
  return build();
}

/**
 * Every client needs an `error` listener: without one ioredis prints "Unhandled error event" on
 * each failed reconnect. An outage is logged once when it starts and once when it ends, not on
 * every retry.
 */
function watchConnectionErrors(redis: Redis | Cluster, name: string, logger: RedisConnectionOptions['logger']): void {
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
 * queue, retries spent, socket closed, no sentinel or cluster node answering, a failover under
 * way): the caller should answer "unavailable", not "internal error".
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError' || error.name === 'ClusterAllFailedError') return true;
  // The Sentinel and Cluster forms of "cannot reach Redis", and a write that reached a master the
  // sentinels have just demoted (READONLY) or a cluster that is re-electing (CLUSTERDOWN).
  return /enableOfflineQueue options is false|Connection is closed|connect ECONNREFUSED|All sentinels are unreachable|Failed to refresh slots cache|^READONLY|^CLUSTERDOWN/.test(error.message);
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
