/**
 * A web `Call` (from `session.channelInviteUser2` or `onInviteReceived`). All its handlers take one
 * string argument. `channelInviteEnd` fires `onInviteEndByMyself('')` (the 1.4 SDK did so before it
 * returned; sig2rtm right after, like every web callback, so a handler assigned after the call hears it).
 */

import { deliverAfterReturn, type Handler } from './handler';
import type { WebSkin } from './skin';

export class Call {
  static {
    // No handler fires before the call that caused it has returned.
    deliverAfterReturn(Call, (self: Call) => self.skin);
  }

  onInviteReceivedByPeer: Handler<[extra: string]> = '';
  onInviteAcceptedByPeer: Handler<[extra: string]> = '';
  onInviteRefusedByPeer: Handler<[extra: string]> = '';
  onInviteFailed: Handler<[extra: string]> = '';
  onInviteEndByPeer: Handler<[extra: string]> = '';
  onInviteEndByMyself: Handler<[extra: string]> = '';
  onInviteMsg: Handler<[extra: string]> = '';
  /** Whether this call's invitation went out already (then channelInviteUser2 re-sends it). */
  private sent = false;

  /** @internal */
  constructor(
    private readonly skin: WebSkin,
    readonly channelName: string,
    readonly peer: string,
    /** The caller's extra (1.4.0 behaviour; 1.3.0 put the peer uid here by mistake). */
    readonly extra: string,
  ) {}

  /**
   * Sends (again) this call's invitation: its channel, peer and extra. A re-send replaces the
   * pending invitation without ending it, so the peer sees a new onInviteReceived and no end.
   */
  channelInviteUser2(): void {
    const resend = this.skin.calls.get(this.skin.callKey(this.channelName, this.peer)) === this && this.sent;
    this.sent = true;
    this.skin.calls.set(this.skin.callKey(this.channelName, this.peer), this);
    void this.skin.engine.calls.invite(this.channelName, this.peer, this.extra, resend);
  }

  channelInviteAccept(extra = ''): void {
    void this.skin.engine.calls.answer('channelInviteAccept', this.channelName, this.peer, String(extra));
  }

  channelInviteRefuse(extra = ''): void {
    void this.skin.engine.calls.answer('channelInviteRefuse', this.channelName, this.peer, String(extra));
  }

  channelInviteEnd(extra = ''): void {
    void this.skin.engine.calls.end(this.channelName, this.peer, String(extra));
  }

  channelInviteDTMF(dtmf: string): void {
    void this.skin.engine.calls.dtmf(this.channelName, this.peer, String(dtmf));
  }
}
