/**
 * The RTM core behind a real WebSocket endpoint (`ws`), on an HTTP server that later layers extend
 * (SDK bundles, demo, health, metrics).
 */

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Connection } from './connection';
import { RtmCore } from './core';
import type { CoreOptions } from './options';

export interface ServerOptions extends CoreOptions {
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** WebSocket path. Default `/rtm`. */
  path?: string;
  /** Largest frame accepted, bytes; larger ones close the connection (1009). Default 256 KiB. */
  maxFrameBytes?: number;
  /** Extra HTTP routes; return true when the request was handled. */
  httpHandler?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  /** Serve wss:// and https:// with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface RtmServer {
  /** ws://host:port/rtm (wss:// with TLS) */
  readonly url: string;
  readonly port: number;
  readonly core: RtmCore;
  readonly http: http.Server;
  close(): Promise<void>;
}

function toBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

export async function createServer(options: ServerOptions = {}): Promise<RtmServer> {
  const core = new RtmCore(options);
  await core.start();
  const path = options.path ?? '/rtm';
  const route = (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      if (options.httpHandler?.(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    } catch (err) {
      // No request may end the process: a handler that throws is logged, counted and answered.
      core.options.observer.fault?.('http', err, { method: req.method, url: req.url });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    }
  };
  const httpServer: http.Server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, route) : http.createServer(route);
  const wss = new WebSocketServer({ server: httpServer, path, maxPayload: options.maxFrameBytes ?? 256 * 1024 });

  wss.on('connection', (ws: WebSocket) => {
    const conn = new Connection(core, {
      send: (data) => {
        if (ws.readyState === ws.OPEN) ws.send(data);
      },
      close: (code, reason) => ws.close(code, reason),
      terminate: () => ws.terminate(),
      bufferedAmount: () => ws.bufferedAmount,
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

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'wss' : 'ws'}://${shownHost}:${port}${path}`,
    port,
    core,
    http: httpServer,
    close() {
      closing ??= (async () => {
        httpServer.closeAllConnections?.();
        await core.close();
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      })();
      return closing;
    },
  };
}
