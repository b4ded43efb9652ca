/**
 * The server's ping wheel (server/ping-wheel.ts) on a ManualClock: each peer is pinged once per its
 * interval, at most one tick late, never with a ping already unanswered, and the wheel holds no timer
 * once it is empty.
 */

import { ManualClock } from '../../../src/rtm-core/clock';
import { PingWheel, type Pingable } from '../../../src/rtm-core/server/ping-wheel';

const TICK = 100;

class Peer implements Pingable {
  lastHeard: number;
  wheelSlot = -1;
  pingedAt = 0;
  readonly pings: number[] = [];
  /** Answers each ping at once (a live client); false: answers nothing (a dead one). */
  answers = true;

  constructor(
    private readonly clock: ManualClock,
    public interval: number,
  ) {
    this.lastHeard = clock.now();
  }

  pingInterval(): number {
    return this.interval;
  }

  ping(): void {
    this.pings.push(this.clock.now());
    if (this.answers) this.lastHeard = this.clock.now();
  }
}

function setup(interval = 1000, maxInterval = 5000) {
  const clock = new ManualClock(0);
  const wheel = new PingWheel(clock, TICK, maxInterval);
  const peer = new Peer(clock, interval);
  wheel.add(peer);
  return { clock, wheel, peer };
}

describe('PingWheel', () => {
  it('pings a peer once per interval, not before the interval and at most a tick after it', () => {
    const { clock, peer } = setup(1000);
    clock.advance(999);
    expect(peer.pings).toEqual([]);
    clock.advance(TICK + 1);
    expect(peer.pings).toHaveLength(1);
    const first = peer.pings[0] as number;
    expect(first).toBeGreaterThanOrEqual(1000);
    expect(first).toBeLessThanOrEqual(1000 + TICK);
    clock.advance(first + 999 - clock.now());
    expect(peer.pings).toHaveLength(1);
    clock.advance(TICK + 1);
    expect(peer.pings).toHaveLength(2);
    clock.advance(10_000);
    // Evenly spaced: one per interval (a tick of rounding at most).
    const gaps = peer.pings.slice(1).map((t, i) => t - (peer.pings[i] as number));
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(1000);
      expect(g).toBeLessThanOrEqual(1000 + TICK);
    }
  });

  it('a peer that does not answer gets one ping, not one per interval', () => {
    const { clock, peer } = setup(1000);
    peer.answers = false;
    clock.advance(10_000);
    expect(peer.pings).toHaveLength(1);
    // It speaks again (any frame): pinging resumes.
    peer.lastHeard = clock.now();
    peer.answers = true;
    clock.advance(1000 + TICK);
    expect(peer.pings).toHaveLength(2);
  });

  it('a shorter interval takes effect at the next ping; pingNow pings at once and restarts the interval', () => {
    const { clock, wheel, peer } = setup(4000);
    clock.advance(4000 + TICK);
    expect(peer.pings).toHaveLength(1);
    peer.interval = 1000;
    wheel.pingNow(peer);
    expect(peer.pings).toEqual([peer.pings[0], clock.now()]);
    const at = clock.now();
    clock.advance(999);
    expect(peer.pings).toHaveLength(2);
    clock.advance(TICK + 1);
    expect(peer.pings).toHaveLength(3);
    expect((peer.pings[2] as number) - at).toBeLessThanOrEqual(1000 + TICK);
  });

  it('an interval longer than the wheel is capped at the wheel; removed peers are not pinged; an empty wheel holds no timer', () => {
    const { clock, wheel, peer } = setup(60_000, 2000);
    clock.advance(2000 + TICK);
    expect(peer.pings).toHaveLength(1);
    const other = new Peer(clock, 1000);
    wheel.add(other);
    wheel.add(other); // twice: still one entry
    expect(wheel.size).toBe(2);
    wheel.remove(peer);
    clock.advance(5000);
    expect(peer.pings).toHaveLength(1);
    expect(other.pings.length).toBeGreaterThanOrEqual(4);
    wheel.remove(other);
    wheel.remove(other);
    expect(wheel.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('spreads many peers over the interval instead of pinging them all at once', () => {
    const clock = new ManualClock(0);
    const wheel = new PingWheel(clock, TICK, 1000);
    const peers: Peer[] = [];
    for (let i = 0; i < 10; i++) {
      peers.push(new Peer(clock, 1000));
      wheel.add(peers[i] as Peer);
      clock.advance(TICK);
    }
    clock.advance(2000);
    const firstPings = new Set(peers.map((p) => p.pings[0]));
    expect(firstPings.size).toBe(10);
  });
});
