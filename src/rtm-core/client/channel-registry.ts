/**
 * The channels a client is in (or joining), by id. RTM allows one joined RtmChannel per id
 * (a second gets ALREADY_JOINED_CHANNEL_OF_SAME_ID). With the `sharedChannels` extension several
 * instances of one id share a single membership: the server sees one member, every instance gets
 * the channel's events, and the membership ends when the last instance leaves. That is what lets
 * legacy-API code and migrated RTM code use the same channel on one login.
 */

import type { RtmChannel } from './channel';

interface Group {
  members: Set<RtmChannel>;
  /** Settles with the member count once the server join is done. */
  joined: Promise<number> | undefined;
}

export class ChannelRegistry {
  private readonly groups = new Map<string, Group>();

  constructor(readonly shared: boolean) {}

  /** Distinct channel ids (what the 20-channel limit counts). */
  get size(): number {
    return this.groups.size;
  }

  instances(channelId: string): RtmChannel[] {
    return [...(this.groups.get(channelId)?.members ?? [])];
  }

  all(): RtmChannel[] {
    return [...this.groups.values()].flatMap((g) => [...g.members]);
  }

  /** Another instance of this id already holds (or is getting) the membership. */
  others(channel: RtmChannel): RtmChannel[] {
    return this.instances(channel.channelId).filter((c) => c !== channel);
  }

  add(channel: RtmChannel): Group {
    let g = this.groups.get(channel.channelId);
    if (!g) {
      g = { members: new Set(), joined: undefined };
      this.groups.set(channel.channelId, g);
    }
    g.members.add(channel);
    return g;
  }

  /** Removes an instance; true when it was the last one of its id (the membership is over). */
  remove(channel: RtmChannel): boolean {
    const g = this.groups.get(channel.channelId);
    if (!g?.members.delete(channel)) return false;
    if (g.members.size > 0) return false;
    this.groups.delete(channel.channelId);
    return true;
  }

  has(channel: RtmChannel): boolean {
    return this.groups.get(channel.channelId)?.members.has(channel) ?? false;
  }
}
