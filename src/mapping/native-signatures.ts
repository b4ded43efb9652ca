/**
 * The legacy native interface, signature by signature (legacy-native-interfaces.md §3.3, §3.4, §4.2,
 * §4.3): every `IAgoraAPI` method and `ICallBack` callback with its parameter names (the C++
 * header's), wire types, defaults and where it runs. The gateway validates call frames against it,
 * and `npm run gen:native` renders it as `docs/gateway-api.json`, the language-neutral table the C++
 * and Java generators read. Checked against `AgoraAPI` and `ICallBack` at compile time (below).
 */

import type { AgoraAPI } from '../legacy-api/native/agora-api';
import type { CallbackArgs, CallbackName } from '../legacy-api/native/callback';

/**
 * Wire types. `string`: a JSON string (C++ `char const*` + `size_t`, Java `String`, null = "");
 * `uint32`: 0..2^32-1 (C++ `uint32_t`, Java `int`); `int`: a signed 32-bit integer; `string[]` and
 * `uint32[]`: arrays (only in `onChannelUserList`).
 */
export type WireType = 'string' | 'uint32' | 'int' | 'string[]' | 'uint32[]';

/** `handler`: the app's ICallBack object (only `callbackSet`, which runs locally). */
export type ParamType = WireType | 'handler';

export interface Param {
  readonly name: string;
  readonly type: ParamType;
  /** Default value in the legacy header (C++ default argument); apps may omit the parameter. */
  readonly default?: string | number;
}

/**
 * Where a method runs. `gateway`: sent to the server as a call frame. `local`: answered by the
 * native SDK itself (handler storage, status, version, the event loop, server address).
 */
export type Route = 'gateway' | 'local';

export interface MethodSignature {
  readonly params: readonly Param[];
  /** `void`, `int`, `bool` (Java `int`) or `callback` (the handler). */
  readonly returns: 'void' | 'int' | 'bool' | 'callback';
  readonly route: Route;
  /** Other spellings of the same method in some header generations. */
  readonly aliases?: readonly string[];
  /** In some header generations only (§2): apps may not know it. */
  readonly since?: string;
}

export interface CallbackSignature {
  readonly params: readonly Param[];
}

const s = (name: string, dflt?: string) => (dflt === undefined ? { name, type: 'string' as const } : { name, type: 'string' as const, default: dflt });
const u = (name: string, dflt?: number) => (dflt === undefined ? { name, type: 'uint32' as const } : { name, type: 'uint32' as const, default: dflt });
const i = (name: string) => ({ name, type: 'int' as const });

const call = <P extends readonly Param[]>(...params: P) => ({ params, returns: 'void' as const, route: 'gateway' as const });

/** `IAgoraAPI`, in the header's order. */
export const METHOD_SIGNATURES = {
  callbackSet: { params: [{ name: 'handler', type: 'handler' }], returns: 'void', route: 'local' },
  callbackGet: { params: [], returns: 'callback', route: 'local' },
  login: call(s('vendorID'), s('account'), s('token'), u('uid'), s('deviceID')),
  login2: call(s('vendorID'), s('account'), s('token'), u('uid'), s('deviceID'), i('retry_time_in_s'), i('retry_count')),
  logout: call(),
  channelJoin: call(s('channelID')),
  channelLeave: call(s('channelID')),
  channelQueryUserNum: call(s('channelID')),
  channelQueryUserIsIn: call(s('channelID'), s('account')),
  channelSetAttr: call(s('channelID'), s('name'), s('value')),
  channelDelAttr: call(s('channelID'), s('name')),
  channelClearAttr: call(s('channelID')),
  channelInviteUser: call(s('channelID'), s('account'), u('uid', 0)),
  channelInviteUser2: call(s('channelID'), s('account'), s('extra')),
  channelInvitePhone: call(s('channelID'), s('phoneNum'), u('uid', 0)),
  channelInvitePhone2: call(s('channelID'), s('phoneNum'), s('sourcesNum')),
  channelInvitePhone3: call(s('channelID'), s('phoneNum'), s('sourcesNum'), s('extra')),
  channelInviteDTMF: call(s('channelID'), s('phoneNum'), s('dtmf')),
  // The newest header added `extra`; older apps call it with three arguments (§2).
  channelInviteAccept: call(s('channelID'), s('account'), u('uid'), s('extra', '')),
  channelInviteRefuse: call(s('channelID'), s('account'), u('uid'), s('extra')),
  channelInviteEnd: call(s('channelID'), s('account'), u('uid')),
  messageAppSend: call(s('msg'), s('msgID')),
  messageInstantSend: call(s('account'), u('uid'), s('msg'), s('msgID')),
  messageInstantSend2: call(s('account'), u('uid'), s('msg'), s('msgID'), s('options')),
  messageChannelSend: call(s('channelID'), s('msg'), s('msgID')),
  messageChannelSendForce: call(s('channelID'), s('msg'), s('msgID')),
  messageChannelSend2: { ...call(s('channelID'), s('msg'), s('msgID'), s('extra')), since: 'newest header (N4)' },
  messagePushSend: call(s('account'), u('uid'), s('msg'), s('msgID')),
  messageChatSend: call(s('account'), u('uid'), s('msg'), s('msgID')),
  messageDTMFSend: call(u('uid'), s('msg'), s('msgID')),
  setBackground: call(u('bOut')),
  setNetworkStatus: call(u('bOut')),
  ping: call(),
  setAttr: call(s('name'), s('value')),
  getAttr: call(s('name')),
  getAttrAll: call(),
  getUserAttr: call(s('account'), s('name')),
  getUserAttrAll: call(s('account')),
  queryUserStatus: call(s('account')),
  invoke: call(s('name'), s('req'), s('callID')),
  start: { params: [], returns: 'void', route: 'local' },
  stop: { params: [], returns: 'void', route: 'local' },
  isOnline: { params: [], returns: 'bool', route: 'local' },
  getStatus: { params: [], returns: 'int', route: 'local' },
  getSdkVersion: { params: [], returns: 'int', route: 'local' },
  bc_call: call(s('func'), s('json_args'), s('callID')),
  dbg: { params: [s('a'), s('b')], returns: 'void', route: 'local' },
  destroy: { ...call(), aliases: ['destory'] },
} as const satisfies Record<string, MethodSignature>;

export type NativeMethodName = keyof typeof METHOD_SIGNATURES;

/** `ICallBack`, in the header's order (37 callbacks). */
export const CALLBACK_SIGNATURES = {
  onReconnecting: { params: [u('nretry')] },
  onReconnected: { params: [i('fd')] },
  onLoginSuccess: { params: [u('uid'), i('fd')] },
  onLogout: { params: [i('ecode')] },
  onLoginFailed: { params: [i('ecode')] },
  onChannelJoined: { params: [s('channelID')] },
  onChannelJoinFailed: { params: [s('channelID'), i('ecode')] },
  onChannelLeaved: { params: [s('channelID'), i('ecode')] },
  onChannelUserJoined: { params: [s('account'), u('uid')] },
  onChannelUserLeaved: { params: [s('account'), u('uid')] },
  onChannelUserList: { params: [{ name: 'accounts', type: 'string[]' as const }, { name: 'uids', type: 'uint32[]' as const }] },
  onChannelQueryUserNumResult: { params: [s('channelID'), i('ecode'), i('num')] },
  onChannelQueryUserIsIn: { params: [s('channelID'), s('account'), i('isIn')] },
  onChannelAttrUpdated: { params: [s('channelID'), s('name'), s('value'), s('type')] },
  onInviteReceived: { params: [s('channelID'), s('account'), u('uid'), s('extra')] },
  onInviteReceivedByPeer: { params: [s('channelID'), s('account'), u('uid')] },
  onInviteAcceptedByPeer: { params: [s('channelID'), s('account'), u('uid'), s('extra')] },
  onInviteRefusedByPeer: { params: [s('channelID'), s('account'), u('uid'), s('extra')] },
  onInviteFailed: { params: [s('channelID'), s('account'), u('uid'), i('ecode'), s('extra')] },
  onInviteEndByPeer: { params: [s('channelID'), s('account'), u('uid'), s('extra')] },
  onInviteEndByMyself: { params: [s('channelID'), s('account'), u('uid')] },
  onInviteMsg: { params: [s('channelID'), s('account'), u('uid'), s('msgType'), s('msgData'), s('extra')] },
  onMessageSendError: { params: [s('messageID'), i('ecode')] },
  onMessageSendProgress: { params: [s('account'), s('messageID'), s('type'), s('info')] },
  onMessageSendSuccess: { params: [s('messageID')] },
  onMessageAppReceived: { params: [s('msg')] },
  onMessageInstantReceive: { params: [s('account'), u('uid'), s('msg')] },
  onMessageChannelReceive: { params: [s('channelID'), s('account'), u('uid'), s('msg')] },
  onLog: { params: [s('txt')] },
  onInvokeRet: { params: [s('callID'), s('err'), s('resp')] },
  onMsg: { params: [s('from'), s('t'), s('msg')] },
  onUserAttrResult: { params: [s('account'), s('name'), s('value')] },
  onUserAttrAllResult: { params: [s('account'), s('value')] },
  onError: { params: [s('name'), i('ecode'), s('desc')] },
  onQueryUserStatusResult: { params: [s('name'), s('status')] },
  onDbg: { params: [s('a'), s('b')] },
  onBCCall_result: { params: [s('reason'), s('json_ret'), s('callID')] },
} as const satisfies Record<CallbackName, CallbackSignature>;

// ---- compile-time checks against the TypeScript API ---------------------------------------------

type TsOf<T extends ParamType> = T extends 'string' ? string : T extends 'string[]' ? string[] : T extends 'uint32[]' ? number[] : number;
type ArgsOf<P extends readonly Param[]> = { -readonly [K in keyof P]: P[K] extends Param ? TsOf<P[K]['type']> : never };
type Check<T extends Record<string, true>> = T;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Every callback's wire arguments are exactly ICallBack's parameters. */
export type CallbacksMatch = Check<{ [K in CallbackName]: Same<ArgsOf<(typeof CALLBACK_SIGNATURES)[K]['params']>, CallbackArgs<K>> }>;

type GatewayMethod = { [K in NativeMethodName]: (typeof METHOD_SIGNATURES)[K]['route'] extends 'gateway' ? K : never }[NativeMethodName];
type Accepts<K extends string, Args> = K extends keyof AgoraAPI ? (AgoraAPI[K] extends (...a: infer A) => unknown ? ([Args] extends [A] ? true : false) : false) : false;
/** Every gateway method exists on AgoraAPI and accepts the wire arguments in order. */
export type MethodsMatch = Check<{ [K in GatewayMethod]: Accepts<K, ArgsOf<(typeof METHOD_SIGNATURES)[K]['params']>> }>;

/** The methods a gateway call frame may name. */
export const GATEWAY_METHODS: ReadonlySet<string> = new Set(Object.entries(METHOD_SIGNATURES).filter(([, sig]) => sig.route === 'gateway').map(([name]) => name));
