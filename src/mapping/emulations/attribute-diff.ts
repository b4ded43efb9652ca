/**
 * RTM's AttributesUpdated carries the whole attribute map; legacy `onChannelAttrUpdated` reported
 * one change at a time. The difference between the last map seen and the new one gives the legacy
 * changes: new or changed keys are 'update', removed keys 'del', and an emptied map 'clear'.
 *
 * The one ambiguity: a map of exactly one key that becomes empty is reported as 'del' of that key
 * (it may have been a clear; legacy apps treat both as "gone").
 */

import type { ChannelAttributes } from '../../rtm-core/client/types';

export interface AttributeSnapshot {
  values: Map<string, string>;
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
