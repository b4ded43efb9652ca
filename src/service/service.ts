/**
 * `sig2rtm serve` as a value: the RTM server with its store, logs, metrics, health and admin
 * routes, and a graceful shutdown (stop accepting, tell clients to reconnect elsewhere, flush the
 * store, finish within a bound).
 */

import fs from 'node:fs';
import type http from 'node:http';
import type pino from 'pino';
import { createServer, type RtmServer } from '../rtm-core/server/ws-server';
import { attachGateway } from '../gateway/gateway';
import { MemoryStore } from '../rtm-core/server/state/memory';
import { SqliteStore } from '../rtm-core/server/state/sqlite';
import { RedisBus } from '../rtm-core/server/bus-redis';
import { RedisStore } from '../rtm-core/server/state/redis';
import { RedisLink, redactUrl } from '../rtm-core/server/state/redis-link';
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
  // With --redis this node shares state with the others; it is ready only while Redis answers.
  const cluster = config.redis === undefined ? undefined : await connectCluster(config.redis, config.redisPrefix, config.nodeLeaseMs);
  const routes = opsRoutes({ core: () => holder.server?.core, metrics, adminToken: config.adminToken, ready: () => ready && (cluster?.link.up ?? true) });
  const files = staticRoutes();
  if (config.dev) {
    log.warn('DEVELOPMENT MODE: any appId may log in and tokens are NOT checked. Do not expose this server.');
  }
  const store = cluster?.store ?? (config.store === 'sqlite' ? new SqliteStore(config.dataDir) : new MemoryStore());
  const server = await createServer({
    host: config.host,
    port: config.port,
    ...(config.tlsKey && config.tlsCert ? { tls: { key: fs.readFileSync(config.tlsKey), cert: fs.readFileSync(config.tlsCert) } } : {}),
    ...(config.dev ? {} : { apps: config.apps }),
    store,
    ...(cluster ? { bus: cluster.bus } : {}),
    limits: config.limits,
    rates: config.rates,
    timings: config.timings,
    offlineMessaging: config.offlineMessaging,
    maxFrameBytes: config.maxFrameBytes,
    maxBadFrames: config.maxBadFrames,
    observer: combineObservers(metrics.observer, loggingObserver(log)),
    httpHandler: (req, res) => routes(req, res) || files(req, res) || (extras.routes?.(req, res) ?? false),
  });
  holder.server = server;
  // Native legacy SDKs (C++ agora_sig.h, Java io.agora) connect here: docs/gateway-protocol.md.
  const gateway = attachGateway(server);
  metrics.attach(server.core);
  if (cluster) metrics.attachRedis(cluster.link);
  ready = true;
  const where = cluster
    ? { redis: redactUrl(config.redis ?? ''), node: cluster.bus.nodeId }
    : { store: config.store, dataDir: config.store === 'sqlite' ? config.dataDir : undefined };
  log.info({ url: server.url, ...where, apps: Object.keys(config.apps) }, 'listening');

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
        gateway.close();
        // Told to reconnect, clients hang up by themselves; meanwhile /readyz says 503 and newcomers
        // are turned away. Whoever is still connected at the bound is cut off by close().
        while (running.core.connectionCount > 0 && !expired) await new Promise((resolve) => setTimeout(resolve, 10));
        clearTimeout(bound);
        await running.close(); // closes the bus and the store: SQLite checkpoints and syncs
        await cluster?.link.close();
        log.info('stopped');
        log.flush();
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
