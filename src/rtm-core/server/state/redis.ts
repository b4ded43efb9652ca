/**
 * StateStore in Redis, shared by every node of a cluster. Each change that must be atomic is one
 * MULTI block or one Lua script, so concurrent writers on different nodes never see half a change.
 *
 * Keys (under the link's prefix; appIds are 32 characters, so `app:x` never collides):
 *   s:{app}           hash uid → sid of its session (the sid names the node that hosts it)
 *   node:{id}:s       set of "app\0uid\0sid" hosted by a node (swept in bulk when the node dies)
 *   nodes, lease:{id} the nodes, and each one's lease (a key with a TTL the node keeps refreshing)
 *   c:{app}:{ch}      set of members;  uc:{app}:{uid}  set of the user's channels
 *   sub:{app}:{uid}   set of subscribers of uid;  subs:{app}:{uid}  set of uid's targets
 *   off:{app}:{uid}   sorted set id → cached offline message (JSON), ids from `offid`
 *   ua:{app}:{uid}    hash of user attributes (the login's);  aa:{app}:{account}  hash of legacy account attributes (durable)
 *   ca:{app}:{ch}     hash key → value;  cam:{app}:{ch}  hash key → "ts\0by";  cas  set of "app\0ch"
 *
 * Durability is Redis's: with `appendonly yes` and `appendfsync always` an answered write (a cached
 * offline message, a channel attribute) survives a Redis crash; with `everysec`, up to a second of
 * writes may be lost. The README says which setting buys which guarantee.
 */

import type { Redis } from 'ioredis';
import type { AttributeChange, ChannelAttributeValue, WireMessage } from '../../protocol/frames';
import type { RedisLink } from './redis-link';
import type { AttributeTotals, OfflineMessage, StateStore } from './store';

const SCRIPTS = {
  /** KEYS: sessions hash, node index. ARGV: uid, sid, index entry. Returns the sid replaced, if any. */
  claim: {
    keys: 2,
    lua: `local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if old == ARGV[2] then return false end
return old`,
  },
  /** KEYS: sessions hash. ARGV: uid, sid. Compare-and-delete. */
  release: {
    keys: 1,
    lua: `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) return 1 end
return 0`,
  },
  /**
   * KEYS: node index, user's channels, clean-up marker. ARGV: index entry, marker TTL. The one who
   * removes the entry gets the channels, and marks the clean-up as running until `orphanDone`.
   */
  takeOrphan: {
    keys: 3,
    lua: `if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return false end
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
return redis.call('SMEMBERS', KEYS[2])`,
  },
  /**
   * Session hand-over. KEYS: sessions hash, old node's index, new node's index. ARGV: uid, old sid,
   * new sid, old index entry, new index entry. Moves ownership and the index entry only while the
   * old sid still owns the user and nobody has taken it as an orphan meanwhile.
   */
  move: {
    keys: 3,
    lua: `if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if redis.call('SREM', KEYS[2], ARGV[4]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[5])
return 1`,
  },
  /** KEYS: subs of the subscriber. ARGV: key prefix of target sets, subscriber. */
  dropSubs: {
    keys: 1,
    lua: `for _, t in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('SREM', ARGV[1] .. t, ARGV[2]) end
redis.call('DEL', KEYS[1])
return 1`,
  },
  /** KEYS: queue, id counter. ARGV: message JSON, max kept. */
  enqueue: {
    keys: 2,
    lua: `local id = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], id, ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[2]) + 1))
return id`,
  },
  /**
   * An attribute change with the limits on its result. KEYS: values hash, stamps hash, index set.
   * ARGV: op, max count, max bytes, JSON (attrs object or key list), stamp ('' = none), index member ('' = none).
   * Returns {0} on overflow, else {1, values…, stamps…} (flat HGETALL replies).
   */
  change: {
    keys: 3,
    lua: `local h, m, idx = KEYS[1], KEYS[2], KEYS[3]
local op, maxCount, maxBytes, stamp, member = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[5], ARGV[6]
if op == 'clear' then
  redis.call('DEL', h, m)
elseif op == 'del' then
  for _, k in ipairs(cjson.decode(ARGV[4])) do redis.call('HDEL', h, k) redis.call('HDEL', m, k) end
else
  local arg = cjson.decode(ARGV[4])
  local nxt, n, total = {}, 0, 0
  if op == 'add' then
    local cur = redis.call('HGETALL', h)
    for i = 1, #cur, 2 do nxt[cur[i]] = cur[i + 1] end
  end
  for k, v in pairs(arg) do nxt[k] = v end
  for k, v in pairs(nxt) do n = n + 1 total = total + #k + #v end
  if n > maxCount or total > maxBytes then return {0} end
  if op == 'set' then redis.call('DEL', h, m) end
  for k, v in pairs(arg) do
    redis.call('HSET', h, k, v)
    if stamp ~= '' then redis.call('HSET', m, k, stamp) end
  end
end
if member ~= '' then
  if redis.call('EXISTS', h) == 1 then redis.call('SADD', idx, member) else redis.call('SREM', idx, member) end
end
return {1, redis.call('HGETALL', h), redis.call('HGETALL', m)}`,
  },
  /** KEYS: members, values, stamps, index. ARGV: index member. */
  clearIfEmpty: {
    keys: 4,
    lua: `if redis.call('SCARD', KEYS[1]) > 0 then return 0 end
local n = redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SREM', KEYS[4], ARGV[1])
if n > 0 then return 1 end
return 0`,
  },
  /** KEYS: account attributes hash. ARGV: name, value ('' deletes), max count. Returns 0 on overflow (nothing changed). */
  accountSet: {
    keys: 1,
    lua: `if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) return 1 end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;

/** A clean-up of an orphaned session that has not finished by then (its node died too) is not waited for. */
const ORPHAN_MARKER_MS = 10_000;
type Scripted = Redis & Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

/** `app\0uid\0sid`: an entry of a node's session index. */
export function indexEntry(appId: string, uid: string, sid: string): string {
  return `${appId}\u0000${uid}\u0000${sid}`;
}

export class RedisStore implements StateStore {
  private readonly p: string;

  constructor(
    readonly link: RedisLink,
    /** The node this store belongs to: its sessions are indexed under it. */
    readonly nodeId: string,
  ) {
    this.p = link.prefix;
    for (const [name, s] of Object.entries(SCRIPTS)) link.cmd.defineCommand(name, { numberOfKeys: s.keys, lua: s.lua });
  }

  private script(name: ScriptName, ...args: (string | number)[]): Promise<unknown> {
    return this.link.run((r) => (r as Scripted)[name](...args));
  }

  // ---- keys ---------------------------------------------------------------------------------------
  sessionsKey = (app: string) => `${this.p}s:${app}`;
  nodeIndexKey = (node: string) => `${this.p}node:${node}:s`;
  private members = (app: string, ch: string) => `${this.p}c:${app}:${ch}`;
  private userChannels = (app: string, uid: string) => `${this.p}uc:${app}:${uid}`;
  private subscribersKey = (app: string, uid: string) => `${this.p}sub:${app}:${uid}`;
  private targetsKey = (app: string, uid: string) => `${this.p}subs:${app}:${uid}`;
  private offlineKey = (app: string, uid: string) => `${this.p}off:${app}:${uid}`;
  private userAttrs = (app: string, uid: string) => `${this.p}ua:${app}:${uid}`;
  private accountAttrs = (app: string, account: string) => `${this.p}aa:${app}:${account}`;
  private channelAttrs = (app: string, ch: string) => `${this.p}ca:${app}:${ch}`;
  private channelStamps = (app: string, ch: string) => `${this.p}cam:${app}:${ch}`;

  // ---- sessions -----------------------------------------------------------------------------------

  async claimSession(appId: string, uid: string, sid: string): Promise<string | undefined> {
    const old = await this.script('claim', this.sessionsKey(appId), this.nodeIndexKey(this.nodeId), uid, sid, indexEntry(appId, uid, sid));
    return typeof old === 'string' ? old : undefined;
  }

  async releaseSession(appId: string, uid: string, sid: string): Promise<boolean> {
    return (await this.script('release', this.sessionsKey(appId), uid, sid)) === 1;
  }

  async onlineStatus(appId: string, uids: readonly string[]): Promise<Record<string, boolean>> {
    if (uids.length === 0) return {};
    const sids = await this.link.run((r) => r.hmget(this.sessionsKey(appId), ...uids));
    // fromEntries, not `out[uid] = …`: '__proto__' and 'constructor' are ids like any other.
    return Object.fromEntries(uids.map((uid, i) => [uid, sids[i] != null]));
  }

  /** The sid of the session that owns (appId, uid) now, wherever it is hosted. */
  async ownerOf(appId: string, uid: string): Promise<string | undefined> {
    return (await this.link.run((r) => r.hget(this.sessionsKey(appId), uid))) ?? undefined;
  }

  /**
   * Session hand-over: `sid` of (appId, uid), hosted by `from`, becomes `newSid` hosted here. False
   * (nothing changed) when `sid` no longer owns the user or is being cleaned up as an orphan.
   */
  async moveSession(appId: string, uid: string, sid: string, from: string, newSid: string): Promise<boolean> {
    const moved = await this.script('move', this.sessionsKey(appId), this.nodeIndexKey(from), this.nodeIndexKey(this.nodeId), uid, sid, newSid, indexEntry(appId, uid, sid), indexEntry(appId, uid, newSid));
    return moved === 1;
  }

  /** Removes a session that ended here from this node's index. */
  async forgetSession(appId: string, uid: string, sid: string): Promise<void> {
    await this.link.run((r) => r.srem(this.nodeIndexKey(this.nodeId), indexEntry(appId, uid, sid)));
  }

  /**
   * Takes the session `sid` of a dead `node` for clean-up. Exactly one caller wins (and gets the
   * user's channels); everyone else gets undefined.
   */
  async takeOrphan(node: string, appId: string, uid: string, sid: string): Promise<string[] | undefined> {
    const channels = await this.script('takeOrphan', this.nodeIndexKey(node), this.userChannels(appId, uid), this.orphanMarker(sid), indexEntry(appId, uid, sid), ORPHAN_MARKER_MS);
    return Array.isArray(channels) ? (channels as string[]) : undefined;
  }

  /** The clean-up of an orphaned session is over. */
  async orphanDone(sid: string): Promise<void> {
    await this.link.run((r) => r.del(this.orphanMarker(sid)));
  }

  /** Is someone still cleaning up the orphaned session `sid`? */
  async orphanBeingCleaned(sid: string): Promise<boolean> {
    return (await this.link.run((r) => r.exists(this.orphanMarker(sid)))) === 1;
  }

  private orphanMarker = (sid: string) => `${this.p}orphan:${sid}`;

  /** Sessions a node was hosting, as `[appId, uid, sid]`. */
  async sessionsOf(node: string): Promise<[string, string, string][]> {
    const entries = await this.link.run((r) => r.smembers(this.nodeIndexKey(node)));
    return entries.map((e) => e.split('\u0000') as [string, string, string]);
  }

  // ---- channels -----------------------------------------------------------------------------------

  async joinChannel(appId: string, channel: string, uid: string): Promise<{ count: number; added: boolean }> {
    const res = await this.link.run((r) =>
      r.multi().sadd(this.members(appId, channel), uid).scard(this.members(appId, channel)).sadd(this.userChannels(appId, uid), channel).exec(),
    );
    return { added: execValue(res, 0) === 1, count: execValue(res, 1) as number };
  }

  async leaveChannel(appId: string, channel: string, uid: string): Promise<{ count: number; removed: boolean }> {
    const res = await this.link.run((r) =>
      r.multi().srem(this.members(appId, channel), uid).scard(this.members(appId, channel)).srem(this.userChannels(appId, uid), channel).exec(),
    );
    return { removed: execValue(res, 0) === 1, count: execValue(res, 1) as number };
  }

  async channelMembers(appId: string, channel: string, limit: number): Promise<string[]> {
    const key = this.members(appId, channel);
    // SRANDMEMBER with a positive count: distinct members, all of them when there are fewer.
    return this.link.run((r) => r.srandmember(key, limit));
  }

  async channelCounts(appId: string, channels: readonly string[]): Promise<Record<string, number>> {
    if (channels.length === 0) return {};
    const pipe = this.link.cmd.pipeline();
    for (const ch of channels) pipe.scard(this.members(appId, ch));
    const res = await this.link.run(() => pipe.exec());
    return Object.fromEntries(channels.map((ch, i) => [ch, execValue(res, i) as number]));
  }

  // ---- subscriptions ------------------------------------------------------------------------------

  async subscribe(appId: string, subscriber: string, targets: readonly string[]): Promise<void> {
    if (targets.length === 0) return;
    const m = this.link.cmd.multi().sadd(this.targetsKey(appId, subscriber), ...targets);
    for (const t of targets) m.sadd(this.subscribersKey(appId, t), subscriber);
    await this.link.run(() => m.exec());
  }

  async unsubscribe(appId: string, subscriber: string, targets: readonly string[]): Promise<void> {
    if (targets.length === 0) return;
    const m = this.link.cmd.multi().srem(this.targetsKey(appId, subscriber), ...targets);
    for (const t of targets) m.srem(this.subscribersKey(appId, t), subscriber);
    await this.link.run(() => m.exec());
  }

  subscribersOf(appId: string, target: string): Promise<string[]> {
    return this.link.run((r) => r.smembers(this.subscribersKey(appId, target)));
  }

  async dropSubscriptions(appId: string, subscriber: string): Promise<void> {
    await this.script('dropSubs', this.targetsKey(appId, subscriber), `${this.p}sub:${appId}:`, subscriber);
  }

  // ---- offline messages ---------------------------------------------------------------------------

  async enqueueOffline(appId: string, uid: string, message: OfflineMessage, max: number): Promise<void> {
    if (message.msg.type === 'CALL') return; // call signals are never cached (as in the SQLite store)
    await this.script('enqueue', this.offlineKey(appId, uid), `${this.p}offid`, encodeOffline(message), max);
  }

  async peekOffline(appId: string, uid: string, now: number, maxAgeMs: number): Promise<{ messages: OfflineMessage[]; upTo: number }> {
    const flat = await this.link.run((r) => r.zrange(this.offlineKey(appId, uid), '0', '-1', 'WITHSCORES'));
    const messages: OfflineMessage[] = [];
    let upTo = 0;
    for (let i = 0; i < flat.length; i += 2) {
      const m = decodeOffline(flat[i] as string);
      upTo = Number(flat[i + 1]);
      if (now - m.ts < maxAgeMs) messages.push(m);
    }
    return { messages, upTo };
  }

  async removeOffline(appId: string, uid: string, upTo: number): Promise<void> {
    await this.link.run((r) => r.zremrangebyscore(this.offlineKey(appId, uid), '-inf', upTo));
  }

  // ---- attributes ---------------------------------------------------------------------------------

  async channelsWithAttributes(): Promise<{ appId: string; channel: string }[]> {
    const all = await this.link.run((r) => r.smembers(`${this.p}cas`));
    return all.map((e) => {
      const i = e.indexOf('\u0000');
      return { appId: e.slice(0, i), channel: e.slice(i + 1) };
    });
  }

  private async change(keys: [string, string, string], change: AttributeChange, limits: AttributeTotals, stamp: string, member: string) {
    const arg = change.op === 'del' ? JSON.stringify(change.keys) : change.op === 'clear' ? '' : JSON.stringify(change.attrs);
    const res = (await this.script('change', ...keys, change.op, limits.count, limits.totalBytes, arg, stamp, member)) as [number, string[]?, string[]?];
    if (res[0] === 0) return undefined;
    return { values: res[1] ?? [], stamps: res[2] ?? [] };
  }

  async changeUserAttributes(appId: string, uid: string, change: AttributeChange, limits: AttributeTotals): Promise<'ok' | 'overflow'> {
    const key = this.userAttrs(appId, uid);
    // An empty object in JSON decodes to an empty Lua table: a 'set' of nothing is a clear.
    const res = await this.change([key, `${key}:none`, `${key}:none`], change, limits, '', '');
    return res ? 'ok' : 'overflow';
  }

  async getUserAttributes(appId: string, uid: string): Promise<Record<string, string>> {
    return this.hash(this.userAttrs(appId, uid));
  }

  async clearUserAttributes(appId: string, uid: string): Promise<void> {
    await this.link.run((r) => r.del(this.userAttrs(appId, uid)));
  }

  async setAccountAttribute(appId: string, account: string, name: string, value: string, max: number): Promise<'ok' | 'overflow'> {
    return (await this.script('accountSet', this.accountAttrs(appId, account), name, value, max)) === 1 ? 'ok' : 'overflow';
  }

  async getAccountAttributes(appId: string, account: string): Promise<Record<string, string>> {
    return this.hash(this.accountAttrs(appId, account));
  }

  async changeChannelAttributes(
    appId: string,
    channel: string,
    change: AttributeChange,
    stamp: { by: string; ts: number },
    limits: AttributeTotals,
  ): Promise<Record<string, ChannelAttributeValue> | 'overflow'> {
    const keys: [string, string, string] = [this.channelAttrs(appId, channel), this.channelStamps(appId, channel), `${this.p}cas`];
    const res = await this.change(keys, change, limits, `${stamp.ts}\u0000${stamp.by}`, `${appId}\u0000${channel}`);
    return res ? joinStamps(res.values, res.stamps) : 'overflow';
  }

  async getChannelAttributes(appId: string, channel: string): Promise<Record<string, ChannelAttributeValue>> {
    // Flat HGETALL replies: the only object built from them is ours, with own keys only ('__proto__' included).
    const res = await this.link.run((r) => r.multi().call('HGETALL', this.channelAttrs(appId, channel)).call('HGETALL', this.channelStamps(appId, channel)).exec());
    return joinStamps(execValue(res, 0) as string[], execValue(res, 1) as string[]);
  }

  async clearChannelAttributesIfEmpty(appId: string, channel: string): Promise<boolean> {
    const res = await this.script(
      'clearIfEmpty',
      this.members(appId, channel),
      this.channelAttrs(appId, channel),
      this.channelStamps(appId, channel),
      `${this.p}cas`,
      `${appId}\u0000${channel}`,
    );
    return res === 1;
  }

  /** A hash as an object with own keys only ('__proto__' is a key like any other). */
  private async hash(key: string): Promise<Record<string, string>> {
    const flat = (await this.link.run((r) => r.call('HGETALL', key))) as string[];
    const pairs: [string, string][] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
    return Object.fromEntries(pairs);
  }

  /** The link belongs to whoever made it (the service closes it after the bus). */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The value of the i-th command of a MULTI / pipeline, or the error it failed with. */
function execValue(res: [Error | null, unknown][] | null, i: number): unknown {
  const entry = res?.[i];
  if (!entry) throw new Error('transaction aborted');
  if (entry[0]) throw entry[0];
  return entry[1];
}

function joinStamps(values: string[], stamps: string[]): Record<string, ChannelAttributeValue> {
  const stampOf = new Map<string, string>();
  for (let i = 0; i < stamps.length; i += 2) stampOf.set(stamps[i] as string, stamps[i + 1] as string);
  const out: [string, ChannelAttributeValue][] = [];
  for (let i = 0; i < values.length; i += 2) {
    const key = values[i] as string;
    const stamp = stampOf.get(key) ?? '0\u0000';
    const cut = stamp.indexOf('\u0000');
    out.push([key, { value: values[i + 1] as string, lastUpdateUserId: stamp.slice(cut + 1), lastUpdateTs: Number(stamp.slice(0, cut)) }]);
  }
  // fromEntries, not `out[key] = …`: a key named '__proto__' would set the prototype instead.
  return Object.fromEntries(out);
}

/** Offline messages as JSON; RAW bytes as base64 (also how a handed-over session's offline-flagged events travel). */
export function encodeOffline(m: OfflineMessage): string {
  const msg = m.msg.type === 'RAW' ? { type: 'RAW', raw64: Buffer.from(m.msg.raw).toString('base64'), desc: m.msg.desc } : m.msg;
  return JSON.stringify({ from: m.from, ts: m.ts, msg });
}

export function decodeOffline(s: string): OfflineMessage {
  const o = JSON.parse(s) as { from: string; ts: number; msg: WireMessage | { type: 'RAW'; raw64: string; desc: string } };
  const msg: WireMessage = 'raw64' in o.msg ? { type: 'RAW', raw: new Uint8Array(Buffer.from(o.msg.raw64, 'base64')), desc: o.msg.desc } : o.msg;
  return { from: o.from, ts: o.ts, msg };
}
