/**
 * Prometheus metrics (prom-client) fed by the core's observer hooks. One registry per server, so
 * that several servers in one process (tests) do not mix their numbers.
 */

import client from 'prom-client';
import type { CoreObserver } from '../rtm-core/server/observer';
import type { RtmCore } from '../rtm-core/server/core';

export interface Metrics {
  registry: client.Registry;
  observer: CoreObserver;
  /** Gauges read from the core at scrape time. */
  attach(core: RtmCore): void;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'sig2rtm_' });
  const connections = new client.Gauge({ name: 'sig2rtm_connections', help: 'Open client connections', registers: [registry] });
  const logins = new client.Counter({ name: 'sig2rtm_logins_total', help: 'Logins by result (ok, resumed, or the error code)', labelNames: ['result'], registers: [registry] });
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
  const offlineRefused = new client.Counter({ name: 'sig2rtm_offline_refused_total', help: 'Messages not cached offline because a bound of the cache refused them', labelNames: ['reason'], registers: [registry] });
  const offlineSwept = new client.Counter({ name: 'sig2rtm_offline_swept_total', help: 'Expired offline messages removed by the periodic sweep', registers: [registry] });
  const sessionsEnded = new client.Counter({ name: 'sig2rtm_sessions_ended_total', help: 'Sessions ended, by reason', labelNames: ['reason'], registers: [registry] });
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

  const observer: CoreObserver = {
    connectionOpened: () => connections.inc(),
    connectionClosed: () => connections.dec(),
    login: (result) => logins.inc({ result: String(result) }),
    request: (type, result) => {
      requests.inc({ type, result: String(result) });
      if (type === 'peer' || type === 'chmsg' || type === 'chmsgOut') messages.inc({ kind: type === 'peer' ? 'peer' : 'channel', result: String(result) });
    },
    rateLimited: (type) => rateLimited.inc({ type }),
    invalid: (kind) => invalid.inc({ kind }),
    delivered: (kind, ms) => latency.observe({ kind }, ms / 1000),
    sessionEnded: (_app, _uid, why) => sessionsEnded.inc({ reason: why }),
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
  };
}
