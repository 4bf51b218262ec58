/**
 * Per-file locks on the context bus, with a lease, an owner and a fencing token.
 *
 * One hash per project (`zekka:project:{id}:locks`): field = file path, value = JSON
 * {owner, token, expiresAt}. Leases are checked against Redis' own clock (TIME), so a crashed
 * agent cannot hold a file for longer than its lease. Tokens come from one counter per project
 * (`…:locks:tokens`) and only ever grow: the artifact store refuses a write whose token is lower
 * than the last one that wrote the file, which fences off a writer whose lease ran out.
 *
 * The owner is the agent job id, which stays the same across attempts: a retried attempt takes
 * the lock back at once (with a new token) instead of waiting for its dead predecessor's lease.
 */
import type { Redis } from 'ioredis';
import { projectKeys } from '../../redis/keys.js';
import { runScript } from '../../redis/run-script.js';

// KEYS[1] locks hash, KEYS[2] token counter. ARGV[1] path, ARGV[2] owner, ARGV[3] lease ms.
// Returns {1, token} when acquired, {0, owner, msLeft} when another owner holds a live lease.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local lock = cjson.decode(current)
  if lock.owner ~= ARGV[2] and lock.expiresAt > now then
    return {0, lock.owner, lock.expiresAt - now}
  end
end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({owner = ARGV[2], token = token, expiresAt = now + tonumber(ARGV[3])}))
-- A finished project's lock keys go away on their own (tokens only need to outlive the writes).
redis.call('EXPIRE', KEYS[1], 604800)
redis.call('EXPIRE', KEYS[2], 604800)
return {1, token}
`;

// KEYS[1] locks hash. ARGV[1] path, ARGV[2] owner, ARGV[3] token. Deletes only the caller's own lock.
const RELEASE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
local lock = cjson.decode(current)
if lock.owner == ARGV[2] and tostring(lock.token) == ARGV[3] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
`;

export interface HeldLock {
  path: string;
  owner: string;
  token: number;
}

export class LockBusyError extends Error {
  constructor(
    readonly path: string,
    readonly holder: string,
  ) {
    super(`file ${path} is locked by ${holder}`);
    this.name = 'LockBusyError';
  }
}

export interface FileLocksOptions {
  redis: Redis;
  namespace: string;
  leaseMs?: number;
  /** How long `acquire` keeps trying while another owner holds the file. */
  waitMs?: number;
}

export class FileLocks {
  private readonly leaseMs: number;
  private readonly waitMs: number;

  constructor(private readonly options: FileLocksOptions) {
    this.leaseMs = options.leaseMs ?? 5_000;
    this.waitMs = options.waitMs ?? 30_000;
  }

  async acquire(projectId: string, path: string, owner: string): Promise<HeldLock> {
    const keys = projectKeys(projectId, this.options.namespace);
    const deadline = Date.now() + this.waitMs;
    let pause = 5;
    for (;;) {
      const reply = (await runScript(this.options.redis, ACQUIRE, [keys.locks, keys.lockTokens], [path, owner, this.leaseMs])) as [number, number | string, number?];
      if (reply[0] === 1) return { path, owner, token: Number(reply[1]) };
      if (Date.now() >= deadline) throw new LockBusyError(path, String(reply[1]));
      const msLeft = Number(reply[2] ?? pause);
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, msLeft + 1)));
      pause = Math.min(pause * 2, 200);
    }
  }

  async release(projectId: string, lock: HeldLock): Promise<boolean> {
    const keys = projectKeys(projectId, this.options.namespace);
    const released = await runScript(this.options.redis, RELEASE, [keys.locks], [lock.path, lock.owner, String(lock.token)]);
    return released === 1;
  }

  /** Runs `fn` holding the lock on `path`; always releases (owner-checked) afterwards. */
  async withLock<T>(projectId: string, path: string, owner: string, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
    const lock = await this.acquire(projectId, path, owner);
    try {
      return await fn(lock);
    } finally {
      await this.release(projectId, lock);
    }
  }
}
