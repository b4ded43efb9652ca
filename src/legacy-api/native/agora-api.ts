/**
 * `AgoraAPI`: the legacy Signaling native API (`IAgoraAPI` / `AgoraAPIOnlySignal`), method for
 * method, on sig2rtm's RTM core. Every method returns at once and reports through the ICallBack
 * set with `callbackSet`; none throws into the app. Bad arguments and calls before login give
 * `onError(name, ecode, desc)`; an exception thrown by the app's own callback is caught and logged.
 */

import AgoraRTM from '../../rtm';
import type { RtmClient } from '../../rtm-core/client/client';
import type { Fire } from '../../mapping/bindings';
import { AgoraECode } from '../../mapping/legacy-codes';
import { LegacyEngine, type ClientFactory, type LegacyOptions } from '../engine/engine';
import { LOGIN_RETRY_DEFAULTS } from '../engine/session';
import { CallBack, type CallbackArgs, type CallbackName, type ICallBack } from './callback';

/** What `getSdkVersion()` answers: legacy 1.4.0's integer form. */
export const LEGACY_SDK_VERSION = 1010400000;

const defaultFactory: ClientFactory = (appId, config) => AgoraRTM.createInstance(appId, config);

export interface AgoraAPIOptions extends LegacyOptions {
  /** Build the RtmClient another way (for example on the official agora-rtm-sdk). */
  createClient?: ClientFactory;
}

const singletons = new Map<string, AgoraAPI>();

export class AgoraAPI {
  /**
   * The adapter with empty methods, to subclass (Android's `AgoraAPI.CallBack`). A getter, not a
   * static field: an ES2015 bundle turns the field into a top-level assignment that keeps the whole
   * native class in a bundle that imports only `Signal`.
   */
  static get CallBack(): typeof CallBack {
    return CallBack;
  }

  /** The process-wide instance for `appId` (Android `getInstance`, C++ `getAgoraSDKInstance…`). */
  static getInstance(appId = '', options: AgoraAPIOptions = {}): AgoraAPI {
    let api = singletons.get(appId);
    if (!api) {
      api = new AgoraAPI(appId, options);
      singletons.set(appId, api);
    }
    return api;
  }

  /** A new, independent instance (Android `createAgoraSDKInstance`). */
  static createAgoraSDKInstance(appId = '', options: AgoraAPIOptions = {}): AgoraAPI {
    return new AgoraAPI(appId, options);
  }

  private callback: ICallBack | undefined;
  private readonly engine: LegacyEngine;

  private constructor(
    private readonly appId: string,
    options: AgoraAPIOptions,
  ) {
    const fire: Fire = (name, ...args) => this.deliver(name, args);
    this.engine = new LegacyEngine(fire, options, options.createClient ?? defaultFactory, appId === '' ? undefined : appId);
  }

  private deliver<K extends CallbackName>(name: K, args: CallbackArgs<K>): void {
    const cb = this.callback;
    const fn = cb?.[name] as ((...a: unknown[]) => void) | undefined;
    if (typeof fn !== 'function') return;
    try {
      fn.apply(cb, args);
    } catch (err) {
      // The app's own exception: it must not break the SDK (legacy SDKs caught these too).
      console.error(`[sig2rtm] exception in ${name}:`, err);
      if (name !== 'onLog') this.deliver('onLog', [`[sig2rtm] exception in ${name}: ${String(err)}`]);
    }
  }

  /** Runs an operation; whatever goes wrong becomes `onError(name, GENERAL_E_FAILED)`. */
  private run(name: string, op: () => Promise<void> | void): void {
    const fail = (err: unknown) => this.engine.ctx.error(name, AgoraECode.GENERAL_E_FAILED, err instanceof Error ? err.message : String(err));
    try {
      const p = op();
      if (p) p.catch(fail);
    } catch (err) {
      fail(err);
    }
  }

  /** False (after `onError(name, GENERAL_E_WRONG_PARAM)`) unless every value is a string. */
  private strings(name: string, values: Record<string, unknown>): boolean {
    for (const [param, v] of Object.entries(values)) {
      if (typeof v !== 'string') {
        this.engine.ctx.error(name, AgoraECode.GENERAL_E_WRONG_PARAM, `${param} must be a string`);
        return false;
      }
    }
    return true;
  }

  // ---- instance -------------------------------------------------------------------------------

  callbackSet(callback: ICallBack | null | undefined): void {
    this.callback = callback ?? undefined;
  }

  callbackGet(): ICallBack | undefined {
    return this.callback;
  }

  /** sig2rtm extension: the RtmClient under this instance, for migrating code to the RTM API on the same login. */
  getRtmClient(): RtmClient | undefined {
    return this.engine.client;
  }

  destroy(): void {
    this.run('destroy', async () => {
      await this.engine.destroy();
      if (singletons.get(this.appId) === this) singletons.delete(this.appId);
    });
  }

  /** The teardown as the Android jar, iOS 1.2 and the Windows header spell it (legacy-signaling.md §3.2). */
  destory(): void {
    this.destroy();
  }

  getSdkVersion(): number {
    return LEGACY_SDK_VERSION;
  }

  // ---- login ----------------------------------------------------------------------------------

  login(appId: string, account: string, token: string, uid = 0, deviceID = ''): void {
    this.login2(appId, account, token, uid, deviceID, LOGIN_RETRY_DEFAULTS.seconds, LOGIN_RETRY_DEFAULTS.count);
  }

  login2(appId: string, account: string, token: string, _uid = 0, _deviceID = '', retry_time_in_s = LOGIN_RETRY_DEFAULTS.seconds, retry_count = LOGIN_RETRY_DEFAULTS.count): void {
    if (!this.strings('login', { appId: appId ?? '', account, token: token ?? '' })) return;
    this.run('login', () => this.engine.session.login2(appId ?? '', account, token ?? '', Number(retry_time_in_s), Number(retry_count)));
  }

  logout(): void {
    this.run('logout', () => this.engine.session.logout());
  }

  getStatus(): number {
    return this.engine.ctx.status;
  }

  isOnline(): boolean {
    return this.engine.ctx.status === 2;
  }

  // ---- messages -------------------------------------------------------------------------------

  messageInstantSend(account: string, _uid: number, msg: string, msgID = ''): void {
    if (!this.strings('messageInstantSend', { account, msgID })) return;
    this.run('messageInstantSend', () => this.engine.messaging.instantSend(account, msg, msgID));
  }

  /** Undocumented variant; `options` is ignored. */
  messageInstantSend2(account: string, uid: number, msg: string, msgID = '', _options = ''): void {
    this.messageInstantSend(account, uid, msg, msgID);
  }

  messageChannelSend(channelID: string, msg: string, msgID = ''): void {
    if (!this.strings('messageChannelSend', { channelID, msgID })) return;
    this.run('messageChannelSend', () => this.engine.messaging.channelSend(channelID, msg, msgID, false));
  }

  /** Undocumented variant; `extra` is ignored. */
  messageChannelSend2(channelID: string, msg: string, msgID = '', _extra = ''): void {
    this.messageChannelSend(channelID, msg, msgID);
  }

  messageChannelSendForce(channelID: string, msg: string, msgID = ''): void {
    if (!this.strings('messageChannelSendForce', { channelID, msgID })) return;
    this.run('messageChannelSendForce', () => this.engine.messaging.channelSend(channelID, msg, msgID, true));
  }

  // ---- user state -----------------------------------------------------------------------------

  queryUserStatus(account: string): void {
    if (!this.strings('queryUserStatus', { account })) return;
    this.run('queryUserStatus', () => this.engine.users.queryUserStatus(account));
  }

  setAttr(name: string, value: string): void {
    if (!this.strings('setAttr', { name, value })) return;
    this.run('setAttr', () => this.engine.users.setAttr(name, value));
  }

  getAttr(name: string): void {
    if (!this.strings('getAttr', { name })) return;
    this.run('getAttr', () => this.engine.users.getOne('getAttr', this.engine.ctx.account ?? '', name));
  }

  getAttrAll(): void {
    this.run('getAttrAll', () => this.engine.users.getAll('getAttrAll', this.engine.ctx.account ?? ''));
  }

  getUserAttr(account: string, name: string): void {
    if (!this.strings('getUserAttr', { account, name })) return;
    this.run('getUserAttr', () => this.engine.users.getOne('getUserAttr', account, name));
  }

  getUserAttrAll(account: string): void {
    if (!this.strings('getUserAttrAll', { account })) return;
    this.run('getUserAttrAll', () => this.engine.users.getAll('getUserAttrAll', account));
  }

  // ---- channels -------------------------------------------------------------------------------

  channelJoin(channelID: string): void {
    if (!this.strings('channelJoin', { channelID })) return;
    this.run('channelJoin', () => this.engine.channels.join(channelID));
  }

  channelLeave(channelID: string): void {
    if (!this.strings('channelLeave', { channelID })) return;
    this.run('channelLeave', () => this.engine.channels.leave(channelID));
  }

  channelQueryUserNum(channelID: string): void {
    if (!this.strings('channelQueryUserNum', { channelID })) return;
    this.run('channelQueryUserNum', () => this.engine.channels.queryUserNum(channelID));
  }

  channelQueryUserIsIn(channelID: string, account: string): void {
    if (!this.strings('channelQueryUserIsIn', { channelID, account })) return;
    this.run('channelQueryUserIsIn', () => this.engine.channels.queryUserIsIn(channelID, account));
  }

  channelSetAttr(channelID: string, name: string, value: string): void {
    if (!this.strings('channelSetAttr', { channelID, name, value })) return;
    this.run('channelSetAttr', () => this.engine.channels.changeAttribute('channelSetAttr', channelID, name, value));
  }

  channelDelAttr(channelID: string, name: string): void {
    if (!this.strings('channelDelAttr', { channelID, name })) return;
    this.run('channelDelAttr', () => this.engine.channels.changeAttribute('channelDelAttr', channelID, name, ''));
  }

  channelClearAttr(channelID: string): void {
    if (!this.strings('channelClearAttr', { channelID })) return;
    this.run('channelClearAttr', () => this.engine.channels.changeAttribute('channelClearAttr', channelID, '', ''));
  }

  // ---- calls ----------------------------------------------------------------------------------

  channelInviteUser(channelID: string, account: string, _uid = 0): void {
    this.channelInviteUser2(channelID, account, '');
  }

  channelInviteUser2(channelID: string, account: string, extra = ''): void {
    if (!this.strings('channelInviteUser2', { channelID, account, extra })) return;
    this.run('channelInviteUser2', () => this.engine.calls.invite(channelID, account, extra));
  }

  channelInviteAccept(channelID: string, account: string, _uid = 0, extra = ''): void {
    if (!this.strings('channelInviteAccept', { channelID, account, extra })) return;
    this.run('channelInviteAccept', () => this.engine.calls.answer('channelInviteAccept', channelID, account, extra));
  }

  channelInviteRefuse(channelID: string, account: string, _uid = 0, extra = ''): void {
    if (!this.strings('channelInviteRefuse', { channelID, account, extra })) return;
    this.run('channelInviteRefuse', () => this.engine.calls.answer('channelInviteRefuse', channelID, account, extra));
  }

  channelInviteEnd(channelID: string, account: string, _uid = 0): void {
    if (!this.strings('channelInviteEnd', { channelID, account })) return;
    this.run('channelInviteEnd', () => this.engine.calls.end(channelID, account));
  }

  channelInviteDTMF(channelID: string, phoneNum: string, dtmf: string): void {
    if (!this.strings('channelInviteDTMF', { channelID, phoneNum, dtmf })) return;
    this.run('channelInviteDTMF', () => this.engine.calls.dtmf(channelID, phoneNum, dtmf));
  }

  /** PSTN calling was not carried into RTM: the call fails with INVITE_E_OTHER. */
  channelInvitePhone(channelID: string, phoneNum: string, _uid = 0): void {
    this.unsupportedCall('channelInvitePhone', channelID, phoneNum);
  }

  channelInvitePhone2(channelID: string, phoneNum: string, _sourcesNum = ''): void {
    this.unsupportedCall('channelInvitePhone2', channelID, phoneNum);
  }

  channelInvitePhone3(channelID: string, phoneNum: string, _sourcesNum = '', _extra = ''): void {
    this.unsupportedCall('channelInvitePhone3', channelID, phoneNum);
  }

  private unsupportedCall(name: string, channelID: string, phoneNum: string): void {
    this.engine.ctx.error(name, AgoraECode.GENERAL_E_FAILED, 'PSTN calls are not supported (RTM has no PSTN)');
    this.deliver('onInviteFailed', [String(channelID), String(phoneNum), 0, AgoraECode.INVITE_E_OTHER, JSON.stringify({ reason: 'PSTN_NOT_SUPPORTED' })]);
  }

  // ---- invoke ---------------------------------------------------------------------------------

  invoke(name: string, req: string, callID = ''): void {
    if (!this.strings('invoke', { name, req, callID })) return;
    this.run('invoke', () => this.engine.invoke(name, req, callID));
  }

  // ---- undocumented and internal calls --------------------------------------------------------

  /** Undocumented app/server messages: not supported. */
  messageAppSend(_msg: string, msgID = ''): void {
    this.unsupportedMessage('messageAppSend', msgID);
  }

  messagePushSend(_account: string, _uid: number, _msg: string, msgID = ''): void {
    this.unsupportedMessage('messagePushSend', msgID);
  }

  messageChatSend(_account: string, _uid: number, _msg: string, msgID = ''): void {
    this.unsupportedMessage('messageChatSend', msgID);
  }

  /** Deprecated DTMF message to a uid: use channelInviteDTMF. */
  messageDTMFSend(_uid: number, _msg: string, msgID = ''): void {
    this.unsupportedMessage('messageDTMFSend', msgID);
  }

  private unsupportedMessage(name: string, msgID: string): void {
    this.engine.ctx.error(name, AgoraECode.GENERAL_E_FAILED, 'not supported by sig2rtm (undocumented legacy call)');
    this.deliver('onMessageSendError', [String(msgID), AgoraECode.SENDMESSAGE_E_OTHER]);
  }

  bc_call(func: string, _json_args: string, callID = ''): void {
    this.deliver('onBCCall_result', [`not supported: ${String(func)}`, '', String(callID)]);
  }

  /** Internal knobs of the legacy SDK: accepted and ignored (logged). */
  setBackground(_bOut: number): void {
    this.engine.ctx.log('setBackground: ignored (no equivalent in RTM)');
  }

  setNetworkStatus(_status: number): void {
    this.engine.ctx.log('setNetworkStatus: ignored (RTM detects the network itself)');
  }

  ping(): void {
    this.engine.ctx.log('ping: ignored (RTM keeps the connection alive itself)');
  }

  start(): void {
    this.engine.ctx.log('start: ignored');
  }

  stop(): void {
    this.engine.ctx.log('stop: ignored');
  }

  dbg(a: string, b: string): void {
    this.engine.ctx.log(`dbg(${String(a)}, ${String(b)}): ignored`);
  }
}

/** Legacy names of the same thing. */
export const AgoraAPIOnlySignal = AgoraAPI;
