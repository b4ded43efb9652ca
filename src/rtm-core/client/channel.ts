/**
 * RtmChannel: join, leave, messages and members of one channel, as agora-rtm-sdk 1.5.1.
 */

import { SdkEmitter } from './emitter';
import { ChannelMessageError, GetMembersError, JoinChannelError, LeaveChannelError } from '../protocol/codes';
import type { AttributeChange, PushEvent } from '../protocol/frames';
import { errorFor } from './errors';
import { fromWire, toWire } from './messages';
import type { ClientInternals } from './internals';
import { ConnectionState } from './status-codes';
import type { ChannelAttributes, RtmChannelEvents, RtmMessage, SendMessageOptions } from './types';

type ChannelState = 'LEFT' | 'JOINING' | 'JOINED';

export class RtmChannel extends SdkEmitter<RtmChannelEvents> {
  readonly channelId: string;
  /** @internal */
  state: ChannelState = 'LEFT';
  /** @internal The last member count this instance reported. */
  lastCount: number | undefined;

  /** @internal Created through `RtmClient.createChannel`. */
  constructor(
    private readonly client: ClientInternals,
    channelId: string,
  ) {
    super();
    this.channelId = channelId;
  }

  async join(): Promise<void> {
    const c = this.client;
    const st = c.link.state;
    if (st !== ConnectionState.CONNECTED && st !== ConnectionState.RECONNECTING) {
      throw errorFor(JoinChannelError, JoinChannelError.USER_NOT_LOGGED_IN, 'not logged in');
    }
    if (this.state !== 'LEFT') throw errorFor(JoinChannelError, JoinChannelError.ALREADY_JOINED, 'already joined');
    const holder = c.channels.others(this)[0];
    if (holder && !c.channels.shared) {
      throw errorFor(JoinChannelError, JoinChannelError.ALREADY_JOINED_CHANNEL_OF_SAME_ID, 'another RtmChannel of this id is joined');
    }
    if (!holder && c.channels.size >= c.limits.channelsPerClient) {
      throw errorFor(JoinChannelError, JoinChannelError.EXCEED_LIMIT, `at most ${c.limits.channelsPerClient} channels`);
    }
    this.state = 'JOINING';
    const group = c.channels.add(this);
    try {
      // Sharing (extension): ride on the membership another instance holds or is getting.
      group.joined ??= c
        .call('join', { t: 'join', ch: this.channelId }, JoinChannelError, JoinChannelError.TIMEOUT)
        .then((r) => r.count);
      const count = await group.joined;
      if (this.state !== 'JOINING') return; // left meanwhile
      this.state = 'JOINED';
      this.updateCount(holder?.lastCount ?? count);
    } catch (err) {
      this.state = 'LEFT';
      if (c.channels.remove(this)) group.joined = undefined;
      throw err;
    }
  }

  leave(): Promise<void> {
    const c = this.client;
    const st = c.link.state;
    if (st !== ConnectionState.CONNECTED && st !== ConnectionState.RECONNECTING) {
      return Promise.reject(errorFor(LeaveChannelError, LeaveChannelError.USER_NOT_LOGGED_IN, 'not logged in'));
    }
    if (this.state !== 'JOINED') return Promise.reject(errorFor(LeaveChannelError, LeaveChannelError.NOT_IN_CHANNEL, 'not in channel'));
    // Fire and forget, as the SDK: local state is cleared at once. A shared membership ends with its last instance.
    if (this.markLeft()) c.call('leave', { t: 'leave', ch: this.channelId }, LeaveChannelError, LeaveChannelError.FAILURE).catch(() => undefined);
    return Promise.resolve();
  }

  async sendMessage(message: RtmMessage, _options?: SendMessageOptions): Promise<void> {
    const c = this.client;
    const wire = toWire(message, c.limits.messageBytes);
    if (typeof wire === 'string') throw errorFor(ChannelMessageError, ChannelMessageError.INVALID_MESSAGE, wire);
    c.requireLoggedIn(ChannelMessageError, ChannelMessageError.USER_NOT_LOGGED_IN);
    if (this.state !== 'JOINED') throw errorFor(ChannelMessageError, ChannelMessageError.NOT_IN_CHANNEL, 'not in channel');
    if (!c.takeSend()) throw errorFor(ChannelMessageError, ChannelMessageError.TOO_OFTEN, 'at most 180 messages per 3 s');
    await c.call('chmsg', { t: 'chmsg', ch: this.channelId, msg: wire }, ChannelMessageError, ChannelMessageError.TIMEOUT);
  }

  async getMembers(): Promise<string[]> {
    const c = this.client;
    if (c.link.state !== ConnectionState.CONNECTED) throw errorFor(GetMembersError, GetMembersError.USER_NOT_LOGGED_IN, 'not logged in');
    if (this.state !== 'JOINED') throw errorFor(GetMembersError, GetMembersError.NOT_IN_CHANNEL, 'not in channel');
    const { uids } = await c.call('members', { t: 'members', ch: this.channelId }, GetMembersError, GetMembersError.TIMEOUT);
    return uids;
  }

  /** @internal An event for this channel arrived. */
  handle(ev: PushEvent): void {
    if (this.state !== 'JOINED') return;
    switch (ev.e) {
      case 'chmsg':
        if (ev.from === this.client.link.uid || ev.msg.type === 'CALL') return; // a sender never gets its own channel message
        this.emit('ChannelMessage', fromWire(ev.msg), ev.from, { serverReceivedTs: ev.ts });
        return;
      case 'joined':
        if (ev.uid !== this.client.link.uid) this.emit('MemberJoined', ev.uid);
        return;
      case 'left':
        if (ev.uid !== this.client.link.uid) this.emit('MemberLeft', ev.uid);
        return;
      case 'count':
        this.updateCount(ev.n);
        return;
      default:
        return;
    }
  }

  /** @internal */
  emitAttributes(attributes: ChannelAttributes, change?: AttributeChange): void {
    if (this.state !== 'JOINED') return;
    if (change) this.emit('AttributesChanged', attributes, change);
    this.emit('AttributesUpdated', attributes);
  }

  /** @internal Local state only: logout, ABORTED, or leave. True when no instance of this id is left in the channel. */
  markLeft(): boolean {
    this.state = 'LEFT';
    this.lastCount = undefined;
    return this.client.channels.remove(this);
  }

  private updateCount(n: number): void {
    if (n === this.lastCount) return;
    this.lastCount = n;
    this.emit('MemberCountUpdated', n);
  }
}
