/**
 * The web flavour in RTM 1.x Web API code (agora-rtm-sdk 1.5.1), as data for `sig2rtm migrate`:
 * for each web method and handler that has a faithful RTM spelling, the code that replaces it. The
 * row of methods.ts / callbacks.ts (through flavour-names.ts) says how the behaviour differs; the
 * codemod marks every rewrite of a row that is not `direct` with that note. Methods and handlers
 * missing here have no RTM spelling that keeps the app's flow (the codemod only marks them).
 *
 * Objects: Signal and Session both become the RtmClient (the session *is* the client once logged
 * in); Channel becomes an RtmChannel; a Call becomes a LocalInvitation (caller) or a
 * RemoteInvitation (callee).
 */

import type { LocalInvitationEvents, RemoteInvitationEvents, RtmChannelEvents, RtmClientEvents } from '../rtm-core/client/types';
import { logoutReason } from './code-maps';
import type { WEB_HANDLERS, WEB_METHODS, WebObject } from './flavour-names';
import { AgoraECode } from './legacy-codes';

/** The code a rewrite is given: source texts of the receiver and the arguments. */
export interface RewriteInput {
  /** The receiver (`session`, `this.channel`). */
  readonly receiver: string;
  /** The arguments as written. */
  readonly args: readonly string[];
  /** Where the app keeps its Session (the RtmClient after migration), for channel calls that RTM makes on the client. */
  readonly client?: string;
}

export interface CallRewrite {
  /** The expression that replaces the call; undefined when this call cannot be rewritten (say, a missing client). */
  expr(input: RewriteInput): string | undefined;
  /**
   * A statement to run after the one that stores the result in `target` (`channel.join()`): only
   * rewritten where the result is stored in a variable or property.
   */
  then?(input: RewriteInput, target: string): string;
  /** Handlers of the returned object that settle the started operation (`onChannelJoined` / `onChannelJoinFailed`): see `settle`. */
  settles?: { readonly resolve: string; readonly reject: string; start(target: string): string; rejectArgs: string };
}

const EMITTERS = { client: 'RtmClient', channel: 'RtmChannel', local: 'LocalInvitation', remote: 'RemoteInvitation' } as const;
type Emitters = { client: RtmClientEvents; channel: RtmChannelEvents; local: LocalInvitationEvents; remote: RemoteInvitationEvents };

/** A handler becomes a listener: `receiver.on(event, function (params) { if (guard) handler(args); })`. */
export interface HandlerRewrite {
  readonly emitter: keyof Emitters;
  readonly event: string;
  readonly params: readonly string[];
  /** The legacy handler's arguments, from the listener's parameters. */
  readonly args: readonly string[];
  readonly guard?: string;
}

/** A row whose event is one of its emitter's (checked against the RTM event maps). */
const on = <E extends keyof Emitters>(r: HandlerRewrite & { emitter: E; event: keyof Emitters[E] & string }): HandlerRewrite => r;

const quoted = (s: string): boolean => /^(['"`])[\s\S]*\1$/.test(s);
const noToken = (token: string | undefined): boolean => token === undefined || /^(['"`])_no_need_token\1$/.test(token) || token === "''" || token === '""';
/** `.then(cb)` if the app passed a callback (which legacy called, success or not, without arguments). */
const thenCall = (cb: string | undefined): string => (cb === undefined ? '.catch(function () {})' : `.catch(function () {}).then(function () { (${cb})(); })`);

export const WEB_CALL_REWRITES: { readonly [O in WebObject]: { readonly [M in keyof (typeof WEB_METHODS)[O]]?: CallRewrite } } = {
  Signal: {
    login: {
      // The session is the client; `login` starts and its outcome reaches the handlers as connection states.
      expr: ({ receiver }) => receiver,
      then: ({ args: [account, token] }, target) =>
        `${target}.login({ uid: ${account !== undefined && quoted(account) ? account : `String(${account ?? "''"})`}${noToken(token) ? '' : `, token: ${token}`} }).catch(function () {})`,
    },
    getSDKVersion: { expr: () => 'AgoraRTM.VERSION' },
  },
  Session: {
    logout: { expr: ({ receiver }) => `${receiver}.logout()` },
    messageInstantSend: {
      // The legacy callback's argument is `failed`.
      expr: ({ receiver, args: [peer, msg, cb] }) =>
        `${receiver}.sendMessageToPeer({ text: ${msg} }, ${peer})` + (cb === undefined ? '.catch(function () {})' : '.then(function () { return false; }, function () { return true; }).then(' + cb + ')'),
    },
    channelJoin: {
      expr: ({ receiver, args: [name] }) => `${receiver}.createChannel(${name})`,
      then: (_input, target) => `${target}.join().catch(function () {})`,
      settles: { resolve: 'onChannelJoined', reject: 'onChannelJoinFailed', start: (target) => `${target}.join()`, rejectArgs: `'JOINCHANNEL_E_OTHER (${AgoraECode.JOINCHANNEL_E_OTHER})'` },
    },
    channelInviteUser2: {
      expr: ({ receiver, args: [channel, peer, extra] }) => `Object.assign(${receiver}.createLocalInvitation(${peer}), { channelId: ${channel}${extra === undefined ? '' : `, content: ${extra}`} })`,
      then: (_input, target) => `${target}.send()`,
    },
  },
  Channel: {
    messageChannelSend: { expr: ({ receiver, args: [msg, cb] }) => `${receiver}.sendMessage({ text: ${msg} })${thenCall(cb)}` },
    channelLeave: { expr: ({ receiver, args: [cb] }) => `${receiver}.leave()${thenCall(cb)}` },
    channelSetAttr: {
      expr: ({ receiver, client, args: [name, value, cb] }) =>
        client && `${client}.addOrUpdateChannelAttributes(${receiver}.channelId, { [${name}]: ${value} }, { enableNotificationToChannelMembers: true })${thenCall(cb)}`,
    },
    channelDelAttr: {
      expr: ({ receiver, client, args: [name, cb] }) =>
        client && `${client}.deleteChannelAttributesByKeys(${receiver}.channelId, [${name}], { enableNotificationToChannelMembers: true })${thenCall(cb)}`,
    },
    channelClearAttr: {
      expr: ({ receiver, client, args: [cb] }) =>
        client && `${client}.clearChannelAttributes(${receiver}.channelId, { enableNotificationToChannelMembers: true })${thenCall(cb)}`,
    },
  },
  Call: {
    channelInviteAccept: { expr: ({ receiver, args: [extra] }) => `(${extra === undefined ? '' : `${receiver}.response = ${extra}, `}${receiver}.accept())` },
    channelInviteRefuse: { expr: ({ receiver, args: [extra] }) => `(${extra === undefined ? '' : `${receiver}.response = ${extra}, `}${receiver}.refuse())` },
  },
};

/**
 * Properties the web objects had that apps read (legacy-signaling.md §4), as the RTM objects spell
 * them. A Call is a LocalInvitation (it has `calleeId`) or a RemoteInvitation (`callerId`).
 */
export const WEB_PROPERTY_REWRITES: { readonly [O in WebObject]?: Readonly<Record<string, (receiver: string) => string>> } = {
  Channel: { name: (r) => `${r}.channelId` },
  Call: {
    channelName: (r) => `${r}.channelId`,
    peer: (r) => `(${r}.calleeId || ${r}.callerId)`,
    extra: (r) => `${r}.content`,
  },
};

/** `Signal(appId)`. */
export const WEB_FACTORY_REWRITE: CallRewrite = { expr: ({ args: [appId] }) => `AgoraRTM.createInstance(${appId ?? "''"})` };

const logoutCodes = JSON.stringify(logoutReason).replace(/"/g, "'").replace(/,/g, ', ').replace(/:/g, ': ');

export const WEB_HANDLER_REWRITES: { readonly [O in WebObject]: { readonly [H in keyof (typeof WEB_HANDLERS)[O]]?: HandlerRewrite } } = {
  Signal: {},
  Session: {
    onLoginSuccess: on({ emitter: 'client', event: 'ConnectionStateChanged', params: ['state', 'reason'], guard: "state === 'CONNECTED' && reason === 'LOGIN_SUCCESS'", args: ['0'] }),
    onLoginFailed: on({
      emitter: 'client', event: 'ConnectionStateChanged', params: ['state', 'reason'],
      guard: "reason === 'LOGIN_FAILURE' || reason === 'LOGIN_TIMEOUT'",
      args: [`reason === 'LOGIN_TIMEOUT' ? ${AgoraECode.LOGIN_E_NET} : ${AgoraECode.LOGIN_E_FAILED}`],
    }),
    onLogout: on({
      emitter: 'client', event: 'ConnectionStateChanged', params: ['state', 'reason'],
      guard: "state === 'ABORTED' || (state === 'DISCONNECTED' && reason === 'LOGOUT')",
      args: [`${logoutCodes}[reason]`],
    }),
    onMessageInstantReceive: on({ emitter: 'client', event: 'MessageFromPeer', params: ['message', 'peerId'], args: ['peerId', '0', 'message.text'] }),
    onInviteReceived: on({ emitter: 'client', event: 'RemoteInvitationReceived', params: ['invitation'], args: ['invitation'] }),
  },
  Channel: {
    onChannelUserJoined: on({ emitter: 'channel', event: 'MemberJoined', params: ['memberId'], args: ['memberId', '0'] }),
    onChannelUserLeaved: on({ emitter: 'channel', event: 'MemberLeft', params: ['memberId'], args: ['memberId', '0'] }),
    onMessageChannelReceive: on({ emitter: 'channel', event: 'ChannelMessage', params: ['message', 'memberId'], args: ['memberId', '0', 'message.text'] }),
  },
  Call: {
    onInviteReceivedByPeer: on({ emitter: 'local', event: 'LocalInvitationReceivedByPeer', params: [], args: ["''"] }),
    onInviteAcceptedByPeer: on({ emitter: 'local', event: 'LocalInvitationAccepted', params: ['response'], args: ['response'] }),
    onInviteRefusedByPeer: on({ emitter: 'local', event: 'LocalInvitationRefused', params: ['response'], args: ['response'] }),
    onInviteFailed: on({ emitter: 'local', event: 'LocalInvitationFailure', params: ['reason'], args: ['JSON.stringify({ reason: reason })'] }),
    onInviteEndByMyself: on({ emitter: 'local', event: 'LocalInvitationCanceled', params: [], args: ["''"] }),
    onInviteEndByPeer: on({ emitter: 'remote', event: 'RemoteInvitationCanceled', params: ['content'], args: ['content'] }),
  },
};

/** `receiver.on(…)` for a handler `fn`. */
export function renderListener(r: HandlerRewrite, receiver: string, fn: string): string {
  const call = `(${fn})(${r.args.join(', ')});`;
  return `${receiver}.on('${r.event}', function (${r.params.join(', ')}) { ${r.guard ? `if (${r.guard}) ` : ''}${call} })`;
}

/** The RTM class a legacy object becomes (for the notes). */
export const RTM_CLASS_OF: Readonly<Record<keyof typeof EMITTERS, string>> = EMITTERS;
