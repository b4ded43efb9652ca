/**
 * Per-client call-frequency limits (rtm-1x.md §6.3), as rolling windows: at most `limit` calls in
 * any `windowMs`. O(1) per call: a ring of the last `limit` call times.
 */

export interface RateRule {
  limit: number;
  windowMs: number;
}

export class SlidingWindow {
  /** The last `limit` call times, as a ring that grows up to `limit` (a huge limit costs nothing up front). */
  private readonly times: number[] = [];
  private next = 0;

  constructor(private readonly rule: RateRule) {}

  /** Records a call at `now` and returns true, or returns false (recording nothing) when over the limit. */
  tryTake(now: number): boolean {
    const { limit, windowMs } = this.rule;
    if (limit <= 0) return false;
    if (this.times.length < limit) {
      this.times.push(now);
      return true;
    }
    const oldest = this.times[this.next] ?? Number.NEGATIVE_INFINITY;
    if (now - oldest < windowMs) return false;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.times.length;
    return true;
  }
}

/** Named rules, one window per name (and per key, for "join the same channel"). */
export class RateLimiter<Name extends string> {
  private readonly windows = new Map<string, SlidingWindow>();

  constructor(private readonly rules: Record<Name, RateRule>) {}

  tryTake(name: Name, now: number, key = ''): boolean {
    const id = key === '' ? name : `${name}\u0000${key}`;
    let w = this.windows.get(id);
    if (!w) {
      w = new SlidingWindow(this.rules[name]);
      this.windows.set(id, w);
    }
    return w.tryTake(now);
  }
}
