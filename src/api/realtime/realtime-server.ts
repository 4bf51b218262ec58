/**
 * Live progress over Socket.IO at `/ws`, on the API's own HTTP server.
 *
 *   handshake `auth: {token}` (a JWT or an API key, checked like the HTTP API's) → else connect_error
 *     `unauthorized`; past the per-user connection cap → connect_error `too many connections`
 *   `subscribe` {projectId, afterSeq?} (ack) → the credential is authenticated again, as HTTP would
 *     (revoked key, expired token, current role); owner or admin only, else `{error: 'not found'}`
 *     (the same answer as for a project that does not exist); past the subscribe throttle
 *     `{error: 'too many subscribes', retryAfterMs}`; a refused credential `{error: 'unauthorized'}`.
 *     On success the ack carries a snapshot {status, currentStage, spentMicros, budgetMicros,
 *     lastSeq}, then the events after `afterSeq` arrive as `event` (a ProjectEvent) — at most
 *     `replayMaxEvents` of them from the stream: when more are behind, `replay_limit {projectId,
 *     afterSeq}` ends the subscription and the client subscribes again from there — then live ones
 *   `unsubscribe` {projectId} (ack) → stops the subscription
 *   `auth_error` {reason} (server → client) → the session ended (socket-sessions.ts: key revoked,
 *     token expired, role changed); the server closes the socket right after
 *
 * Across processes: workers and arbitrators publish through the EventBus, whose Lua script appends
 * each event to the project's Redis stream (id `<seq>-0`) and PUBLISHes it on one namespace
 * channel. Each API process holds ONE subscriber connection on that channel and hands each event to
 * the subscriptions of its project (subscription.ts), which write to their socket directly. No
 * Socket.IO rooms and no Redis adapter: the stream is the source of truth and already gives replay,
 * so every replica hears every event straight from the publishers, and a socket that subscribes late
 * or reconnects reads what it missed from the stream. The same subscriber connection hears
 * "credentials changed" messages (credential-changes.ts) for the session re-checks.
 */
import type { Server as HttpServer } from 'node:http';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import type { EngineDeps } from '../../engine/engine-deps.js';
import { ledgerTotal } from '../../economics/cost-ledger.js';
import { parseEvent } from '../../engine/events/event-bus.js';
import type { ProjectEvent } from '../../engine/events/event-schema.js';
import type { Logger } from '../../logging/logger.js';
import { credentialsChannel } from '../../redis/keys.js';
import { parseCredentialChange } from '../auth/credential-changes.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../services/project-access.js';
import { DEFAULT_REALTIME_LIMITS, type RealtimeLimits } from './realtime-limits.js';
import { tokenExpiresAt, type SocketAuth } from './socket-auth.js';
import { SocketSessions, type AuthError, type Session } from './socket-sessions.js';
import { SubscribeThrottle } from './subscribe-throttle.js';
import { Subscription, type ReplayLimit } from './subscription.js';

export const REALTIME_PATH = '/ws';
/** Subscriptions one socket may hold at a time. */
const MAX_SUBSCRIPTIONS = 100;

const subscribeSchema = z.object({
  projectId: z.uuid(),
  afterSeq: z.number().int().min(0).optional(),
});
const unsubscribeSchema = z.object({ projectId: z.uuid() });

export interface ProjectSnapshot {
  status: string;
  currentStage: number | null;
  spentMicros: number;
  budgetMicros: number;
  lastSeq: number;
}

export type SubscribeAck = { ok: true; snapshot: ProjectSnapshot } | { error: string; retryAfterMs?: number };

export interface RealtimeOptions {
  engine: Pick<EngineDeps, 'redis' | 'events' | 'prisma' | 'namespace'>;
  auth: SocketAuth;
  access: ProjectAccess;
  logger: Logger;
  /** Browser origins allowed to connect from elsewhere (same-origin pages need none). */
  corsOrigins?: string[];
  /** Connection cap, subscribe throttle, replay cap, re-check interval (defaults: DEFAULT_REALTIME_LIMITS). */
  limits?: Partial<RealtimeLimits>;
}

export interface Realtime {
  io: Server<ClientEvents, ServerEvents, Record<string, never>, SocketData>;
  /** This replica's open sessions (the connection cap, the periodic re-check). */
  sessions: SocketSessions;
  /** Disconnects every client and quits the subscriber; leaves the HTTP server to its owner. */
  close(): Promise<void>;
}

interface SocketData {
  principal: Principal;
  /** The handshake's credential, authenticated again on every subscribe. */
  token: string;
  session: Session;
  subscriptions: Map<string, Subscription>;
}
/** What clients send (payloads are validated, acks optional) and what the server sends. */
interface ClientEvents {
  subscribe: (payload: unknown, ack: unknown) => void;
  unsubscribe: (payload: unknown, ack: unknown) => void;
}
interface ServerEvents {
  event: (event: ProjectEvent) => void;
  replay_limit: (limit: ReplayLimit) => void;
  auth_error: (error: AuthError) => void;
}
type RealtimeSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, SocketData>;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function attachRealtime(httpServer: HttpServer, options: RealtimeOptions): Promise<Realtime> {
  const { engine, auth, access, logger } = options;
  const limits: RealtimeLimits = { ...DEFAULT_REALTIME_LIMITS, ...options.limits };
  const bus = engine.events;
  const credentials = credentialsChannel(engine.namespace);
  // projectId → this process's subscriptions to it.
  const byProject = new Map<string, Set<Subscription>>();
  const throttle = new SubscribeThrottle({ burst: limits.subscribeBurst, perSecond: limits.subscribesPerSecond });
  const sessions = new SocketSessions({
    prisma: engine.prisma,
    logger,
    maxConnectionsPerUser: limits.maxConnectionsPerUser,
    recheckIntervalMs: limits.recheckIntervalMs,
    onTick: () => throttle.prune(),
  });

  // The API's own connection fails fast while Redis is down; the subscriber must instead wait and
  // resubscribe by itself when Redis is back.
  const subscriber: Redis = engine.redis.duplicate({ connectionName: 'zekka:realtime', enableOfflineQueue: true, maxRetriesPerRequest: null, enableAutoPipelining: false });
  subscriber.on('error', (error: Error) => logger.warn('realtime: subscriber error', { error: error.message }));
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === credentials) {
      const userId = parseCredentialChange(message);
      if (userId) void sessions.recheckUser(userId);
      return;
    }
    // Every project's events reach every replica: parse them only while someone here listens.
    if (byProject.size === 0) return;
    const event = parseEvent(message);
    if (!event) return;
    const subscriptions = byProject.get(event.projectId);
    if (subscriptions) for (const subscription of subscriptions) subscription.offer(event);
  });
  await subscriber.subscribe(bus.channel, credentials);

  const io = new Server<ClientEvents, ServerEvents, Record<string, never>, SocketData>(httpServer, {
    path: REALTIME_PATH,
    serveClient: false,
    maxHttpBufferSize: 16 * 1024,
    cors: options.corsOrigins && options.corsOrigins.length > 0 ? { origin: options.corsOrigins } : undefined,
  });

  const endSession = (socket: RealtimeSocket, reason: AuthError['reason']) => {
    socket.emit('auth_error', { reason });
    socket.disconnect(true);
  };

  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    auth.principalFor(token).then(
      (principal) => {
        if (!principal || typeof token !== 'string') return next(new Error('unauthorized'));
        const session = sessions.admit({
          principal,
          expiresAt: tokenExpiresAt(token),
          alive: () => socket.conn.readyState === 'open',
          end: (reason) => endSession(socket, reason),
        });
        if (!session) return next(new Error('too many connections'));
        socket.data.principal = principal;
        socket.data.token = token;
        socket.data.session = session;
        socket.data.subscriptions = new Map();
        next();
      },
      (error: unknown) => {
        logger.warn('realtime: authentication failed', { error: messageOf(error) });
        next(new Error('authentication unavailable'));
      },
    );
  });

  const remove = (subscription: Subscription, socket: RealtimeSocket) => {
    subscription.stop();
    const set = byProject.get(subscription.projectId);
    set?.delete(subscription);
    if (set?.size === 0) byProject.delete(subscription.projectId);
    if (socket.data.subscriptions.get(subscription.projectId) === subscription) socket.data.subscriptions.delete(subscription.projectId);
  };

  io.on('connection', (socket) => {
    const ackOf = (ack: unknown) => (typeof ack === 'function' ? (ack as (answer: unknown) => void) : () => undefined);

    socket.on('subscribe', async (payload: unknown, rawAck: unknown) => {
      const ack = ackOf(rawAck);
      const parsed = subscribeSchema.safeParse(payload);
      if (!parsed.success) return ack({ error: 'invalid request' });
      const { projectId, afterSeq = 0 } = parsed.data;
      const retryAfterMs = throttle.take(socket.data.principal.id);
      if (retryAfterMs > 0) return ack({ error: 'too many subscribes', retryAfterMs } satisfies SubscribeAck);
      try {
        // As HTTP would: the key not revoked, the token not expired, the role the database holds now.
        const principal = await auth.principalFor(socket.data.token);
        const ended = sessions.verdict(socket.data.session, principal);
        if (ended || !principal) {
          // A role change closes the socket unanswered: the client reconnects with its new role.
          if (ended !== 'role changed') ack({ error: 'unauthorized' });
          return sessions.end(socket.data.session, ended ?? 'credentials revoked');
        }
        const [project, spentMicros] = await Promise.all([
          engine.prisma.project.findUnique({ where: { id: projectId }, select: { ownerId: true, status: true, currentStage: true, budgetMicros: true } }),
          ledgerTotal(engine.prisma, projectId),
        ]);
        if (!project || !access.visible(principal, project.ownerId)) return ack({ error: 'not found' });
        if (!socket.connected) return;
        const previous = socket.data.subscriptions.get(projectId);
        if (previous) remove(previous, socket);
        else if (socket.data.subscriptions.size >= MAX_SUBSCRIPTIONS) return ack({ error: 'too many subscriptions' });

        // Registered before the stream is read: nothing published from here on can slip past.
        const subscription = new Subscription({
          socket,
          projectId,
          afterSeq,
          replay: (after, count) => bus.replay(projectId, after, count),
          replayLimit: limits.replayMaxEvents,
          onLimit: (ended) => remove(ended, socket),
          logger,
        });
        socket.data.subscriptions.set(projectId, subscription);
        let set = byProject.get(projectId);
        if (!set) byProject.set(projectId, (set = new Set()));
        set.add(subscription);

        const snapshot: ProjectSnapshot = {
          status: project.status,
          currentStage: project.currentStage,
          spentMicros: Number(spentMicros),
          budgetMicros: Number(project.budgetMicros),
          lastSeq: await bus.lastSeq(projectId),
        };
        ack({ ok: true, snapshot } satisfies SubscribeAck);
        await subscription.start();
      } catch (error) {
        logger.warn('realtime: subscribe failed', { projectId, error: messageOf(error) });
        const failed = socket.data.subscriptions.get(projectId);
        if (failed) remove(failed, socket);
        ack({ error: 'unavailable' });
      }
    });

    socket.on('unsubscribe', (payload: unknown, rawAck: unknown) => {
      const ack = ackOf(rawAck);
      const parsed = unsubscribeSchema.safeParse(payload);
      if (!parsed.success) return ack({ error: 'invalid request' });
      const subscription = socket.data.subscriptions.get(parsed.data.projectId);
      if (subscription) remove(subscription, socket);
      ack({ ok: true });
    });

    socket.on('disconnect', () => {
      sessions.release(socket.data.session);
      for (const subscription of [...socket.data.subscriptions.values()]) remove(subscription, socket);
    });
  });

  return {
    io,
    sessions,
    async close() {
      // Not io.close(): that also closes the HTTP server, whose owner (ApiServer.close) drains it.
      sessions.close();
      io.disconnectSockets(true);
      io.engine.close();
      byProject.clear();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
