/**
 * Small measuring tools for the bench: percentiles, a Redis memory sampler (INFO used_memory,
 * polled while a load runs) and the bytes held by the bench's own keys (MEMORY USAGE over SCAN),
 * which stays exact when other tenants share the Redis server.
 */
import type { Redis } from 'ioredis';
import { scanKeys } from './bench-environment.js';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN;
}

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  return match ? Number(match[1]) : Number.NaN;
}

/** Polls used_memory until stopped; `stop()` resolves with the peak seen. */
export function sampleMemory(redis: Redis, everyMs = 50): { stop: () => Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await usedMemory(redis).catch(() => 0));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      peak = Math.max(peak, await usedMemory(redis).catch(() => 0));
      return peak;
    },
  };
}

export interface KeyFootprint {
  keys: number;
  bytes: number;
  /** Bytes by kind of key (job hashes, queue event streams, project keys …). */
  byKind: Map<string, { keys: number; bytes: number }>;
}

function kindOf(key: string, prefix: string): string {
  if (!key.startsWith(`${prefix}:`)) return key.includes(':project:') ? (key.endsWith(':events') ? 'project event streams' : 'project state/locks/seq') : 'other namespace keys';
  const rest = key.slice(prefix.length + 1);
  const parts = rest.split(':');
  const tail = parts.slice(1).join(':');
  if (tail === 'events') return 'queue event streams';
  if (['completed', 'failed', 'wait', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused'].includes(tail)) return 'queue state lists/sets';
  if (['meta', 'id', 'marker', 'stalled-check', 'stalled', 'pc', 'de', 'limiter'].includes(tail)) return 'queue meta';
  if (tail.endsWith(':dependencies') || tail.endsWith(':processed') || tail.endsWith(':failed') || tail.endsWith(':unsuccessful')) return 'job dependency sets';
  if (tail.endsWith(':logs') || tail.endsWith(':lock')) return 'job logs/locks';
  return 'job hashes';
}

export async function keyFootprint(redis: Redis, patterns: string[], prefix: string): Promise<KeyFootprint> {
  const keys = await scanKeys(redis, patterns);
  const byKind = new Map<string, { keys: number; bytes: number }>();
  let bytes = 0;
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    const results = (await pipeline.exec()) ?? [];
    batch.forEach((key, index) => {
      const size = Number(results[index]?.[1] ?? 0);
      bytes += size;
      const kind = kindOf(key, prefix);
      const entry = byKind.get(kind) ?? { keys: 0, bytes: 0 };
      entry.keys += 1;
      entry.bytes += size;
      byKind.set(kind, entry);
    });
  }
  return { keys: keys.length, bytes, byKind };
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ms = (value: number): string => `${value.toFixed(0)} ms`;
export const seconds = (value: number): string => `${(value / 1000).toFixed(2)} s`;
