/**
 * A node:http server on 127.0.0.1 (port 0) for the fake upstreams of the tests (model providers,
 * GitHub): `start` listens, `url` says where, `close` drops open connections and stops. A handler
 * that throws destroys its response, which the client sees as a network error.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export abstract class LoopbackServer {
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}
