/**
 * Cluster-wide rate limits per provider: requests per minute and tokens per minute, shared by
 * every Zekka process through one Redis hash per provider.
 *
 * Sliding window over buckets: the window (60 s) is cut into buckets (1 s); each admission adds
 * to the current bucket's `r:<bucket>` (requests) and `t:<bucket>` (tokens). A call is admitted
 * when the sum over the current bucket and the `window / bucket` before it, plus this call, stays
 * within the limits. That range covers more than the last window, so every true sliding window
 * of 60 s that ends at an admission holds at most the limit (it errs on the safe side by at most
 * one bucket). The clock is Redis's own (TIME), so processes with skewed clocks agree.
 * Tokens are admitted at their worst case (prompt + max output) and corrected after the call.
 */
import type { Redis } from 'ioredis';

/**
 * KEYS[1]  the provider's hash
 * ARGV[1]  window in ms          ARGV[2] bucket in ms
 * ARGV[3]  max requests (0 = no limit)   ARGV[4] max tokens (0 = no limit)   ARGV[5] tokens of this call
 * Returns {1, bucket} when admitted; {0, waitMs} when the call fits later; {-1, 0} when it never fits.
 */
const ACQUIRE = `
local window = tonumber(ARGV[1])
local bucket = tonumber(ARGV[2])
local maxRequests = tonumber(ARGV[3])
local maxTokens = tonumber(ARGV[4])
local tokens = tonumber(ARGV[5])
if maxTokens > 0 and tokens > maxTokens then return {-1, 0} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = math.floor(now / bucket)
local span = math.ceil(window / bucket)
local oldest = current - span
local fields = redis.call('HGETALL', KEYS[1])
local requests, used = {}, {}
local totalRequests, totalTokens = 0, 0
local stale = {}
for i = 1, #fields, 2 do
  local kind, index = string.match(fields[i], '^(%a):(%d+)$')
  index = tonumber(index)
  local value = tonumber(fields[i + 1])
  if index == nil or index < oldest then
    table.insert(stale, fields[i])
  elseif kind == 'r' then
    requests[index] = value
    totalRequests = totalRequests + value
  else
    used[index] = value
    totalTokens = totalTokens + value
  end
end
if #stale > 0 then redis.call('HDEL', KEYS[1], unpack(stale)) end
local overRequests = maxRequests > 0 and totalRequests + 1 > maxRequests
local overTokens = maxTokens > 0 and totalTokens + tokens > maxTokens
if overRequests or overTokens then
  -- The call fits once enough of the oldest buckets have left the window.
  local r, t = totalRequests, totalTokens
  for index = oldest, current do
    r = r - (requests[index] or 0)
    t = t - (used[index] or 0)
    local fits = (maxRequests == 0 or r + 1 <= maxRequests) and (maxTokens == 0 or t + tokens <= maxTokens)
    if fits then return {0, (index + span + 1) * bucket - now} end
  end
  return {0, window}
end
redis.call('HINCRBY', KEYS[1], 'r:' .. current, 1)
if tokens > 0 then redis.call('HINCRBY', KEYS[1], 't:' .. current, tokens) end
redis.call('PEXPIRE', KEYS[1], window + 2 * bucket)
return {1, current}
`;

/**
 * KEYS[1]  the provider's hash    ARGV[1] bucket index    ARGV[2] token correction (may be negative)
 * Corrects the tokens counted for a call, in the bucket it was admitted in, while that bucket is still kept.
 */
const ADJUST = `
local field = 't:' .. ARGV[1]
local value = redis.call('HGET', KEYS[1], field)
if not value then return 0 end
local corrected = math.max(0, tonumber(value) + tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], field, corrected)
return corrected
`;

export interface ProviderLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export type RateDecision =
  | { admitted: true; ticket: RateTicket }
  /** Fits after `waitMs`; or never (`waitMs` = Infinity) when one call needs more tokens than the limit. */
  | { admitted: false; waitMs: number };

export interface RateTicket {
  provider: string;
  bucket: number;
  tokens: number;
}

export interface RateLimiter {
  acquire(provider: string, tokens: number): Promise<RateDecision>;
  /** The call's real token count, once known (or 0 when it failed before using any). */
  settle(ticket: RateTicket, actualTokens: number): Promise<void>;
}

export interface RedisRateLimiterOptions {
  redis: Redis;
  namespace: string;
  limits: Readonly<Record<string, ProviderLimits>>;
  /** Default 60 000 (the limits are per minute; tests shorten it and scale the limits with it). */
  windowMs?: number;
  /** Default windowMs / 60. */
  bucketMs?: number;
}

type ScriptRedis = Redis & {
  zekkaRateAcquire(key: string, ...args: (string | number)[]): Promise<[number, number]>;
  zekkaRateAdjust(key: string, ...args: (string | number)[]): Promise<number>;
};

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: ScriptRedis;
  private readonly windowMs: number;
  private readonly bucketMs: number;

  constructor(private readonly options: RedisRateLimiterOptions) {
    this.windowMs = options.windowMs ?? 60_000;
    this.bucketMs = options.bucketMs ?? Math.max(1, Math.floor(this.windowMs / 60));
    const redis = options.redis as ScriptRedis;
    if (typeof redis.zekkaRateAcquire !== 'function') {
      redis.defineCommand('zekkaRateAcquire', { numberOfKeys: 1, lua: ACQUIRE });
      redis.defineCommand('zekkaRateAdjust', { numberOfKeys: 1, lua: ADJUST });
    }
    this.redis = redis;
  }

  key(provider: string): string {
    return `${this.options.namespace}:models:ratelimit:${provider}`;
  }

  async acquire(provider: string, tokens: number): Promise<RateDecision> {
    const limits = this.options.limits[provider];
    if (!limits?.requestsPerMinute && !limits?.tokensPerMinute) return { admitted: true, ticket: { provider, bucket: -1, tokens } };
    const [status, value] = await this.redis.zekkaRateAcquire(
      this.key(provider),
      this.windowMs,
      this.bucketMs,
      limits.requestsPerMinute ?? 0,
      limits.tokensPerMinute ?? 0,
      Math.max(0, Math.ceil(tokens)),
    );
    if (status === 1) return { admitted: true, ticket: { provider, bucket: value, tokens } };
    return { admitted: false, waitMs: status === -1 ? Number.POSITIVE_INFINITY : Math.max(1, value) };
  }

  async settle(ticket: RateTicket, actualTokens: number): Promise<void> {
    if (ticket.bucket < 0 || !this.options.limits[ticket.provider]?.tokensPerMinute) return;
    const delta = Math.ceil(actualTokens) - Math.ceil(ticket.tokens);
    if (delta !== 0) await this.redis.zekkaRateAdjust(this.key(ticket.provider), ticket.bucket, delta);
  }
}

/** Limits from the environment's `<PROVIDER>_REQUESTS_PER_MINUTE` / `<PROVIDER>_TOKENS_PER_MINUTE`. */
export function limitsFromEnv(env: {
  ANTHROPIC_REQUESTS_PER_MINUTE?: number;
  ANTHROPIC_TOKENS_PER_MINUTE?: number;
  GEMINI_REQUESTS_PER_MINUTE?: number;
  GEMINI_TOKENS_PER_MINUTE?: number;
  OLLAMA_REQUESTS_PER_MINUTE?: number;
  OLLAMA_TOKENS_PER_MINUTE?: number;
}): Record<string, ProviderLimits> {
  return {
    anthropic: { requestsPerMinute: env.ANTHROPIC_REQUESTS_PER_MINUTE, tokensPerMinute: env.ANTHROPIC_TOKENS_PER_MINUTE },
    gemini: { requestsPerMinute: env.GEMINI_REQUESTS_PER_MINUTE, tokensPerMinute: env.GEMINI_TOKENS_PER_MINUTE },
    ollama: { requestsPerMinute: env.OLLAMA_REQUESTS_PER_MINUTE, tokensPerMinute: env.OLLAMA_TOKENS_PER_MINUTE },
  };
}
