/**
 * Test harness: a real server on port 0, real clients over real sockets, and cleanup of both after
 * each test. `waitForEvent` fails with the event's name, so a missing event reads clearly.
 */

import WebSocket from 'ws';
import AgoraRTM from '../../src/rtm';
import type { RtmClient } from '../../src/rtm';
import { createServer, type RtmServer, type ServerOptions } from '../../src/server';
import type { Sig2rtmClientConfig } from '../../src/rtm-core/client/config';
import { webSocketTransport, type WebSocketConstructor } from '../../src/rtm-core/client/transports/websocket';

/**
 * The client transport of a frozen process: its socket answers nothing by itself, not even the
 * server's pings (with a frozen client clock it sends nothing either: the server hears nothing).
 */
export const frozenTransport = webSocketTransport(
  class extends WebSocket {
    constructor(url: string) {
      super(url, { autoPong: false });
    }
  } as unknown as WebSocketConstructor,
);

export const APP_ID = '0123456789abcdef0123456789abcdef';
export const APP_ID_2 = 'fedcba9876543210fedcba9876543210';

interface Closable {
  close(): unknown;
}

export class Harness {
  server!: RtmServer;
  private readonly clients: RtmClient[] = [];
  private readonly sockets: Closable[] = [];

  async start(options: ServerOptions = {}): Promise<RtmServer> {
    this.server = await createServer({ port: 0, ...options });
    return this.server;
  }

  client(config: Sig2rtmClientConfig = {}, appId = APP_ID): RtmClient {
    const c = AgoraRTM.createInstance(appId, { serverUrl: this.server.url, reconnect: { minMs: 20, maxMs: 100 }, ...config });
    this.clients.push(c);
    return c;
  }

  /** A logged-in client. */
  async login(uid: string, config: Sig2rtmClientConfig = {}, appId = APP_ID, token?: string): Promise<RtmClient> {
    const c = this.client(config, appId);
    await c.login(token === undefined ? { uid } : { uid, token });
    return c;
  }

  /** A bare WebSocket speaking the protocol by hand (for bad frames). */
  /** A bare socket answers nothing by itself, not even the server's pings (a client gone silent), unless `autoPong`. */
  async raw(options: { autoPong?: boolean } = {}): Promise<RawSocket> {
    const ws = new WebSocket(this.server.url, { autoPong: options.autoPong ?? false });
    const raw = new RawSocket(ws);
    this.sockets.push(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return raw;
  }

  async stop(): Promise<void> {
    for (const c of this.clients.splice(0)) {
      c.removeAllListeners();
      try {
        await c.logout();
      } catch {
        // not logged in
      }
    }
    for (const s of this.sockets.splice(0)) s.close();
    await this.server?.close();
  }
}

/** A hand-driven protocol client that records every frame it receives. */
export class RawSocket {
  readonly frames: Record<string, unknown>[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.frames.push(JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>);
      else this.frames.push({ binary: true, bytes: data });
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(data: string | Buffer | Record<string, unknown>): void {
    this.ws.send(typeof data === 'object' && !Buffer.isBuffer(data) ? JSON.stringify(data) : data);
  }

  /** Resolves with the first recorded frame matching `pred` (waiting for it if needed). */
  async next(pred: (f: Record<string, unknown>) => boolean, ms = 3000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitClosed(ms = 3000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closed;
  }

  close(): void {
    this.ws.close();
  }
}

type Listener = (...args: never[]) => void;
interface Emitterish {
  once(event: string, fn: Listener): unknown;
  off(event: string, fn: Listener): unknown;
}

/** Resolves with the listener arguments of the next `event`, or fails naming it. */
export function waitForEvent<A extends unknown[] = unknown[]>(emitter: object, event: string, ms = 3000): Promise<A> {
  const e = emitter as Emitterish;
  return new Promise<A>((resolve, reject) => {
    const fn = (...args: never[]) => {
      clearTimeout(timer);
      resolve(args as unknown as A);
    };
    const timer = setTimeout(() => {
      e.off(event, fn);
      reject(new Error(`event ${event} did not fire within ${ms} ms`));
    }, ms);
    e.once(event, fn);
  });
}

/** Records every emission of the given events, in order. */
export function record(emitter: object, events: string[]): { name: string; args: unknown[] }[] {
  const log: { name: string; args: unknown[] }[] = [];
  const e = emitter as { on(event: string, fn: (...a: unknown[]) => void): unknown };
  for (const name of events) e.on(name, (...args: unknown[]) => log.push({ name, args }));
  return log;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `pred` until true or fails after `ms`. */
export async function until(pred: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(5);
  }
}
