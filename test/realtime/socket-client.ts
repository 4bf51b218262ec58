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
