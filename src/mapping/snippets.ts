/**
 * Before/after code for the common flows, as data next to the mapping tables: MIGRATION.md renders
 * them (render-migration.ts) and test/unit/mapping/migration.test.ts type-checks every snippet
 * against sig2rtm's own `sig2rtm/legacy` and `sig2rtm/rtm` entry points, so they cannot drift from
 * the API.
 *
 * The legacy side is TypeScript on `sig2rtm/legacy`, whose calls and callbacks are Android's
 * `IAgoraAPI` / `ICallBack` one for one (C++ adds the string lengths). The RTM side is the RTM 1.x
 * Web API (agora-rtm-sdk 1.5.1, or `sig2rtm/rtm`). Snippets after the first assume its `api`, `cb`
 * and `client`; `appId` and `token` are the app's own.
 */

import type { CallbackName } from '../legacy-api/native/callback';
import type { LegacyMethodName } from './methods';

export interface Snippet {
  /** Heading of the flow. */
  title: string;
  /** The legacy methods and callbacks the flow uses: MIGRATION.md links to their rows. */
  rows: readonly (LegacyMethodName | CallbackName)[];
  /** Legacy native code. Import lines are hoisted by the type check. */
  legacy: string;
  /** The same flow on the RTM 1.x Web API. */
  rtm: string;
  /** What to watch for when porting. */
  notes: readonly string[];
}

const code = (...lines: string[]): string => lines.join('\n');

export const SNIPPETS: readonly Snippet[] = [
  {
    title: 'Log in and log out',
    rows: ['AgoraAPI.getInstance', 'callbackSet', 'login2', 'logout', 'onLoginSuccess', 'onLoginFailed', 'onLogout'],
    legacy: code(
      "import { AgoraAPI, type ICallBack } from 'sig2rtm/legacy';",
      '',
      "const api = AgoraAPI.getInstance(appId, { serverUrl: 'ws://127.0.0.1:8080/rtm' });",
      'const cb: ICallBack = {',
      "  onLoginSuccess: (uid, fd) => console.log('logged in', uid),",
      "  onLoginFailed: (ecode) => console.log('login failed', ecode), // 2xx",
      '  onLogout: (ecode) => {',
      "    if (ecode === 103) console.log('logged in elsewhere'); // 101 = we asked, 102 = network, 105 = token expired",
      '  },',
      '};',
      'api.callbackSet(cb);',
      "api.login2(appId, 'alice', token, 0, '', 30, 3); // retry for up to 30 s or 3 tries",
      '// …',
      'api.logout(); // → onLogout(101)',
    ),
    rtm: code(
      "import AgoraRTM, { type RtmError } from 'sig2rtm/rtm'; // or: import AgoraRTM from 'agora-rtm-sdk'",
      '',
      "const client = AgoraRTM.createInstance(appId, { serverUrl: 'ws://127.0.0.1:8080/rtm' });",
      "client.on('ConnectionStateChanged', (state, reason) => {",
      '  if (state === AgoraRTM.ConnectionState.ABORTED && reason === AgoraRTM.ConnectionChangeReason.REMOTE_LOGIN) {',
      "    console.log('logged in elsewhere');",
      '  }',
      '});',
      'try {',
      "  await client.login({ uid: 'alice', token }); // one attempt: retry yourself if you need to",
      "  console.log('logged in');",
      '} catch (err) {',
      "  console.log('login failed', (err as RtmError).code); // LoginError codes, not 2xx",
      '}',
      '// …',
      'await client.logout();',
    ),
    notes: [
      'RTM callbacks become promises: `onLoginSuccess` is `login()` resolving, `onLoginFailed` its rejection; the session ending on its own shows as `ConnectionStateChanged` to `ABORTED`.',
      "RTM has no numeric uid and no `login2` retry loop; `_no_need_token` becomes no token at all (`login({ uid })`).",
      'An expired token: legacy `onLogout(105)`; RTM emits `TokenExpired` and lets you `renewToken()`.',
    ],
  },
  {
    title: 'Send and receive a peer message',
    rows: ['messageInstantSend', 'onMessageSendSuccess', 'onMessageSendError', 'onMessageInstantReceive'],
    legacy: code(
      'cb.onMessageSendSuccess = (msgID) => {}; // the server has it',
      'cb.onMessageSendError = (msgID, ecode) => {}; // 401 timeout, 400 otherwise',
      'cb.onMessageInstantReceive = (account, uid, msg) => {};',
      "api.messageInstantSend('bob', 0, 'hello', 'msg-1');",
    ),
    rtm: code(
      "client.on('MessageFromPeer', (message, peerId) => console.log(peerId, message.text));",
      'try {',
      "  const { hasPeerReceived } = await client.sendMessageToPeer({ text: 'hello' }, 'bob');",
      '  // hasPeerReceived false: bob is offline or did not acknowledge (legacy still reported success)',
      '} catch (err) {',
      '  // (err as RtmError).code is a PeerMessageError: 2 TIMEOUT, 5 TOO_OFTEN, …',
      '}',
    ),
    notes: [
      'There are no message ids in RTM: the promise of each send is its result.',
      'Legacy success meant "the server has it"; RTM also tells you whether the peer received it (`hasPeerReceived`).',
      'RTM messages may be 32 KB (legacy 8 KB), and may be binary (`rawMessage`).',
    ],
  },
  {
    title: 'Join a channel, get its members, send a channel message',
    rows: ['channelJoin', 'channelLeave', 'messageChannelSend', 'onChannelJoined', 'onChannelJoinFailed', 'onChannelUserList', 'onChannelUserJoined', 'onChannelUserLeaved', 'onMessageChannelReceive', 'onChannelLeaved'],
    legacy: code(
      'cb.onChannelJoined = (channelID) => {};',
      'cb.onChannelJoinFailed = (channelID, ecode) => {}; // 300',
      'cb.onChannelUserList = (accounts, uids) => {}; // pushed right after the join',
      'cb.onChannelUserJoined = (account, uid) => {};',
      'cb.onChannelUserLeaved = (account, uid) => {};',
      'cb.onMessageChannelReceive = (channelID, account, uid, msg) => {}; // your own messages too',
      'cb.onChannelLeaved = (channelID, ecode) => {};',
      "api.channelJoin('room'); // leaves the channel you were in",
      "api.messageChannelSend('room', 'hi all', 'msg-2');",
      "api.channelLeave('room');",
    ),
    rtm: code(
      "const channel = client.createChannel('room');",
      "channel.on('MemberJoined', (memberId) => {});",
      "channel.on('MemberLeft', (memberId) => {});",
      "channel.on('ChannelMessage', (message, memberId) => {}); // never your own",
      'await channel.join(); // rejects with a JoinChannelError code',
      'const members = await channel.getMembers(); // nothing is pushed on join: ask',
      "await channel.sendMessage({ text: 'hi all' }); // resolving = onMessageSendSuccess",
      'await channel.leave();',
    ),
    notes: [
      'An `RtmChannel` object per channel carries its own events; up to 20 channels at once (legacy: one).',
      'Members are user ids only; `getMembers()` returns at most 512 of them.',
      'Show your own message in your UI yourself: RTM does not echo it.',
    ],
  },
  {
    title: 'Channel attributes',
    rows: ['channelSetAttr', 'channelDelAttr', 'channelClearAttr', 'onChannelAttrUpdated'],
    legacy: code(
      "cb.onChannelAttrUpdated = (channelID, name, value, type) => {}; // type: 'update', 'del' or 'clear'",
      "api.channelSetAttr('room', 'topic', 'release');",
      "api.channelDelAttr('room', 'topic');",
      "api.channelClearAttr('room');",
    ),
    rtm: code(
      "channel.on('AttributesUpdated', (attributes) => {}); // on the joined channel: the whole map, not one change",
      'const notify = { enableNotificationToChannelMembers: true }; // off by default',
      "await client.addOrUpdateChannelAttributes('room', { topic: 'release' }, notify);",
      "await client.deleteChannelAttributesByKeys('room', ['topic'], notify);",
      "await client.clearChannelAttributes('room', notify);",
      "const current = await client.getChannelAttributes('room'); // { topic: { value, lastUpdateUserId, lastUpdateTs } }",
    ),
    notes: [
      'Members hear about a change only when the writer asks for it (`enableNotificationToChannelMembers`), and then get the full map: compare it with the last one to find the change.',
      'RTM attribute keys are at most 32 bytes, at most 32 attributes per channel; values cannot be empty.',
      'No need to be in the channel to read or write its attributes.',
    ],
  },
  {
    title: 'Call: invite, accept, end',
    rows: ['channelInviteUser2', 'channelInviteAccept', 'channelInviteRefuse', 'channelInviteEnd', 'onInviteReceived', 'onInviteReceivedByPeer', 'onInviteAcceptedByPeer', 'onInviteRefusedByPeer', 'onInviteFailed', 'onInviteEndByPeer', 'onInviteEndByMyself'],
    legacy: code(
      '// caller',
      'cb.onInviteReceivedByPeer = (channelID, account, uid) => {}; // ringing',
      'cb.onInviteAcceptedByPeer = (channelID, account, uid, extra) => {};',
      'cb.onInviteRefusedByPeer = (channelID, account, uid, extra) => {};',
      'cb.onInviteFailed = (channelID, account, uid, ecode, extra) => {}; // 703 offline, 704 no answer',
      "api.channelInviteUser2('call-1', 'bob', JSON.stringify({ video: true }));",
      '// callee',
      "cb.onInviteReceived = (channelID, account, uid, extra) => api.channelInviteAccept(channelID, account, uid, 'ok');",
      'cb.onInviteEndByPeer = (channelID, account, uid, extra) => {};',
      '// either side, at any time',
      'cb.onInviteEndByMyself = (channelID, account, uid) => {};',
      "api.channelInviteEnd('call-1', 'bob', 0);",
    ),
    rtm: code(
      '// caller',
      "const invitation = client.createLocalInvitation('bob');",
      "invitation.channelId = 'call-1';",
      'invitation.content = JSON.stringify({ video: true });',
      "invitation.on('LocalInvitationReceivedByPeer', () => {});",
      "invitation.on('LocalInvitationAccepted', (response) => {});",
      "invitation.on('LocalInvitationRefused', (response) => {});",
      "invitation.on('LocalInvitationFailure', (reason) => {}); // 'PEER_OFFLINE', 'PEER_NO_RESPONSE', …",
      'invitation.send();',
      '// callee',
      "client.on('RemoteInvitationReceived', (remote) => {",
      "  remote.on('RemoteInvitationCanceled', (content) => {});",
      "  remote.response = 'ok';",
      '  remote.accept();',
      '});',
      '// ending: cancel while it rings; after the answer, send the legacy end-call text',
      'if (invitation.state === AgoraRTM.LocalInvitationState.ACCEPTED_BY_REMOTE) {',
      "  await client.sendMessageToPeer({ text: `${AgoraRTM.END_CALL_PREFIX}_call-1_` }, 'bob');",
      '} else {',
      '  invitation.cancel();',
      '}',
    ),
    notes: [
      "`extra` becomes the invitation's `content` (caller) or `response` (callee); the legacy channel id is `invitation.channelId`. Neither side joins that channel: join it yourself, as before.",
      "RTM can only cancel an invitation that is still ringing. To end an accepted call, send the legacy end-call text (`<END_CALL_PREFIX>_<channelId>_<extra>`, no `_` in extra): the RTM SDK sends it as the cancel legacy Signaling understands, and sig2rtm's client reports it to the peer as the `CallEndedByPeer` event.",
      "An invitation nobody answers fails after 60 s (`INVITATION_EXPIRE`, legacy 704); one to a callee who stays offline after 30 s (`PEER_OFFLINE`, legacy 703; sig2rtm's legacy layer waits 20 s, as legacy Signaling did).",
    ],
  },
  {
    title: 'User status and attributes',
    rows: ['queryUserStatus', 'setAttr', 'getAttr', 'getAttrAll', 'getUserAttr', 'getUserAttrAll', 'onQueryUserStatusResult', 'onUserAttrResult', 'onUserAttrAllResult'],
    legacy: code(
      'cb.onQueryUserStatusResult = (name, status) => {}; // "1" online, "0" not',
      'cb.onUserAttrResult = (account, name, value) => {};',
      'cb.onUserAttrAllResult = (account, value) => {}; // a JSON object string',
      "api.queryUserStatus('bob');",
      "api.setAttr('mood', 'busy'); // '' deletes it",
      "api.getAttr('mood');",
      "api.getUserAttrAll('bob');",
    ),
    rtm: code(
      "const online = await client.queryPeersOnlineStatus(['bob', 'carol']); // { bob: true, carol: false }",
      "client.on('PeersOnlineStatusChanged', (statuses) => {}); // or be told: { bob: 'OFFLINE' }",
      "await client.subscribePeersOnlineStatus(['bob']);",
      "await client.addOrUpdateLocalUserAttributes({ mood: 'busy' }); // gone at logout",
      "await client.deleteLocalUserAttributesByKeys(['mood']);",
      "const mine = await client.getUserAttributesByKeys('alice', ['mood']);",
      "const bobs = await client.getUserAttributes('bob'); // rejects (code 6) while bob is offline",
    ),
    notes: [
      'Status answers are booleans, for up to 256 users per call; subscribing gives changes as they happen.',
      "RTM user attributes live as long as the login: set them again after each login (sig2rtm's legacy layer does it for you, compat `userAttributes`).",
      'Attributes of a user who is offline cannot be read in RTM.',
    ],
  },
];
