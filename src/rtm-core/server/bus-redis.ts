/**
 * The Bus across nodes, over Redis pub/sub (the shape of socket.io's Redis adapter and Centrifugo's
 * Redis engine). Each node hosts its own sessions in a LocalBus and adds:
 *
 *   - a node inbox (`{prefix}node:{id}`) for what concerns one session: a peer message to a user
 *     hosted there (answered with its delivery outcome, so `hasPeerReceived` holds across nodes), a
 *     presence push, the end of a session replaced by a newer login elsewhere;
 *   - one cluster topic (`{prefix}all`) for channel events: every node delivers them to its own
 *     members of the channel, and recomputes member counts for them.
 *
 * Messages to one topic are batched per event-loop turn into one PUBLISH. Order per sender holds:
 * one connection publishes, and Redis delivers a connection's messages in order.
 *
 * Liveness: each node keeps a lease key with a TTL and refreshes it every `leaseMs / 3`. A node that
 * finds another's lease gone sweeps that node's sessions in bulk (its users go OFFLINE and leave
 * their channels), exactly one sweeper per session. Sharded pub/sub (SPUBLISH) spreads load only
 * across the shards of a Redis Cluster, which this version does not support (its atomic changes are
 * multi-key scripts); on one Redis server it is PUBLISH again. Every channel event reaches every
 * node once, as with the adapters above.
 */

import { randomUUID } from 'node:crypto';
import type { EncodedEvent } from '../protocol/codec';
import type { KickReason } from '../protocol/frames';
import { LocalBus, type Bus, type BusHost, type BusSnapshot, type Delivery } from './bus';
import type { Session } from './session';
import type { RedisLink } from './state/redis-link';
import type { RedisStore } from './state/redis';

export interface RedisBusOptions {
  /** A node's lease lasts this long without a refresh; its users go OFFLINE within about 1.5× this after a crash. Default 10 s. */
  leaseMs?: number;
  /** Extra time a cross-node peer send waits beyond the ack timeout before calling it unacknowledged. Default 2 s. */
  rpcMarginMs?: number;
  /** Ending a session hosted elsewhere (newest login wins) waits this long for that node. Default 3 s. */
  endTimeoutMs?: number;
}

/** Wire form of an encoded event between nodes: RAW bytes as base64. */
interface WireEvent {
  j: string;
  b?: string[];
}

type NodeMessage =
  | { k: 'push'; a: string; u: string; ev: WireEvent }
  | { k: 'deliver'; a: string; u: string; ev: WireEvent; id: number; from: string; t: number }
  | { k: 'delivered'; id: number; r: Delivery }
  | { k: 'end'; sid: string; reason: KickReason; id: number; from: string }
  | { k: 'ended'; id: number; found: boolean }
  | { k: 'ch'; a: string; c: string; ev: WireEvent; x?: string }
  | { k: 'count'; a: string; c: string }
  /** A channel's legacy built-in attributes changed: nodes read its settings again. */
  | { k: 'settings'; a: string; c: string };

interface Batch {
  /** The publishing node, so that a node skips its own cluster-wide messages. */
  o: string;
  m: NodeMessage[];
}

/** The node a sid was made by (`node~uuid`), or undefined for sids made elsewhere. */
export function nodeOfSid(sid: string): string | undefined {
  const i = sid.indexOf('~');
  return i > 0 ? sid.slice(0, i) : undefined;
}

export class RedisBus implements Bus {
  readonly nodeId: string;
  private readonly local = new LocalBus();
  private host: BusHost | undefined;
  private readonly leaseMs: number;
  private readonly rpcMarginMs: number;
  private readonly endTimeoutMs: number;
  private readonly inbox: string;
  private readonly all: string;
  private outgoing = new Map<string, NodeMessage[]>();
  private flushScheduled = false;
  private nextId = 1;
  private readonly waiting = new Map<number, (value: unknown) => void>();
  /** Nodes whose lease was gone at the last check (a node started since then counts as alive). */
  private dead = new Set<string>();
  private leaseTimer: NodeJS.Timeout | undefined;
  /** When Redis was last (re)connected: nobody is swept until every live node had time to refresh its lease. */
  private readySince = Date.now();
  private closed = false;
  /** The sweep or reconciliation running, if any (one at a time). */
  private sweeping: Promise<void> | undefined;
  /** Redis errors seen by the last reconciliation: more since then means some writes may be missing. */
  private errorsSeen = 0;
  /** Redis came back (maybe restarted, maybe empty): reconcile at the next check. */
  private reconnected = false;
  /** When each dead node was first seen dead by a sweep. */
  private readonly deadSince = new Map<string, number>();

  constructor(
    private readonly link: RedisLink,
    private readonly store: RedisStore,
    options: RedisBusOptions = {},
  ) {
    this.nodeId = store.nodeId;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.rpcMarginMs = options.rpcMarginMs ?? 2000;
    this.endTimeoutMs = options.endTimeoutMs ?? 3000;
    this.inbox = `${link.prefix}node:${this.nodeId}`;
    this.all = `${link.prefix}all`;
  }

  /** A fresh node id. */
  static newNodeId(): string {
    return randomUUID().slice(0, 8);
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  async start(host: BusHost): Promise<void> {
    this.host = host;
    this.link.sub.on('message', (channel: string, payload: string) => this.receive(channel, payload));
    await this.link.sub.subscribe(this.inbox, this.all);
    this.link.onReconnected = () => {
      this.readySince = Date.now();
      this.reconnected = true;
      this.refreshLease().catch(() => undefined);
    };
    this.errorsSeen = this.link.errors;
    await this.refreshLease();
    this.leaseTimer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.leaseTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.leaseTimer);
    this.flush();
    await this.sweeping;
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
    // A graceful stop hands the lease back: the sessions left here are swept by the others at once.
    await this.link.run((r) => r.multi().del(this.leaseKey(this.nodeId)).exec()).catch(() => undefined);
  }

  private leaseKey(node: string): string {
    return `${this.link.prefix}lease:${node}`;
  }

  private async refreshLease(): Promise<void> {
    await this.link.run((r) => r.multi().set(this.leaseKey(this.nodeId), '1', 'PX', this.leaseMs).sadd(`${this.link.prefix}nodes`, this.nodeId).exec());
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    try {
      await this.refreshLease();
      const nodes = await this.link.run((r) => r.smembers(`${this.link.prefix}nodes`));
      const leases = await this.link.run((r) => r.mget(...nodes.map((n) => this.leaseKey(n))));
      const dead = nodes.filter((n, i) => leases[i] == null && n !== this.nodeId);
      this.dead = new Set(dead);
      if (this.sweeping) return;
      if (this.reconnected || this.link.errors !== this.errorsSeen) {
        this.reconnected = false;
        this.errorsSeen = this.link.errors;
        this.sweeping = this.reconcile().finally(() => (this.sweeping = undefined));
      } else if (dead.length > 0 && Date.now() - this.readySince >= this.leaseMs) {
        this.sweeping = this.sweep(dead).finally(() => (this.sweeping = undefined));
      }
    } catch {
      // Redis away: counted by the link; the next tick tries again.
    }
  }

  /**
   * Ends every session of dead nodes (each taken by exactly one sweeper), then forgets the nodes.
   * A session whose user has logged in again meanwhile is left to that login (it cleans up before
   * its first join); after `leaseMs × 10` whatever is left is forgotten.
   */
  private async sweep(dead: string[]): Promise<void> {
    const now = Date.now();
    for (const node of dead) {
      const since = this.deadSince.get(node) ?? now;
      this.deadSince.set(node, since);
      let left = 0;
      for (const [appId, uid, sid] of await this.store.sessionsOf(node)) {
        if (this.closed) return;
        const owner = await this.store.ownerOf(appId, uid);
        if (owner === undefined || owner === sid) await this.cleanUp(node, appId, uid, sid, 'offline');
        else if (now - since > this.leaseMs * 10) await this.store.takeOrphan(node, appId, uid, sid).then(() => this.store.orphanDone(sid));
        else left++;
      }
      if (left === 0) {
        await this.link.run((r) => r.srem(`${this.link.prefix}nodes`, node));
        this.deadSince.delete(node);
      }
    }
  }

  /**
   * After Redis failed some commands or came back (away, restarted), makes Redis agree with what this node hosts:
   * sessions that ended here meanwhile are cleaned up (channels left, OFFLINE), and live ones whose
   * state Redis lost (a restart without persistence) are claimed and joined again; one that a newer
   * login elsewhere replaced meanwhile ends here.
   */
  private async reconcile(): Promise<void> {
    for (const [appId, uid, sid] of await this.store.sessionsOf(this.nodeId)) {
      const session = this.local.sessionById(sid);
      if (session && !session.ended) continue;
      const owner = await this.store.ownerOf(appId, uid);
      // Replaced by a newer login elsewhere: the user's channels are the new session's now.
      if (owner !== undefined && owner !== sid) await this.store.forgetSession(appId, uid, sid);
      else await this.cleanUp(this.nodeId, appId, uid, sid, 'offline');
    }
    for (const session of this.local.snapshot().sessions) {
      if (this.closed || session.ended) continue;
      const owner = await this.store.ownerOf(session.appId, session.uid);
      if (owner !== undefined && owner !== session.sid) {
        await this.host?.endLocalSession(session, 'REMOTE_LOGIN');
        continue;
      }
      if (owner === undefined) await this.store.claimSession(session.appId, session.uid, session.sid);
      for (const ch of session.channels) await this.store.joinChannel(session.appId, ch, session.uid);
      if (session.subscriptions.size > 0) await this.store.subscribe(session.appId, session.uid, [...session.subscriptions]);
    }
  }

  // ---- local registry (LocalBus) --------------------------------------------------------------------

  newSessionId(): string {
    return `${this.nodeId}~${randomUUID()}`;
  }

  register(session: Session): void {
    this.local.register(session);
  }

  unregister(session: Session): void {
    this.local.unregister(session);
    if (nodeOfSid(session.sid) === this.nodeId) void this.store.forgetSession(session.appId, session.uid, session.sid).catch(() => undefined);
  }

  localSession(appId: string, uid: string): Session | undefined {
    return this.local.localSession(appId, uid);
  }

  sessionById(sid: string): Session | undefined {
    return this.local.sessionById(sid);
  }

  addMember(session: Session, channel: string): void {
    this.local.addMember(session, channel);
  }

  removeMember(session: Session, channel: string): void {
    this.local.removeMember(session, channel);
  }

  kick(session: Session, reason: KickReason): void {
    this.local.kick(session, reason);
  }

  snapshot(): BusSnapshot {
    return this.local.snapshot();
  }

  // ---- delivery -------------------------------------------------------------------------------------

  /** The node hosting (appId, uid) other than this one, if it is alive. */
  private async remoteNodeOf(appId: string, uid: string): Promise<string | undefined> {
    const sid = await this.store.ownerOf(appId, uid);
    const node = sid === undefined ? undefined : nodeOfSid(sid);
    if (node === undefined || node === this.nodeId) return undefined;
    if (!this.dead.has(node)) return node;
    // Thought dead at the last check: look again (it may have just come back after a Redis outage).
    if ((await this.link.run((r) => r.exists(this.leaseKey(node)))) === 0) return undefined;
    this.dead.delete(node);
    return node;
  }

  async deliverToUser(appId: string, uid: string, ev: EncodedEvent, ackTimeoutMs: number): Promise<Delivery> {
    if (this.local.localSession(appId, uid)) return this.local.deliverToUser(appId, uid, ev, ackTimeoutMs);
    const node = await this.remoteNodeOf(appId, uid);
    if (node === undefined) return 'absent';
    const outcome = await this.request(node, (id) => ({ k: 'deliver', a: appId, u: uid, ev: toWire(ev), id, from: this.nodeId, t: ackTimeoutMs }), ackTimeoutMs + this.rpcMarginMs);
    return (outcome as Delivery | undefined) ?? 'unacked';
  }

  pushToUser(appId: string, uid: string, ev: EncodedEvent): void {
    if (this.local.localSession(appId, uid)) return this.local.pushToUser(appId, uid, ev);
    this.remoteNodeOf(appId, uid).then(
      (node) => {
        if (node !== undefined) this.send(`${this.link.prefix}node:${node}`, { k: 'push', a: appId, u: uid, ev: toWire(ev) });
      },
      () => undefined, // Redis away: counted by the link
    );
  }

  publishToChannel(appId: string, channel: string, ev: EncodedEvent, exceptUid?: string): void {
    this.local.publishToChannel(appId, channel, ev, exceptUid);
    this.send(this.all, { k: 'ch', a: appId, c: channel, ev: toWire(ev), ...(exceptUid === undefined ? {} : { x: exceptUid }) });
  }

  publishToLocalMembers(appId: string, channel: string, ev: EncodedEvent): void {
    this.local.publishToChannel(appId, channel, ev);
  }

  memberCountChanged(appId: string, channel: string): void {
    this.send(this.all, { k: 'count', a: appId, c: channel });
  }

  channelSettingsChanged(appId: string, channel: string): void {
    this.send(this.all, { k: 'settings', a: appId, c: channel });
  }

  /**
   * Ends the session `sid` of (appId, uid) hosted on another node (a newer login here replaced it)
   * and resolves once it ended there; a dead or silent node's session is cleaned up from here.
   */
  async endRemoteSession(appId: string, uid: string, sid: string, reason: KickReason, claimedBy?: string): Promise<void> {
    const node = nodeOfSid(sid);
    if (node === undefined || node === this.nodeId) return;
    if (!this.dead.has(node)) {
      const stop = { done: false };
      const done = await Promise.race([
        this.request(node, (id) => ({ k: 'end', sid, reason, id, from: this.nodeId }), this.endTimeoutMs),
        this.leaseLost(node, stop),
      ]);
      stop.done = true;
      if (done !== undefined) return;
    }
    // Only the newest login cleans up: a login overtaken by a newer one meanwhile must not undo the
    // newer session's joins (channel membership is per user, not per session).
    if (claimedBy !== undefined && (await this.store.ownerOf(appId, uid)) !== claimedBy) return;
    if (await this.cleanUp(node, appId, uid, sid, 'replaced')) return;
    // Another node is cleaning it up (a sweep): the new login waits for that, so that the sweep's
    // channel leaves cannot undo the joins the new session is about to make.
    const deadline = Date.now() + this.endTimeoutMs;
    while (Date.now() < deadline && (await this.store.orphanBeingCleaned(sid))) await new Promise((r) => setTimeout(r, 20));
  }

  /** Resolves (undefined) once `node`'s lease is gone: a crashed node will never answer. */
  private async leaseLost(node: string, stop: { done: boolean }): Promise<undefined> {
    const every = Math.max(20, Math.floor(this.leaseMs / 5));
    while (!stop.done) {
      await new Promise((r) => setTimeout(r, every));
      const present = await this.link.run((r) => r.exists(this.leaseKey(node))).catch(() => 1);
      if (present === 0) return undefined;
    }
    return new Promise<undefined>(() => undefined);
  }

  /** Ends an orphaned session if this node wins it. True when it did. */
  private async cleanUp(node: string, appId: string, uid: string, sid: string, why: 'offline' | 'replaced'): Promise<boolean> {
    const channels = await this.store.takeOrphan(node, appId, uid, sid);
    if (!channels) return false;
    try {
      await this.host?.endOrphanedSession(appId, uid, sid, channels, why);
    } finally {
      await this.store.orphanDone(sid).catch(() => undefined);
    }
    return true;
  }

  async kickElsewhere(appId: string, uid: string): Promise<boolean> {
    const node = await this.remoteNodeOf(appId, uid);
    const sid = node === undefined ? undefined : await this.store.ownerOf(appId, uid);
    if (node === undefined || sid === undefined) return false;
    return (await this.request(node, (id) => ({ k: 'end', sid, reason: 'BANNED_BY_SERVER', id, from: this.nodeId }), this.endTimeoutMs)) === true;
  }

  // ---- wire -----------------------------------------------------------------------------------------

  private request(node: string, make: (id: number) => NodeMessage, timeoutMs: number): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, timeoutMs);
      timer.unref();
      this.waiting.set(id, (value) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(value);
      });
      this.send(`${this.link.prefix}node:${node}`, make(id));
    });
  }

  private reply(node: string, msg: NodeMessage): void {
    this.send(`${this.link.prefix}node:${node}`, msg);
  }

  private send(topic: string, msg: NodeMessage): void {
    let queue = this.outgoing.get(topic);
    if (!queue) {
      queue = [];
      this.outgoing.set(topic, queue);
    }
    queue.push(msg);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batches = this.outgoing;
    this.outgoing = new Map();
    for (const [topic, m] of batches) {
      const payload = JSON.stringify({ o: this.nodeId, m } satisfies Batch);
      this.link.cmd.publish(topic, payload).then(
        () => (this.link.published += m.length),
        () => (this.link.publishFailures += m.length),
      );
    }
  }

  private receive(topic: string, payload: string): void {
    let batch: Batch;
    try {
      batch = JSON.parse(payload) as Batch;
    } catch {
      return;
    }
    if (topic === this.all && batch.o === this.nodeId) return;
    this.link.received += batch.m.length;
    for (const msg of batch.m) this.handle(msg);
  }

  private handle(msg: NodeMessage): void {
    switch (msg.k) {
      case 'push':
        return this.local.pushToUser(msg.a, msg.u, fromWire(msg.ev));
      case 'deliver':
        void this.local.deliverToUser(msg.a, msg.u, fromWire(msg.ev), msg.t).then((r) => this.reply(msg.from, { k: 'delivered', id: msg.id, r }));
        return;
      case 'end': {
        const session = this.local.sessionById(msg.sid);
        const found = session !== undefined && !session.ended;
        const done = () => this.reply(msg.from, { k: 'ended', id: msg.id, found });
        Promise.resolve(found ? this.host?.endLocalSession(session, msg.reason) : undefined).then(done, done);
        return;
      }
      case 'delivered':
        return this.waiting.get(msg.id)?.(msg.r);
      case 'ended':
        return this.waiting.get(msg.id)?.(msg.found);
      case 'ch':
        return this.local.publishToChannel(msg.a, msg.c, fromWire(msg.ev), msg.x);
      case 'count':
        if (this.local.hasMembers(msg.a, msg.c)) this.host?.remoteMemberCountChanged(msg.a, msg.c);
        return;
      case 'settings':
        return this.host?.remoteChannelSettingsChanged?.(msg.a, msg.c);
    }
  }
}

function toWire(ev: EncodedEvent): WireEvent {
  return ev.bins.length === 0 ? { j: ev.json } : { j: ev.json, b: ev.bins.map((b) => Buffer.from(b).toString('base64')) };
}

function fromWire(w: WireEvent): EncodedEvent {
  return { json: w.j, bins: (w.b ?? []).map((b) => new Uint8Array(Buffer.from(b, 'base64'))) };
}

