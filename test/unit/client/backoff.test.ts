import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../../../src/rtm-core/client/backoff';

const ALMOST_ONE = 1 - Number.EPSILON;
const opts = (random: () => number, minMs = 100, maxMs = 3000): BackoffOptions => ({ minMs, maxMs, random });
const capOf = (attempt: number, minMs: number, maxMs: number) => Math.min(maxMs, minMs * 2 ** attempt);

describe('backoffDelay', () => {
  it('random 0 gives the floor, minMs / 4, on every attempt', () => {
    for (let a = 0; a < 40; a++) expect(backoffDelay(a, opts(() => 0))).toBe(25);
  });

  it('random ≈ 1 gives the cap: minMs · 2^attempt, growing, then maxMs', () => {
    const delays = Array.from({ length: 10 }, (_, a) => backoffDelay(a, opts(() => ALMOST_ONE)));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3000, 3000, 3000, 3000, 3000]);
  });

  it('stays within [minMs / 4, min(cap, maxMs)] for every attempt and random value', () => {
    for (const [minMs, maxMs] of [[100, 3000], [250, 5000], [20, 100], [1000, 1000]] as const) {
      for (let a = 0; a < 50; a++) {
        for (const r of [0, 0.001, 0.25, 0.5, 0.75, 0.999, ALMOST_ONE]) {
          const d = backoffDelay(a, opts(() => r, minMs, maxMs));
          const cap = capOf(a, minMs, maxMs);
          expect(d).toBeGreaterThanOrEqual(minMs / 4);
          expect(d).toBeLessThanOrEqual(cap);
          expect(d).toBeLessThanOrEqual(maxMs);
          expect(Number.isInteger(d)).toBe(true);
        }
      }
    }
  });

  it('uses the injected random: the delay is floor + r · (cap − floor)', () => {
    // attempt 3: cap 800, floor 25 → 25 + 0.5 · 775 = 412.5 → 413
    expect(backoffDelay(3, opts(() => 0.5))).toBe(413);
    const calls: number[] = [];
    backoffDelay(0, opts(() => {
      calls.push(1);
      return 0.3;
    }));
    expect(calls).toHaveLength(1);
    // monotone in r
    const seq = [0, 0.2, 0.4, 0.6, 0.8, ALMOST_ONE].map((r) => backoffDelay(4, opts(() => r)));
    expect([...seq].sort((x, y) => x - y)).toEqual(seq);
    expect(seq[0]).toBe(25);
    expect(seq[seq.length - 1]).toBe(1600);
  });

  it('does not overflow for huge attempt numbers', () => {
    for (const a of [31, 32, 100, 10_000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(a, opts(() => ALMOST_ONE))).toBe(3000);
      expect(backoffDelay(a, opts(() => 0))).toBe(25);
    }
  });

  it('never exceeds maxMs even when maxMs is below minMs / 4', () => {
    expect(backoffDelay(0, opts(() => 0, 1000, 100))).toBe(100);
    expect(backoffDelay(5, opts(() => ALMOST_ONE, 1000, 100))).toBe(100);
  });

  it('defaults: 250 ms first cap, 5 s ceiling, Math.random', () => {
    expect(DEFAULT_BACKOFF).toEqual({ minMs: 250, maxMs: 5000 });
    for (let i = 0; i < 200; i++) {
      const a = i % 8;
      const d = backoffDelay(a);
      expect(d).toBeGreaterThanOrEqual(250 / 4);
      expect(d).toBeLessThanOrEqual(capOf(a, 250, 5000));
    }
  });
});
