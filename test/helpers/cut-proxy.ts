/**
 * A fault-injecting TCP proxy in front of the server. It can cut every connection passing through
 * it (the server sees the socket die; the client sees its transport close), refuse new connections
 * for a while (network down), stall live connections (nothing forwarded, no close), black-hole new
 * ones (accepted, never answered: a route that swallows packets), mute one direction, and slow
 * everything down (a delay per chunk).
 */

import net from 'node:net';
import type { AddressInfo } from 'node:net';

export class CutProxy {
  private server!: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  /** While true, new connections are accepted and immediately destroyed. */
  down = false;
  /** While true, new connections are accepted and then never answered (their bytes are read and dropped). */
  blackhole = false;
  /** Delay added to every chunk, each direction, ms (0: none). */
  latencyMs = 0;
  port = 0;
  /** Every connection the proxy has seen, refused ones included (to check that a client stopped retrying). */
  attempts = 0;
  private readonly holes = new Set<net.Socket>();
  private muted = false;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = net.createServer((client) => {
      this.attempts++;
      if (this.down) {
        client.destroy();
        return;
      }
      if (this.blackhole) {
        this.holes.add(client);
        client.on('data', () => undefined).on('error', () => undefined).on('close', () => this.holes.delete(client));
        return;
      }
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.pairs.add(pair);
      this.forward(client, upstream, false);
      this.forward(upstream, client, true);
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

  /** Copies `from` → `to`, honouring latency, muting (server → client only) and back-pressure. */
  private forward(from: net.Socket, to: net.Socket, toClient: boolean): void {
    from.on('data', (chunk: Buffer) => {
      if (toClient && this.muted) return;
      const write = () => {
        if (!to.destroyed && !to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      };
      if (this.latencyMs > 0) setTimeout(write, this.latencyMs);
      else write();
    });
  }

  /** ws URL through the proxy. */
  url(path = '/rtm'): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /** Cuts every live connection (both directions, no close handshake), black-holed ones included. */
  cut(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    for (const s of this.holes) s.destroy();
    this.holes.clear();
  }

  /**
   * Silences every live connection without closing it: nothing is forwarded in either direction any
   * more (a dead route, a frozen server). New connections are not affected.
   */
  stall(): void {
    for (const [a, b] of this.pairs) {
      a.removeAllListeners('data');
      b.removeAllListeners('data');
      a.resume();
      b.resume(); // read and discard, so neither side sees back-pressure either
    }
  }

  /** Drops everything the server sends to clients (live and new connections) until `unmute`. */
  mute(): void {
    this.muted = true;
  }

  unmute(): void {
    this.muted = false;
  }

  get connections(): number {
    return this.pairs.size;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
