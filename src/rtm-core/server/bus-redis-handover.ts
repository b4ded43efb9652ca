/**
 * The parts of session hand-over between nodes that are data, not flow (the flow is in RedisBus):
 * how a session's state and events travel between nodes, the channel events a taking-over node
 * records until the session is registered, and the forwarding addresses a giving node keeps.
 *
 * Why channel events are recorded: the old node delivers channel events to the session until it
 * hands it off, the new node only once it has registered it. Events published in between would
 * reach neither. Each node numbers its batches on the cluster topic, and the old node says, with
 * the state, the last batch it had seen from every node; the new node replays to the session what
 * it recorded after those, so every event arrives exactly once, in each publisher's order.
 */

import type { EncodedEvent } from '../protocol/codec';
import type { Session, SessionState } from './session';
import { decodeOffline, encodeOffline } from './state/redis';

/** Wire form of an encoded event between nodes: RAW bytes as base64. */
export interface WireEvent {
  j: string;
  b?: string[];
}

export function toWire(ev: EncodedEvent): WireEvent {
  return ev.bins.length === 0 ? { j: ev.json } : { j: ev.json, b: ev.bins.map((b) => Buffer.from(b).toString('base64')) };
}

export function fromWire(w: WireEvent): EncodedEvent {
  return { json: w.j, bins: (w.b ?? []).map((b) => new Uint8Array(Buffer.from(b, 'base64'))) };
}

/** A session's state on the wire (`SessionState` with events and offline messages as JSON). */
export interface WireState extends Omit<SessionState, 'outbox' | 'requests'> {
  outbox: [seq: number, ev: WireEvent, offline?: string][];
  /** [rid, fingerprint, answer or null while running]. */
  requests: [number, string, string | null][];
}

export function stateToWire(s: SessionState): WireState {
  return {
    ...s,
    outbox: s.outbox.map((p) => (p.offline ? [p.seq, toWire(p.ev), encodeOffline(p.offline)] : [p.seq, toWire(p.ev)])),
    requests: s.requests.map(([rid, fp, answer]) => [rid, fp, answer ?? null]),
  };
}

export function stateFromWire(w: WireState): SessionState {
  return {
    ...w,
    outbox: w.outbox.map(([seq, ev, offline]) => (offline === undefined ? { seq, ev: fromWire(ev) } : { seq, ev: fromWire(ev), offline: decodeOffline(offline) })),
    requests: w.requests.map(([rid, fp, answer]) => [rid, fp, answer ?? undefined]),
  };
}

/** The old node's answer to a hand-over request. */
export type HandOffReply =
  /** The session, the senders waiting for its acknowledgements (settled with 'delivered' replies), and the last cluster batch the old node had seen from each node. */
  | { state: WireState; waits: { seq: number; id: number; ms: number | null }[]; seen: Record<string, number> }
  /** It moved on already (a second resume at once): ask there. */
  | { moved: string }
  /** Not here (ended, or never was). */
  | { none: true };

/** A channel event as it travels on the cluster topic. */
export interface ChannelEvent {
  a: string;
  c: string;
  ev: WireEvent;
  /** Not for this uid (the sender). */
  x?: string;
}

/** Channel events seen while sessions are being taken over, with the node and batch they came in. */
export class ChannelRecorder {
  private takeovers = 0;
  private events: { node: string; batch: number; ev: ChannelEvent }[] = [];

  get active(): boolean {
    return this.takeovers > 0;
  }

  /** A takeover starts: recording from here; returns its mark. */
  begin(): number {
    this.takeovers++;
    return this.events.length;
  }

  end(): void {
    if (--this.takeovers === 0) this.events = [];
  }

  record(node: string, batch: number, ev: ChannelEvent): void {
    if (this.takeovers > 0) this.events.push({ node, batch, ev });
  }

  /** Pushes to `session` what was recorded since `mark` in batches the old node had not seen. */
  replay(session: Session, mark: number, seen: Record<string, number>): void {
    for (let i = mark; i < this.events.length; i++) {
      const { node, batch, ev } = this.events[i] as (typeof this.events)[number];
      if (batch <= (Object.hasOwn(seen, node) ? (seen[node] as number) : 0)) continue;
      if (ev.a === session.appId && ev.x !== session.uid && session.channels.has(ev.c)) session.push(fromWire(ev.ev));
    }
  }
}

/** Where a session that left this node went, kept for a while so that late messages follow it. */
export interface Moved {
  sid: string;
  node: string;
}

export class MovedSessions {
  private readonly byUser = new Map<string, Moved & { until: number }>();
  private readonly bySid = new Map<string, Moved & { until: number }>();

  constructor(private readonly keepMs: number) {}

  add(user: string, oldSid: string, to: Moved): void {
    const now = Date.now();
    for (const map of [this.byUser, this.bySid]) for (const [k, v] of map) if (v.until <= now) map.delete(k);
    const entry = { ...to, until: now + this.keepMs };
    this.byUser.set(user, entry);
    this.bySid.set(oldSid, entry);
  }

  ofUser(user: string): Moved | undefined {
    return live(this.byUser.get(user));
  }

  ofSid(sid: string): Moved | undefined {
    return live(this.bySid.get(sid));
  }
}

function live<T extends { until: number }>(entry: T | undefined): T | undefined {
  return entry && entry.until > Date.now() ? entry : undefined;
}
