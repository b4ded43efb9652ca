/**
 * The one place that holds state shared between server processes. Handlers reach shared state only
 * through this interface, so a Redis implementation can replace the in-memory one without touching
 * the protocol, the handlers or the client. Methods are async and intention-revealing; there is no
 * generic get/set.
 *
 * Every key is scoped by appId: tenants never see each other.
 */

import type { AttributeTotals } from '../../protocol/attributes';
import { utf8Length } from '../../protocol/limits';
import type { AttributeChange, ChannelAttributeValue, WireMessage } from '../../protocol/frames';

export type { AttributeTotals };

/** What kind of store failure: busy/locked (transient), out of space, I/O, or anything else. */
export type StoreFailureKind = 'busy' | 'full' | 'io' | 'other';

/**
 * A store operation failed for a reason of the store's own (not of the request): the request
 * concerned gets a typed error, background work retries with backoff, the process goes on.
 */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly kind: StoreFailureKind,
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    super(`store ${operation} failed (${kind})`, options);
  }
}

export interface OfflineMessage {
  from: string;
  msg: WireMessage;
  /** Server receive time, ms. */
  ts: number;
}

/** Limits on the offline cache as a whole (issue 11): past either, a message is not cached. */
export interface OfflineCaps {
  /** Messages one sender may have cached, all receivers together. */
  perSender: number;
  /** Bytes of all cached messages together (see `offlineMessageBytes`). */
  totalBytes: number;
}

/** Why a message was not cached. */
export type OfflineRefusal = 'sender-limit' | 'cache-full';

/** The size a cached message counts for: its text, or its bytes and description. */
export function offlineMessageBytes(m: OfflineMessage): number {
  const msg = m.msg;
  return msg.type === 'TEXT' ? utf8Length(msg.text) : msg.type === 'RAW' ? msg.raw.length + utf8Length(msg.desc) : 0;
}

/** A receiver's cached messages (see `peekOffline`). */
export interface OfflinePeek {
  messages: OfflineMessage[];
  /** Cursor for `removeOffline`: covers every message returned (and any expired ones). */
  upTo: number;
  /** Each message's row id, in the same order (stores with `keepOffline`): a cursor per message. */
  rows?: number[];
}

export interface StateStore {
  /**
   * Makes `sid` the session of (appId, uid). Returns the session it replaced, if any, so that the
   * caller can kick it (newest login wins).
   */
  claimSession(appId: string, uid: string, sid: string): Promise<string | undefined>;
  /** Ends `sid`'s ownership of (appId, uid) if it still owns it. True when it did. */
  releaseSession(appId: string, uid: string, sid: string): Promise<boolean>;
  /** For each uid: is anyone logged in as it? */
  onlineStatus(appId: string, uids: readonly string[]): Promise<Record<string, boolean>>;

  /** Adds a member; returns the member count afterwards and whether it was new. */
  joinChannel(appId: string, channel: string, uid: string): Promise<{ count: number; added: boolean }>;
  /** Removes a member; returns the member count afterwards and whether it was there. */
  leaveChannel(appId: string, channel: string, uid: string): Promise<{ count: number; removed: boolean }>;
  /** Up to `limit` members (a random subset when there are more). */
  channelMembers(appId: string, channel: string, limit: number): Promise<string[]>;
  channelCounts(appId: string, channels: readonly string[]): Promise<Record<string, number>>;

  /** Presence subscriptions: `subscriber` wants to hear about each of `targets`. */
  subscribe(appId: string, subscriber: string, targets: readonly string[]): Promise<void>;
  unsubscribe(appId: string, subscriber: string, targets: readonly string[]): Promise<void>;
  /** Who subscribed to `target`. */
  subscribersOf(appId: string, target: string): Promise<string[]>;
  /** Drops every subscription `subscriber` made (at logout / offline). */
  dropSubscriptions(appId: string, subscriber: string): Promise<void>;

  /**
   * Caches a message for an offline receiver, keeping at most `max` (oldest dropped first).
   * Resolves once the message is stored (on disk, for a durable store).
   */
  enqueueOffline(appId: string, uid: string, message: OfflineMessage, max: number, caps?: OfflineCaps): Promise<void | OfflineRefusal>;
  /**
   * As `enqueueOffline`, returning the stored row's id (undefined: not cacheable, such as a call
   * signal), so that the row can be removed alone. The core keeps a durable copy of every
   * offline-flagged message it queues for a live session this way, and removes it once the receiver
   * acknowledged the message (`removeOfflineRows`). Optional: without it, such messages are cached
   * only when the receiver's session ends.
   */
  keepOffline?(appId: string, uid: string, message: OfflineMessage, max: number, caps?: OfflineCaps): Promise<number | OfflineRefusal | undefined>;
  /** Removes the given rows (from `keepOffline` or `peekOffline`) of the receiver's cached messages. */
  removeOfflineRows?(appId: string, uid: string, rows: readonly number[]): Promise<void>;
  /** Removes every cached message older than `maxAgeMs` (all receivers); returns how many. Optional. */
  sweepOffline?(now: number, maxAgeMs: number): Promise<number>;
  /** The offline cache's size, for metrics. Optional. */
  offlineStats?(): Promise<{ messages: number; bytes: number }>;
  /**
   * The receiver's cached messages younger than `maxAgeMs`, oldest first, without removing them,
   * and a cursor covering them (and any expired ones) for `removeOffline`. Messages leave the store
   * only once the receiver acknowledged them, so a crash in between loses nothing.
   */
  peekOffline(appId: string, uid: string, now: number, maxAgeMs: number): Promise<OfflinePeek>;
  /** Removes the receiver's cached messages up to the cursor `upTo` from `peekOffline`. */
  removeOffline(appId: string, uid: string, upTo: number): Promise<void>;
  /** Channels that have attributes (after a restart, their empty-channel grace must start again). */
  channelsWithAttributes(): Promise<{ appId: string; channel: string }[]>;

  /**
   * Applies a change to a user's attributes atomically. Fails with 'overflow' (nothing changed) when
   * the result would exceed `limits`.
   */
  changeUserAttributes(appId: string, uid: string, change: AttributeChange, limits: AttributeTotals): Promise<'ok' | 'overflow'>;
  getUserAttributes(appId: string, uid: string): Promise<Record<string, string>>;
  /** Drops a user's attributes (at session end: they live as long as the login). */
  clearUserAttributes(appId: string, uid: string): Promise<void>;

  /**
   * Extension legacy/1: attributes of an account (legacy `setAttr`), kept apart from the login's RTM
   * attributes and durable in a durable store: they outlive logouts and restarts. An empty `value`
   * deletes `name`. Fails with 'overflow' (nothing changed) when the account would hold more than `max`.
   */
  setAccountAttribute(appId: string, account: string, name: string, value: string, max: number): Promise<'ok' | 'overflow'>;
  /** An account's attributes, whether or not it is online ({} when it has none). */
  getAccountAttributes(appId: string, account: string): Promise<Record<string, string>>;

  /**
   * Applies a change to a channel's attributes atomically, stamping changed keys with `by` and `ts`.
   * Returns the full set afterwards, or 'overflow' (nothing changed).
   */
  changeChannelAttributes(
    appId: string,
    channel: string,
    change: AttributeChange,
    stamp: { by: string; ts: number },
    limits: AttributeTotals,
  ): Promise<Record<string, ChannelAttributeValue> | 'overflow'>;
  getChannelAttributes(appId: string, channel: string): Promise<Record<string, ChannelAttributeValue>>;
  /** Clears a channel's attributes if it still has no members (called after the empty-channel grace). */
  clearChannelAttributesIfEmpty(appId: string, channel: string): Promise<boolean>;

  close(): Promise<void>;
}

