/** One heap of deadlines under one timer (server/deadlines.ts), on a ManualClock. */

import { ManualClock } from '../../../src/rtm-core/clock';
import { Deadlines, type Deadlined } from '../../../src/rtm-core/server/deadlines';

class Item implements Deadlined {
  deadlineAt = 0;
  deadlineIndex = -1;
  constructor(readonly name: string) {}
}

function setup() {
  const clock = new ManualClock(0);
  const fired: [string, number][] = [];
  const d = new Deadlines<Item>(clock, (item) => fired.push([item.name, clock.now()]));
  return { clock, d, fired };
}

describe('Deadlines', () => {
  it('fires each item at its deadline exactly (not at deadline - 1), in deadline order, with one timer', () => {
    const { clock, d, fired } = setup();
    const items = ['c', 'a', 'b'].map((n) => new Item(n));
    d.set(items[0] as Item, 300);
    d.set(items[1] as Item, 100);
    d.set(items[2] as Item, 200);
    expect(clock.pending).toBe(1);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([['a', 100]]);
    clock.advance(500);
    expect(fired).toEqual([['a', 100], ['b', 200], ['c', 300]]);
    expect(d.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('moving a deadline later or earlier, and clearing one, keeps the order; an item due again may set itself', () => {
    const { clock, d, fired } = setup();
    const items = Array.from({ length: 50 }, (_, i) => new Item(`i${i}`));
    items.forEach((it, i) => d.set(it, 1000 + i * 10));
    d.set(items[0] as Item, 5000); // later
    d.set(items[49] as Item, 10); // earlier
    d.clear(items[25] as Item);
    d.clear(items[25] as Item); // twice: nothing
    clock.advance(10_000);
    const names = fired.map(([n]) => n);
    expect(names[0]).toBe('i49');
    expect(names.at(-1)).toBe('i0');
    expect(names).not.toContain('i25');
    expect(names).toHaveLength(49);
    for (let i = 1; i < fired.length; i++) expect((fired[i] as [string, number])[1]).toBeGreaterThanOrEqual((fired[i - 1] as [string, number])[1]);
    for (const [n, at] of fired) {
      const it = items.find((x) => x.name === n) as Item;
      expect(at).toBe(it.deadlineAt);
    }
  });

  it('a due handler that sets a new deadline is called again then', () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const item = new Item('x');
    const d: Deadlines<Item> = new Deadlines<Item>(clock, (it) => {
      seen.push(clock.now());
      if (seen.length < 3) d.set(it, clock.now() + 100);
    });
    d.set(item, 100);
    clock.advance(1000);
    expect(seen).toEqual([100, 200, 300]);
    expect(clock.pending).toBe(0);
  });
});
