/**
 * Many deadlines, one timer: a binary min-heap of items ordered by their deadline, with one clock
 * timer set for the earliest. An item carries two numbers instead of a timer of its own, a closure
 * and the closure's scope (about 250 bytes per session with Node's timers), and re-arming a deadline
 * that is not the earliest touches no timer at all.
 */

import type { Clock, TimerHandle } from '../clock';

/** What the heap keeps on each item. */
export interface Deadlined {
  /** When the item is due, ms. */
  deadlineAt: number;
  /** Its place in the heap; -1 when it has no deadline. */
  deadlineIndex: number;
}

export class Deadlines<T extends Deadlined> {
  private readonly heap: T[] = [];
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  /** True while due items are handled: the timer is set once, after them. */
  private running = false;

  constructor(
    private readonly clock: Clock,
    /** Called when an item falls due (its deadline is removed first: set a new one to be called again). */
    private readonly due: (item: T) => void,
  ) {}

  /** Sets (or moves) the item's deadline. */
  set(item: T, at: number): void {
    item.deadlineAt = at;
    if (item.deadlineIndex < 0) {
      item.deadlineIndex = this.heap.length;
      this.heap.push(item);
    }
    this.fix(item.deadlineIndex);
    if (!this.running) this.arm();
  }

  /** Removes the item's deadline, if it has one. */
  clear(item: T): void {
    if (item.deadlineIndex < 0) return;
    this.remove(item);
    if (!this.running) this.arm();
  }

  get size(): number {
    return this.heap.length;
  }

  /** Stops the timer; deadlines stay, and fire once `set` or `clear` is called again. */
  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private arm(): void {
    const at = this.heap[0]?.deadlineAt ?? Infinity;
    if (at === this.timerAt) return;
    this.stop();
    if (at === Infinity) return;
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => this.run(), at - this.clock.now());
  }

  private run(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    this.running = true;
    try {
      for (let head = this.heap[0]; head !== undefined && head.deadlineAt <= now; head = this.heap[0]) {
        this.remove(head);
        this.due(head);
      }
    } finally {
      this.running = false;
      this.arm();
    }
  }

  private remove(item: T): void {
    const i = item.deadlineIndex;
    item.deadlineIndex = -1;
    const last = this.heap.pop() as T;
    if (last !== item) {
      this.heap[i] = last;
      last.deadlineIndex = i;
      this.fix(i);
    }
  }

  /** Restores the heap order around index `i` (up, then down). */
  private fix(i: number): void {
    const h = this.heap;
    const item = h[i] as T;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as T;
      if (p.deadlineAt <= item.deadlineAt) break;
      h[i] = p;
      p.deadlineIndex = i;
      i = parent;
    }
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && (h[r] as T).deadlineAt < (h[l] as T).deadlineAt ? r : l;
      const c = h[child] as T;
      if (c.deadlineAt >= item.deadlineAt) break;
      h[i] = c;
      c.deadlineIndex = i;
      i = child;
    }
    h[i] = item;
    item.deadlineIndex = i;
  }
}
