/**
 * Channels: `channelJoin` (then `onChannelJoined`, `onChannelUserList`, and the existing attributes
 * as 'update'), `channelLeave`, one channel at a time by default (compat `maxChannels`), member
 * counts and "is user in", and channel attributes whose full-map updates become per-key changes.
 */

import { CHANNEL_BINDINGS, bindAll, type ChannelBindingContext } from '../../mapping/bindings';
import { attributeFailure, joinFailure, legacyCode, membersFailure, queryUserNumFailure } from '../../mapping/code-maps';
import { replayAttributes, type AttributeSnapshot } from '../../mapping/emulations/attribute-diff';
import { AgoraECode } from '../../mapping/legacy-codes';
import type { RtmClient } from '../../rtm-core/client/client';
import { isLegacyName } from '../../rtm-core/protocol/legacy-limits';
import { describe, rtmCode, type EngineContext, type JoinedChannel } from './context';

/**
 * channelSetAttr / channelDelAttr / channelClearAttr on RTM, with notification so that members
 * (the writer too) hear it as onChannelAttrUpdated.
 */
export async function writeChannelAttribute(
  client: RtmClient,
  op: 'channelSetAttr' | 'channelDelAttr' | 'channelClearAttr',
  channelId: string,
  key: string,
  value: string,
): Promise<void> {
  const notify = { enableNotificationToChannelMembers: true };
  if (op === 'channelSetAttr') await client.addOrUpdateChannelAttributes(channelId, { [key]: value }, notify);
  else if (op === 'channelDelAttr') await client.deleteChannelAttributesByKeys(channelId, [key], notify);
  else await client.clearChannelAttributes(channelId, notify);
}

/**
 * A channel's member count for legacy, which had no rate limit on it: sig2rtm's server answers
 * outside RTM's one-per-second `getChannelMemberCount` limit (protocol legacy/1).
 */
export function memberCounts(client: RtmClient, channelId: string): Promise<Record<string, number>> {
  return client.sig2rtm ? client.sig2rtm.getChannelMemberCounts([channelId]) : client.getChannelMemberCount([channelId]);
}

export class LegacyChannels {
  constructor(private readonly ctx: EngineContext) {}

  /**
   * `rejoinSucceeds`: joining the channel this login is already in reports a fresh join (joined,
   * user list, attributes) instead of failing — the web flavour's choice, see Session.channelJoin.
   */
  async join(channelId: string, rejoinSucceeds = false): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn('channelJoin');
    if (!client || !ctx.account) return;
    if (!isLegacyName(channelId)) {
      // Refused before anything else, so that a bad name does not cost the current channel.
      ctx.fire('onChannelJoinFailed', channelId, AgoraECode.JOINCHANNEL_E_OTHER);
      return;
    }
    const current = ctx.channels.get(channelId);
    if (current && rejoinSucceeds) {
      ctx.fire('onChannelJoined', channelId);
      await this.reportUsers(current, channelId);
      if (ctx.compat.replayAttributesOnJoin && ctx.channels.get(channelId) === current) {
        for (const [name, value] of current.attributes.values) ctx.fire('onChannelAttrUpdated', channelId, name, value, 'update');
      }
      return;
    }
    if (ctx.compat.maxChannels === 1) {
      for (const other of [...ctx.channels.keys()]) if (other !== channelId) await this.leave(other);
    }
    let entry: JoinedChannel | undefined;
    let initial: AttributeSnapshot['values'] | undefined;
    try {
      const rtm = client.createChannel(channelId);
      const attributes: AttributeSnapshot = { values: new Map() };
      initial = attributes.values;
      const bctx: ChannelBindingContext = { compat: ctx.compat, fire: ctx.fire, uidOf: ctx.uidOf, channelId, self: ctx.account, attributes };
      const unbind = bindAll(rtm, CHANNEL_BINDINGS, bctx, () => ctx.channels.get(channelId) === entry);
      const joined: JoinedChannel = { rtm, attributes, unbind };
      entry = joined;
      if (ctx.channels.has(channelId)) throw Object.assign(new Error('already joined'), { code: 6 });
      ctx.channels.set(channelId, joined);
      await rtm.join();
    } catch (err) {
      if (entry && ctx.channels.get(channelId) === entry) ctx.channels.delete(channelId);
      entry?.unbind();
      ctx.fire('onChannelJoinFailed', channelId, legacyCode(joinFailure, rtmCode(err) ?? 1, AgoraECode.JOINCHANNEL_E_OTHER));
      return;
    }
    ctx.fire('onChannelJoined', channelId);
    await this.reportUsers(entry, channelId);
    await this.reportAttributes(client, entry, channelId, initial);
  }

  /** The emulated `onChannelUserList`: RTM pushes no member list on join. */
  private async reportUsers(entry: JoinedChannel, channelId: string): Promise<void> {
    const ctx = this.ctx;
    let members: string[];
    try {
      members = await entry.rtm.getMembers();
    } catch (err) {
      ctx.log(`user list of ${channelId} unavailable: ${describe(err)}`);
      members = ctx.account ? [ctx.account] : [];
    }
    if (ctx.channels.get(channelId) !== entry) return;
    const list = members.slice(0, ctx.compat.userListLimit);
    ctx.fire('onChannelUserList', list, list.map(ctx.uidOf));
  }

  private async reportAttributes(client: RtmClient, entry: JoinedChannel, channelId: string, initial?: AttributeSnapshot['values']): Promise<void> {
    const ctx = this.ctx;
    try {
      const current = await client.getChannelAttributes(channelId);
      if (ctx.channels.get(channelId) !== entry) return;
      // An AttributesUpdated since the join carried the whole map and was reported: replaying this (maybe older) reply would repeat it.
      if (entry.attributes.values !== initial) return;
      const changes = replayAttributes(entry.attributes, current);
      if (!ctx.compat.replayAttributesOnJoin) return;
      for (const c of changes) ctx.fire('onChannelAttrUpdated', channelId, c.name, c.value, 'update');
    } catch (err) {
      ctx.log(`attributes of ${channelId} unavailable: ${describe(err)}`);
    }
  }

  async leave(channelId: string): Promise<void> {
    const ctx = this.ctx;
    if (!ctx.loggedIn('channelLeave')) return;
    const entry = ctx.channels.get(channelId);
    if (!entry) {
      ctx.fire('onChannelLeaved', channelId, AgoraECode.LEAVECHANNEL_E_OTHER);
      return;
    }
    ctx.channels.delete(channelId);
    entry.unbind();
    await entry.rtm.leave().catch(() => undefined);
    ctx.fire('onChannelLeaved', channelId, AgoraECode.SUCCESS);
  }

  /** Forget every channel (the session ended). */
  dropAll(): void {
    for (const entry of this.ctx.channels.values()) entry.unbind();
    this.ctx.channels.clear();
  }

  async queryUserNum(channelId: string): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn('channelQueryUserNum');
    if (!client) return;
    try {
      const counts = await memberCounts(client, channelId);
      ctx.fire('onChannelQueryUserNumResult', channelId, AgoraECode.SUCCESS, counts[channelId] ?? 0);
    } catch (err) {
      ctx.fire('onChannelQueryUserNumResult', channelId, legacyCode(queryUserNumFailure, rtmCode(err) ?? 1, AgoraECode.QUERYUSERNUM_E_OTHER), 0);
    }
  }

  /** Members of any channel: the joined channel's list, else sig2rtm's extension (no join needed). */
  async members(client: RtmClient, channelId: string): Promise<string[]> {
    const joined = this.ctx.channels.get(channelId);
    if (joined) return joined.rtm.getMembers();
    if (client.sig2rtm) return client.sig2rtm.getChannelMembers(channelId);
    const ch = client.createChannel(channelId);
    await ch.join();
    try {
      return await ch.getMembers();
    } finally {
      await ch.leave().catch(() => undefined);
    }
  }

  async queryUserIsIn(channelId: string, account: string): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn('channelQueryUserIsIn');
    if (!client) return;
    try {
      const members = await this.members(client, channelId);
      ctx.fire('onChannelQueryUserIsIn', channelId, account, members.includes(account) ? 1 : 0);
    } catch (err) {
      ctx.error('channelQueryUserIsIn', legacyCode(membersFailure, rtmCode(err) ?? 1, AgoraECode.GENERAL_E_FAILED), describe(err));
    }
  }

  /** channelSetAttr / channelDelAttr / channelClearAttr: members hear it through onChannelAttrUpdated. */
  async changeAttribute(name: 'channelSetAttr' | 'channelDelAttr' | 'channelClearAttr', channelId: string, key: string, value: string): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn(name);
    if (!client) return;
    try {
      await writeChannelAttribute(client, name, channelId, key, value);
    } catch (err) {
      ctx.error(name, legacyCode(attributeFailure, rtmCode(err) ?? 2, AgoraECode.GENERAL_E_FAILED), describe(err));
    }
  }
}
