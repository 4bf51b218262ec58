/**
 * A socket is a session: its credential is checked at the handshake, again on every `subscribe`
 * (realtime-server.ts, through the HTTP authenticator), and here, for as long as it stays open:
 *
 *   - a JWT ends at its `exp` exactly (one timer per socket);
 *   - every `recheckIntervalMs` this replica reads, in two queries for all its sockets together, the
 *     API keys and users behind them: a revoked or deleted key or user, or a role that is no longer
 *     the one the socket was opened with, ends the session;
 *   - a "credentials changed for user X" message on Redis (credential-changes.ts: published when a
 *     key is revoked and by `zekka users role`) re-checks that user's sockets at once, on every replica.
 *
 * Ending a session sends `auth_error {reason}` and closes the socket. A role change ends it too
 * (the dropped rooms of a demotion included): clients reconnect on a server disconnect, and the new
 * handshake carries the new role — simpler and safer than editing a live session's rights.
 *
 * Also the per-user connection cap, per replica: what it protects (memory, replays, timers) is per
 * process, and a count kept in this process cannot leak when a replica dies, as a Redis counter would.
 */
import type { PrismaClient } from '../../db/prisma-types.js';
import type { Logger } from '../../logging/logger.js';
import type { Principal } from '../auth/principal.js';

export type SessionEndReason = 'token expired' | 'credentials revoked' | 'role changed';

/** Server → client, just before the server closes the socket. */
export interface AuthError {
  reason: SessionEndReason;
}

export interface SessionInput {
  principal: Principal;
  /** When the credential stops being valid (a JWT's exp, epoch ms); API keys: undefined. */
  expiresAt: number | undefined;
  /** Whether the socket's connection is still open (a handshake can be abandoned before `connection`). */
  alive: () => boolean;
  /** Tells the client why and closes the socket. */
  end: (reason: SessionEndReason) => void;
}

export interface Session extends SessionInput {
  /** Why the session ended; undefined while it is open. */
  ended: SessionEndReason | undefined;
  timer?: NodeJS.Timeout;
}

export interface SocketSessionsOptions {
  prisma: PrismaClient;
  logger: Logger;
  maxConnectionsPerUser: number;
  recheckIntervalMs: number;
  /** Also run on each periodic tick (the subscribe throttle's pruning). */
  onTick?: () => void;
}

/** setTimeout's largest delay; a later expiry is left to the periodic re-check. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SocketSessions {
  private readonly byUser = new Map<string, Set<Session>>();
  private readonly interval: NodeJS.Timeout;
  private running: Promise<void> | undefined;

  constructor(private readonly options: SocketSessionsOptions) {
    this.interval = setInterval(() => {
      options.onTick?.();
      void this.recheckAll();
    }, options.recheckIntervalMs);
    this.interval.unref();
  }

  /** Registers a handshake's session; undefined when the user already holds the maximum of open sockets here. */
  admit(input: SessionInput): Session | undefined {
    const userId = input.principal.id;
    let sessions = this.byUser.get(userId);
    if (sessions) {
      // Abandoned handshakes never reach `disconnect`: count only what is still open.
      for (const session of sessions) if (!session.alive()) this.release(session);
      sessions = this.byUser.get(userId);
    }
    if (sessions && sessions.size >= this.options.maxConnectionsPerUser) return undefined;
    if (!sessions) this.byUser.set(userId, (sessions = new Set()));
    const session: Session = { ...input, ended: undefined };
    sessions.add(session);
    if (input.expiresAt !== undefined) {
      const delay = Math.max(0, input.expiresAt - Date.now());
      if (delay <= MAX_TIMER_MS) {
        session.timer = setTimeout(() => this.end(session, 'token expired'), delay);
        session.timer.unref();
      }
    }
    return session;
  }

  /** The socket closed: forget its session. */
  release(session: Session): void {
    clearTimeout(session.timer);
    const sessions = this.byUser.get(session.principal.id);
    sessions?.delete(session);
    if (sessions?.size === 0) this.byUser.delete(session.principal.id);
  }

  /**
   * Compares a fresh authentication of the session's credential (undefined: refused) with the one
   * the session was opened with: why the session must end, or undefined while it may go on.
   */
  verdict(session: Session, fresh: Principal | undefined): SessionEndReason | undefined {
    if (session.ended) return session.ended;
    if (!fresh) return this.refusedReason(session);
    return fresh.id !== session.principal.id || fresh.role !== session.principal.role ? 'role changed' : undefined;
  }

  /** Tells the client why and closes the socket (once). */
  end(session: Session, reason: SessionEndReason): void {
    if (session.ended) return;
    session.ended = reason;
    this.release(session);
    this.options.logger.info('realtime: session ended', { userId: session.principal.id, via: session.principal.via, reason });
    session.end(reason);
  }

  /** Re-checks one user's sessions now (a credentials-changed message). */
  recheckUser(userId: string): Promise<void> {
    return this.recheck([...(this.byUser.get(userId) ?? [])]);
  }

  /** How many sessions are open here (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const sessions of this.byUser.values()) n += sessions.size;
    return n;
  }

  close(): void {
    clearInterval(this.interval);
    for (const sessions of this.byUser.values()) for (const session of sessions) clearTimeout(session.timer);
    this.byUser.clear();
  }

  private recheckAll(): Promise<void> {
    // One pass at a time: a slow database must not pile passes up.
    if (this.running || this.byUser.size === 0) return this.running ?? Promise.resolve();
    const sessions = [...this.byUser.values()].flatMap((set) => [...set]);
    this.running = this.recheck(sessions).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Two queries for any number of sessions: the API keys and the users behind them. */
  private async recheck(sessions: Session[]): Promise<void> {
    const { prisma, logger } = this.options;
    const keyIds = new Set<string>();
    const userIds = new Set<string>();
    for (const { principal } of sessions) {
      if (principal.via === 'api-key' && principal.apiKeyId) keyIds.add(principal.apiKeyId);
      else userIds.add(principal.id);
    }
    try {
      const [keys, users] = await Promise.all([
        keyIds.size > 0 ? prisma.apiKey.findMany({ where: { id: { in: [...keyIds] } }, select: { id: true, revokedAt: true, user: { select: { id: true, role: true } } } }) : [],
        userIds.size > 0 ? prisma.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, role: true } }) : [],
      ]);
      const keyById = new Map(keys.map((k) => [k.id, k]));
      const userById = new Map(users.map((u) => [u.id, u]));
      for (const session of sessions) {
        if (session.ended) continue;
        const { principal } = session;
        let current: { id: string; role: Principal['role'] } | undefined;
        if (principal.via === 'api-key') {
          const key = principal.apiKeyId ? keyById.get(principal.apiKeyId) : undefined;
          current = key && !key.revokedAt ? key.user : undefined;
        } else {
          current = userById.get(principal.id);
        }
        // The same rules as the subscribe check (an expired JWT's user may well still exist).
        const expired = session.expiresAt !== undefined && session.expiresAt <= Date.now();
        const reason = this.verdict(session, current && !expired ? { ...principal, ...current } : undefined);
        if (reason) this.end(session, reason);
      }
    } catch (error) {
      // The database is away: sessions go on (the next pass retries), as HTTP would answer 5xx, not 401.
      logger.warn('realtime: session re-check failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private refusedReason(session: Session): SessionEndReason {
    return session.expiresAt !== undefined && session.expiresAt <= Date.now() ? 'token expired' : 'credentials revoked';
  }
}
