/**
 * sig2rtm's named extensions to the RTM client, reachable as `client.sig2rtm`. They exist because
 * the legacy Signaling API can do things RTM 1.x cannot; code that may run on the official SDK
 * detects them (`client.sig2rtm?.sendChannelMessage`) and emulates when absent.
 */

import { ChannelMessageError, GetMembersError } from '../protocol/codes';
import { isValidId } from '../protocol/limits';
import { errorFor } from './errors';
import type { ClientInternals } from './internals';
import { toWire } from './messages';
import type { RtmMessage } from './types';

export interface Sig2rtmExtensions {
  /** The sig2rtm package version speaking. */
  readonly version: string;
  /** Sends a channel message without being a member (members see a normal ChannelMessage, no join/leave). */
  sendChannelMessage(channelId: string, message: RtmMessage): Promise<void>;
  /** A channel's member list without joining it (at most 512). */
  getChannelMembers(channelId: string): Promise<string[]>;
}

export const SIG2RTM_VERSION = '0.1.0';

export function makeExtensions(c: ClientInternals): Sig2rtmExtensions {
  return {
    version: SIG2RTM_VERSION,
    async sendChannelMessage(channelId, message) {
      const wire = toWire(message, c.limits.messageBytes);
      if (typeof wire === 'string') throw errorFor(ChannelMessageError, ChannelMessageError.INVALID_MESSAGE, wire);
      if (!isValidId(channelId)) throw errorFor(ChannelMessageError, ChannelMessageError.INVALID_MESSAGE, 'channelId is invalid');
      c.requireLoggedIn(ChannelMessageError, ChannelMessageError.USER_NOT_LOGGED_IN);
      if (!c.takeSend()) throw errorFor(ChannelMessageError, ChannelMessageError.TOO_OFTEN, 'at most 180 messages per 3 s');
      await c.call('chmsgOut', { t: 'chmsgOut', ch: channelId, msg: wire }, ChannelMessageError, ChannelMessageError.TIMEOUT);
    },
    async getChannelMembers(channelId) {
      if (!isValidId(channelId)) throw errorFor(GetMembersError, GetMembersError.FAILURE, 'channelId is invalid');
      c.requireLoggedIn(GetMembersError, GetMembersError.USER_NOT_LOGGED_IN);
      const { uids } = await c.call('membersOut', { t: 'membersOut', ch: channelId }, GetMembersError, GetMembersError.TIMEOUT);
      return uids;
    },
  };
}
