/** A socket.io-client on an API's /ws for tests: connect, subscribe and collect a project's events. */
import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import type { SubscribeAck } from '../../src/api/realtime/realtime-server.js';
import type { ProjectEvent } from '../../src/engine/events/event-schema.js';

export function client(url: string, token?: string): Socket {
  return connect(url, { path: '/ws', auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
}

export async function connected(socket: Socket): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
}

/** Subscribes and collects every `event` for the project. */
export async function follow(socket: Socket, projectId: string, afterSeq?: number): Promise<{ ack: SubscribeAck; events: ProjectEvent[] }> {
  const events: ProjectEvent[] = [];
  socket.on('event', (event: ProjectEvent) => {
    if (event.projectId === projectId) events.push(event);
  });
  const ack = (await socket.timeout(10_000).emitWithAck('subscribe', { projectId, afterSeq })) as SubscribeAck;
  return { ack, events };
}

export function expectSequence(events: ProjectEvent[], from: number, to: number): void {
  expect(events.map((e) => e.seq)).to.deep.equal(Array.from({ length: to - from + 1 }, (_, i) => from + i));
}

export interface SessionEnd {
  /** The `auth_error` reason the server sent before closing, if any. */
  reason: string | undefined;
  /** Socket.IO's disconnect reason (`io server disconnect` when the server closed it). */
  disconnect: string;
  closedAt: number;
}

/** Resolves when the socket is closed, with the reason the server gave. Call it before provoking the end. */
export function sessionEnd(socket: Socket): Promise<SessionEnd> {
  let reason: string | undefined;
  socket.once('auth_error', (error: { reason: string }) => (reason = error.reason));
  return new Promise((resolve) => socket.once('disconnect', (disconnect: string) => resolve({ reason, disconnect, closedAt: Date.now() })));
}

/** `promise`, or a failure naming what did not happen within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A subscribe's outcome: the ack, or `{rejected}` when the socket closed (or stayed silent) instead. */
export function trySubscribe(socket: Socket, projectId: string, afterSeq?: number): Promise<SubscribeAck | { rejected: string }> {
  if (socket.disconnected) return Promise.resolve({ rejected: 'disconnected' });
  return (socket.timeout(5_000).emitWithAck('subscribe', { projectId, afterSeq }) as Promise<SubscribeAck>).catch((error: Error) => ({ rejected: error.message }));
}
