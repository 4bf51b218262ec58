/**
 * How much a purpose (an agent role) answers on a model: its last output sizes, kept in Redis so
 * every worker sizes its reservations from the same history. The budget guard holds a call's
 * expected output — the largest of the recent sizes plus a margin — instead of the role's full
 * output limit, and extends the hold while the answer streams if it runs longer.
 *
 * Keys: `<namespace>:output-history:<provider>:<model>:<purpose>`, a list of integers, newest
 * first, trimmed to `samples`, expiring after 30 days without a call.
 */
import type { Redis } from 'ioredis';

export interface OutputHistoryOptions {
  namespace?: string;
  /** Sizes kept per purpose and model. Default 20. */
  samples?: number;
  /** Fraction added to the largest recent size. Default 0.15. */
  margin?: number;
}

const TTL_SECONDS = 30 * 24 * 3600;

export class OutputHistory {
  private readonly namespace: string;
  private readonly samples: number;
  private readonly margin: number;

  constructor(
    private readonly redis: Redis,
    options: OutputHistoryOptions = {},
  ) {
    this.namespace = options.namespace ?? 'zekka';
    this.samples = options.samples ?? 20;
    this.margin = options.margin ?? 0.15;
  }

  key(purpose: string, provider: string, model: string): string {
    return `${this.namespace}:output-history:${provider}:${model}:${purpose}`;
  }

  /** The output tokens to expect (largest recent size plus the margin); undefined without history. */
  async expected(purpose: string, provider: string, model: string): Promise<number | undefined> {
    const sizes = (await this.redis.lrange(this.key(purpose, provider, model), 0, -1)).map(Number).filter((n) => Number.isSafeInteger(n) && n >= 0);
    if (sizes.length === 0) return undefined;
    return Math.ceil(Math.max(...sizes) * (1 + this.margin));
  }

  async record(purpose: string, provider: string, model: string, outputTokens: number): Promise<void> {
    const key = this.key(purpose, provider, model);
    await this.redis
      .multi()
      .lpush(key, String(outputTokens))
      .ltrim(key, 0, this.samples - 1)
      .expire(key, TTL_SECONDS)
      .exec();
  }
}
