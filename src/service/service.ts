/**
 * The full sig2rtm service as a library value: the RTM core with its store, logs, metrics, health,
 * admin and SDK routes. `createSig2rtm` gives the parts to mount in an app's own server (an
 * upgrade handler for the WebSocket path and a request handler in the (req, res, next) shape of
 * Node http, Express and Connect); `startService` is `sig2rtm serve`: the same parts on a server of
 * their own, with a graceful shutdown (stop accepting, tell clients to reconnect elsewhere, flush
 * the store, finish within a bound).
 */

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type pino from 'pino';
import { RtmCore } from '../rtm-core/server/core';
import { MemoryStore } from '../rtm-core/server/state/memory';
import type { SqliteStore as SqliteStoreClass } from '../rtm-core/server/state/sqlite';
import type { StateStore } from '../rtm-core/server/state/store';
import { rtmEndpoint, wsRouter } from '../rtm-core/server/ws-attach';
import { RedisBus } from '../rtm-core/server/bus-redis';
import { RedisStore } from '../rtm-core/server/state/redis';
import { RedisLink, redactUrl } from '../rtm-core/server/state/redis-link';
import { attachGateway } from '../gateway/gateway';
import { ConfigError, demoEnabled, type ServiceConfig } from './config';
import { combineObservers, createLogger, loggingObserver, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { restRoutes } from './rest/routes';
import { opsRoutes } from './routes';
import { VERSION } from './version';
import { webhookObserver, webhookStore } from './webhooks/hooks';
import { WebhookSender, type WebhookTarget } from './webhooks/sender';
import { checkDataDir, readTls } from './start-checks';
import { staticRoutes } from './static-routes';

/**
 * The durable store. better-sqlite3 is loaded only here, so an install without it (a client-only
 * install, or --store memory) never needs the native module. Without it, or with a native module
 * that does not load (built for another Node), the server does not start: a ConfigError (exit 2)
 * names the fix. Falling back to memory instead would silently lose offline messages and channel
 * attributes at the next restart.
 */
async function sqliteStore(dataDir: string): Promise<StateStore> {
  let mod: { SqliteStore: typeof SqliteStoreClass };
  try {
    mod = await import('../rtm-core/server/state/sqlite');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes("'better-sqlite3'")) {
      throw new ConfigError('--store sqlite (the default) needs better-sqlite3, an optional peer dependency that is not installed: run `npm install better-sqlite3`, or use --store memory (state is then lost at a restart)');
    }
    throw err;
  }
  checkDataDir(dataDir);
  try {
    return new mod.SqliteStore(dataDir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_DLOPEN_FAILED' || /bindings file|better_sqlite3\.node|NODE_MODULE_VERSION/.test(String(e.message))) {
      throw new ConfigError(`--store sqlite: better-sqlite3 is installed but its native module does not load (${String(e.message).split('\n')[0]}): run \`npm rebuild better-sqlite3\` for this Node ${process.version}, or use --store memory`);
    }
    throw err;
  }
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export interface ServiceExtras {
  /** Where logs go (default stdout). */
  logDestination?: pino.DestinationStream;
  /** More HTTP routes. */
  routes?: Route;
}

/** sig2rtm mounted in an app's own server. */
export interface Sig2rtm {
  readonly core: RtmCore;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The WebSocket path (default /rtm). */
  readonly path: string;
  /**
   * Health, readiness, metrics, /sdk files, /admin (and the demo when enabled). Calls `next()` for
   * any other request, or answers 404 when there is no `next` (plain Node http).
   */
  readonly handler: (req: http.IncomingMessage, res: http.ServerResponse, next?: (err?: unknown) => void) => void;
  /** For a server's 'upgrade' event: takes upgrades on `path`, returns false for any other. */
  readonly handleUpgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Listens for WebSocket upgrades on `path` of this server; other paths are left alone. */
  readonly attach: (server: http.Server | https.Server) => void;
  /** Graceful stop: /readyz says 503, clients are told to reconnect, the store is flushed. */
  readonly shutdown: () => Promise<void>;
}

export interface EmbedOptions extends ServiceExtras {
  /** WebSocket path. Default /rtm. */
  path?: string;
}

/** The service's parts for a configuration already loaded (startService, and createSig2rtm in embed.ts). */
export async function mountService(config: ServiceConfig, options: EmbedOptions = {}): Promise<Sig2rtm> {
  const log = createLogger(config.logLevel, options.logDestination, config.logFormat);
  const metrics = createMetrics(config.dev ? undefined : Object.keys(config.apps));
  let ready = false;
  if (config.dev) log.warn('DEVELOPMENT MODE: any appId may log in and tokens are NOT checked. Do not expose this server.');
  const targets: Record<string, WebhookTarget> = {};
  for (const [appId, app] of Object.entries(config.apps)) if (app.webhooks) targets[appId] = app.webhooks;
  const webhooks = new WebhookSender(targets, metrics.registry, (err, context) => core.options.observer.fault?.('webhook', err, context), config.webhookTuning);
  // With --redis this node shares state with the others; it is ready only while Redis answers.
  const cluster = config.redis === undefined ? undefined : await connectCluster(config.redis, config.redisPrefix, config.nodeLeaseMs);
  const store = cluster?.store ?? (config.store === 'sqlite' ? await sqliteStore(config.dataDir) : new MemoryStore());
  const core: RtmCore = new RtmCore({
    ...(config.dev ? {} : { apps: config.apps }),
    store: Object.keys(targets).length > 0 ? webhookStore(store, webhooks) : store,
    ...(cluster ? { bus: cluster.bus } : {}),
    limits: config.limits,
    rates: config.rates,
    timings: config.timings,
    bounds: config.bounds,
    offlineMessaging: config.offlineMessaging,
    maxBadFrames: config.maxBadFrames,
    observer: combineObservers(metrics.observer, loggingObserver(log), webhookObserver(webhooks)),
  });
  await core.start();
  metrics.attach(core);
  if (cluster) metrics.attachRedis(cluster.link);
  const path = options.path ?? '/rtm';
  const endpoints = wsRouter({ maxFrameBytes: config.maxFrameBytes });
  endpoints.mount(path, rtmEndpoint(core));
  // Native legacy SDKs (C++ agora_sig.h, Java io.agora) connect here: docs/gateway-protocol.md.
  const gateway = attachGateway({ core, mount: endpoints.mount });
  const ops = opsRoutes({ core: () => core, metrics, adminToken: config.adminToken, ready: () => ready && (cluster?.link.up ?? true) });
  const files = staticRoutes({ demo: demoEnabled(config), admin: config.adminToken !== undefined });
  const rest = restRoutes({ core: () => core, apps: config.apps, version: VERSION });
  const routes: Route = (req, res) => ops(req, res) || rest(req, res) || files(req, res) || (options.routes?.(req, res) ?? false);
  ready = true;

  let stopping: Promise<void> | undefined;
  return {
    core,
    log,
    metrics,
    path,
    handler(req, res, next) {
      let handled: boolean;
      try {
        handled = routes(req, res);
      } catch (err) {
        // No request may end the process: a route that throws is logged, counted and answered.
        core.options.observer.fault?.('http', err, { method: req.method, url: req.url });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
        return;
      }
      if (handled) return;
      if (next) next();
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    },
    handleUpgrade: (req, socket, head) => endpoints.handleUpgrade(req, socket, head),
    attach(server) {
      server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => endpoints.handleUpgrade(req, socket, head));
    },
    shutdown() {
      stopping ??= (async () => {
        ready = false;
        log.info('shutting down: telling clients to reconnect');
        let expired = false;
        const bound = setTimeout(() => (expired = true), config.shutdownTimeoutMs).unref();
        await core.drain();
        gateway.close();
        // Told to reconnect, clients hang up by themselves; meanwhile /readyz says 503 and newcomers
        // are turned away. Whoever is still connected at the bound is cut off.
        while (core.connectionCount > 0 && !expired) await new Promise((resolve) => setTimeout(resolve, 10));
        clearTimeout(bound);
        await core.close(); // closes the bus and the store: SQLite checkpoints and syncs
        await cluster?.link.close();
        webhooks.close();
        await endpoints.close();
        log.info('stopped');
        log.flush();
      })();
      return stopping;
    },
  };
}

export interface Service {
  readonly server: { readonly core: RtmCore; readonly http: http.Server; readonly port: number };
  /** ws://host:port/rtm (wss:// with TLS). */
  readonly url: string;
  /** http(s)://host:port/ when the demo is served. */
  readonly demoUrl: string | undefined;
  readonly log: Logger;
  /** Graceful stop; resolves when done (or after `shutdownTimeoutMs`). */
  shutdown(): Promise<void>;
}

/** Listens, or throws a ConfigError naming the option at fault (port in use, an address not of this host). */
function listen(server: http.Server, config: ServiceConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new ConfigError(`--port: port ${config.port} on ${config.host} is already in use`));
      else if (err.code === 'EACCES') reject(new ConfigError(`--port: not allowed to listen on port ${config.port} (ports below 1024 need privileges)`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.code === 'EINVAL') reject(new ConfigError(`--host: cannot listen on ${JSON.stringify(config.host)}: ${err.code === 'EADDRNOTAVAIL' ? 'not an address of this machine' : 'not a known host or address'}`));
      else reject(err);
    });
    server.listen(config.port, config.host, () => resolve());
  });
}

/** `sig2rtm serve`: the service on a server of its own. */
export async function startService(config: ServiceConfig, extras: ServiceExtras = {}): Promise<Service> {
  const tls = config.tlsKey && config.tlsCert ? readTls(config.tlsKey, config.tlsCert) : undefined;
  const app = await mountService(config, extras);
  const route = (req: http.IncomingMessage, res: http.ServerResponse) => app.handler(req, res);
  const server = tls ? https.createServer(tls, route) : http.createServer(route);
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!app.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  try {
    await listen(server, config);
  } catch (err) {
    await app.core.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${tls ? 'wss' : 'ws'}://${host}:${port}${app.path}`;
  const demoUrl = demoEnabled(config) ? `${tls ? 'https' : 'http'}://${host}:${port}/` : undefined;
  const where = config.redis !== undefined
    ? { redis: redactUrl(config.redis) }
    : { store: config.store, dataDir: config.store === 'sqlite' ? config.dataDir : undefined };
  app.log.info({ url, demoUrl, ...where, apps: Object.keys(config.apps) }, 'listening');

  let stopping: Promise<void> | undefined;
  return {
    server: { core: app.core, http: server, port },
    url,
    demoUrl,
    log: app.log,
    shutdown() {
      stopping ??= (async () => {
        // The listener stays open while clients drain, so probes see /readyz answer 503.
        await app.shutdown();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      })();
      return stopping;
    },
  };
}

/** The Redis side of a cluster node: its connections, its store and its bus. */
async function connectCluster(url: string, prefix: string, leaseMs: number): Promise<{ link: RedisLink; store: RedisStore; bus: RedisBus }> {
  const link = new RedisLink({ url, prefix });
  await link.connect();
  const store = new RedisStore(link, RedisBus.newNodeId());
  return { link, store, bus: new RedisBus(link, store, { leaseMs }) };
}
