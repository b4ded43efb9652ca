/**
 * A session is one logged-in (appId, uid). It outlives its socket: a client that loses its
 * connection resumes the same session (same channels, subscriptions, pending messages) within the
 * offline grace period.
 *
 * Every event pushed to the session gets the next sequence number and stays in the outbox until the
 * client acknowledges it. On resume the client says what it has seen and the rest is replayed: that
 * is what makes delivery exactly-once and in order across network drops.
 */

import type { Clock, TimerHandle } from '../clock';
import { encodePush, type EncodedEvent, type WireData } from '../protocol/codec';
import type { PeerOnlineStateName } from '../protocol/frames';
import { RateLimiter } from '../rate-limit';
import type { RateName, Rates } from './options';
import type { OfflineMessage } from './state/store';

/** The socket side of a connection, as a session sees it. */
export interface Outlet {
  send(data: WireData): void;
  close(code: number, reason: string): void;
  /** Bytes written to the socket and not yet sent (0 when unknown). */
  buffered?(): number;
}

interface Pending {
  seq: number;
  ev: EncodedEvent;
  bytes: number;
  /** Set for a peer message sent with enableOfflineMessaging: where it goes if it is never delivered. */
  offline?: OfflineMessage;
  /** Its durable copy is being written or was written (unset when the store refused or failed). */
  keeping?: Promise<void>;
  /** The durable copy's row in the offline cache, removed once the client acknowledged the message. */
  row?: number;
}

/**
 * Keeps durable copies of the offline-flagged messages queued for a session (issue 11, defect 9):
 * an accepted message survives a crash of the server before its receiver acknowledged it.
 */
export interface OfflineKeeper {
  /** Stores a copy in the offline cache; resolves with its row, or undefined when not kept (refused, store failure). Never rejects. */
  keep(message: OfflineMessage): Promise<number | undefined>;
  /** The client acknowledged the messages of these rows: their copies go. */
  drop(rows: number[]): void;
}

/** A session's limits on what it holds (see DEFAULT_BOUNDS). */
export interface SessionBounds {
  pendingMessages: number;
  pendingBytes: number;
  socketBufferedBytes: number;
  rememberedAnswers: number;
}

const UNBOUNDED: SessionBounds = { pendingMessages: Infinity, pendingBytes: Infinity, socketBufferedBytes: Infinity, rememberedAnswers: 4096 };

interface AckWaiter {
  seq: number;
  deadline: number;
  resolve: (outcome: 'acked' | 'unacked') => void;
}

/**
 * What moves with a session to another node (session hand-over between live nodes): its sequence
 * numbers, unacknowledged events, channels, subscriptions and remembered requests. Not its socket,
 * timers or rate windows (the new node starts those afresh).
 */
export interface SessionState {
  seq: number;
  acked: number;
  outbox: { seq: number; ev: EncodedEvent; offline?: OfflineMessage }[];
  channels: string[];
  subscriptions: string[];
  presence: Session['presence'];
  /** rid, fingerprint, answer (undefined: still running where the session was; its answer follows). */
  requests: [number, string, string | undefined][];
  releasedBelow: number;
}

/** A sender waiting for an acknowledgement, taken out of a session that moves: whoever hosts it next settles it. */
export interface MovedWaiter {
  seq: number;
  /** Left of its wait, ms (Infinity: as long as the session lives). */
  msLeft: number;
  resolve: (outcome: 'acked' | 'unacked') => void;
}

const NONE: ReadonlySet<string> = new Set<string>();

/** What `begin` makes of a request id. */
export type RequestStart = 'new' | 'answered' | 'running' | 'reused';

export class Session {
  outlet: Outlet | undefined;
  /** Last time anything arrived from the client, ms. */
  lastSeen: number;
  /** How long the session outlives silence (legacy user attribute `_conn_timeout`); undefined: the server's `offlineAfterMs`. */
  offlineAfterMs: number | undefined;
  presence: Extract<PeerOnlineStateName, 'ONLINE' | 'UNREACHABLE'> = 'ONLINE';
  /** Someone subscribed to this user's presence (see RtmCore.watch), and since when, ms. */
  watched = false;
  watchedAt = 0;
  // Created on first use: most sessions never join a channel or subscribe to anyone.
  private channelSet: Set<string> | undefined;
  private subscriptionSet: Set<string> | undefined;
  ended = false;
  /** Token expiry, ms since the epoch; undefined = never. */
  tokenExpiresAt: number | undefined;
  /** The silence deadline (RtmCore.armSilence), kept in the core's one heap of deadlines. */
  deadlineAt = 0;
  deadlineIndex = -1;
  readonly tokenTimers: TimerHandle[] = [];

  private seq = 0;
  private ackedUpTo = 0;
  /** Unacknowledged pushes: `outbox[outboxHead…]` (the head moves instead of shifting the array). */
  private outbox: Pending[] = [];
  private outboxHead = 0;
  private pendingBytes = 0;
  /** Set by the core when the store can keep durable copies of offline-flagged messages. */
  keeper: OfflineKeeper | undefined;
  /**
   * Set once the session moved to another node (`handOff`): answers of requests still running here
   * go there instead of to a socket.
   */
  forwardAnswers: ((rid: number, encodedResponse: string) => void) | undefined;
  /** Set once a bound was passed; the core ends the session. */
  overflowed = false;
  /** Called (once) when a bound is passed. */
  onOverflow: ((session: Session, why: string) => void) | undefined;
  /** Senders waiting for an acknowledgement, in seq (and so deadline) order. One timer for the head. */
  private waiters: AckWaiter[] = [];
  private waitersHead = 0;
  private waitTimer: TimerHandle | undefined;
  // Created on first use: an idle session (most of them) never needs these.
  private rateLimiter: RateLimiter<RateName> | undefined;
  /**
   * Answers kept so that a request re-sent after a resume is answered, not run twice: rid → the
   * request's fingerprint and (once answered) its encoded answer. An entry leaves when the client
   * says it has every answer below a rid (`release`), not after a fixed count; `maxRemembered` only
   * bounds a client that never says so.
   */
  private requests: Map<number, { fp: string; answer: string | undefined }> | undefined;
  /** Rids in arrival order (increasing, from a client of ours), so that `release` pops from the head. */
  private order: number[] = [];
  private orderHead = 0;
  /** Every rid below this one was released: seeing one again is a reuse. */
  private releasedBelow = 0;

  constructor(
    readonly sid: string,
    readonly appId: string,
    readonly uid: string,
    now: number,
    private readonly rateRules: Rates,
    private readonly clock: Clock,
    private readonly bounds: SessionBounds = UNBOUNDED,
  ) {
    this.lastSeen = now;
  }

  /** Channels joined. */
  get channels(): ReadonlySet<string> {
    return this.channelSet ?? NONE;
  }

  addChannel(channel: string): void {
    (this.channelSet ??= new Set()).add(channel);
  }

  deleteChannel(channel: string): void {
    this.channelSet?.delete(channel);
  }

  /** Users whose online status this session subscribed to. */
  get subscriptions(): ReadonlySet<string> {
    return this.subscriptionSet ?? NONE;
  }

  addSubscription(uid: string): void {
    (this.subscriptionSet ??= new Set()).add(uid);
  }

  deleteSubscription(uid: string): void {
    this.subscriptionSet?.delete(uid);
  }

  get rates(): RateLimiter<RateName> {
    this.rateLimiter ??= new RateLimiter(this.rateRules);
    return this.rateLimiter;
  }

  get attached(): boolean {
    return this.outlet !== undefined;
  }

  /**
   * Queues an event, sends it if a socket is attached, and returns its sequence number. Past a
   * bound, the session is marked overflowed and `onOverflow` is told (the event is still queued:
   * the core ends the session, and `undeliveredOffline` hands over what must not be lost).
   */
  push(ev: EncodedEvent, offline?: OfflineMessage): number {
    return this.enqueue(ev, offline).seq;
  }

  /**
   * Queues an offline-flagged peer message as `push` does, and (with a keeper) stores its durable
   * copy at once; `kept` settles once the copy is on disk (or was refused).
   */
  pushOffline(ev: EncodedEvent, offline: OfflineMessage): { seq: number; kept: Promise<void> } {
    const p = this.enqueue(ev, offline);
    return { seq: p.seq, kept: p.keeping ?? Promise.resolve() };
  }

  private enqueue(ev: EncodedEvent, offline: OfflineMessage | undefined): Pending {
    const seq = ++this.seq;
    const bytes = ev.json.length + ev.bins.reduce((n, b) => n + b.length, 0);
    const p: Pending = offline ? { seq, ev, bytes, offline } : { seq, ev, bytes };
    this.outbox.push(p);
    this.pendingBytes += bytes;
    if (offline && this.keeper) p.keeping = this.keep(this.keeper, p, offline);
    if (!this.overflowed) {
      this.outlet?.send(encodePush(seq, ev));
      this.checkBounds();
    }
    return p;
  }

  private async keep(keeper: OfflineKeeper, p: Pending, offline: OfflineMessage): Promise<void> {
    const row = await keeper.keep(offline);
    if (row === undefined) p.keeping = undefined; // not kept: spilled when the session ends, if still queued
    else if (p.seq <= this.ackedUpTo) keeper.drop([row]); // acknowledged while the copy was being written
    else p.row = row;
  }

  /** Events queued and not yet acknowledged. */
  get pending(): { messages: number; bytes: number } {
    return { messages: this.outbox.length - this.outboxHead, bytes: this.pendingBytes };
  }

  private checkBounds(): void {
    const b = this.bounds;
    const why =
      this.outbox.length - this.outboxHead > b.pendingMessages ? `over ${b.pendingMessages} unacknowledged events`
      : this.pendingBytes > b.pendingBytes ? `over ${b.pendingBytes} bytes of unacknowledged events`
      : (this.outlet?.buffered?.() ?? 0) > b.socketBufferedBytes ? `over ${b.socketBufferedBytes} bytes unsent on the socket`
      : undefined;
    if (why === undefined) return;
    this.overflowed = true;
    this.onOverflow?.(this, why);
  }

  /**
   * Offline-flagged peer messages queued, never acknowledged and without a durable copy (no keeper,
   * or the store refused or failed), oldest first. Those with a copy are in the offline cache already.
   */
  undeliveredOffline(): OfflineMessage[] {
    const out: OfflineMessage[] = [];
    for (let i = this.outboxHead; i < this.outbox.length; i++) {
      const p = this.outbox[i] as Pending;
      if (p.offline && p.keeping === undefined) out.push(p.offline);
    }
    return out;
  }

  /** Rows of the offline cache holding copies of messages in this session's queue. */
  heldRows(): Set<number> {
    const rows = new Set<number>();
    for (let i = this.outboxHead; i < this.outbox.length; i++) {
      const row = (this.outbox[i] as Pending).row;
      if (row !== undefined) rows.add(row);
    }
    return rows;
  }

  /**
   * Settles 'acked' when the client acknowledges `seq`, 'unacked' after `timeoutMs` or when the
   * session ends first. Without a timeout it waits as long as the session lives.
   */
  waitForAck(seq: number, timeoutMs = Infinity): Promise<'acked' | 'unacked'> {
    if (seq <= this.ackedUpTo) return Promise.resolve('acked');
    return new Promise((resolve) => {
      this.waiters.push({ seq, deadline: this.clock.now() + timeoutMs, resolve });
      if (this.waitTimer === undefined) this.armWaitTimer();
    });
  }

  /** One timer, for the earliest deadline among the waiters. */
  private armWaitTimer(): void {
    let next = Infinity;
    for (let i = this.waitersHead; i < this.waiters.length; i++) next = Math.min(next, this.waiters[i]?.deadline ?? Infinity);
    if (next === Infinity) return;
    this.waitTimer = this.clock.setTimeout(() => {
      this.waitTimer = undefined;
      const now = this.clock.now();
      const keep: AckWaiter[] = [];
      for (let i = this.waitersHead; i < this.waiters.length; i++) {
        const w = this.waiters[i] as AckWaiter;
        if (w.deadline <= now) w.resolve('unacked');
        else keep.push(w);
      }
      this.waiters = keep;
      this.waitersHead = 0;
      this.armWaitTimer();
    }, next - this.clock.now());
  }

  /** Cumulative acknowledgement from the client. */
  ack(seq: number): void {
    if (seq > this.seq || seq <= this.ackedUpTo) return; // the future, or old news
    this.ackedUpTo = seq;
    let rows: number[] | undefined;
    while (this.outboxHead < this.outbox.length && (this.outbox[this.outboxHead]?.seq ?? Infinity) <= seq) {
      const p = this.outbox[this.outboxHead] as Pending;
      this.pendingBytes -= p.bytes;
      if (p.row !== undefined) (rows ??= []).push(p.row);
      this.outboxHead++;
    }
    if (rows) this.keeper?.drop(rows);
    if (this.outboxHead === this.outbox.length) {
      this.outbox = [];
      this.outboxHead = 0;
    } else if (this.outboxHead > 1024) {
      this.outbox = this.outbox.slice(this.outboxHead);
      this.outboxHead = 0;
    }
    while (this.waitersHead < this.waiters.length && (this.waiters[this.waitersHead]?.seq ?? Infinity) <= seq) {
      (this.waiters[this.waitersHead++] as AckWaiter).resolve('acked');
    }
    if (this.waitersHead === this.waiters.length) {
      this.waiters = [];
      this.waitersHead = 0;
      this.clock.clearTimeout(this.waitTimer);
      this.waitTimer = undefined;
    }
  }

  /** Attaches a socket, replaying everything after `ackedSeq`. */
  attach(outlet: Outlet, ackedSeq: number | undefined, now: number): void {
    if (ackedSeq !== undefined) this.ack(ackedSeq);
    this.outlet = outlet;
    this.lastSeen = now;
    for (let i = this.outboxHead; i < this.outbox.length; i++) {
      const p = this.outbox[i] as Pending;
      outlet.send(encodePush(p.seq, p.ev));
    }
  }

  detach(outlet: Outlet): void {
    if (this.outlet === outlet) this.outlet = undefined;
  }

  /** Sends a frame that is not sequenced (a response, a pong), if a socket is attached. */
  send(data: WireData): void {
    this.outlet?.send(data);
  }

  // ---- idempotent requests across resumes -----------------------------------------------------

  /**
   * 'new' when `rid` has not been seen; 'answered' (the answer is sent again) or 'running' when the
   * same request (same fingerprint) was seen; 'reused' when the rid belonged to another request or
   * was released.
   */
  begin(rid: number, fp: string): RequestStart {
    const seen = this.requests?.get(rid);
    if (seen) {
      if (seen.fp !== fp) return 'reused';
      if (seen.answer === undefined) return 'running';
      this.send(seen.answer);
      return 'answered';
    }
    if (rid < this.releasedBelow) return 'reused';
    this.requests ??= new Map();
    this.requests.set(rid, { fp, answer: undefined });
    this.order.push(rid);
    if (this.requests.size > this.bounds.rememberedAnswers) this.forgetOldest();
    return 'new';
  }

  finish(rid: number, encodedResponse: string): void {
    if (this.forwardAnswers) return this.forwardAnswers(rid, encodedResponse);
    const seen = this.requests?.get(rid);
    if (seen) seen.answer = encodedResponse;
    this.send(encodedResponse);
  }

  /** The client has the answers of every request below `rid`: they need not be kept any more. */
  release(rid: number): void {
    if (rid <= this.releasedBelow) return;
    this.releasedBelow = rid;
    const order = this.order;
    while (this.orderHead < order.length && (order[this.orderHead] as number) < rid) {
      this.requests?.delete(order[this.orderHead] as number);
      this.orderHead++;
    }
    this.compactOrder();
  }

  /** Answers remembered (for metrics and tests). */
  get remembered(): number {
    return this.requests?.size ?? 0;
  }

  private forgetOldest(): void {
    while (this.orderHead < this.order.length) {
      const rid = this.order[this.orderHead++] as number;
      if (this.requests?.delete(rid)) break;
    }
    this.compactOrder();
  }

  private compactOrder(): void {
    if (this.orderHead === this.order.length) {
      this.order = [];
      this.orderHead = 0;
    } else if (this.orderHead > 1024) {
      this.order = this.order.slice(this.orderHead);
      this.orderHead = 0;
    }
  }

  // ---- hand-over between nodes ----------------------------------------------------------------

  /**
   * Takes everything that moves to another node out of this session (which stays behind, empty and
   * detached, only to forward the answers of requests still running: see `forwardAnswers`). The
   * waiting senders are handed over unsettled.
   */
  handOff(): { state: SessionState; waiters: MovedWaiter[] } {
    const now = this.clock.now();
    const waiters = this.waiters.slice(this.waitersHead).map((w) => ({ seq: w.seq, msLeft: Math.max(0, w.deadline - now), resolve: w.resolve }));
    const state: SessionState = {
      seq: this.seq,
      acked: this.ackedUpTo,
      outbox: this.outbox.slice(this.outboxHead).map((p) => (p.offline ? { seq: p.seq, ev: p.ev, offline: p.offline } : { seq: p.seq, ev: p.ev })),
      channels: [...this.channels],
      subscriptions: [...this.subscriptions],
      presence: this.presence,
      requests: [...(this.requests ?? [])].map(([rid, r]) => [rid, r.fp, r.answer]),
      releasedBelow: this.releasedBelow,
    };
    this.waiters = [];
    this.clear();
    return { state, waiters };
  }

  /** Takes over the state of a session handed off by another node (a fresh session, before it is registered). */
  adopt(state: SessionState): void {
    this.seq = state.seq;
    this.ackedUpTo = state.acked;
    this.outbox = state.outbox.map((p) => ({ ...p, bytes: p.ev.json.length + p.ev.bins.reduce((n, b) => n + b.length, 0) }));
    this.outboxHead = 0;
    this.pendingBytes = this.outbox.reduce((n, p) => n + p.bytes, 0);
    for (const ch of state.channels) this.addChannel(ch);
    for (const u of state.subscriptions) this.addSubscription(u);
    this.presence = state.presence;
    if (state.requests.length > 0) this.requests = new Map(state.requests.map(([rid, fp, answer]) => [rid, { fp, answer }]));
    this.order = state.requests.map(([rid]) => rid).sort((a, b) => a - b);
    this.releasedBelow = state.releasedBelow;
  }

  /** Ends the session: every waiting sender hears "not received". */
  end(): void {
    this.ended = true;
    for (let i = this.waitersHead; i < this.waiters.length; i++) (this.waiters[i] as AckWaiter).resolve('unacked');
    this.clear();
  }

  /** Drops what the session holds: waiters (settled by the caller), outbox, socket, remembered answers. */
  private clear(): void {
    this.waiters = [];
    this.waitersHead = 0;
    this.clock.clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    this.outbox = [];
    this.outboxHead = 0;
    this.pendingBytes = 0;
    this.outlet = undefined;
    this.requests = undefined;
    this.order = [];
    this.orderHead = 0;
  }
}
