/**
 * `ICallBack`: the legacy native callback interface (legacy-signaling.md §3.3), with the argument
 * names and order of the SDK headers. Every member is optional: an app implements what it needs,
 * or subclasses `AgoraAPI.CallBack`, whose methods do nothing.
 */

/* eslint-disable @typescript-eslint/no-unused-vars */

export interface ICallBack {
  onReconnecting?(nretry: number): void;
  onReconnected?(fd: number): void;
  onLoginSuccess?(uid: number, fd: number): void;
  onLogout?(ecode: number): void;
  onLoginFailed?(ecode: number): void;
  onChannelJoined?(channelID: string): void;
  onChannelJoinFailed?(channelID: string, ecode: number): void;
  onChannelLeaved?(channelID: string, ecode: number): void;
  onChannelUserJoined?(account: string, uid: number): void;
  onChannelUserLeaved?(account: string, uid: number): void;
  onChannelUserList?(accounts: string[], uids: number[]): void;
  onChannelQueryUserNumResult?(channelID: string, ecode: number, num: number): void;
  onChannelQueryUserIsIn?(channelID: string, account: string, isIn: number): void;
  onChannelAttrUpdated?(channelID: string, name: string, value: string, type: string): void;
  onInviteReceived?(channelID: string, account: string, uid: number, extra: string): void;
  onInviteReceivedByPeer?(channelID: string, account: string, uid: number): void;
  onInviteAcceptedByPeer?(channelID: string, account: string, uid: number, extra: string): void;
  onInviteRefusedByPeer?(channelID: string, account: string, uid: number, extra: string): void;
  onInviteFailed?(channelID: string, account: string, uid: number, ecode: number, extra: string): void;
  onInviteEndByPeer?(channelID: string, account: string, uid: number, extra: string): void;
  onInviteEndByMyself?(channelID: string, account: string, uid: number): void;
  onInviteMsg?(channelID: string, account: string, uid: number, msgType: string, msgData: string, extra: string): void;
  onMessageSendError?(messageID: string, ecode: number): void;
  onMessageSendProgress?(account: string, messageID: string, type: string, info: string): void;
  onMessageSendSuccess?(messageID: string): void;
  onMessageAppReceived?(msg: string): void;
  onMessageInstantReceive?(account: string, uid: number, msg: string): void;
  onMessageChannelReceive?(channelID: string, account: string, uid: number, msg: string): void;
  onLog?(txt: string): void;
  onInvokeRet?(callID: string, err: string, resp: string): void;
  onMsg?(from: string, t: string, msg: string): void;
  onUserAttrResult?(account: string, name: string, value: string): void;
  onUserAttrAllResult?(account: string, value: string): void;
  onError?(name: string, ecode: number, desc: string): void;
  onQueryUserStatusResult?(name: string, status: string): void;
  onDbg?(a: string, b: string): void;
  onBCCall_result?(reason: string, json_ret: string, callID: string): void;
}

/** The name of every callback. */
export type CallbackName = keyof ICallBack;
/** The arguments of a callback. */
export type CallbackArgs<K extends CallbackName> = Parameters<NonNullable<ICallBack[K]>>;

/**
 * The adapter class with empty methods (Android's `AgoraAPI.CallBack`): subclass it and override
 * what you need.
 */
export class CallBack implements Required<ICallBack> {
  onReconnecting(nretry: number): void {}
  onReconnected(fd: number): void {}
  onLoginSuccess(uid: number, fd: number): void {}
  onLogout(ecode: number): void {}
  onLoginFailed(ecode: number): void {}
  onChannelJoined(channelID: string): void {}
  onChannelJoinFailed(channelID: string, ecode: number): void {}
  onChannelLeaved(channelID: string, ecode: number): void {}
  onChannelUserJoined(account: string, uid: number): void {}
  onChannelUserLeaved(account: string, uid: number): void {}
  onChannelUserList(accounts: string[], uids: number[]): void {}
  onChannelQueryUserNumResult(channelID: string, ecode: number, num: number): void {}
  onChannelQueryUserIsIn(channelID: string, account: string, isIn: number): void {}
  onChannelAttrUpdated(channelID: string, name: string, value: string, type: string): void {}
  onInviteReceived(channelID: string, account: string, uid: number, extra: string): void {}
  onInviteReceivedByPeer(channelID: string, account: string, uid: number): void {}
  onInviteAcceptedByPeer(channelID: string, account: string, uid: number, extra: string): void {}
  onInviteRefusedByPeer(channelID: string, account: string, uid: number, extra: string): void {}
  onInviteFailed(channelID: string, account: string, uid: number, ecode: number, extra: string): void {}
  onInviteEndByPeer(channelID: string, account: string, uid: number, extra: string): void {}
  onInviteEndByMyself(channelID: string, account: string, uid: number): void {}
  onInviteMsg(channelID: string, account: string, uid: number, msgType: string, msgData: string, extra: string): void {}
  onMessageSendError(messageID: string, ecode: number): void {}
  onMessageSendProgress(account: string, messageID: string, type: string, info: string): void {}
  onMessageSendSuccess(messageID: string): void {}
  onMessageAppReceived(msg: string): void {}
  onMessageInstantReceive(account: string, uid: number, msg: string): void {}
  onMessageChannelReceive(channelID: string, account: string, uid: number, msg: string): void {}
  onLog(txt: string): void {}
  onInvokeRet(callID: string, err: string, resp: string): void {}
  onMsg(from: string, t: string, msg: string): void {}
  onUserAttrResult(account: string, name: string, value: string): void {}
  onUserAttrAllResult(account: string, value: string): void {}
  onError(name: string, ecode: number, desc: string): void {}
  onQueryUserStatusResult(name: string, status: string): void {}
  onDbg(a: string, b: string): void {}
  onBCCall_result(reason: string, json_ret: string, callID: string): void {}
}
