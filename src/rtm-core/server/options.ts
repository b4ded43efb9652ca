/**
 * Server options: one interface, one defaults object, one normalisation step.
 */

import type { Clock } from '../clock';
import { systemClock } from '../clock';
import { DEFAULT_LIMITS, type Limits } from '../protocol/limits';
import type { RateRule } from '../rate-limit';
import type { StateStore } from './state/store';
import type { Bus } from './bus';
import type { CoreObserver } from './observer';

/** Per-client rate rules by operation (rtm-1x.md §6.3). */
export const DEFAULT_RATES = {
  login: { limit: 2, windowMs: 1000 },
  /** Peer and channel messages together. */
  send: { limit: 180, windowMs: 3000 },
  join: { limit: 50, windowMs: 3000 },
  joinSame: { limit: 2, windowMs: 5000 },
  members: { limit: 5, windowMs: 2000 },
  renew: { limit: 2, windowMs: 1000 },
  query: { limit: 10, windowMs: 5000 },
  sub: { limit: 10, windowMs: 5000 },
  unsub: { limit: 10, windowMs: 5000 },
  counts: { limit: 1, windowMs: 1000 },
  /** set / addOrUpdate / delete / clear local user attributes */
  uattr: { limit: 10, windowMs: 5000 },
  uattrGet: { limit: 40, windowMs: 5000 },
  /** set / addOrUpdate / delete / clear channel attributes */
  cattr: { limit: 10, windowMs: 5000 },
  cattrGet: { limit: 10, windowMs: 5000 },
  /** Heartbeats per connection (clients ping every 2 s; a flood of pings is not answered). */
  ping: { limit: 10, windowMs: 1000 },
  /** Extension legacy/1: legacy member-count queries (legacy had no limit; apps query on every member event). */
  legacyCounts: { limit: 50, windowMs: 1000 },
  /** Extension legacy/1: account attributes (legacy `setAttr`, `getUserAttr`). */
  legacyUattr: { limit: 50, windowMs: 1000 },
  legacyUattrGet: { limit: 100, windowMs: 1000 },
} satisfies Record<string, RateRule>;

export type RateName = keyof typeof DEFAULT_RATES;
export type Rates = Record<RateName, RateRule>;

/** Presence and session timings (rtm-1x.md §7). */
export const DEFAULT_TIMINGS = {
  /**
   * Heartbeat interval told to clients of protocol 1 without `beat` (they send a JSON ping this
   * often); also how often the server pings a client whose presence someone watches (subscribed to it),
   * so that a live one is never silent for unreachableAfterMs.
   */
  heartbeatMs: 2000,
  /**
   * The server pings (WebSocket ping frames, answered by the client's WebSocket stack) a client it
   * has not heard from for this long when nobody watches its presence. At most a third of
   * offlineAfterMs is used (a live client is heard from at least twice before its session would end). Clients that say `beat` at login use it instead of heartbeatMs: they take a link
   * silent for twice this long as lost (see docs in protocol/EXTENSIONS.md, "beat").
   */
  idlePingMs: 10_000,
  /** Silence after which a user is UNREACHABLE to its subscribers. */
  unreachableAfterMs: 6000,
  /** Silence after which the session ends: OFFLINE, MemberLeft, outbox dropped. */
  offlineAfterMs: 30_000,
  /** How long a sender waits for the receiving client's acknowledgement (`hasPeerReceived`). */
  peerAckTimeoutMs: 5000,
  /** `TokenPrivilegeWillExpire` fires this long before expiry. */
  tokenWarningMs: 30_000,
  /** A connection that has not logged in by then is closed. */
  loginWithinMs: 15_000,
  /** MemberCountUpdated at most once per this interval (≤ 512 members) … */
  memberCountIntervalMs: 1000,
  /** … and per this one above 512 members. */
  memberCountIntervalLargeMs: 3000,
  /**
   * Channel attributes outlive the channel's last member by this long, then are cleared. RTM says
   * "a couple of minutes" without a figure; we take 2 minutes.
   */
  channelAttributesTtlMs: 120_000,
  /** A socket the server closes (kick, replaced login, timeout) is cut off if the peer has not finished the close by then. */
  closeGraceMs: 2000,
};
export type Timings = typeof DEFAULT_TIMINGS;

/**
 * What the server holds on behalf of a client, bounded (issue 11). Past a session bound the session
 * ends (close 4005, "slow consumer"): its queued events are dropped, except peer messages sent with
 * enableOfflineMessaging, which go to the offline cache; the client reconnects into a fresh session.
 */
export const DEFAULT_BOUNDS = {
  /** Events queued for one session and not yet acknowledged by its client. */
  sessionPendingMessages: 10_000,
  /** Their encoded size, bytes. */
  sessionPendingBytes: 8 * 1024 * 1024,
  /** Bytes a session's socket may hold unsent (a client that stopped reading). */
  socketBufferedBytes: 8 * 1024 * 1024,
  /** Answers kept per session for re-sent requests when the client never says it has them. */
  rememberedAnswers: 4096,
  /** Offline messages one sender may have cached, all receivers together (past it: not cached). */
  offlineMessagesPerSender: 1000,
  /** All cached offline messages together, bytes (past it: not cached). */
  offlineCacheBytes: 256 * 1024 * 1024,
  /** Expired offline messages are swept this often (not only when their receiver logs in). */
  offlineSweepIntervalMs: 60_000,
};
export type Bounds = typeof DEFAULT_BOUNDS;

export interface AppConfig {
  /** With a certificate, logins need a valid 006 / 007 / legacy token; without, any token or none. */
  certificate?: string;
}

export interface CoreOptions {
  /**
   * The app registry. When given, only these appIds may log in. When omitted, any well-formed
   * appId is accepted without a token (development mode).
   */
  apps?: Record<string, AppConfig>;
  /** Where shared state lives. Defaults to a fresh in-memory store. */
  store?: StateStore;
  /** How events reach sessions. Defaults to this process only (LocalBus); RedisBus spans nodes. */
  bus?: Bus;
  limits?: Partial<Limits>;
  rates?: Partial<Rates>;
  timings?: Partial<Timings>;
  bounds?: Partial<Bounds>;
  /** Cache peer messages sent with `enableOfflineMessaging` for offline receivers (≤1.4 feature). */
  offlineMessaging?: boolean;
  /** Bad frames a connection may send before it is closed. */
  maxBadFrames?: number;
  clock?: Clock;
  /** Hooks for metrics and logs. */
  observer?: CoreObserver;
}

export interface ResolvedCoreOptions {
  apps: Record<string, AppConfig> | undefined;
  limits: Limits;
  rates: Rates;
  timings: Timings;
  bounds: Bounds;
  offlineMessaging: boolean;
  maxBadFrames: number;
  clock: Clock;
  observer: CoreObserver;
}

export function resolveCoreOptions(options: CoreOptions): ResolvedCoreOptions {
  return {
    apps: options.apps,
    limits: { ...(DEFAULT_LIMITS as unknown as Limits), ...options.limits },
    rates: { ...DEFAULT_RATES, ...options.rates },
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    bounds: { ...DEFAULT_BOUNDS, ...options.bounds },
    offlineMessaging: options.offlineMessaging ?? true,
    maxBadFrames: options.maxBadFrames ?? 20,
    clock: options.clock ?? systemClock,
    // Contained faults are never silent: without a hook of the embedder's, they go to stderr.
    observer: { fault: (where, err, context) => console.error('[sig2rtm] fault contained in', where, context ?? '', err), ...options.observer },
  };
}
