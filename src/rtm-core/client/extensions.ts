/**
 * sig2rtm's named extensions to the RTM client, reachable as `client.sig2rtm`. They exist because
 * the legacy Signaling API can do things RTM 1.x cannot; code that may run on the official SDK
 * detects them (`client.sig2rtm?.sendChannelMessage`) and emulates when absent.
 */

import {
  AttributeOperationError, ChannelMessageError, GetChannelMemberCountError, GetMembersError, PeerMessageError,
} from '../protocol/codes';
import { PROTOCOL_EXTENSIONS } from '../protocol/frames';
import { isLegacyName, isWireId } from '../protocol/legacy-limits';
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
  /** The protocol extensions this client speaks, by name and version (`{ legacy: 1 }`). */
  readonly extensions: Readonly<Record<string, number>>;
  /** legacy/1: member counts of up to 32 channels, current, outside RTM's one-per-second limit (legacy names allowed). */
  getChannelMemberCounts(channelIds: string[]): Promise<Record<string, number>>;
  /** legacy/1: sets ("" deletes) one attribute of the logged-in account; it outlives the login. */
  setAccountAttribute(name: string, value: string): Promise<void>;
  /** legacy/1: an account's attributes (all, or `keys`), online or not. */
  getAccountAttributes(account: string, keys?: string[]): Promise<Record<string, string>>;
  /**
   * legacy/1: legacy `channelInviteEnd` at any time, with `extra` carried verbatim (the
   * END_CALL_PREFIX text form cannot carry '_'). The peer sees it as the end-call of that channel.
   */
  endCall(peerId: string, channelId: string, extra: string): Promise<void>;
}

export const SIG2RTM_VERSION = '0.1.0';

export function makeExtensions(c: ClientInternals): Sig2rtmExtensions {
  return {
    version: SIG2RTM_VERSION,
    async sendChannelMessage(channelId, message) {
      const wire = toWire(message, c.limits.messageBytes);
      if (typeof wire === 'string') throw errorFor(ChannelMessageError, ChannelMessageError.INVALID_MESSAGE, wire);
      if (!c.validId(channelId)) throw errorFor(ChannelMessageError, ChannelMessageError.INVALID_MESSAGE, 'channelId is invalid');
      c.requireLoggedIn(ChannelMessageError, ChannelMessageError.USER_NOT_LOGGED_IN);
      if (!c.takeSend()) throw errorFor(ChannelMessageError, ChannelMessageError.TOO_OFTEN, 'at most 180 messages per 3 s');
      await c.call('chmsgOut', { t: 'chmsgOut', ch: channelId, msg: wire }, ChannelMessageError, ChannelMessageError.TIMEOUT);
    },
    async getChannelMembers(channelId) {
      if (!c.validId(channelId)) throw errorFor(GetMembersError, GetMembersError.FAILURE, 'channelId is invalid');
      c.requireLoggedIn(GetMembersError, GetMembersError.USER_NOT_LOGGED_IN);
      const { uids } = await c.call('membersOut', { t: 'membersOut', ch: channelId }, GetMembersError, GetMembersError.TIMEOUT);
      return uids;
    },
    extensions: PROTOCOL_EXTENSIONS,
    async getChannelMemberCounts(channelIds) {
      const T = GetChannelMemberCountError;
      if (!Array.isArray(channelIds) || channelIds.length === 0 || !channelIds.every(isWireId)) throw errorFor(T, T.INVALID_ARGUMENT, 'channelIds must be valid names');
      if (channelIds.length > c.limits.countChannelsPerCall) throw errorFor(T, T.EXCEED_LIMIT, `at most ${c.limits.countChannelsPerCall} channels`);
      c.requireLoggedIn(T, T.USER_NOT_LOGGED_IN);
      const { counts } = await c.call('legacyCounts', { t: 'legacyCounts', chs: channelIds }, T, T.TIMEOUT);
      return counts;
    },
    async setAccountAttribute(name, value) {
      const T = AttributeOperationError;
      if (!isLegacyName(name) || typeof value !== 'string') throw errorFor(T, T.INVALID_ARGUMENT, 'name must be 1–128 visible characters, value a string');
      c.requireLoggedIn(T, T.USER_NOT_LOGGED_IN);
      await c.call('legacyUattr', { t: 'legacyUattr', name, value }, T, T.TIMEOUT);
    },
    async getAccountAttributes(account, keys) {
      const T = AttributeOperationError;
      if (!isWireId(account)) throw errorFor(T, T.INVALID_ARGUMENT, 'account is invalid');
      if (keys !== undefined && (!Array.isArray(keys) || keys.length === 0 || !keys.every(isLegacyName))) throw errorFor(T, T.INVALID_ARGUMENT, 'keys must be legacy names');
      c.requireLoggedIn(T, T.USER_NOT_LOGGED_IN);
      const { attrs } = await c.call('legacyUattrGet', { t: 'legacyUattrGet', uid: account, ...(keys ? { keys } : {}) }, T, T.TIMEOUT);
      return attrs;
    },
    async endCall(peerId, channelId, extra) {
      const T = PeerMessageError;
      if (!isWireId(peerId)) throw errorFor(T, T.INVALID_USERID, 'peerId is invalid');
      if (channelId !== '' && !isWireId(channelId)) throw errorFor(T, T.INVALID_MESSAGE, 'channelId is invalid');
      c.requireLoggedIn(T, T.USER_NOT_LOGGED_IN);
      await c.call('peer', { t: 'peer', to: peerId, msg: { type: 'CALL', call: { kind: 'cancel', callId: '0', channelId, extra } } }, T, T.TIMEOUT);
    },
  };
}
