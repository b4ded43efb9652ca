/**
 * WebSocket endpoints on any Node HTTP(S) server: upgrades on a mounted path go to that path's
 * handler (the RTM endpoint, the legacy gateway); upgrades on other paths are left to whoever else
 * listens (another WebSocket server, a proxy), so sig2rtm can share a server with an app's own
 * routes and sockets. One `ws` server per path, routed here: several `ws` servers on one HTTP
 * server would each refuse the others' paths.
 */

import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { WireData } from '../protocol/codec';
import { Connection, type SocketLike } from './connection';
import type { RtmCore } from './core';

/** Takes a WebSocket accepted on a mounted path. */
export type WebSocketHandler = (ws: WebSocket, req: http.IncomingMessage) => void;

export interface WsRouter {
  /** Serves `onConnection` on `path` (matched exactly, query ignored). */
  readonly mount: (path: string, onConnection: WebSocketHandler, options?: { maxFrameBytes?: number }) => void;
  /** Takes the upgrade when it is for a mounted path; returns false (and leaves the socket alone) otherwise. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Cuts every socket and stops every endpoint. */
  close(): Promise<void>;
}

function toBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

export function wsRouter(defaults: { maxFrameBytes: number }): WsRouter {
  const endpoints = new Map<string, { wss: WebSocketServer; onConnection: WebSocketHandler }>();
  return {
    mount: (path, onConnection, options = {}) => {
      if (endpoints.has(path)) throw new Error(`WebSocket path ${path} is already mounted`);
      endpoints.set(path, { wss: new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? defaults.maxFrameBytes }), onConnection });
    },
    handleUpgrade(req, socket, head) {
      const endpoint = endpoints.get((req.url ?? '').split('?')[0] ?? '');
      if (!endpoint) return false;
      endpoint.wss.handleUpgrade(req, socket, head, (ws) => endpoint.onConnection(ws, req));
      return true;
    },
    async close() {
      for (const { wss } of endpoints.values()) {
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      }
    },
  };
}

/** A `ws` socket as a connection sees it. Methods on the prototype: no closures per connection. */
class WsSocket implements SocketLike {
  constructor(readonly ws: WebSocket) {}

  send(data: WireData): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(data);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  ping(): void {
    // A socket that is closing may still be asked; ws throws on a ping before OPEN and ignores one after.
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
  }
}

/** Each socket's connection, found by the listeners below (shared by every socket: `this` is the socket). */
const connectionOf = new WeakMap<WebSocket, { conn: Connection; core: RtmCore }>();

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const c = connectionOf.get(this);
  if (!c) return;
  try {
    c.conn.receive(isBinary ? toBytes(data) : toBytes(data).toString('utf8'));
  } catch (err) {
    // Connection.receive contains what it knows of; this catches what it does not.
    c.core.options.observer.fault?.('frame', err, { conn: c.conn.id });
  }
}

function onPong(this: WebSocket): void {
  connectionOf.get(this)?.conn.heard();
}

function onClose(this: WebSocket, code: number): void {
  // The close code tells a page that went away (1001: session ends at once) from a network drop.
  connectionOf.get(this)?.conn.closed(code);
}

/** Errors (bad UTF-8, oversize frames) are followed by 'close'; ws has already answered the peer. */
function onError(): void {}

/** The RTM endpoint: each socket becomes a core connection. */
export function rtmEndpoint(core: RtmCore): WebSocketHandler {
  return (ws) => {
    connectionOf.set(ws, { conn: new Connection(core, new WsSocket(ws)), core });
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('close', onClose);
    ws.on('error', onError);
  };
}
