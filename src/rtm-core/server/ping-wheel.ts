/**
 * Server-driven liveness with WebSocket ping frames (RFC 6455 §5.5.2). Browsers, `ws`, Boost.Beast
 * and OkHttp answer a ping with a pong by themselves, so keeping an idle client's presence fresh
 * costs the server one small control frame each way, and no parsing, no validation, no reply built
 * in JavaScript. Every connection is pinged once per interval whatever else it sends: the ping is
 * what the client hears from the server, too (beat/1: it sends no heartbeat of its own, and an
 * acknowledgement it sends gets no answer).
 *
 * One timer for every connection: a wheel of slots `tickMs` apart (the `ws` README's "detect broken
 * connections" recipe pings every socket on one interval; the wheel spreads the pings over the
 * interval instead of sending 10,000 at once, and lets each connection have its own interval).
 */

import type { Clock, TimerHandle } from '../clock';

/** What the wheel pings. */
export interface Pingable {
  /** Last time anything (a frame, a pong) arrived from the peer, ms. */
  readonly lastHeard: number;
  /** How often this peer must be heard from now, ms (it may change: someone started watching). */
  pingInterval(): number;
  /** Sends a ping frame. */
  ping(): void;
  /** The wheel's bookkeeping: the slot the peer is in, -1 when in none… */
  wheelSlot: number;
  /** …and when it was last pinged, ms. */
  pingedAt: number;
}

export class PingWheel {
  private readonly slots: Set<Pingable>[];
  /** The slot the next tick handles. */
  private cursor = 0;
  private timer: TimerHandle | undefined;
  private members = 0;

  constructor(
    private readonly clock: Clock,
    private readonly tickMs: number,
    maxIntervalMs: number,
  ) {
    this.slots = Array.from({ length: Math.ceil(maxIntervalMs / tickMs) + 1 }, () => new Set<Pingable>());
  }

  /** Watches `p` from now on; its first ping is due one interval from now. */
  add(p: Pingable): void {
    if (p.wheelSlot >= 0) return;
    this.members++;
    this.place(p, this.clock.now() + p.pingInterval());
    if (this.timer === undefined) this.arm();
  }

  /** Stops watching `p` (its connection closed). */
  remove(p: Pingable): void {
    if (p.wheelSlot < 0) return;
    this.slots[p.wheelSlot]?.delete(p);
    p.wheelSlot = -1;
    // The last one out stops the timer: an idle server (and a test's manual clock) has nothing pending.
    if (--this.members === 0) this.stop();
  }

  /** Pings `p` at once and restarts its interval (someone started watching it). */
  pingNow(p: Pingable): void {
    if (p.wheelSlot < 0) return;
    this.slots[p.wheelSlot]?.delete(p);
    this.send(p, this.clock.now());
    this.place(p, this.clock.now() + p.pingInterval());
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  get size(): number {
    return this.members;
  }

  /** Puts `p` in the slot handled at `due` at the latest (never the one being handled now). */
  private place(p: Pingable, due: number): void {
    const ahead = Math.min(this.slots.length - 1, Math.max(0, Math.floor((due - this.clock.now()) / this.tickMs)));
    const slot = (this.cursor + ahead) % this.slots.length;
    p.wheelSlot = slot;
    this.slots[slot]?.add(p);
  }

  private send(p: Pingable, now: number): void {
    p.pingedAt = now;
    p.ping();
  }

  private arm(): void {
    this.timer = this.clock.setTimeout(() => this.tick(), this.tickMs);
  }

  private tick(): void {
    this.timer = undefined;
    const slot = this.slots[this.cursor] as Set<Pingable>;
    this.cursor = (this.cursor + 1) % this.slots.length;
    if (slot.size > 0) {
      const now = this.clock.now();
      const due = [...slot];
      slot.clear();
      for (const p of due) {
        // One ping at a time: a peer that has not answered the last one will not answer two (and `ws`
        // drops a peer that sends it more than 60 pings it has not answered yet).
        if (p.pingedAt <= p.lastHeard) this.send(p, now);
        this.place(p, now + p.pingInterval());
      }
    }
    if (this.members > 0) this.arm();
  }
}
