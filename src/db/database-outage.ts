/**
 * Telling "PostgreSQL is unreachable right now" apart from every other database error, whichever
 * layer it comes through: Prisma (P1001 …, or the driver adapter's error kinds), node-postgres
 * (socket codes, SQLSTATE 08xxx and the shutdown/start-up states 57P01-57P03) or pg-pool (its
 * connection messages). The API answers such an error with a 503 (src/api/middleware/error-handler.ts);
 * workers wait it out (./patient-pool.ts).
 */
import { AppError } from '../errors/app-error.js';

/** The database cannot be reached; the message names the host, never the credentials. */
export class DatabaseUnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'database_unavailable', status: 503, cause });
  }
}

/** Prisma: can't reach the server, timed out reaching it, closed the connection, no pool connection in time. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
/** @prisma/adapter-pg's error kinds for a connection that failed or broke. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down), too_many_connections. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What node-postgres and pg-pool say when a connection fails or breaks (they give no code). */
const MESSAGES = ['Connection terminated unexpectedly', 'Connection terminated due to connection timeout', 'Client has encountered a connection error and is not queryable'];

interface ErrorLike {
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  message?: unknown;
  severity?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

function matches(error: ErrorLike, fromPostgres: boolean): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && PRISMA_CODES.has(code)) return true;
  if (typeof error.kind === 'string' && ADAPTER_KINDS.has(error.kind)) return true;
  const sqlstate = typeof error.originalCode === 'string' ? error.originalCode : typeof error.severity === 'string' ? code : undefined;
  if (sqlstate && (sqlstate.startsWith('08') || SQLSTATES.has(sqlstate))) return true;
  const message = typeof error.message === 'string' ? error.message : '';
  // A bare socket code is PostgreSQL's only when it came through a PostgreSQL layer (Redis errors carry them too).
  if (fromPostgres && code && SOCKET_CODES.has(code)) return true;
  return MESSAGES.some((m) => message.includes(m));
}

/** True for an error that means the database is down or unreachable (a retry later may succeed). */
export function isDatabaseUnavailable(error: unknown, fromPostgres = false): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    if (current instanceof DatabaseUnavailableError) return true;
    const e = current as ErrorLike;
    if (matches(e, fromPostgres)) return true;
    const adapter = e.meta?.driverAdapterError as ErrorLike | undefined;
    if (adapter && typeof adapter === 'object' && (matches(adapter, true) || (typeof adapter.cause === 'object' && adapter.cause !== null && matches(adapter.cause, true)))) return true;
    current = e.cause;
  }
  return false;
}

export interface OutageRetryOptions {
  /** Give up (rethrow the last error) after this long; default 60 s. */
  maxWaitMs?: number;
  /** First pause; doubles up to `maxDelayMs` (default 100 ms, 2 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Treat bare socket errors as the database's (the operation only talks to PostgreSQL). */
  fromPostgres?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` again while it fails because the database is unreachable, with exponential
 * pauses, for at most `maxWaitMs`. Only for operations that are safe to repeat: a statement cut
 * off by a crash may have committed before the connection broke.
 */
export async function retryWhileDatabaseUnavailable<T>(operation: () => Promise<T>, options: OutageRetryOptions = {}): Promise<T> {
  const { maxWaitMs = 60_000, initialDelayMs = 100, maxDelayMs = 2_000, sleep = pause } = options;
  const deadline = Date.now() + maxWaitMs;
  let delay = initialDelayMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!isDatabaseUnavailable(error, options.fromPostgres) || Date.now() + delay > deadline) throw error;
      await sleep(delay);
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
}
