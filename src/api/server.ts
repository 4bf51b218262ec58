/**
 * Listening and closing. `close()` stops accepting, lets requests in flight finish, and ends each
 * keep-alive connection as soon as it is idle, so a rolling deploy drops no request; whatever is
 * still open after the grace period (a client still sending a refused body…) is cut.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface ApiServer {
  server: Server;
  port: number;
  url: string;
  close(graceMs?: number): Promise<void>;
}

export interface ApiServerOptions {
  port: number;
  host?: string;
  /** Attaches more to the HTTP server (Socket.IO); what it returns is closed first by `close()`. */
  attach?: (server: Server) => Promise<{ close(): Promise<void> }>;
}

export async function startApiServer(app: Express, options: ApiServerOptions): Promise<ApiServer> {
  const server = createServer(app);
  const attached = options.attach ? await options.attach(server) : undefined;
  // Behind a load balancer keep-alive must outlast the balancer's idle timeout (60 s on most).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await attached?.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: async (graceMs = 10_000) => {
      // Long-lived connections (WebSockets) never go idle: end them before draining requests.
      await attached?.close();
      await new Promise<void>((resolve, reject) => {
        // Connections that finish their request after close() began become idle keep-alives: end those too.
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close((error) => {
          clearInterval(idle);
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
