/**
 * StateStore in process memory: for one server process, the embedded core and tests.
 */

import type { AttributeChange, ChannelAttributeValue } from '../../protocol/frames';
import { applyChange } from '../../protocol/attributes';
import { offlineMessageBytes, type AttributeTotals, type OfflineCaps, type OfflineMessage, type OfflinePeek, type OfflineRefusal, type StateStore } from './store';

interface CachedOffline {
  id: number;
  message: OfflineMessage;
  bytes: number;
}

/** Map<appId, Map<key, V>>, created on demand. */
class Scoped<V> {
  private readonly apps = new Map<string, Map<string, V>>();

  entries(): [string, Map<string, V>][] {
    return [...this.apps];
  }

  of(appId: string): Map<string, V> {
    let m = this.apps.get(appId);
    if (!m) {
      m = new Map();
      this.apps.set(appId, m);
    }
    return m;
  }
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let s = map.get(key);
  if (!s) {
    s = new Set();
    map.set(key, s);
  }
  return s;
}

export class MemoryStore implements StateStore {
  private readonly sessions = new Scoped<string>();
  private readonly channels = new Scoped<Set<string>>();
  /** target → subscribers */
  private readonly subscribers = new Scoped<Set<string>>();
  /** subscriber → targets */
  private readonly subscriptions = new Scoped<Set<string>>();
  private readonly offline = new Scoped<CachedOffline[]>();
  private nextOfflineId = 1;
  /** Cache totals: bytes, and messages per `${appId}\0${sender}`. */
  private offlineBytes = 0;
  private offlineCount = 0;
  private readonly perSender = new Map<string, number>();

  private countOffline(appId: string, q: CachedOffline, sign: 1 | -1): void {
    this.offlineBytes += sign * q.bytes;
    this.offlineCount += sign;
    const key = `${appId}\u0000${q.message.from}`;
    const n = (this.perSender.get(key) ?? 0) + sign;
    if (n <= 0) this.perSender.delete(key);
    else this.perSender.set(key, n);
  }

  claimSession(appId: string, uid: string, sid: string): Promise<string | undefined> {
    const m = this.sessions.of(appId);
    const previous = m.get(uid);
    m.set(uid, sid);
    return Promise.resolve(previous === sid ? undefined : previous);
  }

  releaseSession(appId: string, uid: string, sid: string): Promise<boolean> {
    const m = this.sessions.of(appId);
    if (m.get(uid) !== sid) return Promise.resolve(false);
    m.delete(uid);
    return Promise.resolve(true);
  }

  onlineStatus(appId: string, uids: readonly string[]): Promise<Record<string, boolean>> {
    const m = this.sessions.of(appId);
    // fromEntries, not `out[uid] = …`: '__proto__' and 'constructor' are ids like any other.
    return Promise.resolve(Object.fromEntries(uids.map((uid) => [uid, m.has(uid)])));
  }

  joinChannel(appId: string, channel: string, uid: string): Promise<{ count: number; added: boolean }> {
    const members = setOf(this.channels.of(appId), channel);
    const added = !members.has(uid);
    members.add(uid);
    return Promise.resolve({ count: members.size, added });
  }

  leaveChannel(appId: string, channel: string, uid: string): Promise<{ count: number; removed: boolean }> {
    const m = this.channels.of(appId);
    const members = m.get(channel);
    if (!members) return Promise.resolve({ count: 0, removed: false });
    const removed = members.delete(uid);
    if (members.size === 0) m.delete(channel);
    return Promise.resolve({ count: members.size, removed });
  }

  channelMembers(appId: string, channel: string, limit: number): Promise<string[]> {
    const members = [...(this.channels.of(appId).get(channel) ?? [])];
    if (members.length <= limit) return Promise.resolve(members);
    // A random subset, as the RTM service documents for channels above the limit.
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [members[i], members[j]] = [members[j] as string, members[i] as string];
    }
    return Promise.resolve(members.slice(0, limit));
  }

  channelCounts(appId: string, channels: readonly string[]): Promise<Record<string, number>> {
    const m = this.channels.of(appId);
    return Promise.resolve(Object.fromEntries(channels.map((ch) => [ch, m.get(ch)?.size ?? 0])));
  }

  subscribe(appId: string, subscriber: string, targets: readonly string[]): Promise<void> {
    const mine = setOf(this.subscriptions.of(appId), subscriber);
    const index = this.subscribers.of(appId);
    for (const t of targets) {
      mine.add(t);
      setOf(index, t).add(subscriber);
    }
    return Promise.resolve();
  }

  unsubscribe(appId: string, subscriber: string, targets: readonly string[]): Promise<void> {
    const mine = this.subscriptions.of(appId).get(subscriber);
    const index = this.subscribers.of(appId);
    for (const t of targets) {
      mine?.delete(t);
      const subs = index.get(t);
      subs?.delete(subscriber);
      if (subs?.size === 0) index.delete(t);
    }
    return Promise.resolve();
  }

  subscribersOf(appId: string, target: string): Promise<string[]> {
    return Promise.resolve([...(this.subscribers.of(appId).get(target) ?? [])]);
  }

  async dropSubscriptions(appId: string, subscriber: string): Promise<void> {
    const mine = this.subscriptions.of(appId).get(subscriber);
    if (mine) await this.unsubscribe(appId, subscriber, [...mine]);
    this.subscriptions.of(appId).delete(subscriber);
  }

  async enqueueOffline(appId: string, uid: string, message: OfflineMessage, max: number, caps?: OfflineCaps): Promise<void | OfflineRefusal> {
    const kept = await this.keepOffline(appId, uid, message, max, caps);
    if (typeof kept === 'string') return kept;
  }

  keepOffline(appId: string, uid: string, message: OfflineMessage, max: number, caps?: OfflineCaps): Promise<number | OfflineRefusal | undefined> {
    const bytes = offlineMessageBytes(message);
    if (caps && (this.perSender.get(`${appId}\u0000${message.from}`) ?? 0) >= caps.perSender) return Promise.resolve('sender-limit');
    if (caps && this.offlineBytes + bytes > caps.totalBytes) return Promise.resolve('cache-full');
    const m = this.offline.of(appId);
    const queue = m.get(uid) ?? [];
    const q = { id: this.nextOfflineId++, message, bytes };
    queue.push(q);
    this.countOffline(appId, q, 1);
    while (queue.length > max) this.countOffline(appId, queue.shift() as CachedOffline, -1);
    m.set(uid, queue);
    return Promise.resolve(q.id);
  }

  removeOfflineRows(appId: string, uid: string, rows: readonly number[]): Promise<void> {
    const m = this.offline.of(appId);
    const all = m.get(uid);
    if (!all) return Promise.resolve();
    const gone = new Set(rows);
    const rest = all.filter((q) => {
      if (!gone.has(q.id)) return true;
      this.countOffline(appId, q, -1);
      return false;
    });
    if (rest.length === 0) m.delete(uid);
    else m.set(uid, rest);
    return Promise.resolve();
  }

  sweepOffline(now: number, maxAgeMs: number): Promise<number> {
    let swept = 0;
    for (const [appId, m] of this.offline.entries()) {
      for (const [uid, queue] of m) {
        const keep = queue.filter((q) => now - q.message.ts < maxAgeMs);
        for (const q of queue) if (now - q.message.ts >= maxAgeMs) this.countOffline(appId, q, -1);
        swept += queue.length - keep.length;
        if (keep.length === 0) m.delete(uid);
        else m.set(uid, keep);
      }
    }
    return Promise.resolve(swept);
  }

  offlineStats(): Promise<{ messages: number; bytes: number }> {
    return Promise.resolve({ messages: this.offlineCount, bytes: this.offlineBytes });
  }

  peekOffline(appId: string, uid: string, now: number, maxAgeMs: number): Promise<OfflinePeek> {
    const queue = this.offline.of(appId).get(uid) ?? [];
    const live = queue.filter((q) => now - q.message.ts < maxAgeMs);
    return Promise.resolve({ messages: live.map((q) => q.message), upTo: queue[queue.length - 1]?.id ?? 0, rows: live.map((q) => q.id) });
  }

  removeOffline(appId: string, uid: string, upTo: number): Promise<void> {
    const m = this.offline.of(appId);
    const all = m.get(uid) ?? [];
    for (const q of all) if (q.id <= upTo) this.countOffline(appId, q, -1);
    const rest = all.filter((q) => q.id > upTo);
    if (rest.length === 0) m.delete(uid);
    else m.set(uid, rest);
    return Promise.resolve();
  }

  channelsWithAttributes(): Promise<{ appId: string; channel: string }[]> {
    return Promise.resolve(this.channelAttrs.entries().flatMap(([appId, m]) => [...m.keys()].map((channel) => ({ appId, channel }))));
  }

  private readonly userAttrs = new Scoped<Map<string, string>>();
  private readonly channelAttrs = new Scoped<Map<string, ChannelAttributeValue>>();

  changeUserAttributes(appId: string, uid: string, change: AttributeChange, limits: AttributeTotals): Promise<'ok' | 'overflow'> {
    const m = this.userAttrs.of(appId);
    const next = applyChange(m.get(uid) ?? new Map<string, string>(), change, (v) => v, (v) => v, limits);
    if (!next) return Promise.resolve('overflow');
    if (next.size === 0) m.delete(uid);
    else m.set(uid, next);
    return Promise.resolve('ok');
  }

  getUserAttributes(appId: string, uid: string): Promise<Record<string, string>> {
    return Promise.resolve(Object.fromEntries(this.userAttrs.of(appId).get(uid) ?? []));
  }

  clearUserAttributes(appId: string, uid: string): Promise<void> {
    this.userAttrs.of(appId).delete(uid);
    return Promise.resolve();
  }

  private readonly accountAttrs = new Scoped<Map<string, string>>();

  setAccountAttribute(appId: string, account: string, name: string, value: string, max: number): Promise<'ok' | 'overflow'> {
    const m = this.accountAttrs.of(appId);
    const attrs = m.get(account) ?? new Map<string, string>();
    if (value === '') attrs.delete(name);
    else if (!attrs.has(name) && attrs.size >= max) return Promise.resolve('overflow');
    else attrs.set(name, value);
    if (attrs.size === 0) m.delete(account);
    else m.set(account, attrs);
    return Promise.resolve('ok');
  }

  getAccountAttributes(appId: string, account: string): Promise<Record<string, string>> {
    return Promise.resolve(Object.fromEntries(this.accountAttrs.of(appId).get(account) ?? []));
  }

  changeChannelAttributes(
    appId: string,
    channel: string,
    change: AttributeChange,
    stamp: { by: string; ts: number },
    limits: AttributeTotals,
  ): Promise<Record<string, ChannelAttributeValue> | 'overflow'> {
    const m = this.channelAttrs.of(appId);
    const wrap = (value: string): ChannelAttributeValue => ({ value, lastUpdateUserId: stamp.by, lastUpdateTs: stamp.ts });
    const next = applyChange(m.get(channel) ?? new Map<string, ChannelAttributeValue>(), change, wrap, (v) => v.value, limits);
    if (!next) return Promise.resolve('overflow');
    if (next.size === 0) m.delete(channel);
    else m.set(channel, next);
    return Promise.resolve(Object.fromEntries(next));
  }

  getChannelAttributes(appId: string, channel: string): Promise<Record<string, ChannelAttributeValue>> {
    return Promise.resolve(Object.fromEntries(this.channelAttrs.of(appId).get(channel) ?? []));
  }

  clearChannelAttributesIfEmpty(appId: string, channel: string): Promise<boolean> {
    if ((this.channels.of(appId).get(channel)?.size ?? 0) > 0) return Promise.resolve(false);
    return Promise.resolve(this.channelAttrs.of(appId).delete(channel));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
