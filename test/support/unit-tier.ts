/**
 * Root set-up of the fast tier (`npm run test:unit`, .mocharc.unit.json): tests named
 * `*.unit.test.ts` need no PostgreSQL, no Redis and no child process. This file makes any test
 * that reaches for one fail at once, naming what it tried, instead of passing on a developer's
 * machine and hanging or going slow elsewhere:
 * - the database and Redis variables point at a port nothing listens on (9, discard);
 * - a TCP connection to PostgreSQL's or Redis's port (or that one) is destroyed with an error
 *   saying so, also raised as an uncaught error, which mocha reports against the running test;
 * - spawning a process throws, except esbuild's own service (esbuild transforms run in-process
 *   from the caller's view; tsx and the proposal validator use it).
 * Loopback HTTP servers a test starts itself (the fake model providers) stay allowed.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const UNREACHABLE_PORT = 9;
process.env.DATABASE_URL = `postgresql://unit-tier@127.0.0.1:${UNREACHABLE_PORT}/unit-tests-have-no-database`;
process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
process.env.REDIS_URL = `redis://127.0.0.1:${UNREACHABLE_PORT}`;
process.env.TEST_REDIS_URL = process.env.REDIS_URL;

const FORBIDDEN_PORTS = new Map<number, string>([
  [5432, 'PostgreSQL'],
  [6379, 'Redis'],
  [UNREACHABLE_PORT, 'PostgreSQL or Redis (DATABASE_URL/REDIS_URL)'],
]);

const RENAME_HINT = 'a test that needs it belongs in a *.test.ts file (the full suite), not *.unit.test.ts';

function refusal(message: string): Error {
  return new Error(`unit tier: ${message}; ${RENAME_HINT}`);
}

const reported = new Set<string>();
/** An uncaught error, which mocha reports against the running test even if the library swallows the connection error (once per kind: a client that retries would repeat it). */
function raiseUncaught(error: Error): void {
  if (reported.has(error.message)) return;
  reported.add(error.message);
  process.nextTick(() => {
    throw error;
  });
}

function portOf(args: unknown[]): number | undefined {
  const [first] = args;
  // net.connect()/createConnection() pass their normalized arguments as one array.
  if (Array.isArray(first)) return portOf(first);
  if (typeof first === 'number' || typeof first === 'string') return Number(first);
  if (first && typeof first === 'object' && 'port' in first) return Number(first.port);
  return undefined;
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with the socket as `this`
const connect = net.Socket.prototype.connect as (this: net.Socket, ...args: unknown[]) => net.Socket;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const port = portOf(args);
  const service = port === undefined ? undefined : FORBIDDEN_PORTS.get(port);
  if (service) {
    const error = refusal(`a test tried to connect to ${service} on port ${port}`);
    raiseUncaught(error);
    return this.destroy(error);
  }
  return connect.apply(this, args);
};

const isEsbuildService = (command: unknown) => typeof command === 'string' && /[\\/]esbuild(?:\.exe)?$/.test(command);
const mutable = childProcess as unknown as Record<string, unknown>;
for (const name of ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync'] as const) {
  const original = mutable[name] as (...args: unknown[]) => unknown;
  mutable[name] = function guardedChildProcess(this: unknown, ...args: unknown[]) {
    if (!isEsbuildService(args[0])) throw refusal(`a test tried to start a child process (${name} ${String(args[0])})`);
    return original.apply(this, args);
  };
}
// `import { spawn } from 'node:child_process'` reads the ESM view of the module: bring it up to date.
syncBuiltinESMExports();
