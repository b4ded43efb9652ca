/**
 * The call-invitation protocol (rtm-1x.md §8.6): signals travel as peer messages (`CALL`), carrying
 * a callId, the channelId and an `extra` (content or response).
 *
 * Caller: the invite is re-sent every 2 s until the callee's client has it, for at most 30 s
 * (→ PEER_OFFLINE / PEER_NO_RESPONSE / NOT_LOGGEDIN); once received it expires after 60 s
 * (INVITATION_EXPIRE). Callee: an invitation expires 60 s after receipt; an acceptance is re-sent
 * every 1 s until delivered and fails if the caller has not acknowledged it within 5 s.
 * All timers run on the client's clock.
 */

import type { Clock, TimerHandle } from '../clock';
import { PeerMessageError } from '../protocol/codes';
import type { CallKind, CallSignal, ResultMap } from '../protocol/frames';
import type { ClientInternals } from './internals';
import { LocalInvitation, RemoteInvitation } from './invitation';
import { ConnectionState, LocalInvitationFailureReason, LocalInvitationState, RemoteInvitationFailureReason, RemoteInvitationState } from './status-codes';

export interface InvitationTimings {
  /** Caller re-sends an undelivered invite this often. */
  resendMs: number;
  /** Caller gives up delivering after this long. */
  deliveryDeadlineMs: number;
  /** An invitation nobody ended expires after this long. */
  expireMs: number;
  /** Callee re-sends an undelivered acceptance this often. */
  acceptResendMs: number;
  /** Callee fails the acceptance if the caller has not acknowledged it by then. */
  acceptTimeoutMs: number;
}

export const DEFAULT_INVITATION_TIMINGS: InvitationTimings = {
  resendMs: 2000,
  deliveryDeadlineMs: 30_000,
  expireMs: 60_000,
  acceptResendMs: 1000,
  acceptTimeoutMs: 5000,
};

/** Callee-side memory of invites already seen, so that a re-sent invite is not a second call. */
const SEEN_LIMIT = 1000;

export class Invitations {
  private readonly local = new Map<string, LocalInvitation>();
  private readonly remote = new Map<string, RemoteInvitation>();
  private readonly seen = new Set<string>();
  /** Calls we accepted, so that a re-sent acceptance is acknowledged again (bounded like `seen`). */
  private readonly accepted = new Set<string>();
  private readonly timers = new Map<object, TimerHandle[]>();

  constructor(
    private readonly client: ClientInternals,
    private readonly clock: Clock,
    private readonly timings: InvitationTimings,
    private readonly notify: {
      /** A new invitation arrived. */
      received: (invitation: RemoteInvitation) => void;
      /** A legacy end-call arrived that ended no open invitation (a call already accepted, or ours). */
      legacyEnd: (peerId: string, channelId: string, extra: string) => void;
    },
  ) {}

  // ---- caller -----------------------------------------------------------------------------------

  sendLocal(inv: LocalInvitation): void {
    this.local.set(inv.callId, inv);
    let reachedSomeone = false;
    let notLoggedIn = false;
    const attempt = () => {
      if (inv.state !== LocalInvitationState.SENT_TO_REMOTE) return;
      if (!this.loggedIn()) notLoggedIn = true;
      else {
        notLoggedIn = false;
        this.signal(inv.calleeId, 'invite', inv.callId, inv.channelId, inv.content).then(
          (r) => {
            if (r.received) this.delivered(inv);
            else if (r.absent !== true) reachedSomeone = true;
          },
          () => undefined,
        );
      }
      this.later(inv, attempt, this.timings.resendMs);
    };
    this.later(inv, () => {
      if (inv.state !== LocalInvitationState.SENT_TO_REMOTE) return;
      const reason = notLoggedIn
        ? LocalInvitationFailureReason.NOT_LOGGEDIN
        : reachedSomeone
          ? LocalInvitationFailureReason.PEER_NO_RESPONSE
          : LocalInvitationFailureReason.PEER_OFFLINE;
      inv.markFailed(reason);
    }, this.timings.deliveryDeadlineMs);
    attempt();
  }

  private delivered(inv: LocalInvitation): void {
    if (inv.state !== LocalInvitationState.SENT_TO_REMOTE) return;
    this.clearTimers(inv);
    inv.markReceived();
    this.later(inv, () => inv.markFailed(LocalInvitationFailureReason.INVITATION_EXPIRE), this.timings.expireMs);
  }

  cancelLocal(inv: LocalInvitation): void {
    void this.signal(inv.calleeId, 'cancel', inv.callId, inv.channelId, inv.content).catch(() => undefined);
  }

  forgetLocal(inv: LocalInvitation): void {
    this.clearTimers(inv);
    this.local.delete(inv.callId);
  }

  // ---- callee -----------------------------------------------------------------------------------

  acceptRemote(inv: RemoteInvitation): void {
    this.clearTimers(inv);
    let delivered = false;
    const attempt = () => {
      if (inv.state !== RemoteInvitationState.ACCEPT_SENT_TO_LOCAL || delivered) return;
      this.signal(inv.callerId, 'accept', inv.callId, inv.channelId, inv.response).then(
        (r) => {
          if (r.received) delivered = true;
        },
        () => undefined,
      );
      this.later(inv, attempt, this.timings.acceptResendMs);
    };
    this.later(inv, () => {
      inv.markFailed(delivered ? RemoteInvitationFailureReason.ACCEPT_FAILURE : RemoteInvitationFailureReason.PEER_OFFLINE);
    }, this.timings.acceptTimeoutMs);
    attempt();
  }

  refuseRemote(inv: RemoteInvitation): void {
    void this.signal(inv.callerId, 'reject', inv.callId, inv.channelId, inv.response).catch(() => undefined);
  }

  forgetRemote(inv: RemoteInvitation): void {
    this.clearTimers(inv);
    this.remote.delete(remoteKey(inv.callerId, inv.callId));
  }

  // ---- incoming signals -------------------------------------------------------------------------

  receive(from: string, s: CallSignal): void {
    switch (s.kind) {
      case 'invite': {
        const key = remoteKey(from, s.callId);
        if (this.seen.has(key)) return;
        this.remember(key);
        const inv = new RemoteInvitation(this, from, s.callId, s.channelId, s.extra);
        this.remote.set(key, inv);
        this.later(inv, () => {
          if (inv.state === RemoteInvitationState.INVITATION_RECEIVED) inv.markFailed(RemoteInvitationFailureReason.INVITATION_EXPIRE);
        }, this.timings.expireMs);
        this.notify.received(inv);
        return;
      }
      case 'cancel': {
        const open = this.findRemote(from, s);
        if (open && !open.ended) open.markCanceled(s.extra);
        else if (s.callId === '0') this.notify.legacyEnd(from, s.channelId, s.extra);
        return;
      }
      case 'accept': {
        const inv = this.local.get(s.callId);
        if (inv && inv.calleeId === from) {
          void this.signal(from, 'acceptAck', s.callId, s.channelId, '').catch(() => undefined);
          this.remember(remoteKey(from, s.callId), this.accepted);
          inv.markAnswered(true, s.extra);
        } else if (this.accepted.has(remoteKey(from, s.callId))) {
          // A re-sent acceptance of a call we accepted: acknowledge again so the callee completes.
          void this.signal(from, 'acceptAck', s.callId, s.channelId, '').catch(() => undefined);
        }
        // An acceptance of an invitation that failed or that we never sent gets no acknowledgement:
        // the callee's handshake then fails (ACCEPT_FAILURE) instead of believing in a call.
        return;
      }
      case 'reject': {
        const inv = this.local.get(s.callId);
        if (inv && inv.calleeId === from) inv.markAnswered(false, s.extra);
        return;
      }
      case 'acceptAck':
        this.remote.get(remoteKey(from, s.callId))?.markAccepted();
        return;
    }
  }

  /**
   * A cancel names its invitation by callId; the legacy end-call message (callId "0") names none,
   * so it ends the caller's latest open invitation on that channel.
   */
  private findRemote(from: string, s: CallSignal): RemoteInvitation | undefined {
    if (s.callId !== '0') return this.remote.get(remoteKey(from, s.callId));
    let found: RemoteInvitation | undefined;
    for (const inv of this.remote.values()) if (inv.callerId === from && inv.channelId === s.channelId && !inv.ended) found = inv;
    return found;
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  /** Sends one call signal to `to`. */
  signal(to: string, kind: CallKind, callId: string, channelId: string, extra: string): Promise<ResultMap['peer']> {
    return this.client.call(
      'peer',
      { t: 'peer', to, msg: { type: 'CALL', call: { kind, callId, channelId, extra } } },
      PeerMessageError,
      PeerMessageError.TIMEOUT,
    );
  }

  private loggedIn(): boolean {
    const st = this.client.link.state;
    return st === ConnectionState.CONNECTED || st === ConnectionState.RECONNECTING;
  }

  private later(owner: object, fn: () => void, ms: number): void {
    const list = this.timers.get(owner) ?? [];
    list.push(this.clock.setTimeout(fn, ms));
    this.timers.set(owner, list);
  }

  private clearTimers(owner: object): void {
    for (const t of this.timers.get(owner) ?? []) this.clock.clearTimeout(t);
    this.timers.delete(owner);
  }

  private remember(key: string, set: Set<string> = this.seen): void {
    set.add(key);
    if (set.size > SEEN_LIMIT) {
      const oldest = set.values().next().value;
      if (oldest !== undefined) set.delete(oldest);
    }
  }

  /** The client's ID rule (RTM's, or legacy names too). */
  validId(value: unknown): value is string {
    return this.client.validId(value);
  }

  /** Creates a caller-side invitation. */
  create(calleeId: string): LocalInvitation {
    return new LocalInvitation(this, calleeId);
  }
}

function remoteKey(callerId: string, callId: string): string {
  return `${callerId}\u0000${callId}`;
}
