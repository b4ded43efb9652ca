/**
 * `sig2rtm/server`: the RTM server.
 *
 *   const server = await createServer({ port: 0 });
 *   console.log(server.url); // ws://127.0.0.1:<port>/rtm
 *
 * or the full service in an existing http server / Express app:
 *
 *   const rtm = await createSig2rtm({ apps: { [appId]: { certificate } } });
 *   app.use(rtm.handler);
 *   rtm.attach(app.listen(8080));
 */

export { createServer } from './rtm-core/server/ws-server';
export type { RtmServer, ServerOptions } from './rtm-core/server/ws-server';
export { RtmCore } from './rtm-core/server/core';
export type { CoreOptions, AppConfig, Rates, Timings } from './rtm-core/server/options';
export { DEFAULT_RATES, DEFAULT_TIMINGS } from './rtm-core/server/options';
export { DEFAULT_LIMITS } from './rtm-core/protocol/limits';
export type { Limits } from './rtm-core/protocol/limits';
export type { StateStore, OfflineMessage } from './rtm-core/server/state/store';
export { MemoryStore } from './rtm-core/server/state/memory';
// Several processes as one service: state and delivery through Redis (what `sig2rtm serve --redis` uses).
export type { Bus, BusHost, Delivery } from './rtm-core/server/bus';
export { RedisLink } from './rtm-core/server/state/redis-link';
export type { RedisLinkOptions, RedisStats } from './rtm-core/server/state/redis-link';
export { RedisStore } from './rtm-core/server/state/redis';
export { RedisBus } from './rtm-core/server/bus-redis';
export type { RedisBusOptions } from './rtm-core/server/bus-redis';
export { embeddedCore, resetEmbeddedCore } from './rtm-core/embedded';
export { ManualClock, systemClock } from './rtm-core/clock';
export type { Clock, TimerHandle } from './rtm-core/clock';
export { verifyToken } from './rtm-core/auth/verify';
export { PROTOCOL_VERSION } from './rtm-core/protocol/frames';
export type { WebSocketHandler } from './rtm-core/server/ws-server';
export { attachGateway, DEFAULT_GATEWAY_PATH } from './gateway/gateway';
export type { Gateway, GatewayOptions } from './gateway/gateway';
export { GATEWAY_PROTOCOL_VERSION, DEFAULT_GATEWAY_LIMITS } from './gateway/protocol';
export type { GatewayLimits } from './gateway/protocol';

// The full service (store, logs, metrics, health, admin, SDK files) for an app's own server.
export { createSig2rtm } from './service/embed';
export type { Sig2rtmOptions } from './service/embed';
export type { Sig2rtm, EmbedOptions, Route as HttpRoute } from './service/service';
export { ConfigError } from './service/config';
export { signWebhook, WEBHOOK_EVENTS, DEFAULT_WEBHOOK_EVENTS, DEFAULT_WEBHOOK_TUNING } from './service/webhooks/sender';
export type { WebhookEvent, WebhookEventData, WebhookEventType, WebhookMessage, WebhookTarget, WebhookTuning } from './service/webhooks/sender';
export type { ServiceConfig, AppEntry, LogLevel, LogFormat } from './service/config';
