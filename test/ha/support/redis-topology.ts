/**
 * Real Redis topologies on loopback for the failover tests (npm run test:ha): a 3-master Redis
 * Cluster, a master + replica watched by three sentinels, and a single node with AOF. Every
 * server is a `redis-server` child of this process on ports picked at run time, with its data
 * under /var/tmp; the machine's shared Redis on 6379 is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedisTarget } from '../../../src/config/redis-env.js';
import { waitFor } from '../../support/wait-for.js';
import { freePort } from '../../support/worker-process.js';

export interface RedisServer {
  port: number;
  child: ChildProcess;
  args: string[];
  log: () => string;
}

async function redisCli(port: number, ...args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out };
}

/** Starts `redis-server <args>` on `port` and waits for PING. */
export async function startServer(port: number, args: string[]): Promise<RedisServer> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
  await waitFor(
    `redis-server on port ${port} to answer PING`,
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${child.exitCode}):\n${log}`);
      return (await redisCli(port, 'ping')).out.includes('PONG');
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  return { port, child, args, log: () => log };
}

/** SIGKILL (a crash: no shutdown save), and wait until the process is gone. */
export async function killServer(server: RedisServer): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill('SIGKILL');
  await exited;
}

/** A port whose cluster bus port (port + 10000) is free as well. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port > 55_000 || taken.has(port) || taken.has(port + 10_000)) continue;
    const bus = await freePort();
    if (bus === port + 10_000) continue;
    taken.add(port);
    taken.add(port + 10_000);
    return port;
  }
}

export interface Topology {
  target: RedisTarget;
  /** The variables a `zekka` process needs for it (REDIS_URL emptied: it would clash). */
  env: Record<string, string>;
  servers: RedisServer[];
  stop(): Promise<void>;
}

async function workDir(label: string): Promise<string> {
  return mkdtemp(join('/var/tmp', `zekka-ha-${label}-`));
}

async function stopAll(servers: RedisServer[], dir: string): Promise<void> {
  await Promise.all(servers.map(killServer));
  await rm(dir, { recursive: true, force: true });
}

/** Three masters, no replicas, all 16384 slots assigned. */
export async function startCluster(): Promise<Topology> {
  const dir = await workDir('cluster');
  const taken = new Set<number>();
  const ports = [await clusterPort(taken), await clusterPort(taken), await clusterPort(taken)];
  const servers = await Promise.all(
    ports.map((port) =>
      startServer(port, [
        '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout', '2000', '--dir', dir, '--dbfilename', `dump-${port}.rdb`, '--save', '', '--appendonly', 'no',
      ]),
    ),
  );
  const created = await redisCli(ports[0] ?? 0, '--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes');
  if (created.code !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.out}`);
  await waitFor('every cluster node to report cluster_state:ok', async () => {
    for (const port of ports) if (!(await redisCli(port, 'cluster', 'info')).out.includes('cluster_state:ok')) return false;
    return true;
  }, { timeoutMs: 30_000, intervalMs: 200 });
  const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
  return {
    target: { kind: 'cluster', nodes, tls: false },
    env: { REDIS_URL: '', REDIS_CLUSTER_NODES: nodes.map((n) => `${n.host}:${n.port}`).join(',') },
    servers,
    stop: () => stopAll(servers, dir),
  };
}

export const SENTINEL_MASTER_NAME = 'zekka-ha';

export interface SentinelTopology extends Topology {
  master: RedisServer;
  replica: RedisServer;
  sentinels: RedisServer[];
  /** The port of the node the sentinels name as master now. */
  currentMasterPort(): Promise<number | undefined>;
}

/**
 * One master, one replica, three sentinels (quorum 2). The master is declared down after 1 s
 * without answers; with the failover that follows, a promotion takes a few seconds.
 */
export async function startSentinelGroup(): Promise<SentinelTopology> {
  const dir = await workDir('sentinel');
  const [masterPort, replicaPort] = [await freePort(), await freePort()];
  const common = ['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
  const master = await startServer(masterPort, ['--port', String(masterPort), ...common, '--dbfilename', `dump-${masterPort}.rdb`]);
  const replica = await startServer(replicaPort, ['--port', String(replicaPort), ...common, '--dbfilename', `dump-${replicaPort}.rdb`, '--replicaof', '127.0.0.1', String(masterPort)]);
  await waitFor('the replica to be in sync', async () => (await redisCli(replicaPort, 'info', 'replication')).out.includes('master_link_status:up'), { timeoutMs: 15_000, intervalMs: 100 });
  const sentinels: RedisServer[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const config = join(dir, `sentinel-${port}.conf`);
    await writeFile(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 10000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
        '',
      ].join('\n'),
    );
    sentinels.push(await startServer(port, [config, '--sentinel']));
  }
  const servers = [master, replica, ...sentinels];
  const currentMasterPort = async (): Promise<number | undefined> => {
    for (const sentinel of sentinels) {
      if (sentinel.child.exitCode !== null) continue;
      const { out } = await redisCli(sentinel.port, 'sentinel', 'get-master-addr-by-name', SENTINEL_MASTER_NAME);
      const port = Number(out.trim().split('\n')[1]);
      if (Number.isInteger(port) && port > 0) return port;
    }
    return undefined;
  };
  await waitFor('every sentinel to see the replica and the other sentinels', async () => {
    for (const sentinel of sentinels) {
      const { out } = await redisCli(sentinel.port, 'sentinel', 'master', SENTINEL_MASTER_NAME);
      const fields = out.trim().split('\n');
      const field = (name: string) => Number(fields[fields.indexOf(name) + 1]);
      if (field('num-slaves') < 1 || field('num-other-sentinels') < 2) return false;
    }
    return true;
  }, { timeoutMs: 30_000, intervalMs: 200 });
  const list = sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  return {
    target: { kind: 'sentinel', sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })), name: SENTINEL_MASTER_NAME, sentinelTls: false, tls: false },
    env: { REDIS_URL: '', REDIS_SENTINELS: list, REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME },
    servers,
    master,
    replica,
    sentinels,
    currentMasterPort,
    stop: () => stopAll(servers, dir),
  };
}

export interface AofTopology extends Topology {
  server: RedisServer;
  /** SIGKILL, then the same server on the same port and data directory (it replays its AOF). */
  crashAndRestart(downMs?: number): Promise<void>;
}

/** One node with `appendonly yes`, `appendfsync everysec`: at most about a second of writes lost in a crash. */
export async function startAofServer(): Promise<AofTopology> {
  const dir = await workDir('aof');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'];
  const topology: AofTopology = {
    target: { kind: 'single', url: `redis://127.0.0.1:${port}`, tls: false },
    env: { REDIS_URL: `redis://127.0.0.1:${port}` },
    server: await startServer(port, args),
    servers: [],
    async crashAndRestart(downMs = 1_000) {
      await killServer(topology.server);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      topology.server = await startServer(port, args);
    },
    stop: () => stopAll([topology.server], dir),
  };
  return topology;
}
