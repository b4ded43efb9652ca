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
 * Session hand-over: a client that resumes through another node takes its session over from the
 * node that hosts it (`takeOver`, `handOver`): the old node hands it off at once and forwards what
 * still reaches it for the user for a while; the new node moves ownership in Redis with a
 * compare-and-set, holds what arrives for the user until the session is registered, and replays the
 * channel events neither node delivered (cluster batches are numbered per node; see
 * bus-redis-handover). A dead or silent old node means a fresh login instead.
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
import {
  ChannelRecorder, MovedSessions, fromWire, stateFromWire, stateToWire, toWire, type ChannelEvent, type HandOffReply, type WireEvent,
} from './bus-redis-handover';
import type { Session } from './session';
import type { RedisLink } from './state/redis-link';
import { decodeOffline, encodeOffline, type RedisStore } from './state/redis';
import type { OfflineMessage } from './state/store';

export interface RedisBusOptions {
  /** A node's lease lasts this long without a refresh; its users go OFFLINE within about 1.5× this after a crash. Default 10 s. */
  leaseMs?: number;
  /** Extra time a cross-node peer send waits beyond the ack timeout before calling it unacknowledged. Default 2 s. */
  rpcMarginMs?: number;
  /** Ending a session hosted elsewhere (newest login wins) waits this long for that node. Default 3 s. */
  endTimeoutMs?: number;
}

/** A message for a session that moved is forwarded at most this many times (then it is dropped as for nobody). */
const MAX_HOPS = 3;
/** An unbounded wait for an acknowledgement, handed over to another node, is given up after this long. */
const MAX_MOVED_WAIT_MS = 10 * 60_000;

/** `h`: how many times the message was forwarded after its session (hand-over). */
type NodeMessage =
  | { k: 'push'; a: string; u: string; ev: WireEvent; h?: number }
  /** `o`: the offline-flagged message (encodeOffline), so that the receiving node can keep it durable or cache it. */
  | { k: 'deliver'; a: string; u: string; ev: WireEvent; id: number; from: string; t: number; h?: number; o?: string }
  | { k: 'delivered'; id: number; r: Delivery }
  | { k: 'end'; sid: string; reason: KickReason; id: number; from: string; h?: number }
  | { k: 'ended'; id: number; found: boolean }
  | ({ k: 'ch' } & ChannelEvent)
  | { k: 'count'; a: string; c: string }
  /** Session hand-over: `from` asks for `sid` of (a, u), to host it as `to`. */
  | { k: 'handover'; a: string; u: string; sid: string; to: string; id: number; from: string }
  | { k: 'handed'; id: number; r: HandOffReply }
  /** The answer of a request that was still running when its session moved. */
  | { k: 'answer'; sid: string; rid: number; res: string; h?: number }
  /** A channel's legacy built-in attributes changed: nodes read its settings again. */
  | { k: 'settings'; a: string; c: string };

interface Batch {
  /** The publishing node, so that a node skips its own cluster-wide messages. */
  o: string;
  m: NodeMessage[];
  /** Cluster-topic batches only: the publisher's batch number (see bus-redis-handover). */
  n?: number;
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

  // ---- session hand-over (see bus-redis-handover) ----
  /** Cluster-topic batches published by this node, and the last one received from each other node. */
  private allSent = 0;
  private readonly allSeen = new Map<string, number>();
  private readonly recorder = new ChannelRecorder();
  /** Sessions being taken over here, by user: messages for them are held until it is done. */
  private readonly arriving = new Map<string, { sid: string; held: NodeMessage[] }>();
  /** Takeovers running here, by the sid taken over: a second resume of it at once joins the first. */
  private readonly takingOver = new Map<string, Promise<Session | undefined>>();
  /** Sessions that moved from here to another node: late messages follow them. */
  private readonly moved: MovedSessions;

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
    this.moved = new MovedSessions(Math.max(this.leaseMs, this.endTimeoutMs * 2));
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

  async deliverToUser(appId: string, uid: string, ev: EncodedEvent, ackTimeoutMs: number, offline?: OfflineMessage): Promise<Delivery> {
    if (this.local.localSession(appId, uid)) return this.local.deliverToUser(appId, uid, ev, ackTimeoutMs, offline);
    const o = offline === undefined ? {} : { o: encodeOffline(offline) };
    const node = this.moved.ofUser(userKey(appId, uid))?.node ?? (await this.remoteNodeOf(appId, uid));
    if (node === undefined) {
      if (!this.hereOrArriving(appId, uid)) return 'absent';
      // Its session moved here while the owner was being looked up: as if the message had come over the bus.
      const here = await new Promise((resolve) => {
        this.handle({ k: 'deliver', a: appId, u: uid, ev: toWire(ev), id: this.expect(resolve, ackTimeoutMs + this.rpcMarginMs), from: this.nodeId, t: ackTimeoutMs, ...o });
      });
      return (here as Delivery | undefined) ?? 'unacked';
    }
    const outcome = await this.request(node, (id) => ({ k: 'deliver', a: appId, u: uid, ev: toWire(ev), id, from: this.nodeId, t: ackTimeoutMs, ...o }), ackTimeoutMs + this.rpcMarginMs);
    return (outcome as Delivery | undefined) ?? 'unacked';
  }

  pushToUser(appId: string, uid: string, ev: EncodedEvent): void {
    if (this.local.localSession(appId, uid)) return this.local.pushToUser(appId, uid, ev);
    const moved = this.moved.ofUser(userKey(appId, uid));
    (moved ? Promise.resolve(moved.node) : this.remoteNodeOf(appId, uid)).then(
      (node) => {
        if (node !== undefined) this.send(`${this.link.prefix}node:${node}`, { k: 'push', a: appId, u: uid, ev: toWire(ev) });
        else if (this.hereOrArriving(appId, uid)) this.handle({ k: 'push', a: appId, u: uid, ev: toWire(ev) });
      },
      () => undefined, // Redis away: counted by the link
    );
  }

  /** Is (appId, uid) hosted here, or being taken over here? */
  private hereOrArriving(appId: string, uid: string): boolean {
    return this.local.localSession(appId, uid) !== undefined || this.arriving.has(userKey(appId, uid));
  }

  publishToChannel(appId: string, channel: string, ev: EncodedEvent, exceptUid?: string): void {
    this.local.publishToChannel(appId, channel, ev, exceptUid);
    const msg: ChannelEvent = { a: appId, c: channel, ev: toWire(ev), ...(exceptUid === undefined ? {} : { x: exceptUid }) };
    // Queued for the next cluster batch, which will be number allSent + 1.
    this.recorder.record(this.nodeId, this.allSent + 1, msg);
    this.send(this.all, { k: 'ch', ...msg });
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

  // ---- session hand-over between live nodes ---------------------------------------------------------

  /**
   * The client of session `sid`, hosted by another node, resumes here. This node asks that node for
   * the session; the old node hands it off at once (its socket there closes, no kick) with its
   * unacknowledged events, sequence numbers, channels, subscriptions and remembered requests, and
   * from then on forwards whatever still reaches it for the user. This node moves the ownership in
   * Redis (only while the old sid still owns the user and no sweep took it), registers the session,
   * and pushes the channel events neither node had delivered to it (see bus-redis-handover).
   * Messages for the user that arrive meanwhile are held and handled once it is done.
   *
   * Undefined (the caller logs in afresh, restoring channels as after any lost session) when the
   * old node is dead, does not answer within `endTimeoutMs`, or no longer has the session.
   */
  takeOver(appId: string, uid: string, sid: string, make: (sid: string) => Session, arrived: (session: Session) => void): Promise<Session | undefined> {
    const running = this.takingOver.get(sid);
    // A second resume of the same session at once: it gets the session too, and the later attach wins.
    if (running) return running.then((session) => (session && !session.ended ? (arrived(session), session) : undefined));
    const taking = this.moveHere(appId, uid, sid, make, arrived).finally(() => this.takingOver.delete(sid));
    this.takingOver.set(sid, taking);
    return taking;
  }

  private async moveHere(appId: string, uid: string, sid: string, make: (sid: string) => Session, arrived: (session: Session) => void): Promise<Session | undefined> {
    const user = userKey(appId, uid);
    if (this.arriving.has(user) || this.closed) return undefined;
    // What this node published so far goes out before the request, so that the old node has seen it.
    this.flush();
    const mark = this.recorder.begin();
    const arrival = { sid: '', held: [] as NodeMessage[] };
    this.arriving.set(user, arrival);
    let session: Session | undefined;
    try {
      let from = nodeOfSid(sid);
      // A session that was here once and moved on (a resume that arrived late): follow it.
      const left = from === this.nodeId ? this.moved.ofSid(sid) : undefined;
      if (left) ({ sid, node: from } = left);
      for (let hop = 0; hop < MAX_HOPS && from !== undefined && from !== this.nodeId && !this.dead.has(from); hop++) {
        const node = from;
        const to = this.newSessionId();
        arrival.sid = to;
        const stop = { done: false };
        const reply = (await Promise.race([
          this.request(node, (id) => ({ k: 'handover', a: appId, u: uid, sid, to, id, from: this.nodeId }), this.endTimeoutMs),
          this.leaseLost(node, stop),
        ])) as HandOffReply | undefined;
        stop.done = true;
        if (reply === undefined) {
          // Dead or silent: the fresh login that follows cleans its session up from here without asking it again.
          this.dead.add(node);
          break;
        }
        if ('none' in reply) break;
        if ('moved' in reply) {
          sid = reply.moved;
          from = nodeOfSid(sid);
          continue;
        }
        if (await this.store.moveSession(appId, uid, sid, node, to).catch(() => false)) {
          session = make(to);
          session.adopt(stateFromWire(reply.state));
          this.local.register(session);
          for (const ch of session.channels) this.local.addMember(session, ch);
          this.recorder.replay(session, mark, reply.seen);
          arrived(session);
        }
        // Senders on the old node waiting for acknowledgements hear from here.
        for (const w of reply.waits) {
          const outcome = session ? session.waitForAck(w.seq, w.ms ?? Infinity) : Promise.resolve('unacked' as const);
          void outcome.then((r) => this.reply(node, { k: 'delivered', id: w.id, r }));
        }
        break;
      }
    } finally {
      this.arriving.delete(user);
      this.recorder.end();
      for (const msg of arrival.held) this.handle(msg);
    }
    return session;
  }

  /** Another node takes over a session hosted here (its client resumed there). */
  private handOver(msg: Extract<NodeMessage, { k: 'handover' }>): void {
    const answer = (r: HandOffReply) => this.reply(msg.from, { k: 'handed', id: msg.id, r });
    const session = this.local.sessionById(msg.sid);
    if (!session || session.ended || session.appId !== msg.a || session.uid !== msg.u || !this.host) {
      if (this.holdOrForward(msg, undefined, msg.sid)) return;
      return answer({ none: true });
    }
    const { state, waiters } = this.host.handOff(session);
    this.local.unregister(session);
    // Everything this node published for the session's channels goes out before the answer.
    this.flush();
    const seen = Object.fromEntries([...this.allSeen, [this.nodeId, this.allSent]]);
    const to = { sid: msg.to, node: nodeOfSid(msg.to) ?? msg.from };
    this.moved.add(userKey(msg.a, msg.u), msg.sid, to);
    session.forwardAnswers = (rid, res) => this.send(`${this.link.prefix}node:${to.node}`, { k: 'answer', sid: to.sid, rid, res });
    const waits = waiters.map((w) => {
      const finite = Number.isFinite(w.msLeft);
      const id = this.expect((r) => w.resolve(r === 'acked' ? 'acked' : 'unacked'), (finite ? w.msLeft : MAX_MOVED_WAIT_MS) + this.rpcMarginMs);
      return { seq: w.seq, id, ms: finite ? w.msLeft : null };
    });
    answer({ state: stateToWire(state), waits, seen });
  }

  /**
   * A message for a session not hosted here: held while it is being taken over here, forwarded
   * (or, for a hand-over request, answered with where it went) when it moved from here. False when
   * neither: it is handled as for nobody.
   */
  private holdOrForward(msg: Extract<NodeMessage, { k: 'push' | 'deliver' | 'end' | 'answer' | 'handover' }>, user: string | undefined, sid: string | undefined): boolean {
    const arrival = user !== undefined ? this.arriving.get(user) : [...this.arriving.values()].find((a) => a.sid === sid);
    if (arrival) {
      arrival.held.push(msg);
      return true;
    }
    const moved = user !== undefined ? this.moved.ofUser(user) : sid !== undefined ? this.moved.ofSid(sid) : undefined;
    if (!moved) return false;
    if (msg.k === 'handover') {
      this.reply(msg.from, { k: 'handed', id: msg.id, r: { moved: moved.sid } });
      return true;
    }
    const hops = msg.h ?? 0;
    if (hops >= MAX_HOPS) return false;
    this.send(`${this.link.prefix}node:${moved.node}`, { ...msg, h: hops + 1, ...(sid === undefined ? {} : { sid: moved.sid }) });
    return true;
  }

  // ---- wire -----------------------------------------------------------------------------------------

  private request(node: string, make: (id: number) => NodeMessage, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve) => {
      const id = this.expect(resolve, timeoutMs);
      this.send(`${this.link.prefix}node:${node}`, make(id));
    });
  }

  /** An id for a reply, settled with the reply's value or with undefined after `timeoutMs`. */
  private expect(settle: (value: unknown) => void, timeoutMs: number): number {
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.waiting.delete(id);
      settle(undefined);
    }, timeoutMs);
    timer.unref();
    this.waiting.set(id, (value) => {
      clearTimeout(timer);
      this.waiting.delete(id);
      settle(value);
    });
    return id;
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
      const payload = JSON.stringify((topic === this.all ? { o: this.nodeId, m, n: ++this.allSent } : { o: this.nodeId, m }) satisfies Batch);
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
    if (topic === this.all) {
      if (batch.o === this.nodeId) return;
      if (batch.n !== undefined) {
        this.allSeen.set(batch.o, batch.n);
        if (this.recorder.active) for (const msg of batch.m) if (msg.k === 'ch') this.recorder.record(batch.o, batch.n, msg);
      }
    }
    this.link.received += batch.m.length;
    for (const msg of batch.m) this.handle(msg);
  }

  private handle(msg: NodeMessage): void {
    switch (msg.k) {
      case 'push':
        if (!this.local.localSession(msg.a, msg.u) && this.holdOrForward(msg, userKey(msg.a, msg.u), undefined)) return;
        return this.local.pushToUser(msg.a, msg.u, fromWire(msg.ev));
      case 'deliver':
        if (!this.local.localSession(msg.a, msg.u) && this.holdOrForward(msg, userKey(msg.a, msg.u), undefined)) return;
        void this.local.deliverToUser(msg.a, msg.u, fromWire(msg.ev), msg.t, msg.o === undefined ? undefined : decodeOffline(msg.o)).then((r) => this.reply(msg.from, { k: 'delivered', id: msg.id, r }));
        return;
      case 'end': {
        const session = this.local.sessionById(msg.sid);
        const found = session !== undefined && !session.ended;
        if (!found && this.holdOrForward(msg, undefined, msg.sid)) return;
        const done = () => this.reply(msg.from, { k: 'ended', id: msg.id, found });
        Promise.resolve(found ? this.host?.endLocalSession(session, msg.reason) : undefined).then(done, done);
        return;
      }
      case 'handover':
        return this.handOver(msg);
      case 'handed':
        return this.waiting.get(msg.id)?.(msg.r);
      case 'answer': {
        const session = this.local.sessionById(msg.sid);
        if (session) session.finish(msg.rid, msg.res);
        else this.holdOrForward(msg, undefined, msg.sid);
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

function userKey(appId: string, uid: string): string {
  return `${appId}\u0000${uid}`;
}

