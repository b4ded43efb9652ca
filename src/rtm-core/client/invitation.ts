/**
 * LocalInvitation (the caller's side of a call) and RemoteInvitation (the callee's), with the states,
 * events and synchronous errors of agora-rtm-sdk 1.5.1 (rtm-1x.md §3.5). The protocol and its
 * timers live in invitations.ts; these objects are what the app holds.
 */

import { randomUuid } from './ids';
import { SdkEmitter } from './emitter';
import { InvitationApiCallError } from '../protocol/codes';
import { utf8Length } from '../protocol/limits';
import { errorFor } from './errors';
import type { Invitations } from './invitations';
import type {
  LocalInvitationFailureReason, RemoteInvitationFailureReason} from './status-codes';
import { LocalInvitationState as LState, RemoteInvitationState as RState,
} from './status-codes';
import type { LocalInvitationEvents, RemoteInvitationEvents } from './types';

const MAX_BYTES = 8192;
const LOCAL_TERMINAL = new Set([LState.CANCELED, LState.FAILURE, LState.ACCEPTED_BY_REMOTE, LState.REFUSED_BY_REMOTE]);
const REMOTE_TERMINAL = new Set([RState.ACCEPTED, RState.REFUSED, RState.CANCELED, RState.FAILURE]);

const invalid = (what: string) => errorFor(InvitationApiCallError, InvitationApiCallError.INVALID_ARGUMENT, what);

export class LocalInvitation extends SdkEmitter<LocalInvitationEvents> {
  readonly calleeId: string;
  /** @internal */
  readonly callId: string;
  private _state: LState = LState.IDLE;
  private _content = '';
  private _channelId = '';
  private _response = '';

  /** @internal Use `RtmClient.createLocalInvitation`. */
  constructor(
    private readonly manager: Invitations,
    calleeId: string,
  ) {
    super();
    this.calleeId = calleeId;
    this.callId = randomUuid();
  }

  get state(): LState {
    return this._state;
  }

  get response(): string {
    return this._response;
  }

  set response(_value: string) {
    throw invalid('response is read-only on a LocalInvitation');
  }

  get content(): string {
    return this._content;
  }

  set content(value: string) {
    this._content = value;
  }

  get channelId(): string {
    return this._channelId;
  }

  /** Ignored once the invitation has been sent. */
  set channelId(value: string) {
    if (this._state === LState.IDLE) this._channelId = value;
  }

  get ended(): boolean {
    return LOCAL_TERMINAL.has(this._state);
  }

  send(): void {
    if (this._state === LState.SENT_TO_REMOTE || this._state === LState.RECEIVED_BY_REMOTE) {
      throw errorFor(InvitationApiCallError, InvitationApiCallError.ALREADY_SENT, 'invitation already sent');
    }
    if (this.ended) throw errorFor(InvitationApiCallError, InvitationApiCallError.ALREADY_END, 'invitation already ended');
    if (this._channelId !== '' && !this.manager.validId(this._channelId)) throw invalid('channelId is invalid');
    if (!this.manager.validId(this.calleeId)) throw invalid('calleeId is invalid');
    if (typeof this._content !== 'string' || utf8Length(this._content) > MAX_BYTES) throw invalid(`content over ${MAX_BYTES} bytes`);
    this._state = LState.SENT_TO_REMOTE;
    this.manager.sendLocal(this);
  }

  cancel(): void {
    if (this.ended) throw errorFor(InvitationApiCallError, InvitationApiCallError.ALREADY_END, 'invitation already ended');
    if (this._state === LState.IDLE) throw errorFor(InvitationApiCallError, InvitationApiCallError.NOT_STARTED, 'invitation not sent');
    if (typeof this._content !== 'string' || utf8Length(this._content) > MAX_BYTES) throw invalid(`content over ${MAX_BYTES} bytes`);
    this.manager.cancelLocal(this);
    this.finish(LState.CANCELED);
    this.emit('LocalInvitationCanceled');
  }

  /** @internal Protocol step: the callee's client has it. */
  markReceived(): void {
    if (this._state !== LState.SENT_TO_REMOTE) return;
    this._state = LState.RECEIVED_BY_REMOTE;
    this.emit('LocalInvitationReceivedByPeer');
  }

  /** @internal */
  markAnswered(accepted: boolean, response: string): void {
    if (this.ended) return;
    this.markReceived();
    this._response = response;
    this.finish(accepted ? LState.ACCEPTED_BY_REMOTE : LState.REFUSED_BY_REMOTE);
    if (accepted) this.emit('LocalInvitationAccepted', response);
    else this.emit('LocalInvitationRefused', response);
  }

  /** @internal */
  markFailed(reason: LocalInvitationFailureReason): void {
    if (this.ended) return;
    this.finish(LState.FAILURE);
    this.emit('LocalInvitationFailure', reason);
  }

  private finish(state: LState): void {
    this._state = state;
    this.manager.forgetLocal(this);
  }
}

export class RemoteInvitation extends SdkEmitter<RemoteInvitationEvents> {
  readonly callerId: string;
  /** @internal */
  readonly callId: string;
  private _state: RState = RState.INVITATION_RECEIVED;
  private _content: string;
  private readonly _channelId: string;
  private _response = '';

  /** @internal Created by the client when an invitation arrives. */
  constructor(
    private readonly manager: Invitations,
    callerId: string,
    callId: string,
    channelId: string,
    content: string,
  ) {
    super();
    this.callerId = callerId;
    this.callId = callId;
    this._channelId = channelId;
    this._content = content;
  }

  get state(): RState {
    return this._state;
  }

  get channelId(): string {
    return this._channelId;
  }

  set channelId(_value: string) {
    throw invalid('channelId is read-only on a RemoteInvitation');
  }

  get content(): string {
    return this._content;
  }

  set content(_value: string) {
    throw invalid('content is read-only on a RemoteInvitation');
  }

  get response(): string {
    return this._response;
  }

  set response(value: string) {
    this._response = value;
  }

  get ended(): boolean {
    return REMOTE_TERMINAL.has(this._state);
  }

  accept(): void {
    if (this._state === RState.ACCEPT_SENT_TO_LOCAL) throw errorFor(InvitationApiCallError, InvitationApiCallError.ALREADY_ACCEPT, 'already accepting');
    if (this.ended) throw errorFor(InvitationApiCallError, InvitationApiCallError.ALREADY_END, 'invitation already ended');
    if (typeof this._response !== 'string' || utf8Length(this._response) > MAX_BYTES) throw invalid(`response over ${MAX_BYTES} bytes`);
    this._state = RState.ACCEPT_SENT_TO_LOCAL;
    this.manager.acceptRemote(this);
  }

  refuse(): void {
    if (this._state === RState.ACCEPT_SENT_TO_LOCAL) throw errorFor(InvitationApiCallError, InvitationApiCallError.ALREADY_ACCEPT, 'already accepting');
    if (this.ended) throw errorFor(InvitationApiCallError, InvitationApiCallError.ALREADY_END, 'invitation already ended');
    if (typeof this._response !== 'string' || utf8Length(this._response) > MAX_BYTES) throw invalid(`response over ${MAX_BYTES} bytes`);
    this.manager.refuseRemote(this);
    this.finish(RState.REFUSED);
    this.emit('RemoteInvitationRefused');
  }

  /** @internal The caller acknowledged our acceptance. */
  markAccepted(): void {
    if (this._state !== RState.ACCEPT_SENT_TO_LOCAL) return;
    this.finish(RState.ACCEPTED);
    this.emit('RemoteInvitationAccepted');
  }

  /** @internal */
  markCanceled(content: string): void {
    if (this.ended) return;
    this._content = content;
    this.finish(RState.CANCELED);
    this.emit('RemoteInvitationCanceled', content);
  }

  /** @internal */
  markFailed(reason: RemoteInvitationFailureReason): void {
    if (this.ended) return;
    this.finish(RState.FAILURE);
    this.emit('RemoteInvitationFailure', reason);
  }

  private finish(state: RState): void {
    this._state = state;
    this.manager.forgetRemote(this);
  }
}
