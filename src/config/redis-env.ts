/**
 * Where Redis is: one node (REDIS_URL), a master group behind Sentinel (REDIS_SENTINELS +
 * REDIS_SENTINEL_NAME) or a Redis Cluster (REDIS_CLUSTER_NODES). Exactly one of the three; none
 * means the single node at redis://127.0.0.1:6379. Credentials and TLS come from REDIS_USERNAME,
 * REDIS_PASSWORD and REDIS_TLS (or a rediss:// URL); Sentinel's own from REDIS_SENTINEL_USERNAME,
 * REDIS_SENTINEL_PASSWORD and REDIS_SENTINEL_TLS.
 *
 * The schema fragment below joins src/config/env.ts; `checkRedisEnv` reports mixed or incomplete
 * settings there (one message per variable at fault), and `redisTarget` turns a parsed environment
 * into what src/redis/connection.ts connects to.
 */
import { z } from 'zod';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface HostPort {
  host: string;
  port: number;
}

/** Everything a connection needs besides its name and behaviour; one per process, shared by its connections. */
export type RedisTarget = (
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; sentinelUsername?: string; sentinelPassword?: string; sentinelTls: boolean }
  | { kind: 'cluster'; nodes: HostPort[] }
) & { username?: string; password?: string; tls: boolean };

const HOST_LIST_MESSAGE = 'a comma-separated list of host:port, e.g. redis-0:26379,redis-1:26379 ([::1]:26379 for IPv6)';

/** `host:port,host:port` → entries; undefined when any entry is malformed. String scanning, no regex backtracking. */
export function parseHostList(value: string): HostPort[] | undefined {
  const entries = value.split(',').map((entry) => entry.trim());
  const parsed: HostPort[] = [];
  for (const entry of entries) {
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) return undefined;
    let host = entry.slice(0, colon);
    const portText = entry.slice(colon + 1);
    if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
    else if (host.includes(':')) return undefined; // an IPv6 address needs its brackets
    if (host === '' || /[\s/@[\]]/.test(host)) return undefined;
    if (!/^\d{1,5}$/.test(portText)) return undefined;
    const port = Number(portText);
    if (port < 1 || port > 65535) return undefined;
    parsed.push({ host, port });
  }
  return parsed;
}

const hostList = z
  .string()
  .trim()
  .refine((value) => parseHostList(value) !== undefined, HOST_LIST_MESSAGE)
  .optional();
const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true').optional();
const secret = z.string().min(1).optional();

export const redisEnvShape = {
  /** No default here: `checkRedisEnv` must tell an explicit REDIS_URL from none (see DEFAULT_REDIS_URL). */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_SENTINELS: hostList,
  REDIS_SENTINEL_NAME: z.string().trim().min(1).max(200).regex(/^\S+$/, 'the master group name the sentinels monitor, without spaces').optional(),
  REDIS_SENTINEL_USERNAME: z.string().trim().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: secret,
  REDIS_SENTINEL_TLS: flag,
  REDIS_CLUSTER_NODES: hostList,
  REDIS_USERNAME: z.string().trim().min(1).optional(),
  REDIS_PASSWORD: secret,
  REDIS_TLS: flag,
};

type RedisEnv = z.infer<z.ZodObject<typeof redisEnvShape>>;

interface Issue {
  path: [string];
  message: string;
}

/** What is wrong with the Redis variables taken together; empty when they make sense. */
export function redisEnvProblems(env: RedisEnv): Issue[] {
  const issues: Issue[] = [];
  const add = (name: string, message: string) => issues.push({ path: [name], message });
  const chosen = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter((name) => env[name] !== undefined);
  if (chosen.length > 1) {
    for (const name of chosen) add(name, `set only one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES (set here: ${chosen.join(', ')})`);
  }
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_NAME === undefined) add('REDIS_SENTINEL_NAME', 'the master group name the sentinels monitor (sentinel.conf `sentinel monitor <name> …`) is needed with REDIS_SENTINELS');
  if (env.REDIS_SENTINELS === undefined) {
    for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD', 'REDIS_SENTINEL_TLS'] as const) {
      if (env[name] !== undefined) add(name, 'only means something with REDIS_SENTINELS');
    }
  }
  if (env.REDIS_URL !== undefined) {
    const url = new URL(env.REDIS_URL);
    if (url.password !== '' && env.REDIS_PASSWORD !== undefined) add('REDIS_PASSWORD', 'REDIS_URL already has a password; set it in one place only');
    if (url.username !== '' && env.REDIS_USERNAME !== undefined) add('REDIS_USERNAME', 'REDIS_URL already has a user name; set it in one place only');
    if (url.protocol === 'rediss:' && env.REDIS_TLS === false) add('REDIS_TLS', 'REDIS_URL is rediss:// (TLS); REDIS_TLS=false contradicts it');
    if (url.protocol === 'redis:' && env.REDIS_TLS === true) add('REDIS_TLS', 'REDIS_URL is redis:// (no TLS); use rediss:// instead of REDIS_TLS=true');
  }
  return issues;
}

/** The parsed environment's Redis, as src/redis/connection.ts takes it. Call after `redisEnvProblems` found nothing. */
export function redisTarget(env: RedisEnv): RedisTarget {
  const credentials = { username: env.REDIS_USERNAME, password: env.REDIS_PASSWORD, tls: env.REDIS_TLS ?? false };
  if (env.REDIS_SENTINELS !== undefined) {
    return {
      kind: 'sentinel',
      sentinels: parseHostList(env.REDIS_SENTINELS) ?? [],
      name: env.REDIS_SENTINEL_NAME ?? '',
      sentinelUsername: env.REDIS_SENTINEL_USERNAME,
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
      sentinelTls: env.REDIS_SENTINEL_TLS ?? credentials.tls,
      ...credentials,
    };
  }
  if (env.REDIS_CLUSTER_NODES !== undefined) return { kind: 'cluster', nodes: parseHostList(env.REDIS_CLUSTER_NODES) ?? [], ...credentials };
  const url = env.REDIS_URL ?? DEFAULT_REDIS_URL;
  return { kind: 'single', url, ...credentials, tls: url.startsWith('rediss:') };
}

/** For logs and errors: where, never with credentials. */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (entries: HostPort[]) => entries.map((e) => (e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`)).join(',');
  if (target.kind === 'sentinel') return `sentinel master "${target.name}" via ${list(target.sentinels)}`;
  if (target.kind === 'cluster') return `cluster via ${list(target.nodes)}`;
  const url = new URL(target.url);
  url.username = '';
  url.password = '';
  return url.toString();
}
