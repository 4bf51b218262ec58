/** The gateway's settings, from the environment (src/config/env.ts) or given directly by tests and benches. */
import type { Env } from '../config/env.js';
import { ConfigError } from '../errors/config-error.js';
import { parseKeyring, type Keyring } from '../models/credentials/provider-key-vault.js';
import type { LoginThrottleConfig } from './auth/login-throttle.js';
import type { RateLimitConfig } from './middleware/rate-limits.js';

export interface ApiOptions {
  jwtSecret: string;
  jwtExpiresInSeconds: number;
  /** Browser origins allowed by CORS; empty = none. */
  corsOrigins: string[];
  /** Express `trust proxy`. */
  trustProxy: boolean | number | string;
  bodyLimitBytes: number;
  rateLimit: RateLimitConfig;
  /** Failed logins: growing delays per (account, address), ceilings per address and per account. */
  loginThrottle: LoginThrottleConfig;
  /** Redis key prefix of the rate-limit counters (shared by the replicas of one deployment). */
  rateLimitKeyPrefix: string;
  providerKeyring: Keyring | undefined;
  defaultBudgetUsd: number;
  /** The version shown in the OpenAPI document. */
  version: string;
  /** The built web dashboard served at `/` (default: dist/web of this checkout or image). */
  dashboardDir?: string;
}

export function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export function apiOptionsFromEnv(env: Env): ApiOptions {
  // startRuntime resolved it (required, or generated for `zekka dev`); an API never signs without one.
  if (env.JWT_SECRET === undefined) throw new ConfigError(['JWT_SECRET is missing: set it to at least 32 random bytes, e.g. `openssl rand -hex 32`']);
  return {
    jwtSecret: env.JWT_SECRET,
    jwtExpiresInSeconds: env.JWT_EXPIRES_IN,
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter((o) => o.length > 0),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    bodyLimitBytes: env.API_BODY_LIMIT_BYTES,
    rateLimit: {
      windowMs: env.RATE_LIMIT_WINDOW_MS,
      max: env.RATE_LIMIT_MAX,
      authWindowMs: env.RATE_LIMIT_AUTH_WINDOW_MS,
      authMaxPerIp: env.RATE_LIMIT_AUTH_MAX_PER_IP,
    },
    loginThrottle: {
      freeFailures: env.RATE_LIMIT_AUTH_FREE_FAILURES,
      delayBaseMs: env.RATE_LIMIT_AUTH_DELAY_BASE_MS,
      delayMaxMs: env.RATE_LIMIT_AUTH_DELAY_MAX_MS,
      pairMemoryMs: env.RATE_LIMIT_AUTH_PAIR_MEMORY_MS,
      windowMs: env.RATE_LIMIT_AUTH_WINDOW_MS,
      maxPerAddress: env.RATE_LIMIT_AUTH_MAX_PER_IP,
      maxPerAccount: env.RATE_LIMIT_AUTH_MAX_PER_ACCOUNT,
    },
    rateLimitKeyPrefix: `${env.REDIS_NAMESPACE}:ratelimit`,
    providerKeyring: parseKeyring(env.PROVIDER_KEYS_ENCRYPTION_KEY),
    defaultBudgetUsd: env.DEFAULT_BUDGET_USD,
    version: process.env.npm_package_version ?? '0.1.0',
  };
}
