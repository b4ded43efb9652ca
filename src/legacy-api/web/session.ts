/**
 * A web `Session`, returned synchronously by `signal.login(...)`; logging in happens afterwards.
 */

import { Call } from './call';
import { Channel } from './channel';
import { deliverAfterReturn, type Handler } from './handler';
import type { WebSkin } from './skin';
import { INVOKE_PREFIX } from '../engine/invoke';

/** Legacy web stringified non-string names and accounts (1.4.0). */
const asName = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export class Session {
  static {
    // No handler fires before the call that caused it has returned.
    deliverAfterReturn(Session, (self: Session) => self.skin);
  }

  onLoginSuccess: Handler<[uid: number]> = '';
  onLoginFailed: Handler<[ecode: number]> = '';
  onLogout: Handler<[ecode: number]> = '';
  onMessageInstantReceive: Handler<[account: string, uid: number, msg: string]> = '';
  onInviteReceived: Handler<[call: Call]> = '';
  /** Assigned by apps, never fired by the web SDK (1.3.0 and 1.4.0 alike). */
  onError: Handler<[unknown]> = '';
  /** Set by some apps to turn on debug logging (1.3.0). */
  dbg = false;

  /** @internal */
  constructor(
    private readonly skin: WebSkin,
    readonly account: string,
  ) {}

  /** The uid the server gave this login (a stable number per account), 0 before login. */
  get uid(): number {
    return this.skin.engine.ctx.status === 2 || this.skin.engine.ctx.status === 3 ? this.skin.engine.ctx.uidOf(this.account) : 0;
  }

  get state(): number {
    return this.getStatus();
  }

  getStatus(): number {
    return this.skin.engine.ctx.status;
  }

  /** With compat `logoutWithoutHandler: 'ignore'`, nothing happens while logged in unless `onLogout` is set (the 1.3/1.4 quirk). */
  logout(): void {
    const engine = this.skin.engine;
    if (engine.ctx.compat.logoutWithoutHandler === 'ignore' && engine.ctx.status === 2 && !this.onLogout) {
      this.skin.log('logout ignored: no onLogout handler (compat logoutWithoutHandler)');
      return;
    }
    void engine.session.logout();
  }

  /**
   * The session's line, which the web SDK added to every `invoke`'s arguments: '' before login,
   * then `<account>@<uid>` (the real value was a server connection id; sig2rtm's is stable per login).
   */
  get line(): string {
    return this.uid === 0 ? '' : `${this.account}@${this.uid}`;
  }

  /** `cb(failed)`: false when the server accepted the message, true on error. */
  messageInstantSend(peer: string, msg: string, cb?: (failed: boolean) => void): void {
    const id = this.skin.messageId((failed) => cb?.(failed));
    void this.skin.engine.messaging.instantSend(asName(peer), msg, id);
  }

  /**
   * Only `io.agora.signal.*` names do anything; `cb(err, resp)` gets err '' and the parsed
   * response on success. Other names are silently ignored (web SDK behaviour).
   */
  invoke(func: string, args: Record<string, unknown> = {}, cb?: (err: string, resp: Record<string, unknown>) => void): void {
    if (typeof func !== 'string' || !func.startsWith(INVOKE_PREFIX)) return;
    // The web SDK mutated the caller's args, adding the session's line; apps that reuse args see it.
    if (typeof args === 'object' && args !== null) args.line = this.line;
    const callID = this.skin.invokeId((err, resp) => cb?.(err, resp));
    void this.skin.engine.invoke(func, JSON.stringify(args ?? {}), callID);
  }

  /** Creates the Call and sends its invitation (`call.channelInviteUser2()`), as the web SDK did. */
  channelInviteUser2(channelID: string, peer: string, extra = ''): Call {
    const call = new Call(this.skin, asName(channelID), asName(peer), String(extra));
    this.skin.calls.set(this.skin.callKey(call.channelName, call.peer), call);
    call.channelInviteUser2();
    return call;
  }

  /**
   * The Channel, or undefined (and a console line) unless logged in. One channel per session: the
   * new Channel object takes the channel's events. Joining the channel the session is already in
   * succeeds (onChannelJoined, onChannelUserList, the attributes, on the new object): the web SDK
   * sent every join to the server, where a user was in one channel at a time and a join moved
   * them, and apps such as OpenDuo-Web re-join the call's channel on every call between the same
   * two users. (Native keeps JOINCHANNEL_E_OTHER for a re-join.)
   */
  channelJoin(name: string): Channel | undefined {
    if (this.skin.engine.ctx.status !== 2) {
      console.log('You should log in first.');
      return undefined;
    }
    const channel = new Channel(this.skin, asName(name));
    this.skin.channel = channel;
    void this.skin.engine.channels.join(channel.name, true);
    return channel;
  }
}
