/**
 * A small HTTP server for processes without the API (workers, arbitrators): `/health` (alive),
 * `/health/ready` (dependencies answer; 503 naming what failed) and `/metrics` (Prometheus).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** An extra route (e.g. the arbitrator's GitHub webhook): answers and returns true, or returns false. */
export type RouteHook = (req: IncomingMessage, res: ServerResponse) => boolean;

export type ReadinessCheck = () => Promise<{ ok: boolean; error?: string }>;

export interface HealthServer {
  server: Server;
  registry: Registry;
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: { port: number; host?: string; checks: Record<string, ReadinessCheck>; registry?: Registry; routes?: RouteHook }): Promise<HealthServer> {
  const registry = options.registry ?? new Registry();
  if (!options.registry) collectDefaultMetrics({ register: registry });
  const server = createServer((req, res) => {
    if (options.routes?.(req, res)) return;
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return send(405, JSON.stringify({ error: 'method not allowed' }));
    if (path === '/health') return send(200, JSON.stringify({ status: 'ok' }));
    if (path === '/health/ready') {
      void Promise.all(Object.entries(options.checks).map(async ([name, check]) => [name, await check()] as const)).then((results) => {
        const failed = results.filter(([, r]) => !r.ok).map(([name, r]) => ({ name, error: r.error }));
        send(failed.length === 0 ? 200 : 503, JSON.stringify({ status: failed.length === 0 ? 'ready' : 'not ready', failed }));
      });
      return;
    }
    if (path === '/metrics') {
      void registry.metrics().then((text) => send(200, text, registry.contentType));
      return;
    }
    send(404, JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    server,
    registry,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
