/**
 * `sig2rtm/server`: the RTM server.
 *
 *   const server = await createServer({ port: 0 });
 *   console.log(server.url); // ws://127.0.0.1:<port>/rtm
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
