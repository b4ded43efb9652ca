import { ManualClock, systemClock } from '../../src/rtm-core/clock';

describe('ManualClock', () => {
  it('starts at the given time and only moves when advanced', () => {
    const c = new ManualClock(1000);
    expect(c.now()).toBe(1000);
    expect(c.now()).toBe(1000);
    c.advance(250);
    expect(c.now()).toBe(1250);
    c.advance(0);
    expect(c.now()).toBe(1250);
    expect(new ManualClock().now()).toBe(1_700_000_000_000);
  });

  it('fires due timers in time order, each seeing now() equal to its due time', () => {
    const c = new ManualClock(0);
    const log: [string, number][] = [];
    c.setTimeout(() => log.push(['c', c.now()]), 300);
    c.setTimeout(() => log.push(['a', c.now()]), 100);
    c.setTimeout(() => log.push(['b', c.now()]), 200);
    c.setTimeout(() => log.push(['late', c.now()]), 1000);
    c.advance(500);
    expect(log).toEqual([['a', 100], ['b', 200], ['c', 300]]);
    expect(c.now()).toBe(500);
    expect(c.pending).toBe(1);
  });

  it('fires a timer at exactly its delay, not at delay - 1', () => {
    const c = new ManualClock(0);
    let fired = 0;
    c.setTimeout(() => fired++, 100);
    c.advance(99);
    expect(fired).toBe(0);
    c.advance(1);
    expect(fired).toBe(1);
    c.advance(1000);
    expect(fired).toBe(1);
  });

  it('fires timers due at the same time in the order they were set', () => {
    const c = new ManualClock(0);
    const log: number[] = [];
    for (let i = 0; i < 5; i++) c.setTimeout(() => log.push(i), 50);
    c.advance(50);
    expect(log).toEqual([0, 1, 2, 3, 4]);
  });

  it('fires nested timers within the same advance when they fall due, in order', () => {
    const c = new ManualClock(0);
    const log: [string, number][] = [];
    c.setTimeout(() => {
      log.push(['outer', c.now()]);
      c.setTimeout(() => {
        log.push(['inner', c.now()]);
        c.setTimeout(() => log.push(['innermost', c.now()]), 0);
      }, 50);
      c.setTimeout(() => log.push(['beyond', c.now()]), 500);
    }, 100);
    c.setTimeout(() => log.push(['other', c.now()]), 120);
    c.advance(200);
    expect(log).toEqual([['outer', 100], ['other', 120], ['inner', 150], ['innermost', 150]]);
    c.advance(399);
    expect(log).toHaveLength(4);
    c.advance(1);
    expect(log[4]).toEqual(['beyond', 600]);
  });

  it('treats negative delays as 0', () => {
    const c = new ManualClock(0);
    let at = -1;
    c.setTimeout(() => (at = c.now()), -50);
    c.advance(0);
    expect(at).toBe(0);
  });

  it('clearTimeout cancels a timer, also from inside another timer of the same advance', () => {
    const c = new ManualClock(0);
    const log: string[] = [];
    const a = c.setTimeout(() => log.push('a'), 10);
    const b = c.setTimeout(() => log.push('b'), 30);
    c.setTimeout(() => c.clearTimeout(b), 20);
    c.clearTimeout(a);
    c.clearTimeout(undefined);
    c.advance(100);
    expect(log).toEqual([]);
    expect(c.pending).toBe(0);
  });

  it('clearTimeout of one timer leaves the others, and clearing twice is harmless', () => {
    const c = new ManualClock(0);
    const log: string[] = [];
    const a = c.setTimeout(() => log.push('a'), 10);
    c.setTimeout(() => log.push('b'), 10);
    c.clearTimeout(a);
    c.clearTimeout(a);
    expect(c.pending).toBe(1);
    c.advance(10);
    expect(log).toEqual(['b']);
    c.clearTimeout(a); // after firing too
  });

  it('gives every timer a distinct handle', () => {
    const c = new ManualClock(0);
    const ids = new Set(Array.from({ length: 20 }, () => c.setTimeout(() => undefined, 1).id));
    expect(ids.size).toBe(20);
  });
});

describe('systemClock', () => {
  it('reads Date.now and runs and clears real timers', async () => {
    const before = Date.now();
    expect(systemClock.now()).toBeGreaterThanOrEqual(before);
    let cleared = false;
    const h = systemClock.setTimeout(() => (cleared = true), 5);
    systemClock.clearTimeout(h);
    const fired = await new Promise<number>((resolve) => systemClock.setTimeout(() => resolve(systemClock.now()), 10));
    expect(fired).toBeGreaterThanOrEqual(before + 9);
    expect(cleared).toBe(false);
  });
});
