/**
 * A TCP proxy in front of the server that can cut every connection passing through it, to simulate
 * a network drop (the server sees the socket die; the client sees its transport close), and can
 * refuse new connections for a while (network still down).
 */

import net from 'node:net';
import type { AddressInfo } from 'node:net';

export class CutProxy {
  private server!: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  /** While true, new connections are accepted and immediately destroyed. */
  down = false;
  port = 0;
  /** Every connection the proxy has seen, refused ones included (to check that a client stopped retrying). */
  attempts = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = net.createServer((client) => {
      this.attempts++;
      if (this.down) {
        client.destroy();
        return;
      }
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** ws URL through the proxy. */
  url(path = '/rtm'): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /** Cuts every live connection (both directions, no close handshake). */
  cut(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  /**
   * Silences every live connection without closing it: nothing is forwarded in either direction any
   * more (a dead route, a frozen server). New connections are not affected.
   */
  stall(): void {
    for (const [a, b] of this.pairs) {
      a.unpipe(b);
      b.unpipe(a);
      a.removeAllListeners('data');
      b.removeAllListeners('data');
      a.resume();
      b.resume(); // read and discard, so neither side sees back-pressure either
    }
  }

  get connections(): number {
    return this.pairs.size;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
