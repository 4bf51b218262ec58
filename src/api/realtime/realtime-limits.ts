/**
 * The limits of Socket.IO sessions at /ws (README "Security"), from the environment or given by tests.
 * Defaults: a user's browser tabs and CLI followers fit easily under 20 sockets and 10 subscribes at
 * once (then one a second); a whole run's history (~250 events) fits in one 500-event replay page;
 * a 2 s re-check plus the 2 s user cache keeps a missed credentials-changed message under 5 s.
 */
import type { Env } from '../../config/env.js';

export interface RealtimeLimits {
  /** Open sockets one user may hold on one API replica. */
  maxConnectionsPerUser: number;
  /** Subscribes one user may send at once on one replica (a token bucket's size)… */
  subscribeBurst: number;
  /** …and refilled at this rate. */
  subscribesPerSecond: number;
  /** Events one subscribe's replay sends at most; the client pages on with `afterSeq`. */
  replayMaxEvents: number;
  /** How often each replica re-reads the keys and users behind its open sockets. */
  recheckIntervalMs: number;
}

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  maxConnectionsPerUser: 20,
  subscribeBurst: 10,
  subscribesPerSecond: 1,
  replayMaxEvents: 500,
  recheckIntervalMs: 2_000,
};

export function realtimeLimitsFromEnv(env: Env): RealtimeLimits {
  return {
    maxConnectionsPerUser: env.REALTIME_MAX_CONNECTIONS_PER_USER,
    subscribeBurst: env.REALTIME_SUBSCRIBE_BURST,
    subscribesPerSecond: env.REALTIME_SUBSCRIBES_PER_SECOND,
    replayMaxEvents: env.REALTIME_REPLAY_MAX_EVENTS,
    recheckIntervalMs: env.REALTIME_RECHECK_INTERVAL_MS,
  };
}
