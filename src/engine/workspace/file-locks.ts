/**
 * Per-file locks on the context bus, with a lease, an owner and a fencing token.
 *
 * One hash per project (`zekka:project:{id}:locks`): field = file path, value = JSON
 * {owner, token, expiresAt}. Leases are checked against Redis' own clock (TIME), so a crashed
 * agent cannot hold a file for longer than its lease. Tokens come from one counter per project
 * (`…:locks:tokens`) and only ever grow: the artifact store refuses a write whose token is lower
 * than the last one that wrote the file, which fences off a writer whose lease ran out.
 *
 * A taker may name its run (`unlessCancelled`): the script then also reads the project's cancel
 * flag (the key and value src/engine/project-state.ts keeps) and takes nothing for a cancelled run
 * (`RunCancelledWhileLockingError`), so an agent's last cancel check costs no command of its own.
 *
 * The owner is the agent job id, which stays the same across attempts: a retried attempt takes
 * the lock back at once (with a new token) instead of waiting for its dead predecessor's lease.
 */
import type { Redis } from 'ioredis';
import { projectKeys } from '../../redis/keys.js';
import { runScript } from '../../redis/run-script.js';

// KEYS[1] locks hash, KEYS[2] token counter, KEYS[3] the project's cancel flag. ARGV[1] owner,
// ARGV[2] lease ms, ARGV[3] a run id: take nothing if the flag holds it ('' takes regardless),
// ARGV[4..] paths. All or nothing: returns {1, token…} (one token per path, in order) when every
// path was free or already the caller's, {0, path, owner, msLeft} for the first path another owner
// holds, {-1} when the run was cancelled.
const ACQUIRE = `
if ARGV[3] ~= '' and redis.call('GET', KEYS[3]) == ARGV[3] then return {-1} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 4, #ARGV do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if current then
    local lock = cjson.decode(current)
    if lock.owner ~= ARGV[1] and lock.expiresAt > now then
      return {0, ARGV[i], lock.owner, lock.expiresAt - now}
    end
  end
end
local tokens = {1}
for i = 4, #ARGV do
  local token = redis.call('INCR', KEYS[2])
  redis.call('HSET', KEYS[1], ARGV[i], cjson.encode({owner = ARGV[1], token = token, expiresAt = now + tonumber(ARGV[2])}))
  tokens[#tokens + 1] = token
end
-- A finished project's lock keys go away on their own (tokens only need to outlive the writes).
redis.call('EXPIRE', KEYS[1], 604800)
redis.call('EXPIRE', KEYS[2], 604800)
return tokens
`;

// KEYS[1] locks hash. ARGV[1] owner, then pairs of path and token. Deletes only the caller's own
// locks; returns how many it deleted.
const RELEASE = `
local released = 0
for i = 2, #ARGV, 2 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if current then
    local lock = cjson.decode(current)
    if lock.owner == ARGV[1] and tostring(lock.token) == ARGV[i + 1] then
      redis.call('HDEL', KEYS[1], ARGV[i])
      released = released + 1
    end
  end
end
return released
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

/** The run that asked for the locks was cancelled: nothing was taken. */
export class RunCancelledWhileLockingError extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} was cancelled; no lock taken`);
    this.name = 'RunCancelledWhileLockingError';
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
    const [lock] = await this.acquireAll(projectId, [path], owner);
    if (!lock) throw new Error(`no lock taken on ${path}`);
    return lock;
  }

  /**
   * Takes every path at once or waits: holding some files while waiting for others could
   * deadlock two agents that want the same two files.
   */
  async acquireAll(projectId: string, paths: readonly string[], owner: string, unlessCancelled?: string): Promise<HeldLock[]> {
    const keys = projectKeys(projectId, this.options.namespace);
    const deadline = Date.now() + this.waitMs;
    let pause = 5;
    for (;;) {
      const reply = (await runScript(this.options.redis, ACQUIRE, [keys.locks, keys.lockTokens, keys.cancelled], [owner, this.leaseMs, unlessCancelled ?? '', ...paths])) as (number | string)[];
      if (reply[0] === 1) return paths.map((path, i) => ({ path, owner, token: Number(reply[i + 1]) }));
      if (reply[0] === -1) throw new RunCancelledWhileLockingError(unlessCancelled ?? '');
      if (Date.now() >= deadline) throw new LockBusyError(String(reply[1]), String(reply[2]));
      const msLeft = Number(reply[3] ?? pause);
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, msLeft + 1)));
      pause = Math.min(pause * 2, 200);
    }
  }

  async release(projectId: string, lock: HeldLock): Promise<boolean> {
    return (await this.releaseAll(projectId, [lock])) === 1;
  }

  /** Releases locks taken together by one owner (owner and token checked); returns how many it released. */
  async releaseAll(projectId: string, locks: readonly HeldLock[]): Promise<number> {
    if (locks.length === 0) return 0;
    const keys = projectKeys(projectId, this.options.namespace);
    const pairs = locks.flatMap((lock) => [lock.path, String(lock.token)]);
    return Number(await runScript(this.options.redis, RELEASE, [keys.locks], [locks[0]?.owner ?? '', ...pairs]));
  }

  /** Runs `fn` holding the lock on `path`; always releases (owner-checked) afterwards. */
  async withLock<T>(projectId: string, path: string, owner: string, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
    return this.withLocks(projectId, [path], owner, ([lock]) => fn(lock as HeldLock));
  }

  /**
   * Runs `fn` holding the locks on every path (taken together); always releases them afterwards.
   * With `unlessCancelled` (a run id), throws RunCancelledWhileLockingError, taking nothing, once that run is cancelled.
   */
  async withLocks<T>(projectId: string, paths: readonly string[], owner: string, fn: (locks: HeldLock[]) => Promise<T>, unlessCancelled?: string): Promise<T> {
    const locks = await this.acquireAll(projectId, paths, owner, unlessCancelled);
    try {
      return await fn(locks);
    } finally {
      await this.releaseAll(projectId, locks);
    }
  }
}
