/**
 * A fault-injecting TCP proxy in front of the server. It can cut every connection passing through
 * it (the server sees the socket die; the client sees its transport close), refuse new connections
 * for a while (network down), stall live connections (nothing forwarded, no close), black-hole new
 * ones (accepted, never answered: a route that swallows packets), mute one direction, and slow
 * everything down (a delay per chunk), and coalesce what the server sends into one chunk.
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
  private gather: string | undefined;

  /**
   * For the next connections: after the server's first chunk (the WebSocket upgrade reply), what the
   * server sends is held until it contains `marker`, then written to the client as one buffer, so the
   * client reads it all at once (frames that would otherwise come in separate reads).
   */
  coalesceUntil(marker: string): void {
    this.gather = marker;
  }

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
      this.forward(upstream, client, true, this.gather);
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
  private forward(from: net.Socket, to: net.Socket, toClient: boolean, gather?: string): void {
    let passed = 0;
    let gathered: Buffer[] | undefined = gather === undefined ? undefined : [];
    from.on('data', (data: Buffer) => {
      if (toClient && this.muted) return;
      let chunk = data;
      if (gathered && passed++ > 0) {
        gathered.push(data);
        chunk = Buffer.concat(gathered);
        if (!chunk.includes(gather!)) return;
        gathered = undefined;
      }
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
