/**
 * One row per legacy native method: its RTM counterpart, the kind of mapping, what differs, and the
 * reference. Complete by construction over AgoraAPI's public methods; MIGRATION.md is rendered from it.
 */

import type { AgoraAPI } from '../legacy-api/native/agora-api';
import type { MappingRow } from './rows';

type MethodsOf<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];
/** Every public AgoraAPI method except sig2rtm's own `getRtmClient`, plus the two factories. */
export type LegacyMethodName = Exclude<MethodsOf<AgoraAPI>, 'getRtmClient'> | 'AgoraAPI.getInstance' | 'AgoraAPI.createAgoraSDKInstance';

const L = 'legacy-signaling.md';
const S = 'seeds';

// Made by a function marked pure: the rows interpolate `L` / `S`, which a bundler cannot prove
// side-effect free, so an unannotated literal would stay in every bundle (even one with only `Signal`).
export const METHODS = /* @__PURE__ */ (() => ({
  'AgoraAPI.getInstance': {
    rtm: ['AgoraRTM.createInstance'],
    kind: 'adapted',
    difference: 'One shared instance per appId; options add `serverUrl` and `compat`. RTM creates as many clients as asked.',
    reference: `${S}: Login & Logout; ${L} §3.1`,
  },
  'AgoraAPI.createAgoraSDKInstance': {
    rtm: ['AgoraRTM.createInstance'],
    kind: 'direct',
    difference: 'A new instance each time, as RTM.',
    reference: `${S}: Login & Logout; ${L} §3.1`,
  },
  callbackSet: {
    rtm: ["client.on('…')"],
    kind: 'adapted',
    difference: 'One callback object receives everything; RTM has an event emitter per object (client, channel, invitation).',
    reference: `${S}: Login & Logout`,
  },
  callbackGet: { rtm: ['—'], kind: 'direct', difference: 'Returns the object given to callbackSet.', reference: `${L} §3.2` },
  login: {
    rtm: ['RtmClient.login'],
    kind: 'adapted',
    difference: 'As login2 with the documented defaults (30 s, 3 tries). `uid` and `deviceID` are ignored; `_no_need_token` means no token. Ignored while logged in. Accounts are legacy names end to end (protocol legacy/1): up to 128 visible characters, any script (`张三`), no whitespace, else onLoginFailed(209); RTM users see them as given. Any appId goes to the server, which decides (`--dev` takes any).',
    reference: `${S}: Login & Logout; ${L} §3.2, §11`,
  },
  login2: {
    rtm: ['RtmClient.login'],
    kind: 'emulated',
    difference: 'RTM logs in once; sig2rtm retries network failures until retry_time_in_s or retry_count runs out, then onLoginFailed. The same limits bound reconnection after a drop: onReconnecting(n) per attempt, and past either limit onLogout(102). RTM tokens (006/007) and legacy tokens (1:…) both work if the server knows the certificate.',
    reference: `${S}: Login & Logout; ${L} §3.2, §12`,
  },
  logout: {
    rtm: ['RtmClient.logout'],
    kind: 'adapted',
    difference: 'onLogout(101) after a logout; onLogout(108) if not logged in; cancelling a login in progress is silent.',
    reference: `${S}: Login & Logout; ${L} §4.3`,
  },
  getStatus: {
    rtm: ['ConnectionStateChanged'],
    kind: 'emulated',
    difference: 'Derived from RTM connection states: DISCONNECTED/ABORTED → 0, CONNECTING → 1, CONNECTED → 2, RECONNECTING → 3.',
    reference: `${S}: Login & Logout; ${L} §5`,
  },
  isOnline: { rtm: ['ConnectionStateChanged'], kind: 'emulated', difference: 'True when getStatus() is 2.', reference: `${L} §3.2` },
  destroy: {
    rtm: ['RtmClient.logout', 'removeAllListeners'],
    kind: 'adapted',
    difference: 'Logs out if needed and releases the client.',
    reference: `${S}: Login & Logout`,
  },
  destory: {
    rtm: ['RtmClient.logout', 'removeAllListeners'],
    kind: 'adapted',
    difference: 'The older generation\'s spelling (Android jar, iOS 1.2, Windows header): the same as destroy().',
    reference: `${L} §3.2`,
  },
  getSdkVersion: { rtm: ['AgoraRTM.VERSION'], kind: 'adapted', difference: 'Answers 1010400000 (legacy 1.4.0).', reference: `${L} §3.2, §12` },
  messageInstantSend: {
    rtm: ['RtmClient.sendMessageToPeer'],
    kind: 'adapted',
    difference: 'Success when the server has the message (compat sendSuccess); msgID echoed, generated when "". Messages up to 32 KB (legacy 8 KB).',
    reference: `${S}: Sending a peer-to-peer message; ${L} §10`,
  },
  messageInstantSend2: { rtm: ['RtmClient.sendMessageToPeer'], kind: 'adapted', difference: 'Undocumented; as messageInstantSend, options ignored.', reference: `${L} §3.2` },
  messageChannelSend: {
    rtm: ['RtmChannel.sendMessage'],
    kind: 'adapted',
    difference: 'The sender gets its own message too (compat echoChannelMessages). Must be in the channel.',
    reference: `${S}: Sending a channel message; ${L} §3.2`,
  },
  messageChannelSend2: { rtm: ['RtmChannel.sendMessage'], kind: 'adapted', difference: 'Undocumented; as messageChannelSend, extra ignored.', reference: `${L} §3.2` },
  messageChannelSendForce: {
    rtm: ['client.sig2rtm.sendChannelMessage'],
    kind: 'emulated',
    difference: 'RTM cannot send to a channel from outside; sig2rtm has a server extension for it (no join/leave seen by members). On another RTM server it falls back to join, send, leave.',
    reference: `${S}: Sending a channel message; ${L} §3.2`,
  },
  messageAppSend: { rtm: ['—'], kind: 'unsupported', difference: 'Undocumented; onError(1001) and onMessageSendError(400).', reference: `${L} §3.2` },
  messagePushSend: { rtm: ['—'], kind: 'unsupported', difference: 'Undocumented; onError(1001) and onMessageSendError(400).', reference: `${L} §3.2` },
  messageChatSend: { rtm: ['—'], kind: 'unsupported', difference: 'Undocumented; onError(1001) and onMessageSendError(400).', reference: `${L} §3.2` },
  messageDTMFSend: { rtm: ['—'], kind: 'unsupported', difference: 'Deprecated; use channelInviteDTMF. onError(1001) and onMessageSendError(400).', reference: `${L} §3.2` },
  queryUserStatus: {
    rtm: ['RtmClient.queryPeersOnlineStatus'],
    kind: 'adapted',
    difference: 'RTM queries many users at once and answers booleans; the callback gets "1" or "0".',
    reference: `${S}: Querying the online status; ${L} §3.2`,
  },
  setAttr: {
    rtm: ['RtmClient.addOrUpdateLocalUserAttributes'],
    kind: 'adapted',
    difference: 'The attribute belongs to the account, in the durable store (protocol legacy/1; compat userAttributes): it outlives the login and is readable by anyone. Names up to 128 visible characters, values up to 8096; an empty value deletes it. RTM clients read them with getUserAttributes (while the user is online) or client.sig2rtm.getAccountAttributes.',
    reference: `${S}: user-Attribute Operations; ${L} §3.2`,
  },
  getAttr: {
    rtm: ['RtmClient.getUserAttributesByKeys'],
    kind: 'adapted',
    difference: 'onUserAttrResult(account, name, value); "" when unset.',
    reference: `${S}: user-Attribute Operations`,
  },
  getAttrAll: {
    rtm: ['RtmClient.getUserAttributes'],
    kind: 'adapted',
    difference: 'onUserAttrAllResult(account, json) with a JSON object of all attributes.',
    reference: `${S}: user-Attribute Operations`,
  },
  getUserAttr: {
    rtm: ['RtmClient.getUserAttributesByKeys'],
    kind: 'adapted',
    difference: 'The account\'s attribute, online or not (protocol legacy/1; compat userAttributes). On another RTM server: "" for a user who is not online.',
    reference: `${L} §3.2; rtm-1x.md §8.5`,
  },
  getUserAttrAll: {
    rtm: ['RtmClient.getUserAttributes'],
    kind: 'adapted',
    difference: 'The account\'s attributes, online or not (protocol legacy/1; compat userAttributes), over the user\'s live RTM ones. On another RTM server: "{}" for a user who is not online.',
    reference: `${S}: user-Attribute Operations; rtm-1x.md §8.5`,
  },
  channelJoin: {
    rtm: ['RtmClient.createChannel', 'RtmChannel.join'],
    kind: 'emulated',
    difference: 'After onChannelJoined, sig2rtm sends onChannelUserList (from getMembers) and the existing attributes as updates. One channel at a time (compat maxChannels). Channel names are legacy names (protocol legacy/1): up to 128 visible characters, any script (`频道`), else onChannelJoinFailed(300); official RTM clients cannot join a channel whose name is outside RTM\'s ID rule.',
    reference: `${S}: Joining or Leaving a Channel; ${L} §3.3, §4.4`,
  },
  channelLeave: {
    rtm: ['RtmChannel.leave'],
    kind: 'adapted',
    difference: 'onChannelLeaved(channelID, 0); 600 if not in that channel.',
    reference: `${S}: Joining or Leaving a Channel`,
  },
  channelQueryUserNum: {
    rtm: ['RtmClient.getChannelMemberCount'],
    kind: 'adapted',
    difference: 'A current count every time: sig2rtm\'s server answers outside RTM\'s one-per-second getChannelMemberCount limit (protocol legacy/1, server option rates.legacyCounts, 50 per second); on another RTM server a second query within a second fails with 500.',
    reference: `${S}: Retrieving the Number of Users; rtm-1x.md §6.3`,
  },
  channelQueryUserIsIn: {
    rtm: ['client.sig2rtm.getChannelMembers'],
    kind: 'emulated',
    difference: 'RTM lists members only of a joined channel; sig2rtm has a server extension that lists any channel.',
    reference: `${L} §3.2`,
  },
  channelSetAttr: {
    rtm: ['RtmClient.addOrUpdateChannelAttributes'],
    kind: 'adapted',
    difference: 'With enableNotificationToChannelMembers, so that members (the writer too) get onChannelAttrUpdated. Names up to 128 visible characters in any script (protocol legacy/1; RTM keys ≤ 32 bytes of ASCII); ≤ 32 attributes, ≤ 8 KB a value, ≤ 32 KB in all (legacy documented no count limit).',
    reference: `${S}: CHANNEL-ATTRIBUTE OPERATIONS; ${L} §8`,
  },
  channelDelAttr: {
    rtm: ['RtmClient.deleteChannelAttributesByKeys'],
    kind: 'adapted',
    difference: "Members get onChannelAttrUpdated(…, name, '', 'del'): the server names the operation (protocol legacy/1).",
    reference: `${S}: CHANNEL-ATTRIBUTE OPERATIONS; ${L} §8`,
  },
  channelClearAttr: {
    rtm: ['RtmClient.clearChannelAttributes'],
    kind: 'adapted',
    difference: "Members get onChannelAttrUpdated(channelID, '', '', 'clear'), even when one key (or none) was set: the server names the operation (protocol legacy/1); on another RTM server a one-key map emptied reads as 'del'.",
    reference: `${S}: CHANNEL-ATTRIBUTE OPERATIONS; ${L} §8`,
  },
  channelInviteUser: {
    rtm: ['RtmClient.createLocalInvitation', 'LocalInvitation.send'],
    kind: 'adapted',
    difference: 'As channelInviteUser2 with an empty extra.',
    reference: `${S}: Call Invitation`,
  },
  channelInviteUser2: {
    rtm: ['RtmClient.createLocalInvitation', 'LocalInvitation.send'],
    kind: 'adapted',
    difference: 'extra travels as the invitation content, channelID as its channelId. `_timeout` and `_require_peer_online` are honoured. The callee must be online within 20 s.',
    reference: `${S}: Call Invitation; ${L} §9`,
  },
  channelInviteAccept: {
    rtm: ['RemoteInvitation.accept'],
    kind: 'adapted',
    difference: 'extra travels as the RTM response.',
    reference: `${S}: Call Invitation`,
  },
  channelInviteRefuse: {
    rtm: ['RemoteInvitation.refuse'],
    kind: 'adapted',
    difference: 'extra travels as the RTM response.',
    reference: `${S}: Call Invitation`,
  },
  channelInviteEnd: {
    rtm: ['LocalInvitation.cancel', 'END_CALL_PREFIX message'],
    kind: 'emulated',
    difference: 'Before an answer: an RTM cancel whose content is the extra given ("" on native), not the invitation\'s. After accept, or by the callee: the legacy end-call (an invitation cancel with callId "0"), extra verbatim through sig2rtm\'s server (client.sig2rtm.endCall); the RTM text form (END_CALL_PREFIX) cannot carry \'_\'. An official RTM 1.x app shows nothing for an end after accept (its invitation is over); sig2rtm\'s RTM client adds the event CallEndedByPeer.',
    reference: `${S}: Call Invitation, note 4; rtm-1x.md §8.7`,
  },
  channelInviteDTMF: {
    rtm: ['RtmClient.sendMessageToPeer'],
    kind: 'emulated',
    difference: 'A call message (`Sig2rtmCallMessage:` + JSON) that the peer gets as onInviteMsg(…, "dtmf", digits, extra).',
    reference: `${S}: Call Invitation; ${L} §9.3`,
  },
  channelInvitePhone: { rtm: ['—'], kind: 'unsupported', difference: 'PSTN was not carried into RTM: onError(1001) and onInviteFailed(700).', reference: `${L} §9.4` },
  channelInvitePhone2: { rtm: ['—'], kind: 'unsupported', difference: 'PSTN was not carried into RTM: onError(1001) and onInviteFailed(700).', reference: `${L} §9.4` },
  channelInvitePhone3: { rtm: ['—'], kind: 'unsupported', difference: 'PSTN was not carried into RTM: onError(1001) and onInviteFailed(700).', reference: `${L} §9.4` },
  invoke: {
    rtm: ['RtmChannel.getMembers', 'getChannelMemberCount', 'queryPeersOnlineStatus', 'attributes'],
    kind: 'emulated',
    difference: 'The eleven io.agora.signal.* RPCs run on RTM calls; resp is JSON with result "ok". Other names answer err "unknown function".',
    reference: `${S}: Retrieving a member list; ${L} §7`,
  },
  bc_call: { rtm: ['—'], kind: 'unsupported', difference: 'Internal; onBCCall_result("not supported: …").', reference: `${L} §3.2` },
  setBackground: { rtm: ['—'], kind: 'unsupported', difference: 'Internal knob; ignored (logged).', reference: `${L} §3.2` },
  setNetworkStatus: { rtm: ['—'], kind: 'unsupported', difference: 'Internal knob; ignored (logged).', reference: `${L} §3.2` },
  ping: { rtm: ['—'], kind: 'unsupported', difference: 'Internal; RTM keeps its connection alive itself. Ignored (logged).', reference: `${L} §3.2` },
  start: { rtm: ['—'], kind: 'unsupported', difference: 'Internal; ignored (logged).', reference: `${L} §3.2` },
  stop: { rtm: ['—'], kind: 'unsupported', difference: 'Internal; ignored (logged).', reference: `${L} §3.2` },
  dbg: { rtm: ['—'], kind: 'unsupported', difference: 'Internal test switches; ignored (logged).', reference: `${L} §3.2` },
}) as const satisfies Record<LegacyMethodName, MappingRow>)();
