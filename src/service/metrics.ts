/**
 * Prometheus metrics (prom-client) fed by the core's observer hooks. One registry per server, so
 * that several servers in one process (tests) do not mix their numbers.
 */

import client from 'prom-client';
import type { CoreObserver } from '../rtm-core/server/observer';
import type { RtmCore } from '../rtm-core/server/core';
import type { RedisStats } from '../rtm-core/server/state/redis-link';

export interface Metrics {
  registry: client.Registry;
  observer: CoreObserver;
  /** Gauges read from the core at scrape time. */
  attach(core: RtmCore): void;
  /** With --redis: Redis health and cross-node traffic, read at scrape time. */
  attachRedis(stats: RedisStats): void;
  /** Counters the admin console turns into rates. */
  totals(): Promise<{ messages: number; logins: number }>;
}

/** Distinct appId labels at most; further apps (dev mode, refused logins with made-up appIds) count as "other". */
export const MAX_APP_LABELS = 100;

/**
 * The appId as a metric label: configured apps by name; in development mode the first
 * MAX_APP_LABELS seen. A login refused for an unknown appId never creates a series of its own,
 * so no client can grow the registry without bound.
 */
function appLabeller(known: ReadonlySet<string> | undefined): (appId: string, accepted: boolean) => string {
  const seen = new Set<string>();
  return (appId, accepted) => {
    if (known) return known.has(appId) ? appId : 'other';
    if (seen.has(appId)) return appId;
    if (!accepted || seen.size >= MAX_APP_LABELS) return 'other';
    seen.add(appId);
    return appId;
  };
}

/** `apps`: the configured appIds (undefined in development mode, where any appId may log in). */
export function createMetrics(apps?: readonly string[]): Metrics {
  const app = appLabeller(apps && new Set(apps));
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'sig2rtm_' });
  const connections = new client.Gauge({ name: 'sig2rtm_connections', help: 'Open client connections', registers: [registry] });
  const logins = new client.Counter({ name: 'sig2rtm_logins_total', help: 'Logins by appId and result (ok, resumed, or the error code)', labelNames: ['app', 'result'], registers: [registry] });
  const requests = new client.Counter({ name: 'sig2rtm_requests_total', help: 'Requests by type and result (ok or the error code)', labelNames: ['type', 'result'], registers: [registry] });
  const messages = new client.Counter({ name: 'sig2rtm_messages_total', help: 'Messages by kind (peer, channel) and result', labelNames: ['kind', 'result'], registers: [registry] });
  const rateLimited = new client.Counter({ name: 'sig2rtm_rate_limited_total', help: 'Requests refused by a rate limit, by type', labelNames: ['type'], registers: [registry] });
  const invalid = new client.Counter({ name: 'sig2rtm_validation_rejections_total', help: 'Frames or fields that failed validation', labelNames: ['kind'], registers: [registry] });
  const latency = new client.Histogram({
    name: 'sig2rtm_delivery_latency_seconds',
    help: 'Peer message: server receipt to the receiving client’s acknowledgement',
    labelNames: ['kind'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const faults = new client.Counter({ name: 'sig2rtm_faults_total', help: 'Contained faults (store errors, failed handlers, bad HTTP requests that threw), by place', labelNames: ['where'], registers: [registry] });
  const sessionsEnded = new client.Counter({ name: 'sig2rtm_sessions_ended_total', help: 'Sessions ended, by appId and reason', labelNames: ['app', 'reason'], registers: [registry] });
  const offlineRefused = new client.Counter({ name: 'sig2rtm_offline_refused_total', help: 'Messages not cached offline because a bound of the cache refused them', labelNames: ['reason'], registers: [registry] });
  const offlineSwept = new client.Counter({ name: 'sig2rtm_offline_swept_total', help: 'Expired offline messages removed by the periodic sweep', registers: [registry] });
  let core: RtmCore | undefined;
  new client.Gauge({
    name: 'sig2rtm_online_users',
    help: 'Logged-in users on this server',
    registers: [registry],
    collect() {
      this.set(core ? core.onlineUsers().length : 0);
    },
  });
  new client.Gauge({
    name: 'sig2rtm_sessions',
    help: 'Sessions on this server (logged in, or away within the offline grace)',
    registers: [registry],
    collect() {
      this.set(core ? core.bus.snapshot().sessions.length : 0);
    },
  });
  new client.Gauge({
    name: 'sig2rtm_timers',
    help: 'Active timers in the process (a leak shows as growth under churn)',
    registers: [registry],
    collect() {
      this.set(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length);
    },
  });
  const offlineStats = async () => (core?.store.offlineStats ? await core.store.offlineStats() : { messages: 0, bytes: 0 });
  new client.Gauge({
    name: 'sig2rtm_offline_messages',
    help: 'Messages in the offline cache',
    registers: [registry],
    async collect() {
      this.set((await offlineStats()).messages);
    },
  });
  new client.Gauge({
    name: 'sig2rtm_offline_bytes',
    help: 'Bytes in the offline cache',
    registers: [registry],
    async collect() {
      this.set((await offlineStats()).bytes);
    },
  });
  new client.Gauge({
    name: 'sig2rtm_channels',
    help: 'Channels with members on this server',
    registers: [registry],
    collect() {
      this.set(core ? core.channelCounts().length : 0);
    },
  });

  let redis: RedisStats | undefined;
  const fromRedis = (name: string, help: string, read: (s: RedisStats) => number, kind: 'gauge' | 'counter') => {
    // Counters kept by the link, exposed as they are: prom-client's collect() sets the current value.
    const Metric = kind === 'gauge' ? client.Gauge : client.Counter;
    new Metric({
      name,
      help,
      registers: [registry],
      collect(this: client.Gauge | client.Counter) {
        if (!redis) return;
        if (this instanceof client.Gauge) this.set(read(redis));
        else {
          this.reset();
          this.inc(read(redis));
        }
      },
    });
  };
  fromRedis('sig2rtm_redis_up', 'Both connections to Redis are ready (1) or not (0)', (s) => (s.up ? 1 : 0), 'gauge');
  fromRedis('sig2rtm_redis_errors_total', 'Redis commands that failed (Redis away, timeout, error reply)', (s) => s.errors, 'counter');
  fromRedis('sig2rtm_redis_reconnects_total', 'Times the connection to Redis came back after a loss', (s) => s.reconnects, 'counter');
  fromRedis('sig2rtm_bus_published_total', 'Cross-node messages published', (s) => s.published, 'counter');
  fromRedis('sig2rtm_bus_received_total', 'Cross-node messages received', (s) => s.received, 'counter');
  fromRedis('sig2rtm_bus_publish_failures_total', 'Cross-node messages whose publish failed (lost for other nodes)', (s) => s.publishFailures, 'counter');

  const observer: CoreObserver = {
    connectionOpened: () => connections.inc(),
    connectionClosed: () => connections.dec(),
    login: (result, appId) => logins.inc({ app: app(appId, result === 'ok' || result === 'resumed'), result: String(result) }),
    request: (type, result) => {
      requests.inc({ type, result: String(result) });
      if (type === 'peer' || type === 'chmsg' || type === 'chmsgOut') messages.inc({ kind: type === 'peer' ? 'peer' : 'channel', result: String(result) });
    },
    rateLimited: (type) => rateLimited.inc({ type }),
    invalid: (kind) => invalid.inc({ kind }),
    delivered: (kind, ms) => latency.observe({ kind }, ms / 1000),
    sessionEnded: (appId, _uid, why) => sessionsEnded.inc({ app: app(appId, true), reason: why }),
    fault: (where) => faults.inc({ where }),
    offlineRefused: (reason) => offlineRefused.inc({ reason }),
    offlineSwept: (n) => offlineSwept.inc(n),
  };
  return {
    registry,
    observer,
    attach(c) {
      core = c;
    },
    attachRedis(stats) {
      redis = stats;
    },
    async totals() {
      const sum = async (counter: client.Counter) => (await counter.get()).values.reduce((n, v) => n + v.value, 0);
      return { messages: await sum(messages), logins: await sum(logins) };
    },
  };
}
