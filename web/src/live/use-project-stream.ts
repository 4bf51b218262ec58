/**
 * Follows one project over Socket.IO at /ws (src/api/realtime/realtime-server.ts): the handshake
 * carries the token, `subscribe {projectId, afterSeq}` is acknowledged with a snapshot, then every
 * event after `afterSeq` arrives in order. On every (re)connect we subscribe again with the last
 * seq folded, so a dropped connection — or a server that shut down and closed it — loses nothing
 * and repeats nothing. Events are folded in
 * batches, one render per animation frame, so the replay of a long project renders once.
 * A long history comes in pages (`replay_limit`: subscribe again after the last event), a throttled
 * subscribe is retried after `retryAfterMs`, and `auth_error` says why the server ended the session.
 */
import { io, type Socket } from 'socket.io-client';
import { useEffect, useState } from 'preact/hooks';
import type { ProjectEvent } from '../types.js';
import { applyEvent, initialState, type LiveState } from './project-timeline.js';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'refused';

type SubscribeAck = { ok: true; snapshot: { lastSeq: number } } | { error: string; retryAfterMs?: number };

export interface ProjectStream {
  live: LiveState;
  connection: Connection;
  problem: string | undefined;
  /** Folds something learnt elsewhere (the REST agent list) into the live state. */
  merge: (change: (state: LiveState) => LiveState) => void;
}

export function useProjectStream(projectId: string, token: string): ProjectStream {
  const [live, setLive] = useState<LiveState>(initialState);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    let lastSeq = 0;
    let queued: ProjectEvent[] = [];
    let frame: number | undefined;
    setLive(initialState());

    const flush = () => {
      frame = undefined;
      const batch = queued;
      queued = [];
      setLive((state) => batch.reduce(applyEvent, state));
    };
    const socket: Socket = io({ path: '/ws', auth: { token } });
    socket.on('event', (event: ProjectEvent) => {
      if (event.projectId !== projectId || event.seq <= lastSeq) return;
      lastSeq = event.seq;
      queued.push(event);
      frame ??= requestAnimationFrame(flush);
    });
    let retry: ReturnType<typeof setTimeout> | undefined;
    const subscribe = () => {
      socket
        .timeout(10_000)
        .emitWithAck('subscribe', { projectId, afterSeq: lastSeq })
        .then((ack: SubscribeAck) => {
          if ('error' in ack && ack.error === 'too many subscribes') {
            retry = setTimeout(subscribe, Math.min(ack.retryAfterMs ?? 1_000, 60_000));
          } else if ('error' in ack) {
            setConnection('refused');
            setProblem(`The live stream refused this project: ${ack.error}`);
          } else {
            setConnection('live');
            setProblem(undefined);
          }
        })
        .catch(() => setConnection('reconnecting'));
    };
    socket.on('connect', subscribe);
    socket.on('replay_limit', (limit: { projectId: string }) => {
      if (limit.projectId === projectId) subscribe();
    });
    socket.on('auth_error', (error: { reason: string }) => setProblem(`The live stream ended the session: ${error.reason}.`));
    socket.on('disconnect', (reason) => {
      setConnection('reconnecting');
      // Socket.IO retries by itself except when the server ended the connection — which an API
      // process does when it shuts down (a rolling deploy): then another replica will answer.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (error: Error) => {
      setConnection('reconnecting');
      setProblem(error.message === 'unauthorized' ? 'The live stream refused your session: sign in again.' : `Live stream: ${error.message}`);
    });
    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      clearTimeout(retry);
      socket.disconnect();
    };
  }, [projectId, token]);

  return { live, connection, problem, merge: setLive };
}
