/**
 * Follows one project over the API's Socket.IO stream (`/ws`) until its run ends, handing each
 * event to `onEvent` exactly once and in sequence order.
 *
 * Protocol (src/api/realtime/realtime-server.ts): `subscribe {projectId, afterSeq}` answers with a
 * snapshot (`lastSeq`: the newest event when the server looked), then sends every event after
 * `afterSeq`, then live ones. When the connection drops, socket.io-client reconnects by itself and
 * we subscribe again with the last seq handed out, so nothing is lost or repeated; a hole in the
 * sequence (never expected) is mended the same way.
 *
 * When does a run end? A terminal event (completed, failed, cancelled, budget_exhausted, verification_failed) or a
 * pause for review. But the history of a resumed project holds earlier ends, each followed by a
 * `project.started` (and a review pause by `conflict.resolved`): an end counts once no such event
 * follows it and the replay has reached the snapshot's `lastSeq` — or, if it arrives later, at once.
 *
 * The server pages long replays (`replay_limit {afterSeq}`: subscribe again from there), throttles
 * subscribes (`too many subscribes` with `retryAfterMs`: wait and subscribe again), and ends a session
 * whose credential no longer holds (`auth_error`, then a disconnect: the reconnect is refused as
 * `unauthorized` — or accepted with the new role, which is all a role change needs).
 */
import { io, type Socket } from 'socket.io-client';
import { TERMINAL_EVENTS, type EventType, type ProjectEvent } from '../../engine/events/event-schema.js';
import { CliError } from '../cli-error.js';

// The engine's own list of ends (verification_failed included), plus a pause for review.
const ENDS: readonly EventType[] = [...TERMINAL_EVENTS, 'project.needs_review'];
const SUBSCRIBE_TIMEOUT_MS = 15_000;

type SubscribeAck = { ok: true; snapshot: { status: string; lastSeq: number } } | { error: string; retryAfterMs?: number };

export interface FollowOptions {
  apiUrl: string;
  token: string;
  projectId: string;
  onEvent: (event: ProjectEvent) => void;
  /** Connection trouble worth a line on stderr (lost, reconnecting). */
  onNotice?: (message: string) => void;
  afterSeq?: number;
}

/**
 * Decides when the followed run has ended (see the header). The server sends the ack before the
 * replay, but the client may handle replayed events before its ack continuation runs (both can
 * arrive in one read): until the snapshot of the current subscribe is known, no end is decided, or
 * an earlier end that a later event moved past (an accepted or resumed project) would be taken.
 */
export class RunEndWatch {
  private candidate: EventType | undefined;
  private boundary = 0;
  private synced = false;

  /** A (re)subscribe was sent: its snapshot decides again where the replay ends. */
  subscribing(): void {
    this.synced = false;
  }

  /** The snapshot's lastSeq at each (re)subscribe. */
  reached(lastSeq: number, delivered: number): EventType | undefined {
    this.boundary = Math.max(this.boundary, lastSeq);
    this.synced = true;
    return delivered >= this.boundary ? this.candidate : undefined;
  }

  observe(event: ProjectEvent): EventType | undefined {
    if (ENDS.includes(event.type)) this.candidate = event.type;
    else if (event.type === 'project.started') this.candidate = undefined;
    else if (event.type === 'conflict.resolved' && this.candidate === 'project.needs_review') this.candidate = undefined;
    return this.synced && event.seq >= this.boundary ? this.candidate : undefined;
  }
}

function socketFor(apiUrl: string, token: string): Socket {
  const url = new URL(apiUrl);
  const prefix = withoutTrailingSlashes(url.pathname);
  return io(url.origin, { path: `${prefix}/ws`, auth: { token }, transports: ['websocket'], reconnectionDelayMax: 5_000, timeout: SUBSCRIBE_TIMEOUT_MS });
}

export function followRemoteProject(options: FollowOptions): Promise<EventType> {
  const { projectId, onEvent } = options;
  const notice = options.onNotice ?? (() => undefined);
  const socket = socketFor(options.apiUrl, options.token);
  const watch = new RunEndWatch();
  let last = options.afterSeq ?? 0;
  let wasConnected = false;
  let outage = false;

  return new Promise<EventType>((resolve, reject) => {
    let settled = false;
    let retry: NodeJS.Timeout | undefined;
    const end = (outcome: { type: EventType } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(retry);
      socket.disconnect();
      if ('type' in outcome) resolve(outcome.type);
      else reject(outcome.error);
    };

    const subscribe = async () => {
      let ack: SubscribeAck;
      watch.subscribing();
      try {
        ack = (await socket.timeout(SUBSCRIBE_TIMEOUT_MS).emitWithAck('subscribe', { projectId, afterSeq: last })) as SubscribeAck;
      } catch {
        // No ack in time (the connection dropped meanwhile): the next `connect` subscribes again.
        return;
      }
      if ('error' in ack) {
        if (ack.error === 'too many subscribes') {
          retry = setTimeout(() => void subscribe(), Math.min(ack.retryAfterMs ?? 1_000, 60_000));
          return;
        }
        const message =
          ack.error === 'not found'
            ? `project ${projectId} not found`
            : ack.error === 'unauthorized'
              ? `${options.apiUrl} refused the stored credentials (expired or revoked): run zekka login --api-url ${options.apiUrl}`
              : `the stream refused to follow project ${projectId}: ${ack.error}`;
        return end({ error: new CliError(message) });
      }
      const ended = watch.reached(ack.snapshot.lastSeq, last);
      if (ended) end({ type: ended });
    };

    socket.on('connect', () => {
      if (wasConnected) notice(`reconnected; resuming after event ${last}`);
      wasConnected = true;
      outage = false;
      void subscribe();
    });
    socket.on('event', (event: ProjectEvent) => {
      if (settled || event.projectId !== projectId || event.seq <= last) return;
      if (event.seq !== last + 1) {
        void subscribe();
        return;
      }
      last = event.seq;
      onEvent(event);
      const ended = watch.observe(event);
      if (ended) end({ type: ended });
    });
    // A long history comes in pages: the next one starts after the last event handed out.
    socket.on('replay_limit', (limit: { projectId: string }) => {
      if (!settled && limit.projectId === projectId) void subscribe();
    });
    socket.on('auth_error', (error: { reason: string }) => notice(`the server ended the session (${error.reason})`));
    socket.on('connect_error', (error: Error) => {
      if (error.message === 'unauthorized') {
        return end({ error: new CliError(`${options.apiUrl} refused the stored credentials (expired or revoked): run zekka login --api-url ${options.apiUrl}`) });
      }
      if (!socket.active) return end({ error: new CliError(`cannot reach the Zekka API at ${options.apiUrl}: ${error.message}`) });
      // The client retries by itself; the person hears about it once per outage.
      if (!outage) notice(`cannot reach the stream at ${options.apiUrl}/ws (${error.message}); retrying…`);
      outage = true;
    });
    socket.on('disconnect', (reason) => {
      if (settled) return;
      notice(`connection to ${options.apiUrl} lost (${reason}); reconnecting…`);
      outage = true;
      // A disconnect the server chose is not retried by the client on its own.
      if (reason === 'io server disconnect') socket.connect();
    });
  });
}

/** `/base///` → `/base`; a loop, since `/\/+$/` rescans a run of slashes from each of its slashes. */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charAt(end - 1) === '/') end--;
  return path.slice(0, end);
}
