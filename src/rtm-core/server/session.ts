/**
 * A session is one logged-in (appId, uid). It outlives its socket: a client that loses its
 * connection resumes the same session (same channels, subscriptions, pending messages) within the
 * offline grace period.
 *
 * Every event pushed to the session gets the next sequence number and stays in the outbox until the
 * client acknowledges it. On resume the client says what it has seen and the rest is replayed: that
 * is what makes delivery exactly-once and in order across network drops.
 */

import type { TimerHandle } from '../clock';
import { encodePush, type EncodedEvent, type WireData } from '../protocol/codec';
import type { PeerOnlineStateName } from '../protocol/frames';
import { RateLimiter } from '../rate-limit';
import type { RateName, Rates } from './options';

/** The socket side of a connection, as a session sees it. */
export interface Outlet {
  send(data: WireData): void;
  close(code: number, reason: string): void;
}

interface Pending {
  seq: number;
  ev: EncodedEvent;
}

/** Results of recently answered requests, kept so that a request re-sent after a resume is answered, not redone. */
const RECENT_RESULTS = 256;

export class Session {
  outlet: Outlet | undefined;
  /** Last time anything arrived from the client, ms. */
  lastSeen: number;
  presence: Extract<PeerOnlineStateName, 'ONLINE' | 'UNREACHABLE'> = 'ONLINE';
  readonly channels = new Set<string>();
  readonly subscriptions = new Set<string>();
  readonly rates: RateLimiter<RateName>;
  ended = false;
  /** Token expiry, ms since the epoch; undefined = never. */
  tokenExpiresAt: number | undefined;
  silenceTimer: TimerHandle | undefined;
  readonly tokenTimers: TimerHandle[] = [];

  private seq = 0;
  private ackedUpTo = 0;
  private outbox: Pending[] = [];
  private readonly ackWaiters = new Map<number, (acked: boolean) => void>();
  private readonly recent = new Map<number, string>();
  private readonly inflight = new Set<number>();

  constructor(
    readonly sid: string,
    readonly appId: string,
    readonly uid: string,
    now: number,
    rates: Rates,
  ) {
    this.lastSeen = now;
    this.rates = new RateLimiter(rates);
  }

  get attached(): boolean {
    return this.outlet !== undefined;
  }

  get outboxSize(): number {
    return this.outbox.length;
  }

  /** Queues an event, sends it if a socket is attached, and returns its sequence number. */
  push(ev: EncodedEvent): number {
    const seq = ++this.seq;
    this.outbox.push({ seq, ev });
    this.outlet?.send(encodePush(seq, ev));
    return seq;
  }

  /** Settles true when the client acknowledges `seq`, false if the session ends first. */
  waitForAck(seq: number): Promise<boolean> {
    if (seq <= this.ackedUpTo) return Promise.resolve(true);
    return new Promise((resolve) => this.ackWaiters.set(seq, resolve));
  }

  /** Cumulative acknowledgement from the client. */
  ack(seq: number): void {
    if (seq > this.seq || seq <= this.ackedUpTo) return; // the future, or old news
    this.ackedUpTo = seq;
    let drop = 0;
    while (drop < this.outbox.length && (this.outbox[drop]?.seq ?? Infinity) <= seq) drop++;
    if (drop > 0) this.outbox = this.outbox.slice(drop);
    if (this.ackWaiters.size > 0) {
      for (const [s, resolve] of this.ackWaiters) {
        if (s <= seq) {
          this.ackWaiters.delete(s);
          resolve(true);
        }
      }
    }
  }

  /** Attaches a socket, replaying everything after `ackedSeq`. */
  attach(outlet: Outlet, ackedSeq: number | undefined, now: number): void {
    if (ackedSeq !== undefined) this.ack(ackedSeq);
    this.outlet = outlet;
    this.lastSeen = now;
    for (const p of this.outbox) outlet.send(encodePush(p.seq, p.ev));
  }

  detach(outlet: Outlet): void {
    if (this.outlet === outlet) this.outlet = undefined;
  }

  /** Sends a frame that is not sequenced (a response, a pong), if a socket is attached. */
  send(data: WireData): void {
    this.outlet?.send(data);
  }

  // ---- idempotent requests across resumes -----------------------------------------------------

  /** 'new' when `rid` has not been seen; otherwise the request was answered (re-sends it) or is running. */
  begin(rid: number): 'new' | 'answered' | 'running' {
    const done = this.recent.get(rid);
    if (done !== undefined) {
      this.send(done);
      return 'answered';
    }
    if (this.inflight.has(rid)) return 'running';
    this.inflight.add(rid);
    return 'new';
  }

  finish(rid: number, encodedResponse: string): void {
    this.inflight.delete(rid);
    this.recent.set(rid, encodedResponse);
    if (this.recent.size > RECENT_RESULTS) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    this.send(encodedResponse);
  }

  /** Ends the session: every waiting sender hears "not received". */
  end(): void {
    this.ended = true;
    for (const resolve of this.ackWaiters.values()) resolve(false);
    this.ackWaiters.clear();
    this.outbox = [];
    this.outlet = undefined;
  }
}
