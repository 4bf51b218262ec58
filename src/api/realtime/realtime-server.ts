/**
 * Live progress over Socket.IO at `/ws`, on the API's own HTTP server.
 *
 *   handshake `auth: {token}` (a JWT or an API key, checked like the HTTP API's) → else connect_error
 *   `subscribe` {projectId, afterSeq?} (ack) → owner or admin only, else `{error: 'not found'}`
 *     (the same answer as for a project that does not exist); on success the socket joins
 *     `project:<id>`, the ack carries a snapshot {status, currentStage, spentMicros, budgetMicros,
 *     lastSeq}, then every event after `afterSeq` arrives as `event` (a ProjectEvent), then live ones
 *   `unsubscribe` {projectId} (ack) → leaves the room
 *
 * Across processes: workers and arbitrators publish through the EventBus, whose Lua script appends
 * each event to the project's Redis stream (id `<seq>-0`) and PUBLISHes it on one namespace
 * channel. Each API process holds ONE subscriber connection on that channel and hands each event to
 * the sockets of its project's room. We do not use Socket.IO's Redis adapter: the stream is the
 * source of truth and already gives replay, so the API processes need no fan-out of their own —
 * every replica hears every event straight from the publishers, and a socket that subscribes late
 * or reconnects reads what it missed from the stream.
 *
 * Exactly once, in order: each subscription keeps a cursor (the last seq it sent). It is registered
 * before the replay is read, so live events arriving meanwhile wait in a small buffer; an event is
 * sent only when it is the cursor's next seq, older ones are dropped (dedupe), and a hole — a live
 * event published before this process heard of the subscription — is filled from the stream, which
 * always holds every seq up to the one just heard (XADD runs before PUBLISH in the same script).
 */
import type { Server as HttpServer } from 'node:http';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import type { EngineDeps } from '../../engine/engine-deps.js';
import { parseEvent } from '../../engine/events/event-bus.js';
import type { ProjectEvent } from '../../engine/events/event-schema.js';
import type { Logger } from '../../logging/logger.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../services/project-access.js';
import type { SocketAuth } from './socket-auth.js';

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

export type SubscribeAck = { ok: true; snapshot: ProjectSnapshot } | { error: string };

export interface RealtimeOptions {
  engine: Pick<EngineDeps, 'redis' | 'events' | 'prisma'>;
  auth: SocketAuth;
  access: ProjectAccess;
  logger: Logger;
  /** Browser origins allowed to connect from elsewhere (same-origin pages need none). */
  corsOrigins?: string[];
}

export interface Realtime {
  io: Server<ClientEvents, ServerEvents, Record<string, never>, SocketData>;
  /** Disconnects every client and quits the subscriber; leaves the HTTP server to its owner. */
  close(): Promise<void>;
}

export const roomOf = (projectId: string) => `project:${projectId}`;

interface SocketData {
  principal: Principal;
  subscriptions: Map<string, Subscription>;
}
/** What clients send (payloads are validated, acks optional) and what the server sends. */
interface ClientEvents {
  subscribe: (payload: unknown, ack: unknown) => void;
  unsubscribe: (payload: unknown, ack: unknown) => void;
}
interface ServerEvents {
  event: (event: ProjectEvent) => void;
}
type RealtimeSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, SocketData>;

/** One socket's subscription to one project: a cursor and the events waiting for their turn. */
class Subscription {
  private next: number;
  private readonly pending = new Map<number, ProjectEvent>();
  private ready = false;
  private closed = false;
  private filling: Promise<void> | undefined;
  private fillAgain = false;

  constructor(
    readonly socket: RealtimeSocket,
    readonly projectId: string,
    afterSeq: number,
    private readonly replay: (afterSeq: number) => Promise<ProjectEvent[]>,
    private readonly logger: Logger,
  ) {
    this.next = afterSeq + 1;
  }

  /** Called once the ack is sent: delivers the backlog from the stream, then whatever is waiting. */
  start(): Promise<void> {
    this.ready = true;
    return this.fill();
  }

  stop(): void {
    this.closed = true;
    this.pending.clear();
  }

  offer(event: ProjectEvent): void {
    if (this.closed || event.seq < this.next) return;
    this.pending.set(event.seq, event);
    if (!this.ready) return;
    this.flush();
    if (this.pending.size > 0) void this.fill();
  }

  private flush(): void {
    for (let ready = this.pending.get(this.next); ready && !this.closed; ready = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      this.next++;
      this.socket.emit('event', ready);
    }
  }

  /** Reads the stream after the cursor until nothing is missing (one read at a time). */
  private fill(): Promise<void> {
    if (this.filling) {
      this.fillAgain = true;
      return this.filling;
    }
    this.filling = (async () => {
      try {
        do {
          this.fillAgain = false;
          const events = await this.replay(this.next - 1);
          if (this.closed) return;
          const first = events[0];
          if (first && first.seq > this.next) {
            // The capped stream no longer holds these: say so in the log, carry on from what it has.
            this.logger.warn('realtime: events trimmed from the stream', { projectId: this.projectId, from: this.next, to: first.seq - 1 });
            this.next = first.seq;
          }
          for (const event of events) if (event.seq >= this.next) this.pending.set(event.seq, event);
          this.flush();
        } while (this.fillAgain && !this.closed);
      } catch (error) {
        this.logger.warn('realtime: replay failed', { projectId: this.projectId, error: error instanceof Error ? error.message : String(error) });
      } finally {
        this.filling = undefined;
      }
    })();
    return this.filling;
  }
}


export async function attachRealtime(httpServer: HttpServer, options: RealtimeOptions): Promise<Realtime> {
  const { engine, auth, access, logger } = options;
  const bus = engine.events;
  // projectId → this process's subscriptions to it.
  const byProject = new Map<string, Set<Subscription>>();

  // The API's own connection fails fast while Redis is down; the subscriber must instead wait and
  // resubscribe by itself when Redis is back.
  const subscriber: Redis = engine.redis.duplicate({ connectionName: 'zekka:realtime', enableOfflineQueue: true, maxRetriesPerRequest: null, enableAutoPipelining: false });
  subscriber.on('error', (error: Error) => logger.warn('realtime: subscriber error', { error: error.message }));
  subscriber.on('message', (_channel: string, message: string) => {
    // Every project's events reach every replica: parse them only while someone here listens.
    if (byProject.size === 0) return;
    const event = parseEvent(message);
    if (!event) return;
    const subscriptions = byProject.get(event.projectId);
    if (subscriptions) for (const subscription of subscriptions) subscription.offer(event);
  });
  await subscriber.subscribe(bus.channel);

  const io = new Server<ClientEvents, ServerEvents, Record<string, never>, SocketData>(httpServer, {
    path: REALTIME_PATH,
    serveClient: false,
    maxHttpBufferSize: 16 * 1024,
    cors: options.corsOrigins && options.corsOrigins.length > 0 ? { origin: options.corsOrigins } : undefined,
  });

  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    auth.principalFor(token).then(
      (principal) => {
        if (!principal) return next(new Error('unauthorized'));
        socket.data.principal = principal;
        socket.data.subscriptions = new Map();
        next();
      },
      (error: unknown) => {
        logger.warn('realtime: authentication failed', { error: error instanceof Error ? error.message : String(error) });
        next(new Error('authentication unavailable'));
      },
    );
  });

  const remove = (subscription: Subscription) => {
    subscription.stop();
    const set = byProject.get(subscription.projectId);
    set?.delete(subscription);
    if (set?.size === 0) byProject.delete(subscription.projectId);
    subscription.socket.data.subscriptions.delete(subscription.projectId);
  };

  io.on('connection', (socket) => {
    const ackOf = (ack: unknown) => (typeof ack === 'function' ? (ack as (answer: unknown) => void) : () => undefined);

    socket.on('subscribe', async (payload: unknown, rawAck: unknown) => {
      const ack = ackOf(rawAck);
      const parsed = subscribeSchema.safeParse(payload);
      if (!parsed.success) return ack({ error: 'invalid request' });
      const { projectId, afterSeq = 0 } = parsed.data;
      try {
        const project = await engine.prisma.project.findUnique({
          where: { id: projectId },
          select: { ownerId: true, status: true, currentStage: true, spentMicros: true, budgetMicros: true },
        });
        if (!project || !access.visible(socket.data.principal, project.ownerId)) return ack({ error: 'not found' });
        if (!socket.connected) return;
        const previous = socket.data.subscriptions.get(projectId);
        if (previous) remove(previous);
        else if (socket.data.subscriptions.size >= MAX_SUBSCRIPTIONS) return ack({ error: 'too many subscriptions' });

        // Registered before the stream is read: nothing published from here on can slip past.
        const subscription = new Subscription(socket, projectId, afterSeq, (after) => bus.replay(projectId, after), logger);
        socket.data.subscriptions.set(projectId, subscription);
        let set = byProject.get(projectId);
        if (!set) byProject.set(projectId, (set = new Set()));
        set.add(subscription);
        await socket.join(roomOf(projectId));

        const snapshot: ProjectSnapshot = {
          status: project.status,
          currentStage: project.currentStage,
          spentMicros: Number(project.spentMicros),
          budgetMicros: Number(project.budgetMicros),
          lastSeq: await bus.lastSeq(projectId),
        };
        ack({ ok: true, snapshot } satisfies SubscribeAck);
        await subscription.start();
      } catch (error) {
        logger.warn('realtime: subscribe failed', { projectId, error: error instanceof Error ? error.message : String(error) });
        const failed = socket.data.subscriptions.get(projectId);
        if (failed) remove(failed);
        ack({ error: 'unavailable' });
      }
    });

    socket.on('unsubscribe', async (payload: unknown, rawAck: unknown) => {
      const ack = ackOf(rawAck);
      const parsed = unsubscribeSchema.safeParse(payload);
      if (!parsed.success) return ack({ error: 'invalid request' });
      const subscription = socket.data.subscriptions.get(parsed.data.projectId);
      if (subscription) remove(subscription);
      await socket.leave(roomOf(parsed.data.projectId));
      ack({ ok: true });
    });

    socket.on('disconnect', () => {
      for (const subscription of [...socket.data.subscriptions.values()]) remove(subscription);
    });
  });

  return {
    io,
    async close() {
      // Not io.close(): that also closes the HTTP server, whose owner (ApiServer.close) drains it.
      io.disconnectSockets(true);
      io.engine.close();
      byProject.clear();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
