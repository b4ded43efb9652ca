import { RateLimiter, SlidingWindow } from '../../src/rtm-core/rate-limit';

describe('SlidingWindow', () => {
  it('passes `limit` calls in a window, fails the next, passes again exactly windowMs after the oldest', () => {
    const w = new SlidingWindow({ limit: 3, windowMs: 1000 });
    const t0 = 1_700_000_000_000;
    expect([w.tryTake(t0), w.tryTake(t0 + 10), w.tryTake(t0 + 20)]).toEqual([true, true, true]);
    expect(w.tryTake(t0 + 30)).toBe(false);
    expect(w.tryTake(t0 + 999)).toBe(false); // windowMs - 1 after the oldest
    expect(w.tryTake(t0 + 1000)).toBe(true); // windowMs after the oldest
    // Now the oldest is the call at t0 + 10.
    expect(w.tryTake(t0 + 1009)).toBe(false);
    expect(w.tryTake(t0 + 1010)).toBe(true);
    expect(w.tryTake(t0 + 1019)).toBe(false);
    expect(w.tryTake(t0 + 1020)).toBe(true);
    expect(w.tryTake(t0 + 1021)).toBe(false);
  });

  it('rejected calls record nothing (they do not push the window forward)', () => {
    const w = new SlidingWindow({ limit: 1, windowMs: 100 });
    expect(w.tryTake(0)).toBe(true);
    for (let t = 1; t < 100; t++) expect(w.tryTake(t)).toBe(false);
    expect(w.tryTake(100)).toBe(true);
  });

  it('is a rolling window, not fixed buckets', () => {
    // 2 per 1000: calls at 900 and 950 fill it; 1000 (a new "second") must still fail.
    const w = new SlidingWindow({ limit: 2, windowMs: 1000 });
    expect(w.tryTake(900)).toBe(true);
    expect(w.tryTake(950)).toBe(true);
    expect(w.tryTake(1000)).toBe(false);
    expect(w.tryTake(1899)).toBe(false);
    expect(w.tryTake(1900)).toBe(true);
    expect(w.tryTake(1949)).toBe(false);
    expect(w.tryTake(1950)).toBe(true);
  });

  it('allows a full burst again after a long pause', () => {
    const w = new SlidingWindow({ limit: 180, windowMs: 3000 });
    for (let i = 0; i < 180; i++) expect(w.tryTake(0)).toBe(true);
    expect(w.tryTake(2999)).toBe(false);
    for (let i = 0; i < 180; i++) expect(w.tryTake(3000)).toBe(true);
    expect(w.tryTake(3000)).toBe(false);
  });

  it('a limit of 0 refuses everything', () => {
    const w = new SlidingWindow({ limit: 0, windowMs: 1000 });
    expect(w.tryTake(0)).toBe(false);
    expect(w.tryTake(1e9)).toBe(false);
  });
});

describe('RateLimiter', () => {
  const rules = { login: { limit: 2, windowMs: 1000 }, joinSame: { limit: 1, windowMs: 5000 } };

  it('keeps one window per rule name', () => {
    const r = new RateLimiter(rules);
    expect(r.tryTake('login', 0)).toBe(true);
    expect(r.tryTake('login', 1)).toBe(true);
    expect(r.tryTake('login', 2)).toBe(false);
    expect(r.tryTake('joinSame', 2)).toBe(true); // another rule is unaffected
    expect(r.tryTake('login', 999)).toBe(false);
    expect(r.tryTake('login', 1000)).toBe(true);
  });

  it('keeps independent windows per key', () => {
    const r = new RateLimiter(rules);
    expect(r.tryTake('joinSame', 0, 'a')).toBe(true);
    expect(r.tryTake('joinSame', 1, 'a')).toBe(false);
    expect(r.tryTake('joinSame', 1, 'b')).toBe(true);
    expect(r.tryTake('joinSame', 2, 'b')).toBe(false);
    expect(r.tryTake('joinSame', 2)).toBe(true); // no key: a window of its own
    expect(r.tryTake('joinSame', 4999, 'a')).toBe(false);
    expect(r.tryTake('joinSame', 5000, 'a')).toBe(true);
    expect(r.tryTake('joinSame', 5000, 'b')).toBe(false);
    expect(r.tryTake('joinSame', 5001, 'b')).toBe(true);
  });

  it('separate limiters (clients) do not share windows', () => {
    const a = new RateLimiter(rules);
    const b = new RateLimiter(rules);
    expect([a.tryTake('login', 0), a.tryTake('login', 0), a.tryTake('login', 0)]).toEqual([true, true, false]);
    expect([b.tryTake('login', 0), b.tryTake('login', 0), b.tryTake('login', 0)]).toEqual([true, true, false]);
  });
});

test('a huge limit costs nothing up front (the window grows with use)', () => {
  const w = new SlidingWindow({ limit: 1e9, windowMs: 1000 });
  for (let i = 0; i < 10_000; i++) expect(w.tryTake(i / 100)).toBe(true);
});
