/**
 * One row per legacy callback: where it comes from in RTM, the kind of mapping, what differs, and
 * the reference. Complete by construction over ICallBack; MIGRATION.md is rendered from it.
 */

import type { CallbackName } from '../legacy-api/native/callback';
import type { MappingRow } from './rows';

const L = 'legacy-signaling.md';
const S = 'seeds';

export const CALLBACKS = {
  onReconnecting: {
    rtm: ["ConnectionStateChanged('RECONNECTING', 'INTERRUPTED')", 'ReconnectAttempt (sig2rtm)'],
    kind: 'emulated',
    difference: "Once per reconnection attempt with its number (1, 2, 3, …; restarting after each return), from sig2rtm's client event ReconnectAttempt; RTM reports a state, not attempts (on another RTM client: once per outage). Past login2's retry_count / retry_time_in_s (web: reconnect_count / reconnect_time) onLogout(102) ends it. A closed connection is noticed at once; a silently dead one (cable pulled, no close) after twice the server's `timings.idlePingMs` without a server ping: 20 s by default, where RTM took about 4 s. The server pings idle clients that rarely to keep 10,000 idle logins cheap; set `timings.idlePingMs` to 2000 for RTM's timing (five times the idle cost).",
    reference: `${L} §3.3; rtm-1x.md §7, §8.1`,
  },
  onReconnected: {
    rtm: ["ConnectionStateChanged('CONNECTED', 'LOGIN_SUCCESS')"],
    kind: 'emulated',
    difference: 'fd is 0.',
    reference: `${L} §3.3`,
  },
  onLoginSuccess: {
    rtm: ['RtmClient.login() resolves'],
    kind: 'adapted',
    difference: 'uid is a stable number per account (compat uids), fd 0.',
    reference: `${S}: Login & Logout; ${L} §10`,
  },
  onLogout: {
    rtm: ['RtmClient.logout()', "ConnectionStateChanged('ABORTED', reason)"],
    kind: 'adapted',
    difference: '101 after logout, 103 when the same account logs in elsewhere (REMOTE_LOGIN), 105 when the token expired, 102 when the connection is lost for good, 108 when not logged in.',
    reference: `${S}: Login & Logout; ${L} §6`,
  },
  onLoginFailed: {
    rtm: ['RtmClient.login() rejects'],
    kind: 'adapted',
    difference: 'RTM login codes map to 2xx: expired token 204, bad token 206, network 201, rejected 202, bad account 209.',
    reference: `${S}: Login & Logout; ${L} §6`,
  },
  onChannelJoined: { rtm: ['RtmChannel.join() resolves'], kind: 'direct', difference: '—', reference: `${S}: Joining or Leaving a Channel` },
  onChannelJoinFailed: {
    rtm: ['RtmChannel.join() rejects'],
    kind: 'adapted',
    difference: 'Every RTM join error is 300 (JOINCHANNEL_E_OTHER).',
    reference: `${S}: Joining or Leaving a Channel; ${L} §6`,
  },
  onChannelLeaved: {
    rtm: ['RtmChannel.leave() resolves'],
    kind: 'adapted',
    difference: 'ecode 0 (the web SDK passed 0); 600 when not in that channel.',
    reference: `${S}: Joining or Leaving a Channel; ${L} §4.4`,
  },
  onChannelUserJoined: { rtm: ['RtmChannel MemberJoined'], kind: 'direct', difference: 'uid per compat uids.', reference: `${S}: Joining or Leaving a Channel` },
  onChannelUserLeaved: { rtm: ['RtmChannel MemberLeft'], kind: 'direct', difference: 'uid per compat uids.', reference: `${S}: Joining or Leaving a Channel` },
  onChannelUserList: {
    rtm: ['RtmChannel.getMembers()'],
    kind: 'emulated',
    difference: 'RTM pushes no member list on join; sig2rtm asks for it right after the join (at most 200, compat userListLimit).',
    reference: `${S}: Joining or Leaving a Channel, note 3; ${L} §3.3`,
  },
  onChannelQueryUserNumResult: { rtm: ['RtmClient.getChannelMemberCount()'], kind: 'adapted', difference: '500/501 on failure.', reference: `${S}: Retrieving the Number of Users` },
  onChannelQueryUserIsIn: { rtm: ['client.sig2rtm.getChannelMembers()'], kind: 'emulated', difference: 'isIn is 1 or 0.', reference: `${L} §3.3` },
  onChannelAttrUpdated: {
    rtm: ['RtmChannel AttributesUpdated'],
    kind: 'emulated',
    difference: "RTM sends the full map; sig2rtm's server also names the operation (protocol legacy/1), so members get exactly what legacy gave: 'update' per key set, 'del' per key deleted, one 'clear' for channelClearAttr. On another RTM server the difference is reported (a one-key map emptied reads as 'del').",
    reference: `${S}: CHANNEL-ATTRIBUTE OPERATIONS; ${L} §8`,
  },
  onInviteReceived: {
    rtm: ['RtmClient RemoteInvitationReceived'],
    kind: 'adapted',
    difference: 'channelID is the invitation channelId, extra its content.',
    reference: `${S}: Call Invitation`,
  },
  onInviteReceivedByPeer: { rtm: ['LocalInvitation LocalInvitationReceivedByPeer'], kind: 'direct', difference: '—', reference: `${S}: Call Invitation` },
  onInviteAcceptedByPeer: { rtm: ['LocalInvitation LocalInvitationAccepted'], kind: 'adapted', difference: 'extra is the RTM response.', reference: `${S}: Call Invitation` },
  onInviteRefusedByPeer: { rtm: ['LocalInvitation LocalInvitationRefused'], kind: 'adapted', difference: 'extra is the RTM response.', reference: `${S}: Call Invitation` },
  onInviteFailed: {
    rtm: ['LocalInvitation LocalInvitationFailure'],
    kind: 'adapted',
    difference: 'PEER_OFFLINE → 703, PEER_NO_RESPONSE / INVITATION_EXPIRE → 704, NOT_LOGGEDIN → 702, UNKNOWN → 700; extra is {"reason": …}.',
    reference: `${S}: Call Invitation; ${L} §6, §9`,
  },
  onInviteEndByPeer: {
    rtm: ['RemoteInvitation RemoteInvitationCanceled', 'RtmClient CallEndedByPeer (sig2rtm)'],
    kind: 'emulated',
    difference: 'Before accept from the RTM cancel (its content: the extra given to channelInviteEnd, "" by default); after accept, or from the callee, from the legacy end-call, extra verbatim (protocol legacy/1).',
    reference: `${S}: Call Invitation; rtm-1x.md §8.7`,
  },
  onInviteEndByMyself: {
    rtm: ['LocalInvitation LocalInvitationCanceled'],
    kind: 'emulated',
    difference: 'Also after ending an accepted call, which RTM cannot cancel.',
    reference: `${S}: Call Invitation`,
  },
  onInviteMsg: {
    rtm: ['RtmClient MessageFromPeer (call message)'],
    kind: 'emulated',
    difference: 'DTMF travels as a peer call message; msgType "dtmf", extra {"msgtype":"dtmf","msgdata":…}.',
    reference: `${S}: Call Invitation; ${L} §9.3`,
  },
  onMessageSendError: {
    rtm: ['sendMessageToPeer / sendMessage rejects'],
    kind: 'adapted',
    difference: '401 on timeout, 400 otherwise; with compat sendSuccess "peer", also when the peer did not receive it.',
    reference: `${S}: Sending a peer-to-peer message; ${L} §6`,
  },
  onMessageSendProgress: { rtm: ['—'], kind: 'unsupported', difference: 'Undocumented; never fired.', reference: `${L} §3.3` },
  onMessageSendSuccess: {
    rtm: ['sendMessageToPeer / sendMessage resolves'],
    kind: 'adapted',
    difference: 'On server receipt by default (compat sendSuccess); RTM resolves when the server answered and says whether the peer received it.',
    reference: `${S}: Sending a peer-to-peer message, note 2`,
  },
  onMessageAppReceived: { rtm: ['—'], kind: 'unsupported', difference: 'Undocumented; never fired.', reference: `${L} §3.3` },
  onMessageInstantReceive: {
    rtm: ['RtmClient MessageFromPeer'],
    kind: 'adapted',
    difference: 'uid is 0; RAW messages from RTM users arrive as UTF-8 text.',
    reference: `${S}: Sending a peer-to-peer message; ${L} §10`,
  },
  onMessageChannelReceive: {
    rtm: ['RtmChannel ChannelMessage'],
    kind: 'adapted',
    difference: 'The sender gets its own message too (compat echoChannelMessages).',
    reference: `${S}: Sending a channel message, note 3`,
  },
  onLog: { rtm: ['—'], kind: 'emulated', difference: "sig2rtm's own log lines, prefixed [sig2rtm].", reference: `${L} §3.3` },
  onInvokeRet: { rtm: ['(see invoke)'], kind: 'emulated', difference: 'err "" and resp JSON with result "ok" on success.', reference: `${S}: Retrieving a member list; ${L} §7` },
  onMsg: { rtm: ['—'], kind: 'unsupported', difference: 'Undocumented; never fired.', reference: `${L} §3.3` },
  onUserAttrResult: { rtm: ['getUserAttributesByKeys resolves'], kind: 'adapted', difference: 'value "" when unset or the user is offline.', reference: `${S}: user-Attribute Operations` },
  onUserAttrAllResult: { rtm: ['getUserAttributes resolves'], kind: 'adapted', difference: 'value is a JSON object string.', reference: `${S}: user-Attribute Operations` },
  onError: {
    rtm: ['—'],
    kind: 'emulated',
    difference: "name is the operation as the real SDKs named it (query_user_status, channel_join, send_instant_msg, …: see the operation names table); 1003 before login, 1004 for a bad argument, 1005 for one too large, 1001 otherwise.",
    reference: `${L} §3.3, §6`,
  },
  onQueryUserStatusResult: { rtm: ['queryPeersOnlineStatus resolves'], kind: 'adapted', difference: 'status is the string "1" or "0".', reference: `${S}: Querying the online status` },
  onDbg: { rtm: ['—'], kind: 'unsupported', difference: 'Internal; never fired.', reference: `${L} §3.3` },
  onBCCall_result: { rtm: ['—'], kind: 'unsupported', difference: 'Answers bc_call with "not supported".', reference: `${L} §3.3` },
} as const satisfies Record<CallbackName, MappingRow>;
