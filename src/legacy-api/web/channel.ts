/**
 * A web `Channel` (from `session.channelJoin`). After a join: `onChannelJoined()`, then
 * `onChannelUserList([[account, uid], …])`, then `onChannelAttrUpdated(name, value, 'update')`
 * for each existing attribute. Channel messages reach their sender too.
 */

import { deliverAfterReturn, type Handler } from './handler';
import type { WebSkin } from './skin';

export class Channel {
  static {
    // No handler fires before the call that caused it has returned.
    deliverAfterReturn(Channel, (self: Channel) => self.skin);
  }

  onChannelJoined: Handler<[]> = '';
  onChannelJoinFailed: Handler<[err: string]> = '';
  onChannelLeaved: Handler<[ecode: number]> = '';
  onChannelUserList: Handler<[list: [account: string, uid: number][]]> = '';
  onChannelUserJoined: Handler<[account: string, uid: number]> = '';
  onChannelUserLeaved: Handler<[account: string, uid: number]> = '';
  onChannelAttrUpdated: Handler<[name: string, value: string, type: string]> = '';
  onMessageChannelReceive: Handler<[account: string, uid: number, msg: string]> = '';
  private left = false;

  /** @internal */
  constructor(
    private readonly skin: WebSkin,
    readonly name: string,
  ) {}

  get state(): 'joining' | 'joined' | 'leaved' {
    const entry = this.skin.engine.ctx.channels.get(this.name);
    if (this.left || this.skin.channel !== this || !entry) return this.left || this.skin.channel !== this ? 'leaved' : 'joining';
    return entry.rtm.state === 'JOINED' ? 'joined' : 'joining';
  }

  /** `cb()` (no arguments) once the server answered, success or not. */
  messageChannelSend(msg: string, cb?: () => void): void {
    const id = this.skin.messageId((_failed) => cb?.());
    void this.skin.engine.messaging.channelSend(this.name, msg, id, false);
  }

  /** With `cb`, `cb()` is called instead of `onChannelLeaved`. */
  channelLeave(cb?: () => void): void {
    if (cb) this.skin.leaveCallbacks.set(this.name, cb);
    this.left = true;
    void this.skin.engine.channels.leave(this.name);
  }

  channelSetAttr(name: string, value: string, cb?: () => void): void {
    void this.skin.engine.channels.changeAttribute('channelSetAttr', this.name, String(name), String(value)).then(() => cb?.());
  }

  channelDelAttr(name: string, cb?: () => void): void {
    void this.skin.engine.channels.changeAttribute('channelDelAttr', this.name, String(name), '').then(() => cb?.());
  }

  channelClearAttr(cb?: () => void): void {
    void this.skin.engine.channels.changeAttribute('channelClearAttr', this.name, '', '').then(() => cb?.());
  }
}
