/**
 * The RTM core behind a real WebSocket endpoint (`ws`), on an HTTP server that later layers extend
 * (SDK bundles, demo, health, metrics).
 */

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { RtmCore } from './core';
import type { CoreOptions } from './options';
import { rtmEndpoint, wsRouter, type WebSocketHandler } from './ws-attach';

export type { WebSocketHandler } from './ws-attach';

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
  /**
   * Serves another WebSocket endpoint on the same port (the legacy gateway). Its sockets are cut
   * when the server closes. Paths are matched exactly; unknown paths get HTTP 400.
   */
  readonly mount: (path: string, onConnection: WebSocketHandler, options?: { maxFrameBytes?: number }) => void;
  close(): Promise<void>;
}

export async function createServer(options: ServerOptions = {}): Promise<RtmServer> {
  // ws users pass { server } by habit; ignoring it would listen on a second port without a word.
  if ('server' in options || 'noServer' in options) {
    throw new TypeError('createServer always listens on its own server; to use an existing one: const rtm = await createSig2rtm(options); rtm.attach(server)');
  }
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
  const endpoints = wsRouter({ maxFrameBytes: options.maxFrameBytes ?? 256 * 1024 });
  endpoints.mount(path, rtmEndpoint(core));
  // Only mounted paths upgrade; any other gets the 400 that ws's own server mode would answer.
  httpServer.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (endpoints.handleUpgrade(req, socket, head)) return;
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
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
    mount: endpoints.mount,
    close() {
      closing ??= (async () => {
        httpServer.closeAllConnections?.();
        await core.close();
        await endpoints.close();
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      })();
      return closing;
    },
  };
}
