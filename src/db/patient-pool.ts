/**
 * A node-postgres pool that waits out a database outage instead of failing every statement of it.
 *
 * Workers use it: while PostgreSQL is down or restarting (connection refused, "the database system
 * is starting up" …), taking a connection waits — with exponential pauses, up to `outageWaitMs` — and
 * the job that asked simply resumes once the server is back, instead of spending one of its
 * BullMQ attempts on every statement the outage cut off. Only taking a connection is repeated,
 * never a statement: a statement the crash cut off in flight fails as before (it may have
 * committed) and its job is retried by BullMQ. Both Prisma (through @prisma/adapter-pg, which
 * takes every connection from this pool) and the engine's plain SQL go through `connect`.
 *
 * The API does not use it: a request during an outage must be answered at once (503), not held.
 */
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import { isDatabaseUnavailable, retryWhileDatabaseUnavailable } from './database-outage.js';

export interface PatientPoolOptions extends pg.PoolConfig {
  /** How long taking a connection may wait for an unreachable server before it fails. */
  outageWaitMs: number;
  logger: Logger;
  /** Where the log lines name the server (host:port/database, never credentials). */
  describe: string;
}

type ConnectCallback = (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

export class PatientPool extends pg.Pool {
  private readonly outageWaitMs: number;
  private readonly logger: Logger;
  private readonly describe: string;
  /** When the current outage was first seen (undefined: the server answers). */
  private outageSince: number | undefined;

  constructor({ outageWaitMs, logger, describe, ...config }: PatientPoolOptions) {
    super(config);
    this.outageWaitMs = outageWaitMs;
    this.logger = logger;
    this.describe = describe;
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const connected = this.connectPatiently();
    if (!callback) return connected;
    // pg-pool's own query() takes its connection through this callback form.
    connected.then(
      (client) => callback(undefined, client, (release?: unknown) => client.release(release as Error | boolean | undefined)),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), undefined, () => undefined),
    );
  }

  private async connectPatiently(): Promise<pg.PoolClient> {
    const client = await retryWhileDatabaseUnavailable(
      () =>
        (super.connect()).catch((error: unknown) => {
          if (isDatabaseUnavailable(error, true) && this.outageSince === undefined && !this.ending) {
            this.outageSince = Date.now();
            this.logger.warn('PostgreSQL is unreachable: waiting for it', { database: this.describe, maxWaitMs: this.outageWaitMs, error: error instanceof Error ? error.message : String(error) });
          }
          throw error;
        }),
      { maxWaitMs: this.outageWaitMs, fromPostgres: true },
    );
    if (this.outageSince !== undefined) {
      this.logger.warn('PostgreSQL is reachable again', { database: this.describe, outageMs: Date.now() - this.outageSince });
      this.outageSince = undefined;
    }
    return client;
  }
}
