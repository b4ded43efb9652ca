/**
 * Legacy Signaling's built-in channel attributes and special channels (legacy-signaling.md §8,
 * protocol extension legacy/1), acted on by the server: a channel's settings are read from its
 * attributes (once per node, then kept current by local writes and by other nodes' notices), and
 * `_member_num` / `_total_member_num` are written by the server at the period the channel asks for.
 *
 * Every count comes from the shared store, so the values are right whichever node hosts whom.
 */

import type { Clock, TimerHandle } from '../clock';
import { encodeEvent } from '../protocol/codec';
import { SlidingWindow } from '../rate-limit';
import type { AttributeChange, ChannelAttributeValue } from '../protocol/frames';
import type { Bus } from './bus';
import type { ResolvedCoreOptions } from './options';
import type { StateStore } from './state/store';

/** The built-in channel attributes' names. */
export const BUILTIN = {
  channelTtl: '_channel_ttl',
  memberNum: '_member_num',
  autoUpdateNum: '_auto_update_num',
  totalMemberNum: '_total_member_num',
  autoUpdateTotalNum: '_auto_update_total_num',
  userNotification: '_userNotification',
  sendmsgLimit: '_sendmsg_limit',
  setattrLimit: '_setattr_limit',
} as const;

/** The legacy special channels: they never expire, and the server feeds them app-wide events. */
export const SPECIAL_CHANNEL = {
  /** Members hear every login (as a member joining it) and logout (leaving it) of the app. */
  userOnline: '__agora_user_online',
  /** Members hear every join and leave of every channel of the app, as a channel message. */
  channelEvent: '__agora_channel_event',
} as const;
export const SPECIAL_CHANNEL_PREFIX = '__agora_';

/** The longest timer delay (about 24.8 days): a longer one would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** Channels whose settings one node keeps (the least recently loaded go first). */
const MAX_CACHED = 10_000;
/** The writer a server-written attribute is stamped with (no user can be named this: empty). */
export const SYSTEM_WRITER = '';

/** What a channel's built-in attributes ask of the server. */
export interface ChannelSettings {
  /** `_channel_ttl` in ms (attributes outlive the last member this long); undefined: the server default. */
  ttlMs: number | undefined;
  /** `_auto_update_num` in ms: `_member_num` refreshed at this period; 0 = off. */
  memberNumMs: number;
  /** `_auto_update_total_num` in ms (only with `_auto_update_num` on): `_total_member_num` refreshed; 0 = off. */
  totalNumMs: number;
  /** `_userNotification` (default on): members hear joins and leaves. */
  userNotification: boolean;
  /** `_sendmsg_limit`: channel messages per second, all senders together; undefined = none. */
  sendmsgLimit: number | undefined;
  /** `_setattr_limit`: updates per second of each attribute; undefined = none. */
  setattrLimit: number | undefined;
}

export const DEFAULT_SETTINGS: ChannelSettings = Object.freeze({
  ttlMs: undefined,
  memberNumMs: 0,
  totalNumMs: 0,
  userNotification: true,
  sendmsgLimit: undefined,
  setattrLimit: undefined,
});

/** A non-negative number from an attribute value, or undefined (absent, empty, not a number). */
function number(attrs: Record<string, ChannelAttributeValue>, name: string): number | undefined {
  const raw = Object.hasOwn(attrs, name) ? attrs[name]?.value.trim() : undefined;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

const seconds = (n: number | undefined): number => Math.min((n ?? 0) * 1000, MAX_DELAY_MS);
/** A per-second limit: whole numbers, 0 (like the other built-ins' 0) meaning none. */
const limit = (n: number | undefined): number | undefined => (n === undefined || Math.floor(n) === 0 ? undefined : Math.floor(n));

/** A channel's settings from its attributes. */
export function parseSettings(attrs: Record<string, ChannelAttributeValue>): ChannelSettings {
  const ttl = number(attrs, BUILTIN.channelTtl);
  const memberNumMs = seconds(number(attrs, BUILTIN.autoUpdateNum));
  return {
    ttlMs: ttl === undefined ? undefined : seconds(ttl),
    memberNumMs,
    // The docs: `_total_member_num` needs both `_auto_update_num` and `_auto_update_total_num` non-zero.
    totalNumMs: memberNumMs > 0 ? seconds(number(attrs, BUILTIN.autoUpdateTotalNum)) : 0,
    userNotification: number(attrs, BUILTIN.userNotification) !== 0,
    sendmsgLimit: limit(number(attrs, BUILTIN.sendmsgLimit)),
    setattrLimit: limit(number(attrs, BUILTIN.setattrLimit)),
  };
}

function sameSettings(a: ChannelSettings, b: ChannelSettings): boolean {
  return (Object.keys(a) as (keyof ChannelSettings)[]).every((k) => a[k] === b[k]);
}

const BUILTIN_NAMES: ReadonlySet<string> = new Set(Object.values(BUILTIN));

/** Could the change have altered a channel's settings? ('set' and 'clear' replace the whole map.) */
export function touchesSettings(change: AttributeChange): boolean {
  if (change.op === 'clear' || change.op === 'set') return true;
  const keys = change.op === 'del' ? change.keys : Object.keys(change.attrs);
  return keys.some((k) => BUILTIN_NAMES.has(k) && k !== BUILTIN.memberNum && k !== BUILTIN.totalMemberNum);
}

/** What the built-ins need from the core. */
export interface BuiltinsHost {
  readonly options: ResolvedCoreOptions;
  readonly store: StateStore;
  readonly bus: Bus;
  readonly clock: Clock;
  /** Server-written attributes of an empty channel start its expiry like any other write. */
  channelAttributesWritten(appId: string, channel: string, attrs: Record<string, ChannelAttributeValue>, change?: AttributeChange): Promise<void>;
  /** Contained background work (counted as a fault when it fails). */
  background(where: string, work: Promise<unknown>, context?: Record<string, unknown>): void;
}

export class ChannelBuiltins {
  private readonly settingsOf = new Map<string, ChannelSettings | Promise<ChannelSettings>>();
  /** Pending refreshes of a server-written count on this node, one per channel and count. */
  private readonly refreshes = new Map<string, TimerHandle>();
  /** `_sendmsg_limit` / `_setattr_limit` windows (per channel, per channel attribute), least recently made first. */
  private readonly windows = new Map<string, { limit: number; window: SlidingWindow }>();
  /** Joins seen here since this node last wrote `_total_member_num` (its increment). */
  private readonly joins = new Map<string, number>();

  constructor(private readonly host: BuiltinsHost) {}

  /** The channel's settings, read from the store once per node and kept current after that. */
  settings(appId: string, channel: string): Promise<ChannelSettings> {
    const key = keyOf(appId, channel);
    const known = this.settingsOf.get(key);
    if (known !== undefined) return Promise.resolve(known);
    const loading = this.host.store.getChannelAttributes(appId, channel).then(
      (attrs) => {
        const s = parseSettings(attrs);
        if (this.settingsOf.get(key) === loading) this.settingsOf.set(key, s);
        return s;
      },
      (err: unknown) => {
        if (this.settingsOf.get(key) === loading) this.settingsOf.delete(key);
        throw err;
      },
    );
    this.remember(key, loading);
    return loading;
  }

  /** The settings if this node has them at hand (no store read). */
  known(appId: string, channel: string): ChannelSettings | undefined {
    const s = this.settingsOf.get(keyOf(appId, channel));
    return s instanceof Promise ? undefined : s;
  }

  private remember(key: string, s: ChannelSettings | Promise<ChannelSettings>): void {
    this.settingsOf.delete(key);
    this.settingsOf.set(key, s);
    if (this.settingsOf.size > MAX_CACHED) {
      const oldest = this.settingsOf.keys().next().value;
      if (oldest !== undefined) this.settingsOf.delete(oldest);
    }
  }

  /**
   * Attributes were written here (`attrs`: the full set afterwards). The settings follow them, other
   * nodes are told to read them again when a built-in may have changed, and turning on
   * `_auto_update_num` schedules the first `_member_num`.
   */
  written(appId: string, channel: string, attrs: Record<string, ChannelAttributeValue>, change: AttributeChange | undefined): void {
    if (change !== undefined && !touchesSettings(change)) return;
    const key = keyOf(appId, channel);
    const before = this.known(appId, channel);
    const after = parseSettings(attrs);
    this.remember(key, after);
    // Other nodes hear of it unless nothing changed (an RTM setChannelAttributes replaces the whole map).
    if (!before || !sameSettings(before, after)) this.host.bus.channelSettingsChanged?.(appId, channel);
    if (after.memberNumMs > 0 && (before?.memberNumMs ?? 0) === 0) this.schedule(appId, channel, 'num', after.memberNumMs);
    if (after.totalNumMs > 0 && (before?.totalNumMs ?? 0) === 0) this.schedule(appId, channel, 'total', after.totalNumMs);
  }

  /** Another node changed the channel's built-ins, or its attributes expired: read them again when needed. */
  forget(appId: string, channel: string): void {
    this.settingsOf.delete(keyOf(appId, channel));
  }

  /** A member joined (`joined`) or left here: the server-written counts are refreshed at their period. */
  membershipChanged(appId: string, channel: string, joined: boolean, s: ChannelSettings): void {
    if (s.memberNumMs > 0) this.schedule(appId, channel, 'num', s.memberNumMs);
    if (s.totalNumMs > 0) {
      if (joined) {
        const key = keyOf(appId, channel);
        this.joins.set(key, (this.joins.get(key) ?? 0) + 1);
      }
      this.schedule(appId, channel, 'total', s.totalNumMs);
    }
  }

  /**
   * `_sendmsg_limit`: may one more message go to the channel now? Always, when the limit is unknown
   * here yet (its settings are read meanwhile) or unset. Counted per node.
   */
  takeMessage(appId: string, channel: string, now: number): boolean {
    const s = this.known(appId, channel);
    if (s === undefined) void this.settings(appId, channel).catch(() => undefined);
    return s?.sendmsgLimit === undefined || this.take(`m\u0000${keyOf(appId, channel)}`, s.sendmsgLimit, now);
  }

  /** `_setattr_limit`: may each of `keys` of the channel be updated once more now (`s`: its settings)? */
  takeAttributeUpdates(appId: string, channel: string, keys: readonly string[], s: ChannelSettings, now: number): boolean {
    if (s.setattrLimit === undefined) return true;
    const max = s.setattrLimit;
    return keys.every((k) => this.take(`a\u0000${keyOf(appId, channel)}\u0000${k}`, max, now));
  }

  private take(id: string, max: number, now: number): boolean {
    let w = this.windows.get(id);
    if (w?.limit !== max) {
      w = { limit: max, window: new SlidingWindow({ limit: max, windowMs: 1000 }) };
      this.windows.delete(id);
      this.windows.set(id, w);
      if (this.windows.size > MAX_CACHED) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
    }
    return w.window.tryTake(now);
  }

  /**
   * `__agora_channel_event`: its members hear every join and leave of the app's other channels, as
   * a channel message from the user concerned whose text is `{"event":"join"|"leave","channel","account"}`.
   */
  channelEvent(appId: string, channel: string, uid: string, event: 'join' | 'leave'): void {
    if (channel.startsWith(SPECIAL_CHANNEL_PREFIX)) return;
    const ch = SPECIAL_CHANNEL.channelEvent;
    const text = JSON.stringify({ event, channel, account: uid });
    this.host.bus.publishToChannel(appId, ch, encodeEvent({ e: 'chmsg', ch, from: uid, msg: { type: 'TEXT', text }, ts: this.host.clock.now() }));
  }

  /** `__agora_user_online`: its members hear every login as a member joining it, every logout as one leaving. */
  userOnline(appId: string, uid: string, online: boolean): void {
    const ch = SPECIAL_CHANNEL.userOnline;
    this.host.bus.publishToChannel(appId, ch, encodeEvent({ e: online ? 'joined' : 'left', ch, uid }), uid);
  }

  /**
   * One refresh per period however many joined or left in it, none when nobody did: the first
   * change arms a timer for the period; the refresh writes the count if it differs from the stored one.
   */
  private schedule(appId: string, channel: string, which: 'num' | 'total', periodMs: number): void {
    const id = `${keyOf(appId, channel)}\u0000${which}`;
    if (this.refreshes.has(id)) return;
    const timer = this.host.clock.setTimeout(() => {
      this.refreshes.delete(id);
      this.host.background(`builtins.${which}`, which === 'num' ? this.writeMemberNum(appId, channel) : this.writeTotal(appId, channel), { appId, channel });
    }, periodMs);
    this.refreshes.set(id, timer);
  }

  private async writeMemberNum(appId: string, channel: string): Promise<void> {
    const { store } = this.host;
    const [counts, attrs] = await Promise.all([store.channelCounts(appId, [channel]), store.getChannelAttributes(appId, channel)]);
    if (parseSettings(attrs).memberNumMs === 0) return;
    const n = String(counts[channel] ?? 0);
    if (attrs[BUILTIN.memberNum]?.value === n) return; // no change (or another node wrote it already)
    await this.write(appId, channel, BUILTIN.memberNum, n);
  }

  private async writeTotal(appId: string, channel: string): Promise<void> {
    const key = keyOf(appId, channel);
    const { store } = this.host;
    const joins = this.joins.get(key) ?? 0;
    this.joins.delete(key);
    const [counts, attrs] = await Promise.all([store.channelCounts(appId, [channel]), store.getChannelAttributes(appId, channel)]);
    if (parseSettings(attrs).totalNumMs === 0) return;
    const stored = number(attrs, BUILTIN.totalMemberNum);
    // The first total counts the members already in; later ones add the joins since.
    const total = stored === undefined ? (counts[channel] ?? 0) : stored + joins;
    if (stored === total) return;
    await this.write(appId, channel, BUILTIN.totalMemberNum, String(total));
  }

  /** A server-written attribute: stored, and every member hears it as any attribute update. */
  private async write(appId: string, channel: string, name: string, value: string): Promise<void> {
    const { store, bus, clock, options } = this.host;
    const change: AttributeChange = { op: 'add', attrs: { [name]: value } };
    const attrs = await store.changeChannelAttributes(appId, channel, change, { by: SYSTEM_WRITER, ts: clock.now() }, options.limits.channelAttributes);
    if (attrs === 'overflow') return; // the channel's attributes are full: the count is not written
    bus.publishToChannel(appId, channel, encodeEvent({ e: 'attrs', ch: channel, attrs, change }));
    await this.host.channelAttributesWritten(appId, channel, attrs, change);
  }

  close(): void {
    for (const t of this.refreshes.values()) this.host.clock.clearTimeout(t);
    this.refreshes.clear();
    this.settingsOf.clear();
    this.windows.clear();
  }
}

export function keyOf(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`;
}
