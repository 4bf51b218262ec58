/**
 * Rate limits counted in Redis (rate-limit-redis), so every API replica shares the counters:
 *  - `api`: requests per client address on /api (fails open when Redis errs: availability first);
 *  - `loginIp`, `loginAccount`: failed logins per address and per account (brute force and
 *    credential stuffing; a successful login is not counted); fail closed;
 *  - `registerIp`: registrations per address.
 * Exceeding any answers 429 in the common problem format with Retry-After.
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { RedisReply } from 'rate-limit-redis';
import { ResilientRedisStore } from './redis-rate-store.js';
import { TooManyRequestsError } from '../http-errors.js';

export interface RateLimitConfig {
  windowMs: number;
  max: number;
  authWindowMs: number;
  authMaxPerIp: number;
  authMaxPerAccount: number;
}

export interface RateLimits {
  api: RequestHandler;
  loginIp: RequestHandler;
  loginAccount: RequestHandler;
  registerIp: RequestHandler;
}

const clientAddress = (req: Request): string => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

/** The account a login names, normalised the way accounts are stored. */
export function loginAccountKey(req: Request): string | undefined {
  const email: unknown = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.length <= 320 ? email.trim().toLowerCase() : undefined;
}

export function createRateLimits(redis: Redis, keyPrefix: string, config: RateLimitConfig): RateLimits {
  const limiter = (name: string, options: Partial<Options>, message: string) =>
    rateLimit({
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: clientAddress,
      store: new ResilientRedisStore({ prefix: `${keyPrefix}:${name}:`, sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply> }),
      handler: (req, _res, next, used) => {
        const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
        const retryAfter = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(used.windowMs / 1000);
        next(new TooManyRequestsError(message, retryAfter));
      },
      ...options,
    });
  return {
    api: limiter('api', { windowMs: config.windowMs, limit: config.max, passOnStoreError: true }, 'too many requests from this address'),
    loginIp: limiter('login-ip', { windowMs: config.authWindowMs, limit: config.authMaxPerIp, skipSuccessfulRequests: true }, 'too many failed logins from this address'),
    loginAccount: limiter(
      'login-account',
      {
        windowMs: config.authWindowMs,
        limit: config.authMaxPerAccount,
        skipSuccessfulRequests: true,
        keyGenerator: (req) => `account:${loginAccountKey(req) ?? ''}`,
        skip: (req) => loginAccountKey(req) === undefined,
      },
      'too many failed logins for this account',
    ),
    registerIp: limiter('register-ip', { windowMs: config.authWindowMs, limit: config.authMaxPerIp }, 'too many registrations from this address'),
  };
}
