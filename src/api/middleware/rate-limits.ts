/**
 * Rate limits counted in Redis (rate-limit-redis), so every API replica shares the counters:
 *  - `api`: requests per client address on /api (fails open when Redis errs: availability first);
 *  - `registerIp`: registrations per address (fails closed).
 * Exceeding either answers 429 in the common problem format with Retry-After. Logins are throttled
 * per (account, address) with growing delays instead: src/api/auth/login-throttle.ts.
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import { Cluster, type Redis } from 'ioredis';
import type { RedisReply } from 'rate-limit-redis';
import { ResilientRedisStore } from './redis-rate-store.js';
import { TooManyRequestsError } from '../http-errors.js';

export interface RateLimitConfig {
  windowMs: number;
  max: number;
  /** Registrations per address per `authWindowMs`. */
  authWindowMs: number;
  authMaxPerIp: number;
}

export interface RateLimits {
  api: RequestHandler;
  registerIp: RequestHandler;
}

/** The client's address as every limit keys it (IPv6 by /56 subnet); behind a proxy it needs TRUST_PROXY. */
export const clientAddress = (req: Request): string => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

/**
 * The store's commands. On a Redis Cluster a script is loaded on every master: `SCRIPT LOAD` has no
 * key, so it would land on one node while the EVALSHA that follows goes to the node owning its key
 * (NOSCRIPT there). Every other command is routed by its key as usual.
 */
function storeCommands(redis: Redis): (command: string, ...args: string[]) => Promise<RedisReply> {
  // A Cluster client comes typed as Redis (src/redis/connection.ts).
  const client: unknown = redis;
  return async (command, ...args) => {
    if (client instanceof Cluster && command.toUpperCase() === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD') {
      const shas = await Promise.all(client.nodes('master').map((node) => node.call(command, ...args) as Promise<RedisReply>));
      return shas[0] as RedisReply;
    }
    return (await redis.call(command, ...args)) as RedisReply;
  };
}

export function createRateLimits(redis: Redis, keyPrefix: string, config: RateLimitConfig): RateLimits {
  const sendCommand = storeCommands(redis);
  const limiter = (name: string, options: Partial<Options>, message: string) =>
    rateLimit({
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: clientAddress,
      store: new ResilientRedisStore({ prefix: `${keyPrefix}:${name}:`, sendCommand }),
      handler: (req, _res, next, used) => {
        const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
        const retryAfter = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(used.windowMs / 1000);
        next(new TooManyRequestsError(message, retryAfter));
      },
      ...options,
    });
  return {
    api: limiter('api', { windowMs: config.windowMs, limit: config.max, passOnStoreError: true }, 'too many requests from this address'),
    registerIp: limiter('register-ip', { windowMs: config.authWindowMs, limit: config.authMaxPerIp }, 'too many registrations from this address'),
  };
}
