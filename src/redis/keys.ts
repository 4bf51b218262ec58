/**
 * Context-bus key names. One project's keys share the hash tag `{<projectId>}` so the
 * multi-key Lua scripts that touch them stay on one Redis Cluster slot.
 * `namespace` lets test runs (and tenants) keep their keys apart; default `zekka`.
 */
export interface ProjectKeys {
  state: string;
  locks: string;
  lockTokens: string;
  conflicts: string;
  agents: string;
  budget: string;
  events: string;
  sequence: string;
  cancelled: string;
}

export function projectKeys(projectId: string, namespace = 'zekka'): ProjectKeys {
  if (!/^[\w-]+$/.test(projectId)) throw new Error(`invalid project id for a Redis key: ${projectId}`);
  const base = `${namespace}:project:{${projectId}}`;
  return {
    state: `${base}:state`,
    locks: `${base}:locks`,
    lockTokens: `${base}:locks:tokens`,
    conflicts: `${base}:conflicts`,
    agents: `${base}:agents`,
    budget: `${base}:budget`,
    events: `${base}:events`,
    sequence: `${base}:events:seq`,
    cancelled: `${base}:cancelled`,
  };
}

export function systemMetricsKey(namespace = 'zekka'): string {
  return `${namespace}:system:metrics`;
}

/** The pub/sub channel every process publishes project events on. */
export function eventsChannel(namespace = 'zekka'): string {
  return `${namespace}:events`;
}
