/**
 * `sig2rtm serve` as a value: the RTM server with its store, logs, metrics, health and admin
 * routes, and a graceful shutdown (stop accepting, tell clients to reconnect elsewhere, flush the
 * store, finish within a bound).
 */

import fs from 'node:fs';
import type http from 'node:http';
import type pino from 'pino';
import { createServer, type RtmServer } from '../rtm-core/server/ws-server';
import { MemoryStore } from '../rtm-core/server/state/memory';
import { SqliteStore } from '../rtm-core/server/state/sqlite';
import type { ServiceConfig } from './config';
import { combineObservers, createLogger, loggingObserver, type Logger } from './logger';
import { createMetrics } from './metrics';
import { opsRoutes } from './routes';
import { staticRoutes } from './static-routes';

export interface Service {
  readonly server: RtmServer;
  readonly url: string;
  readonly log: Logger;
  /** Graceful stop; resolves when done (or after `shutdownTimeoutMs`). */
  shutdown(): Promise<void>;
}

export interface ServiceExtras {
  /** Where logs go (default stdout). */
  logDestination?: pino.DestinationStream;
  /** More HTTP routes. */
  routes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export async function startService(config: ServiceConfig, extras: ServiceExtras = {}): Promise<Service> {
  const log = createLogger(config.logLevel, extras.logDestination);
  const metrics = createMetrics();
  let ready = false;
  // The routes are made before the server they serve: they reach it through this holder.
  const holder: { server?: RtmServer } = {};
  const routes = opsRoutes({ core: () => holder.server?.core, metrics, adminToken: config.adminToken, ready: () => ready });
  const files = staticRoutes();
  if (config.dev) {
    log.warn('DEVELOPMENT MODE: any appId may log in and tokens are NOT checked. Do not expose this server.');
  }
  const store = config.store === 'sqlite' ? new SqliteStore(config.dataDir) : new MemoryStore();
  const server = await createServer({
    host: config.host,
    port: config.port,
    ...(config.tlsKey && config.tlsCert ? { tls: { key: fs.readFileSync(config.tlsKey), cert: fs.readFileSync(config.tlsCert) } } : {}),
    ...(config.dev ? {} : { apps: config.apps }),
    store,
    limits: config.limits,
    rates: config.rates,
    timings: config.timings,
    bounds: config.bounds,
    offlineMessaging: config.offlineMessaging,
    maxFrameBytes: config.maxFrameBytes,
    maxBadFrames: config.maxBadFrames,
    observer: combineObservers(metrics.observer, loggingObserver(log)),
    httpHandler: (req, res) => routes(req, res) || files(req, res) || (extras.routes?.(req, res) ?? false),
  });
  holder.server = server;
  metrics.attach(server.core);
  ready = true;
  log.info({ url: server.url, store: config.store, dataDir: config.store === 'sqlite' ? config.dataDir : undefined, apps: Object.keys(config.apps) }, 'listening');

  const running = server;
  let stopping: Promise<void> | undefined;
  return {
    server: running,
    url: running.url,
    log,
    shutdown() {
      stopping ??= (async () => {
        ready = false;
        log.info('shutting down: telling clients to reconnect');
        let expired = false;
        const bound = setTimeout(() => (expired = true), config.shutdownTimeoutMs).unref();
        await running.core.drain();
        // Told to reconnect, clients hang up by themselves; meanwhile /readyz says 503 and newcomers
        // are turned away. Whoever is still connected at the bound is cut off by close().
        while (running.core.connectionCount > 0 && !expired) await new Promise((resolve) => setTimeout(resolve, 10));
        clearTimeout(bound);
        await running.close(); // closes the store: SQLite checkpoints and syncs
        log.info('stopped');
        log.flush();
      })();
      return stopping;
    },
  };
}
