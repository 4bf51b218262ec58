/**
 * A redis-server of a test's own on a loopback port, so a test can kill it (an outage) without
 * touching the shared Redis every other test uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { waitFor } from './wait-for.js';

export async function startPrivateRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(
    `redis-server on port ${port} to answer PING`,
    async () => {
      if (redis.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${redis.exitCode})`);
      const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' });
      const [code] = (await once(probe, 'exit')) as [number | null];
      return code === 0;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  return redis;
}

/** SIGKILL, and wait until it is gone: the port refuses connections from then on. */
export async function killPrivateRedis(redis: ChildProcess): Promise<void> {
  if (redis.exitCode !== null || redis.signalCode !== null) return;
  const exited = once(redis, 'exit');
  redis.kill('SIGKILL');
  await exited;
}
