/**
 * Throttled MemberCountUpdated: at most one per interval per channel (1 s up to 512 members, 3 s
 * above), and only when the count actually changed since the last one sent.
 */

import type { Clock, TimerHandle } from '../clock';
import { encodeEvent } from '../protocol/codec';
import type { Bus } from './bus';
import type { StateStore } from './state/store';

interface ChannelCountState {
  lastSent: number | undefined;
  lastSentAt: number;
  timer: TimerHandle | undefined;
}

export class MemberCounts {
  private readonly channels = new Map<string, ChannelCountState>();

  constructor(
    private readonly clock: Clock,
    private readonly store: StateStore,
    private readonly bus: Bus,
    private readonly intervals: { small: number; large: number; threshold: number },
  ) {}

  changed(appId: string, channel: string): void {
    const key = `${appId}\u0000${channel}`;
    let st = this.channels.get(key);
    if (!st) {
      st = { lastSent: undefined, lastSentAt: Number.NEGATIVE_INFINITY, timer: undefined };
      this.channels.set(key, st);
    }
    if (st.timer) return;
    const state = st;
    const wait = Math.max(0, state.lastSentAt + this.intervals.small - this.clock.now());
    state.timer = this.clock.setTimeout(() => {
      this.flush(appId, channel, key, state).catch(() => this.failed(state));
    }, wait);
  }

  private async flush(appId: string, channel: string, key: string, st: ChannelCountState): Promise<void> {
    const count = (await this.store.channelCounts(appId, [channel]))[channel] ?? 0;
    const now = this.clock.now();
    const interval = count > this.intervals.threshold ? this.intervals.large : this.intervals.small;
    if (count > this.intervals.threshold && now - st.lastSentAt < interval) {
      // Large channel: wait out the longer interval.
      st.timer = this.clock.setTimeout(() => void this.flush(appId, channel, key, st).catch(() => this.failed(st)), st.lastSentAt + interval - now);
      return;
    }
    st.timer = undefined;
    if (count === st.lastSent) return;
    st.lastSent = count;
    st.lastSentAt = now;
    if (count === 0) this.channels.delete(key);
    else {
      // Each node tells its own members (a cluster bus has every node recompute on a change).
      const ev = encodeEvent({ e: 'count', ch: channel, n: count });
      if (this.bus.publishToLocalMembers) this.bus.publishToLocalMembers(appId, channel, ev);
      else this.bus.publishToChannel(appId, channel, ev);
    }
  }

  /** The count could not be read (shared state unavailable): the next change tries again. */
  private failed(st: ChannelCountState): void {
    st.timer = undefined;
  }

  close(): void {
    for (const st of this.channels.values()) this.clock.clearTimeout(st.timer);
    this.channels.clear();
  }
}
