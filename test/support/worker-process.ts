/**
 * Starts `zekka worker`, `zekka arbitrator` or `zekka api` as a real child process on the run's
 * database, Redis namespace and queue prefix, and waits until its readiness endpoint answers.
 * Started with `node` directly (not npx) so signals reach the process itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { testDatabaseUrl, testNamespace, testQueuePrefix, testRedisUrl } from './environment.js';

export interface ZekkaProcess {
  child: ChildProcess;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}
export type WorkerProcess = ZekkaProcess;

/** A loopback port nothing listens on (at the moment of asking). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * The JWT secret every process of this run gets unless a test passes its own: random, so no test
 * relies on a secret anyone could read, and shared, so API replicas accept each other's tokens.
 */
export const PROCESS_JWT_SECRET = randomBytes(32).toString('hex');

/** The variable naming the port each command serves /health on. */
const PORT_VARIABLE = { worker: 'WORKER_METRICS_PORT', arbitrator: 'ARBITRATOR_PORT', api: 'PORT' } as const;

async function startZekkaProcess(command: keyof typeof PORT_VARIABLE, env: Record<string, string>): Promise<ZekkaProcess> {
  const port = await freePort();
  const portVariable = PORT_VARIABLE[command];
  const child = spawn(process.execPath, ['bin/zekka.js', command], {
    env: {
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: testRedisUrl(),
      REDIS_NAMESPACE: testNamespace(),
      QUEUE_PREFIX: testQueuePrefix(),
      [portVariable]: String(port),
      LOG_LEVEL: 'warn',
      JWT_SECRET: PROCESS_JWT_SECRET,
      // Verifying generated software (installs, builds, tests) is what test/verification covers;
      // elsewhere it would only slow the engine's tests down. Every process of a test agrees.
      VERIFY_SOFTWARE: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded 2-core machine loading the engine alone can take tens of seconds.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited early (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command}: ${url}/health/ready gave no 200 within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    port,
    url,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `zekka worker` (default) or `zekka arbitrator`; either serves /health on the port it is given. */
export function startWorkerProcess(env: Record<string, string> = {}, command: 'worker' | 'arbitrator' = 'worker'): Promise<WorkerProcess> {
  return startZekkaProcess(command, env);
}

/** `zekka api` on a free port; every replica gets PROCESS_JWT_SECRET, so each accepts the others' tokens. */
export function startApiProcess(env: Record<string, string> = {}): Promise<ZekkaProcess> {
  return startZekkaProcess('api', env);
}
