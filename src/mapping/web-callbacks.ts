/**
 * The web flavour's delivery table: each native callback the engine fires becomes a handler call on
 * the web SDK's Session, Channel or Call object, with the web argument shapes (legacy-signaling.md
 * §4.3–4.5). Same engine, same mapping; only the delivery differs.
 */

import type { CallbackArgs, CallbackName } from '../legacy-api/native/callback';

/** An object with handler properties (Session, Channel, Call). */
export type HandlerHost = object;

export interface WebTargets {
  readonly session: HandlerHost;
  /** The Channel object of `channelId` (one per session), if the app has it. */
  channelFor(channelId?: string): HandlerHost | undefined;
  /** The Call object of (channelId, peer), if any. */
  call(channelId: string, peer: string): HandlerHost | undefined;
  /** A new callee-side Call object. */
  incomingCall(channelId: string, peer: string, extra: string): HandlerHost;
  /** Calls a handler property if it is set, at the moment the event fires; app exceptions are caught. */
  fire(host: HandlerHost | undefined, handler: string, args: unknown[]): void;
  /** Per-call callbacks of messageInstantSend / messageChannelSend, by msgID. */
  messageResult(msgID: string, failed: boolean): void;
  /** The callback of an invoke, by callID. */
  invokeResult(callID: string, err: string, resp: string): void;
  /** True when `channelLeave(cb)` registered a callback for this channel (it has now been called). */
  leaveCallback(channelId: string): boolean;
  /** `onLogout(108)`: the web SDK says nothing when logging out while logged out. */
  log(line: string): void;
}

/** The login-failure codes web 1.4 reports; every other failure is LOGIN_E_NET (201) there (legacy-signaling.md §4.3). */
export const WEB_LOGIN_FAILURES: ReadonlySet<number> = new Set([204, 206, 207, 209]);

type Deliver<K extends CallbackName> = (t: WebTargets, ...args: CallbackArgs<K>) => void;

/** Native callbacks the web SDK has; any other is not delivered on web. */
export const WEB_CALLBACKS: { readonly [K in CallbackName]?: Deliver<K> } = {
  onLoginSuccess: (t, uid) => t.fire(t.session, 'onLoginSuccess', [uid]),
  // Web 1.4 maps the server's reason to 207 (kick), 204 (token expired), 206 (other token error) or 209 (wrong account), else 201.
  onLoginFailed: (t, ecode) => t.fire(t.session, 'onLoginFailed', [WEB_LOGIN_FAILURES.has(ecode) ? ecode : 201]),
  onLogout: (t, ecode) => (ecode === 108 ? t.log('logout: not logged in') : t.fire(t.session, 'onLogout', [ecode])),
  onMessageInstantReceive: (t, account, uid, msg) => t.fire(t.session, 'onMessageInstantReceive', [account, uid, msg]),
  onMessageSendSuccess: (t, id) => t.messageResult(id, false),
  onMessageSendError: (t, id) => t.messageResult(id, true),
  onInvokeRet: (t, callID, err, resp) => t.invokeResult(callID, err, resp),
  onChannelJoined: (t, ch) => t.fire(t.channelFor(ch), 'onChannelJoined', []),
  // The web SDK passed the server's error string, not a number.
  onChannelJoinFailed: (t, ch, ecode) => t.fire(t.channelFor(ch), 'onChannelJoinFailed', [`JOINCHANNEL_E_OTHER (${ecode})`]),
  onChannelLeaved: (t, ch) => {
    if (!t.leaveCallback(ch)) t.fire(t.channelFor(ch), 'onChannelLeaved', [0]);
  },
  onChannelUserList: (t, accounts, uids) => t.fire(t.channelFor(), 'onChannelUserList', [accounts.map((a, i) => [a, uids[i] ?? 0])]),
  onChannelUserJoined: (t, account, uid) => t.fire(t.channelFor(), 'onChannelUserJoined', [account, uid]),
  onChannelUserLeaved: (t, account, uid) => t.fire(t.channelFor(), 'onChannelUserLeaved', [account, uid]),
  onChannelAttrUpdated: (t, ch, name, value, type) => t.fire(t.channelFor(ch), 'onChannelAttrUpdated', [name, value, type]),
  onMessageChannelReceive: (t, ch, account, uid, msg) => t.fire(t.channelFor(ch), 'onMessageChannelReceive', [account, uid, msg]),
  onInviteReceived: (t, ch, account, _uid, extra) => t.fire(t.session, 'onInviteReceived', [t.incomingCall(ch, account, extra)]),
  onInviteReceivedByPeer: (t, ch, account) => t.fire(t.call(ch, account), 'onInviteReceivedByPeer', ['']),
  onInviteAcceptedByPeer: (t, ch, account, _uid, extra) => t.fire(t.call(ch, account), 'onInviteAcceptedByPeer', [extra]),
  onInviteRefusedByPeer: (t, ch, account, _uid, extra) => t.fire(t.call(ch, account), 'onInviteRefusedByPeer', [extra]),
  onInviteFailed: (t, ch, account, _uid, _ecode, extra) => t.fire(t.call(ch, account), 'onInviteFailed', [extra]),
  onInviteEndByPeer: (t, ch, account, _uid, extra) => t.fire(t.call(ch, account), 'onInviteEndByPeer', [extra]),
  onInviteEndByMyself: (t, ch, account) => t.fire(t.call(ch, account), 'onInviteEndByMyself', ['']),
  onInviteMsg: (t, ch, account, _uid, _type, _data, extra) => t.fire(t.call(ch, account), 'onInviteMsg', [extra]),
  onLog: (t, txt) => t.log(txt),
  onError: (t, name, ecode, desc) => t.log(`${name} failed (${ecode}): ${desc}`),
};
