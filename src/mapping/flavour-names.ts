/**
 * How each legacy flavour spells the rows of methods.ts and callbacks.ts: the web SDK's objects
 * (Signal → Session → Channel → Call), their methods and handler properties, and the native
 * factories of the C++ header and the Java jar. The migration tools (`sig2rtm scan`, `sig2rtm
 * migrate`) find legacy code with these names and look its row up in the tables; they keep no list
 * of their own.
 */

import type { CallbackName } from '../legacy-api/native/callback';
import type { LegacyMethodName } from './methods';

/** The web SDK's objects, in the order an app reaches them. */
export type WebObject = 'Signal' | 'Session' | 'Channel' | 'Call';

export interface WebMethod {
  /** The row of methods.ts that describes it. */
  readonly row: LegacyMethodName;
  /** The legacy object it returns, if any. */
  readonly returns?: WebObject;
  /** Its parameters' names (legacy-signaling.md §4), as MIGRATION.md shows the call. */
  readonly params: readonly string[];
}

/** `Signal(appId)` (with or without `new`): the global factory of AgoraSig.js. */
export const WEB_FACTORY = { name: 'Signal', row: 'AgoraAPI.createAgoraSDKInstance', returns: 'Signal', params: ['appId'] } as const satisfies WebMethod & { name: string };

/** Every method of the web objects, by object (legacy-signaling.md §4). */
export const WEB_METHODS = {
  Signal: {
    login: { row: 'login', returns: 'Session', params: ['account', 'token'] },
    getSDKVersion: { row: 'getSdkVersion', params: [] },
    getSDKVersion_int: { row: 'getSdkVersion', params: [] },
    setup_debugging: { row: 'dbg', params: ['kind', 'arg'] },
    setUpDebugging: { row: 'dbg', params: ['kind', 'arg'] },
  },
  Session: {
    logout: { row: 'logout', params: [] },
    getStatus: { row: 'getStatus', params: [] },
    messageInstantSend: { row: 'messageInstantSend', params: ['peer', 'msg', 'cb'] },
    invoke: { row: 'invoke', params: ['func', 'args', 'cb'] },
    channelJoin: { row: 'channelJoin', returns: 'Channel', params: ['name'] },
    channelInviteUser2: { row: 'channelInviteUser2', returns: 'Call', params: ['channelID', 'peer', 'extra'] },
  },
  Channel: {
    messageChannelSend: { row: 'messageChannelSend', params: ['msg', 'cb'] },
    channelLeave: { row: 'channelLeave', params: ['cb'] },
    channelSetAttr: { row: 'channelSetAttr', params: ['name', 'value', 'cb'] },
    channelDelAttr: { row: 'channelDelAttr', params: ['name', 'cb'] },
    channelClearAttr: { row: 'channelClearAttr', params: ['cb'] },
  },
  Call: {
    channelInviteUser2: { row: 'channelInviteUser2', params: [] },
    channelInviteAccept: { row: 'channelInviteAccept', params: ['extra'] },
    channelInviteRefuse: { row: 'channelInviteRefuse', params: ['extra'] },
    channelInviteEnd: { row: 'channelInviteEnd', params: ['extra'] },
    channelInviteDTMF: { row: 'channelInviteDTMF', params: ['dtmf'] },
  },
} as const satisfies Record<WebObject, Record<string, WebMethod>>;

export interface WebHandler {
  /** The row of callbacks.ts that describes it. */
  readonly row: CallbackName;
  /** The legacy object the handler's first argument is, if any (`onInviteReceived(call)`). */
  readonly argument?: WebObject;
}

/** The handler properties of the web objects (apps assign functions to them). */
export const WEB_HANDLERS = {
  Signal: {},
  Session: {
    onLoginSuccess: { row: 'onLoginSuccess' },
    onLoginFailed: { row: 'onLoginFailed' },
    onLogout: { row: 'onLogout' },
    onMessageInstantReceive: { row: 'onMessageInstantReceive' },
    onInviteReceived: { row: 'onInviteReceived', argument: 'Call' },
    onError: { row: 'onError' },
  },
  Channel: {
    onChannelJoined: { row: 'onChannelJoined' },
    onChannelJoinFailed: { row: 'onChannelJoinFailed' },
    onChannelLeaved: { row: 'onChannelLeaved' },
    onChannelUserList: { row: 'onChannelUserList' },
    onChannelUserJoined: { row: 'onChannelUserJoined' },
    onChannelUserLeaved: { row: 'onChannelUserLeaved' },
    onChannelAttrUpdated: { row: 'onChannelAttrUpdated' },
    onMessageChannelReceive: { row: 'onMessageChannelReceive' },
  },
  Call: {
    onInviteReceivedByPeer: { row: 'onInviteReceivedByPeer' },
    onInviteAcceptedByPeer: { row: 'onInviteAcceptedByPeer' },
    onInviteRefusedByPeer: { row: 'onInviteRefusedByPeer' },
    onInviteFailed: { row: 'onInviteFailed' },
    onInviteEndByPeer: { row: 'onInviteEndByPeer' },
    onInviteEndByMyself: { row: 'onInviteEndByMyself' },
    onInviteMsg: { row: 'onInviteMsg' },
  },
} as const satisfies Record<WebObject, Record<string, WebHandler>>;

/**
 * The factories of the native SDKs (legacy-native-interfaces.md §3.1, §4.1), as `Class.method` or a
 * bare function, with the row they correspond to. Every other native method and callback has the
 * name of its row.
 */
export const NATIVE_FACTORIES = {
  'AgoraAPI.getInstance': 'AgoraAPI.getInstance',
  'AgoraAPI.createAgoraSDKInstance': 'AgoraAPI.createAgoraSDKInstance',
  'AgoraAPIOnlySignal.getInstance': 'AgoraAPI.getInstance',
  'AgoraAPIOnlySignal.createAgoraSDKInstance': 'AgoraAPI.createAgoraSDKInstance',
  'AgoraAPI.getInstanceWithKey': 'AgoraAPI.getInstance',
  'AgoraAPI.getInstanceWithMedia': 'AgoraAPI.getInstance',
  getAgoraSDKInstance: 'AgoraAPI.getInstance',
  createAgoraSDKInstance: 'AgoraAPI.createAgoraSDKInstance',
  getAgoraSDKInstanceCPP: 'AgoraAPI.getInstance',
  createAgoraSDKInstanceCPP: 'AgoraAPI.createAgoraSDKInstance',
  getAgoraSDKInstanceC: 'AgoraAPI.getInstance',
  createAgoraSDKInstanceC: 'AgoraAPI.createAgoraSDKInstance',
  getAgoraSDKInstanceWin: 'AgoraAPI.getInstance',
  createAgoraSDKInstanceWin: 'AgoraAPI.createAgoraSDKInstance',
} as const satisfies Record<string, LegacyMethodName>;

/**
 * The legacy SDK's own files as apps vendor them (`AgoraSig-1.4.0.js`, `AgoraSig.min.js`): its
 * internals are not the app's uses, so a scan of a directory passes them by.
 */
export const LEGACY_SDK_FILE = /^AgoraSig[\w.-]*\.js$/i;
