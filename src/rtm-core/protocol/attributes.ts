/**
 * Applying an attribute change to a map, with the limits that depend on the result (count, total
 * size). Pure, shared by the in-memory store and any store that applies changes in JavaScript.
 */

import type { AttributeChange } from './frames';
import { utf8Length } from './limits';

/** The limits that depend on the merged result. */
export interface AttributeTotals {
  count: number;
  totalBytes: number;
}

/** The map after `change`, or undefined when it breaks `limits`. */
export function applyChange<V>(
  current: ReadonlyMap<string, V>,
  change: AttributeChange,
  wrap: (value: string) => V,
  valueOf: (v: V) => string,
  limits: AttributeTotals,
): Map<string, V> | undefined {
  let next: Map<string, V>;
  switch (change.op) {
    case 'clear':
      return new Map();
    case 'del':
      next = new Map(current);
      for (const k of change.keys) next.delete(k);
      return next;
    case 'set':
      next = new Map(Object.entries(change.attrs).map(([k, v]) => [k, wrap(v)]));
      break;
    case 'add':
      next = new Map(current);
      for (const [k, v] of Object.entries(change.attrs)) next.set(k, wrap(v));
      break;
  }
  if (next.size > limits.count) return undefined;
  let total = 0;
  for (const [k, v] of next) total += utf8Length(k) + utf8Length(valueOf(v));
  return total > limits.totalBytes ? undefined : next;
}
