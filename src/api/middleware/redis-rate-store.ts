/**
 * rate-limit-redis's store, made to survive Redis being away. The store loads its Lua scripts
 * once and keeps the promise: a load that failed (Redis down when the API started, or the API's
 * fail-fast connection refusing while Redis restarts) would fail every later request forever.
 * Here a failed call starts a fresh load and tries once more, so the limiter works again as soon
 * as Redis answers — including the first request after start-up, when the scripts were loaded
 * before the fail-fast connection was up — and a failed load is never left as an unhandled
 * rejection. With Redis really away the second try fails as fast as the first.
 */
import type { Options as RateLimitOptions } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';

export class ResilientRedisStore extends RedisStore {
  override async init(options: RateLimitOptions): Promise<void> {
    try {
      await super.init(options);
    } catch {
      this.reloadScripts();
    }
  }

  override increment(key: string): ReturnType<RedisStore['increment']> {
    return this.retriedOnce(() => super.increment(key));
  }

  override get(key: string): ReturnType<RedisStore['get']> {
    return this.retriedOnce(() => super.get(key));
  }

  private async retriedOnce<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch {
      this.reloadScripts();
      return call();
    }
  }

  private reloadScripts(): void {
    this.incrementScriptSha = this.loadIncrementScript();
    this.getScriptSha = this.loadGetScript();
    // Observed here; the next call awaits them again and sees the outcome.
    this.incrementScriptSha.catch(() => undefined);
    this.getScriptSha.catch(() => undefined);
  }
}
