/**
 * The RTM WebSocket endpoint on any Node HTTP(S) server: upgrades on one path become core
 * connections; upgrades on other paths are left to whoever else listens (another WebSocket
 * server, a proxy), so sig2rtm can share a server with an app's own routes and sockets.
 */

import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Connection } from './connection';
import type { RtmCore } from './core';

export interface WsEndpoint {
  /** Takes the upgrade when it is for our path; returns false (and leaves the socket alone) otherwise. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Cuts every socket and stops the endpoint. */
  close(): Promise<void>;
}

function toBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

export function wsEndpoint(core: RtmCore, options: { path: string; maxFrameBytes: number }): WsEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes });
  wss.on('connection', (ws: WebSocket) => {
    const conn = new Connection(core, {
      send: (data) => {
        if (ws.readyState === ws.OPEN) ws.send(data);
      },
      close: (code, reason) => ws.close(code, reason),
      terminate: () => ws.terminate(),
    });
    ws.on('message', (data, isBinary) => {
      try {
        conn.receive(isBinary ? toBytes(data) : toBytes(data).toString('utf8'));
      } catch (err) {
        // Connection.receive contains what it knows of; this catches what it does not.
        core.options.observer.fault?.('frame', err, { conn: conn.id });
      }
    });
    ws.on('close', () => conn.closed());
    // Errors (bad UTF-8, oversize frames) are followed by 'close'; ws has already answered the peer.
    ws.on('error', () => undefined);
  });
  return {
    handleUpgrade(req, socket, head) {
      if ((req.url ?? '').split('?')[0] !== options.path) return false;
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      return true;
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
