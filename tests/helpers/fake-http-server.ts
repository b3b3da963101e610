import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server standing in for a third-party API in tests (Stripe, Zalo ZNS): start, stop, the body read. */
export abstract class FakeHttpServer {
  private server?: http.Server;
  port = 0;

  get apiBase(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.receive(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async receive(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await this.handle(req, res, Buffer.concat(chunks));
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> | void;
}
