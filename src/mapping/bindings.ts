/**
 * RTM events → legacy callbacks, as tables. Each row names the RTM emitter event, the legacy
 * callback(s) it becomes, and an adapter from the event's arguments to the callback's. The legacy
 * API installs every row with one generic binder (`bindAll`), for the native and web flavours
 * alike; the flavour only decides how a legacy callback is delivered.
 */

import type { RtmChannelEvents, RtmClientEvents, LocalInvitationEvents, RemoteInvitationEvents, RtmMessage } from '../rtm-core/client/types';
import type { ListenerType } from '../rtm-core/client/emitter';
import type { CallbackArgs, CallbackName } from '../legacy-api/native/callback';
import type { CompatOptions } from './compat';
import { inviteFailure, legacyCode } from './code-maps';
import { AgoraECode } from './legacy-codes';
import { diffAttributes, exactChanges, type AttributeSnapshot } from './emulations/attribute-diff';
import { parseCallMessage } from './emulations/call-messages';

/** Delivers one legacy callback. */
export type Fire = <K extends CallbackName>(name: K, ...args: CallbackArgs<K>) => void;

export interface BindingContext {
  readonly compat: CompatOptions;
  fire: Fire;
  uidOf(account: string): number;
}

/** One row: an RTM event of emitter map `E` and what it becomes. */
export interface Binding<E, C> {
  event: keyof E & string;
  /** The legacy callbacks this row can produce (documentation and the coverage test). */
  callbacks: readonly CallbackName[];
  kind: 'direct' | 'adapted' | 'emulated';
  /** What differs, in one sentence. */
  note: string;
  /**
   * The login flow's own event (connection state, reconnect attempts, token expiry): it goes through
   * while a legacy login is still being reported. Every other event is the app's, and waits for
   * onLoginSuccess (see `bindAll`'s `hold`).
   */
  loginFlow?: true;
  to(ctx: C, ...args: never[]): void;
}

type Row<E, C, K extends keyof E & string> = Omit<Binding<E, C>, 'event' | 'to'> & {
  event: K;
  to(ctx: C, ...args: ListenerType<E[K]>): void;
};

/** Typed row constructor: the adapter's parameters are the event's listener arguments. */
function row<E, C>() {
  return <K extends keyof E & string>(r: Row<E, C, K>): Binding<E, C> => r as unknown as Binding<E, C>;
}

/** Text of an RTM message as legacy callbacks carry it (RAW bytes are decoded as UTF-8). */
export function textOf(message: RtmMessage): string {
  if (typeof message.text === 'string') return message.text;
  return message.rawMessage instanceof Uint8Array ? new TextDecoder().decode(message.rawMessage) : '';
}

// ---- client -----------------------------------------------------------------------------------

export interface ClientBindingContext extends BindingContext {
  /** Connection changes drive getStatus, onReconnecting / onReconnected and onLogout. */
  connectionChanged(state: string, reason: string): void;
  invitationReceived(invitation: Parameters<RtmClientEvents['RemoteInvitationReceived']>[0]): void;
  callEndedByPeer(peerId: string, channelId: string, extra: string): void;
  tokenExpired(): void;
  /** The n-th reconnection attempt of an outage. */
  reconnectAttempt(n: number): void;
}

const client = row<RtmClientEvents, ClientBindingContext>();

export const CLIENT_BINDINGS: readonly Binding<RtmClientEvents, ClientBindingContext>[] = [
  client({
    event: 'MessageFromPeer',
    callbacks: ['onMessageInstantReceive', 'onInviteMsg'],
    kind: 'adapted',
    note: 'uid is 0, as the legacy SDKs passed; call messages (DTMF) become onInviteMsg.',
    to(ctx, message, peerId) {
      const text = textOf(message);
      const call = parseCallMessage(text);
      if (call) ctx.fire('onInviteMsg', call.channelId, peerId, ctx.uidOf(peerId), call.msgType, call.msgData, call.extra);
      else ctx.fire('onMessageInstantReceive', peerId, 0, text);
    },
  }),
  client({
    event: 'ConnectionStateChanged',
    loginFlow: true,
    callbacks: ['onReconnecting', 'onReconnected', 'onLogout'],
    kind: 'emulated',
    note: 'RTM reports states; legacy reported reconnect attempts and a final logout.',
    to: (ctx, state, reason) => ctx.connectionChanged(state, reason),
  }),
  client({
    event: 'ReconnectAttempt',
    loginFlow: true,
    callbacks: ['onReconnecting', 'onLogout'],
    kind: 'adapted',
    note: "Legacy counted attempts: onReconnecting(n) for each (sig2rtm's client reports them); past login2's retry_count or the web reconnect_count, onLogout(102).",
    to: (ctx, n) => ctx.reconnectAttempt(n),
  }),
  client({
    event: 'TokenExpired',
    loginFlow: true,
    callbacks: ['onLogout'],
    kind: 'adapted',
    note: 'Legacy has no renewToken: an expired token ends the session with LOGOUT_E_TOKENEXPIRED (105).',
    to: (ctx) => ctx.tokenExpired(),
  }),
  client({
    event: 'RemoteInvitationReceived',
    callbacks: ['onInviteReceived'],
    kind: 'adapted',
    note: 'The invitation content is the legacy extra; its channelId the legacy channelID.',
    to: (ctx, invitation) => ctx.invitationReceived(invitation),
  }),
  client({
    event: 'CallEndedByPeer',
    callbacks: ['onInviteEndByPeer'],
    kind: 'emulated',
    note: 'channelInviteEnd after accept travels as the legacy end-call message (END_CALL_PREFIX).',
    to: (ctx, peerId, channelId, extra) => ctx.callEndedByPeer(peerId, channelId, extra),
  }),
];

// ---- channel ----------------------------------------------------------------------------------

export interface ChannelBindingContext extends BindingContext {
  readonly channelId: string;
  readonly self: string;
  readonly attributes: AttributeSnapshot;
}

const channel = row<RtmChannelEvents, ChannelBindingContext>();

export const CHANNEL_BINDINGS: readonly Binding<RtmChannelEvents, ChannelBindingContext>[] = [
  channel({
    event: 'ChannelMessage',
    callbacks: ['onMessageChannelReceive'],
    kind: 'adapted',
    note: 'RTM never delivers a channel message to its sender; the echo is emulated on send (compat echoChannelMessages).',
    to: (ctx, message, memberId) => ctx.fire('onMessageChannelReceive', ctx.channelId, memberId, ctx.uidOf(memberId), textOf(message)),
  }),
  channel({
    event: 'MemberJoined',
    callbacks: ['onChannelUserJoined'],
    kind: 'direct',
    note: 'RTM stops member events above 512 members (legacy: above 1,000, configurable).',
    to: (ctx, memberId) => ctx.fire('onChannelUserJoined', memberId, ctx.uidOf(memberId)),
  }),
  channel({
    event: 'MemberLeft',
    callbacks: ['onChannelUserLeaved'],
    kind: 'direct',
    note: 'Same as MemberJoined.',
    to: (ctx, memberId) => ctx.fire('onChannelUserLeaved', memberId, ctx.uidOf(memberId)),
  }),
  channel({
    event: 'AttributesUpdated',
    callbacks: ['onChannelAttrUpdated'],
    kind: 'emulated',
    note: "RTM sends the full attribute map; legacy sent one change: on another RTM server the difference from the last map becomes 'update' / 'del' / 'clear'.",
    to(ctx, attributes) {
      if (ctx.attributes.reported) {
        ctx.attributes.reported = false;
        return;
      }
      for (const change of diffAttributes(ctx.attributes, attributes)) {
        ctx.fire('onChannelAttrUpdated', ctx.channelId, change.name, change.value, change.type);
      }
    },
  }),
  channel({
    event: 'AttributesChanged',
    callbacks: ['onChannelAttrUpdated'],
    kind: 'adapted',
    note: "sig2rtm's server names the operation (protocol legacy/1): one 'update' per key set, 'del' per key deleted, one 'clear' for a clear, exactly as legacy reported them.",
    to(ctx, attributes, change) {
      ctx.attributes.reported = true;
      for (const c of exactChanges(ctx.attributes, attributes, change)) {
        ctx.fire('onChannelAttrUpdated', ctx.channelId, c.name, c.value, c.type);
      }
    },
  }),
];

// ---- calls ------------------------------------------------------------------------------------

/** One legacy call: the (channelID, peer) pair legacy Signaling keyed calls by. */
export interface CallRecord {
  readonly channelId: string;
  readonly peer: string;
  readonly role: 'caller' | 'callee';
  state: 'ringing' | 'active' | 'ended';
}

export interface CallBindingContext extends BindingContext {
  readonly call: CallRecord;
  /** The call ended (its invitation reached a terminal state, or a legacy end). */
  ended(): void;
}

const local = row<LocalInvitationEvents, CallBindingContext>();

export const LOCAL_INVITATION_BINDINGS: readonly Binding<LocalInvitationEvents, CallBindingContext>[] = [
  local({
    event: 'LocalInvitationReceivedByPeer',
    callbacks: ['onInviteReceivedByPeer'],
    kind: 'direct',
    note: "The callee's client acknowledged the invitation.",
    to: (ctx) => ctx.fire('onInviteReceivedByPeer', ctx.call.channelId, ctx.call.peer, ctx.uidOf(ctx.call.peer)),
  }),
  local({
    event: 'LocalInvitationAccepted',
    callbacks: ['onInviteAcceptedByPeer'],
    kind: 'adapted',
    note: "The callee's RTM response is the legacy extra.",
    to(ctx, response) {
      ctx.call.state = 'active';
      ctx.fire('onInviteAcceptedByPeer', ctx.call.channelId, ctx.call.peer, ctx.uidOf(ctx.call.peer), response);
    },
  }),
  local({
    event: 'LocalInvitationRefused',
    callbacks: ['onInviteRefusedByPeer'],
    kind: 'adapted',
    note: "The callee's RTM response is the legacy extra.",
    to(ctx, response) {
      ctx.ended();
      ctx.fire('onInviteRefusedByPeer', ctx.call.channelId, ctx.call.peer, ctx.uidOf(ctx.call.peer), response);
    },
  }),
  local({
    event: 'LocalInvitationCanceled',
    callbacks: ['onInviteEndByMyself'],
    kind: 'direct',
    note: 'RTM cancels only a pending invitation; ending an accepted call is emulated (see channelInviteEnd).',
    to(ctx) {
      ctx.ended();
      ctx.fire('onInviteEndByMyself', ctx.call.channelId, ctx.call.peer, ctx.uidOf(ctx.call.peer));
    },
  }),
  local({
    event: 'LocalInvitationFailure',
    callbacks: ['onInviteFailed'],
    kind: 'adapted',
    note: 'RTM failure reasons map to 7xx codes; the extra is JSON {"reason": <RTM reason>}.',
    to(ctx, reason) {
      ctx.ended();
      const ecode = legacyCode(inviteFailure, reason, AgoraECode.INVITE_E_OTHER);
      ctx.fire('onInviteFailed', ctx.call.channelId, ctx.call.peer, ctx.uidOf(ctx.call.peer), ecode, JSON.stringify({ reason }));
    },
  }),
];

const remote = row<RemoteInvitationEvents, CallBindingContext>();

export const REMOTE_INVITATION_BINDINGS: readonly Binding<RemoteInvitationEvents, CallBindingContext>[] = [
  remote({
    event: 'RemoteInvitationCanceled',
    callbacks: ['onInviteEndByPeer'],
    kind: 'adapted',
    note: "The cancel's content is the legacy extra.",
    to(ctx, content) {
      ctx.ended();
      ctx.fire('onInviteEndByPeer', ctx.call.channelId, ctx.call.peer, ctx.uidOf(ctx.call.peer), content);
    },
  }),
  remote({
    event: 'RemoteInvitationAccepted',
    callbacks: [],
    kind: 'emulated',
    note: 'Legacy has no callee-side accept confirmation; the call becomes active.',
    to(ctx) {
      ctx.call.state = 'active';
    },
  }),
  remote({
    event: 'RemoteInvitationRefused',
    callbacks: [],
    kind: 'emulated',
    note: 'Legacy has no callee-side refuse confirmation; the call ends.',
    to: (ctx) => ctx.ended(),
  }),
  remote({
    event: 'RemoteInvitationFailure',
    callbacks: [],
    kind: 'emulated',
    note: 'Legacy has no callee-side failure callback; the call ends quietly (logged).',
    to: (ctx) => ctx.ended(),
  }),
];

// ---- the generic binder -------------------------------------------------------------------------

interface Subscribable {
  on(event: string, listener: (...args: never[]) => unknown): unknown;
  off(event: string, listener?: (...args: never[]) => unknown): unknown;
}

/**
 * Puts off an event: returns true when it took `deliver` to run later (or never), false to let the
 * event through now.
 */
export type Hold<E, C> = (binding: Binding<E, C>, deliver: () => void) => boolean;

/**
 * Installs every row of `bindings` on `emitter` for `ctx`. Only while `active()` holds do events go
 * through (a call that ended, a channel left); `hold` may put an event off, and `active()` is asked
 * again when it is finally delivered. Returns a function that removes them all.
 */
export function bindAll<E, C>(
  emitter: object,
  bindings: readonly Binding<E, C>[],
  ctx: C,
  active: () => boolean = () => true,
  hold?: Hold<E, C>,
): () => void {
  const target = emitter as Subscribable;
  const installed = bindings.map((b) => {
    const listener = (...args: never[]) => {
      if (!active()) return;
      const deliver = () => {
        if (active()) b.to(ctx, ...args);
      };
      if (!hold?.(b, deliver)) b.to(ctx, ...args);
    };
    target.on(b.event, listener);
    return () => target.off(b.event, listener);
  });
  return () => {
    for (const off of installed) off();
  };
}
