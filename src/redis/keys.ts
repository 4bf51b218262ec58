/**
 * Context-bus key names. One project's keys share the hash tag `{<projectId>}` so the
 * multi-key Lua scripts that touch them stay on one Redis Cluster slot.
 * `namespace` lets test runs (and tenants) keep their keys apart; default `zekka`.
 */
export interface ProjectKeys {
  locks: string;
  lockTokens: string;
  conflicts: string;
  budget: string;
  events: string;
  sequence: string;
  cancelled: string;
  /** Fair share's virtual clock (src/engine/fair-share.ts). */
  fairClock: string;
}

export function projectKeys(projectId: string, namespace = 'zekka'): ProjectKeys {
  if (!/^[\w-]+$/.test(projectId)) throw new Error(`invalid project id for a Redis key: ${projectId}`);
  const base = `${namespace}:project:{${projectId}}`;
  return {
    locks: `${base}:locks`,
    lockTokens: `${base}:locks:tokens`,
    conflicts: `${base}:conflicts`,
    budget: `${base}:budget`,
    events: `${base}:events`,
    sequence: `${base}:events:seq`,
    cancelled: `${base}:cancelled`,
    fairClock: `${base}:fair-clock`,
  };
}

/**
 * An account's spend in one window (`YYYY-MM`, see src/economics/user-spend.ts). Its hash tag is
 * the user's, `{user:<userId>}`: every window of one user sits on one slot, apart from the
 * projects' slots (so the cap and a project budget are never changed by one script).
 */
export function userSpendKey(userId: string, window: string, namespace = 'zekka'): string {
  if (!/^[\w-]+$/.test(userId)) throw new Error(`invalid user id for a Redis key: ${userId}`);
  if (!/^\d{4}-\d{2}$/.test(window)) throw new Error(`invalid spend window for a Redis key: ${window}`);
  return `${namespace}:user:{user:${userId}}:spend:${window}`;
}

/**
 * The four keys one login attempt's scripts touch (src/api/auth/login-throttle.ts): the pair, the
 * address across accounts and the account across addresses (and its known addresses). The
 * address and account keys are shared between pairs, so no per-account tag can hold them all:
 * every login key carries the one tag `{login}` and sits on one Redis Cluster slot. That slot
 * holds small counters with TTLs, touched once or twice per login, never per agent call.
 */
export function loginThrottleKeys(prefix: string, ids: { pair: string; address: string; account: string }): [string, string, string, string] {
  const base = `${prefix}:login:{login}`;
  return [`${base}:pair:${ids.pair}`, `${base}:address:${ids.address}`, `${base}:account:${ids.account}`, `${base}:known:${ids.account}`];
}

/** The pub/sub channel every process publishes project events on. */
export function eventsChannel(namespace = 'zekka'): string {
  return `${namespace}:events`;
}

/** The pub/sub channel on which "this user's credentials or role changed" reaches every API replica. */
export function credentialsChannel(namespace = 'zekka'): string {
  return `${namespace}:credentials`;
}
