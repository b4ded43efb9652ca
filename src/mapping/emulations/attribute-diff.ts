/**
 * RTM's AttributesUpdated carries the whole attribute map; legacy `onChannelAttrUpdated` reported
 * one change at a time. The difference between the last map seen and the new one gives the legacy
 * changes: new or changed keys are 'update', removed keys 'del', and an emptied map 'clear'.
 *
 * On a plain RTM server the one ambiguity is a map of exactly one key that becomes empty: reported as
 * 'del' of that key (it may have been a clear). sig2rtm's server tells the operation itself
 * (AttributesChanged, protocol legacy/1), and `exactChanges` reports that instead of a guess.
 */

import type { AttributeChange as WireChange } from '../../rtm-core/protocol/frames';
import type { ChannelAttributes } from '../../rtm-core/client/types';

export interface AttributeSnapshot {
  values: Map<string, string>;
  /** The AttributesUpdated about to arrive was already reported exactly (from AttributesChanged). */
  reported?: boolean;
}

export interface AttributeChange {
  name: string;
  value: string;
  type: 'update' | 'del' | 'clear';
}

export function diffAttributes(snapshot: AttributeSnapshot, next: ChannelAttributes): AttributeChange[] {
  const prev = snapshot.values;
  const now = new Map(Object.entries(next).map(([k, v]) => [k, v.value]));
  snapshot.values = now;
  if (now.size === 0 && prev.size > 1) return [{ name: '', value: '', type: 'clear' }];
  const changes: AttributeChange[] = [];
  for (const [k, v] of now) if (prev.get(k) !== v) changes.push({ name: k, value: v, type: 'update' });
  for (const [k] of prev) if (!now.has(k)) changes.push({ name: k, value: '', type: 'del' });
  return changes;
}

/** The attributes a member finds on joining, as legacy 'update' changes (web SDK replay). */
export function replayAttributes(snapshot: AttributeSnapshot, current: ChannelAttributes): AttributeChange[] {
  snapshot.values = new Map();
  return diffAttributes(snapshot, current);
}

/**
 * The legacy changes of an operation the server reported: one 'update' per key written (even if
 * its value did not change), one 'del' per key deleted, one 'clear' for a clear (even of one key,
 * or of none). A full replace (`set`, an RTM-only call) is reported as its difference.
 */
export function exactChanges(snapshot: AttributeSnapshot, next: ChannelAttributes, change: WireChange): AttributeChange[] {
  if (change.op === 'set') return diffAttributes(snapshot, next);
  snapshot.values = new Map(Object.entries(next).map(([k, v]) => [k, v.value]));
  if (change.op === 'clear') return [{ name: '', value: '', type: 'clear' }];
  if (change.op === 'del') return change.keys.map((name) => ({ name, value: '', type: 'del' }));
  return Object.keys(change.attrs).map((name) => ({ name, value: next[name]?.value ?? change.attrs[name] ?? '', type: 'update' }));
}
