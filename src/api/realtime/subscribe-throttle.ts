/**
 * A token bucket of `subscribe`s per user on this replica: `burst` at once, then `perSecond`. Per
 * user rather than per socket, so opening more sockets (up to the connection cap) buys no more
 * replays. In memory: what it protects is this process's Redis reads and socket writes, and a
 * bucket that dies with the process needs no cleanup. Refilled buckets are pruned.
 */
export interface SubscribeThrottleOptions {
  burst: number;
  perSecond: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class SubscribeThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: SubscribeThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Takes one token for the user: 0 when allowed, else the milliseconds until one is available. */
  take(userId: string): number {
    const { burst, perSecond } = this.options;
    const now = this.now();
    const bucket = this.buckets.get(userId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(userId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / perSecond) * 1000);
  }

  /** Drops the buckets that have refilled (they hold nothing a fresh one would not): called periodically. */
  prune(): void {
    const now = this.now();
    const { burst, perSecond } = this.options;
    for (const [userId, bucket] of this.buckets) if (bucket.tokens + ((now - bucket.at) / 1000) * perSecond >= burst) this.buckets.delete(userId);
  }
}
