/**
 * `zekka worker` child processes for the bench, on its database, namespace and prefix. Started
 * with `node` itself (not npx) so SIGTERM reaches the worker; every child is tracked so that an
 * exit of the bench, however it happens, kills what is still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { BenchEnvironment } from './bench-environment.js';

export interface WorkerChild {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
}

export async function startWorker(env: BenchEnvironment, extra: Record<string, string> = {}): Promise<WorkerChild> {
  const port = await freePort();
  // BENCH_WORKER_PROFILE=<dir>: each worker writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_WORKER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, 'bin/zekka.js', 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_NAMESPACE: env.namespace,
      QUEUE_PREFIX: env.prefix,
      WORKER_METRICS_PORT: String(port),
      OFFLINE_LATENCY_MS: '0',
      WORKER_CONCURRENCY: '50',
      LOG_LEVEL: 'warn',
      // The engine's own cost per agent is measured; verification has its own benchmark.
      VERIFY_SOFTWARE: 'false',
      // Workers refuse to start without one; nothing in a bench signs with it.
      JWT_SECRET: randomBytes(32).toString('hex'),
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = once(child, 'exit').then(() => running.delete(child));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
  // Generous: on a shared 2-core machine under heavy load a worker (tsx, 68 queues) can take that long to start.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`worker exited early (${child.exitCode}):\n${output}`);
    if (await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`worker's http://127.0.0.1:${port}/health/ready gave no 200 within 90 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, stop };
}

export async function stopAllWorkers(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}
