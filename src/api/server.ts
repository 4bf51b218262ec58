/**
 * Listening and closing. `close()` stops accepting, lets requests in flight finish, then ends
 * idle keep-alive connections, so a rolling deploy drops no request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface ApiServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(app: Express, options: { port: number; host?: string }): Promise<ApiServer> {
  const server = createServer(app);
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
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
