/**
 * What a request handler gets: the session it runs for and the services of the core. A handler
 * returns the result of its request or throws a RequestFailure with the official code.
 *
 * Ordering rule: a handler performs its order-relevant effect (queueing a message, joining a channel
 * locally) before its first `await`. Handlers are started in the order frames arrive, so per-sender
 * order holds without serialising whole requests (a peer send waits for the receiver's ack and must
 * not hold up the next send).
 */

import type { Clock } from '../../clock';
import type { AttributeChange, ChannelAttributeValue, RequestOf, RequestType, ResultMap } from '../../protocol/frames';
import type { ChannelBuiltins } from '../channel-builtins';
import type { Bus } from '../bus';
import type { ResolvedCoreOptions } from '../options';
import type { Session } from '../session';
import type { OfflineMessage, StateStore } from '../state/store';

export interface CoreServices {
  readonly options: ResolvedCoreOptions;
  readonly store: StateStore;
  readonly bus: Bus;
  readonly clock: Clock;
  /** A channel's member count changed: schedule a (throttled) MemberCountUpdated; an emptied channel's attributes start their grace period. */
  memberCountChanged(appId: string, channel: string, count: number): void;
  /**
   * Channel attributes were written (`attrs`: the set afterwards, made by `change`; read again when
   * not given): the legacy built-ins follow them; if nobody is in the channel, their grace period starts.
   */
  channelAttributesWritten(appId: string, channel: string, attrs?: Record<string, ChannelAttributeValue>, change?: AttributeChange): Promise<void>;
  /** Legacy built-in channel attributes and special channels (extension legacy/1). */
  readonly builtins: ChannelBuiltins;
  /** Caches a message for an absent receiver within the cache's bounds; false when refused. */
  cacheOffline(appId: string, uid: string, message: OfflineMessage): Promise<boolean>;
  /** The session's account set the legacy user attribute `_conn_timeout` (or deleted it: ""). */
  connTimeoutSet(session: Session, value: string): void;
  /** Re-verifies a token for the session and re-arms its expiry timers. */
  renewToken(session: Session, token: string): void;
  /** Someone subscribed to this user's presence: it must now be heard from often enough for UNREACHABLE to be exact. */
  watch(appId: string, uid: string): void;
}

export interface HandlerContext {
  readonly core: CoreServices;
  readonly session: Session;
}

export class RequestFailure extends Error {
  override name = 'RequestFailure';
  constructor(
    readonly code: number,
    message: string,
    /** True when a rate limit refused the call (counted apart in metrics). */
    readonly rateLimited = false,
  ) {
    super(message);
  }
}

export type Handler<T extends RequestType> = (ctx: HandlerContext, req: RequestOf<T>) => Promise<ResultMap[T]>;

/** Handlers for every request a logged-in session may make (login and logout are the core's own). */
export type HandlerTable = { [T in Exclude<RequestType, 'login' | 'logout'>]: Handler<T> };

/**
 * The session ended while its request awaited the store: the request's effect must be undone
 * unless a newer session of the same user (a login elsewhere) now owns it. Returns that session.
 */
export function successor(ctx: HandlerContext): Session | undefined {
  const now = ctx.core.bus.localSession(ctx.session.appId, ctx.session.uid);
  return now === ctx.session || now?.ended ? undefined : now;
}

/** Takes one call from a named rate window or fails with `code`. */
export function takeRate(ctx: HandlerContext, name: Parameters<Session['rates']['tryTake']>[0], code: number, key = ''): void {
  if (!ctx.session.rates.tryTake(name, ctx.core.clock.now(), key)) {
    throw new RequestFailure(code, `${name}: too often`, true);
  }
}
