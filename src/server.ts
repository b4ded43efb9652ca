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
