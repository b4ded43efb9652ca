/**
 * Calls: `channelInviteUser` / `channelInviteUser2` on RTM LocalInvitations, the callee side on
 * RemoteInvitations, and what RTM lacks: ending a call at any time (after accept too) through the
 * legacy end-call message, DTMF through a call message, and the `_timeout` / `_require_peer_online`
 * extra keys. Calls are keyed by (channelID, peer) as legacy Signaling keyed them.
 */

import {
  LOCAL_INVITATION_BINDINGS, REMOTE_INVITATION_BINDINGS, bindAll, type CallBindingContext,
} from '../../mapping/bindings';
import { dtmfMessage, endCallText, formatCallMessage } from '../../mapping/emulations/call-messages';
import { AgoraECode } from '../../mapping/legacy-codes';
import type { RemoteInvitation } from '../../rtm-core/client/invitation';
import { END_CALL_PREFIX } from '../../rtm-core/client/end-call';
import { LocalInvitationState } from '../../rtm-core/client/status-codes';
import { callKey, describe, type Call, type EngineContext } from './context';

/** The legacy extra keys the shim honours (legacy-signaling.md §9.2). */
function extraOptions(extra: string): { timeoutSec?: number; requirePeerOnline: boolean } {
  try {
    const v = JSON.parse(extra) as { _timeout?: unknown; _require_peer_online?: unknown } | null;
    if (typeof v !== 'object' || v === null) return { requirePeerOnline: false };
    const t = Number(v._timeout);
    return { ...(Number.isFinite(t) && t > 0 ? { timeoutSec: t } : {}), requirePeerOnline: Number(v._require_peer_online) === 1 };
  } catch {
    return { requirePeerOnline: false };
  }
}

export class LegacyCalls {
  constructor(private readonly ctx: EngineContext) {}

  private bindingContext(call: Call): CallBindingContext {
    const ctx = this.ctx;
    return { compat: ctx.compat, fire: ctx.fire, uidOf: ctx.uidOf, call, ended: () => this.finish(call) };
  }

  /** Ends a call's bookkeeping: its invitation events stop reaching the app. */
  private finish(call: Call): void {
    call.state = 'ended';
    this.ctx.clock.clearTimeout(call.timeout);
    call.unbind?.();
    const key = callKey(call.channelId, call.peer);
    if (this.ctx.calls.get(key) === call) this.ctx.calls.delete(key);
  }

  /** Ends a call without telling the app (replaced, or the session ended), withdrawing a pending invitation. */
  private drop(call: Call): void {
    if (call.state === 'ended') return;
    this.finish(call);
    if (call.local && !call.local.ended && call.local.state !== LocalInvitationState.IDLE) {
      try {
        call.local.cancel();
      } catch {
        // already ended
      }
    }
  }

  /**
   * A second call with the same pair replaces the first (web SDK): the first is withdrawn, or, for a
   * `resend` of the same call (web `call.channelInviteUser2()`), just forgotten (the invite goes again).
   */
  async invite(channelId: string, account: string, extra: string, resend = false): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn('channelInviteUser2');
    if (!client) return;
    const key = callKey(channelId, account);
    const previous = ctx.calls.get(key);
    if (previous && resend) this.finish(previous);
    else if (previous) this.drop(previous);
    const call: Call = { channelId, peer: account, role: 'caller', state: 'ringing' };
    ctx.calls.set(key, call);
    const failed = (ecode: number, reason: string) => {
      this.finish(call);
      ctx.fire('onInviteFailed', channelId, account, ctx.uidOf(account), ecode, JSON.stringify({ reason }));
    };
    const opts = extraOptions(extra);
    if (opts.requirePeerOnline) {
      try {
        const online = await client.queryPeersOnlineStatus([account]);
        if (online[account] !== true) return failed(AgoraECode.INVITE_E_PEEROFFLINE, 'PEER_OFFLINE');
      } catch (err) {
        return failed(AgoraECode.INVITE_E_OTHER, describe(err));
      }
      if (call.state === 'ended') return;
    }
    try {
      const local = client.createLocalInvitation(account);
      local.content = extra;
      local.channelId = channelId;
      call.local = local;
      call.unbind = bindAll(local, LOCAL_INVITATION_BINDINGS, this.bindingContext(call), () => call.state !== 'ended');
      local.send();
    } catch (err) {
      return failed(AgoraECode.INVITE_E_OTHER, describe(err));
    }
    if (opts.timeoutSec !== undefined) {
      // `_timeout`: unanswered by then, the call fails and the invitation is withdrawn.
      call.timeout = ctx.clock.setTimeout(() => {
        if (call.state !== 'ringing') return;
        this.drop(call);
        ctx.fire('onInviteFailed', channelId, account, ctx.uidOf(account), AgoraECode.INVITE_E_TIMEOUT, JSON.stringify({ reason: 'TIMEOUT' }));
      }, opts.timeoutSec * 1000);
    }
  }

  /** An invitation arrived: `onInviteReceived`. */
  received(inv: RemoteInvitation): void {
    const ctx = this.ctx;
    const key = callKey(inv.channelId, inv.callerId);
    const previous = ctx.calls.get(key);
    if (previous) this.finish(previous);
    const call: Call = { channelId: inv.channelId, peer: inv.callerId, role: 'callee', state: 'ringing', remote: inv };
    ctx.calls.set(key, call);
    call.unbind = bindAll(inv, REMOTE_INVITATION_BINDINGS, this.bindingContext(call), () => call.state !== 'ended');
    ctx.fire('onInviteReceived', inv.channelId, inv.callerId, ctx.uidOf(inv.callerId), inv.content);
  }

  answer(method: 'channelInviteAccept' | 'channelInviteRefuse', channelId: string, account: string, extra: string): void {
    const ctx = this.ctx;
    if (!ctx.loggedIn(method)) return;
    const call = ctx.calls.get(callKey(channelId, account));
    const inv = call?.remote;
    if (!call || !inv || call.state !== 'ringing') {
      ctx.error(method, AgoraECode.GENERAL_E_WRONG_PARAM, `no incoming call from ${account} on ${channelId}`);
      return;
    }
    try {
      inv.response = extra;
      if (method === 'channelInviteAccept') {
        inv.accept();
        call.state = 'active';
      } else {
        inv.refuse();
        this.finish(call);
      }
    } catch (err) {
      ctx.error(method, AgoraECode.GENERAL_E_FAILED, describe(err));
    }
  }

  /**
   * `channelInviteEnd`, at any time: a pending invitation of ours is cancelled (RTM cancel); any
   * other call, accepted or not, is ended with the legacy end-call message, which the peer sees as
   * `onInviteEndByPeer`.
   */
  async end(channelId: string, account: string, extra = ''): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn('channelInviteEnd');
    if (!client) return;
    const call = ctx.calls.get(callKey(channelId, account));
    if (call?.local && call.state === 'ringing' && !call.local.ended) {
      try {
        // Legacy's bye carried the extra given to channelInviteEnd ("" by default), not the invitation's.
        call.local.content = extra;
        call.local.cancel(); // → LocalInvitationCanceled → onInviteEndByMyself
        return;
      } catch (err) {
        ctx.log(`cancel failed, ending by message: ${describe(err)}`);
      }
    }
    if (call) this.finish(call);
    ctx.fire('onInviteEndByMyself', channelId, account, ctx.uidOf(account));
    try {
      // sig2rtm's server carries the extra verbatim; the RTM text form cannot carry '_'.
      if (client.sig2rtm) await client.sig2rtm.endCall(account, channelId, extra);
      else await client.sendMessageToPeer({ text: endCallText(END_CALL_PREFIX, channelId, extra) }, account);
    } catch (err) {
      ctx.log(`end-call to ${account} not delivered: ${describe(err)}`);
    }
  }

  /** The peer ended a call with the legacy end-call message. */
  endedByPeer(peer: string, channelId: string, extra: string): void {
    const ctx = this.ctx;
    const call = ctx.calls.get(callKey(channelId, peer));
    if (call) this.drop(call);
    ctx.fire('onInviteEndByPeer', channelId, peer, ctx.uidOf(peer), extra);
  }

  /** `channelInviteDTMF` → the peer's `onInviteMsg(…, 'dtmf', digits, extra)`. */
  async dtmf(channelId: string, peer: string, digits: string): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn('channelInviteDTMF');
    if (!client) return;
    if (!/^[0-9*#]+$/.test(digits)) {
      ctx.error('channelInviteDTMF', AgoraECode.GENERAL_E_WRONG_PARAM, 'DTMF digits are 0-9, * and #');
      return;
    }
    try {
      await client.sendMessageToPeer({ text: formatCallMessage(dtmfMessage(channelId, digits)) }, peer);
    } catch (err) {
      ctx.error('channelInviteDTMF', AgoraECode.GENERAL_E_FAILED, describe(err));
    }
  }

  /** The session ended: every call is over, quietly. */
  dropAll(): void {
    for (const call of [...this.ctx.calls.values()]) this.drop(call);
  }
}
