/**
 * Peer and channel messages: `messageInstantSend`, `messageChannelSend`,
 * `messageChannelSendForce`, with the msgID echoed in `onMessageSendSuccess` / `onMessageSendError`.
 * Legacy success meant "the server has it"; RTM's means "the peer has it" (compat `sendSuccess`).
 */

import { channelMessageFailure, legacyCode, peerMessageFailure } from '../../mapping/code-maps';
import { AgoraECode } from '../../mapping/legacy-codes';
import { ChannelMessageError, PeerMessageError } from '../../rtm-core/protocol/codes';
import { rtmCode, type EngineContext } from './context';

/** Legacy web accepted non-string messages; RTM carries text. */
export function messageText(msg: unknown): string {
  return typeof msg === 'string' ? msg : JSON.stringify(msg) ?? String(msg);
}

export class LegacyMessaging {
  constructor(private readonly ctx: EngineContext) {}

  async instantSend(account: string, msg: string, msgID: string): Promise<void> {
    const ctx = this.ctx;
    const id = ctx.messageId(msgID);
    const client = ctx.loggedIn('messageInstantSend');
    if (!client) return;
    try {
      const r = await client.sendMessageToPeer({ text: messageText(msg) }, account);
      if (ctx.compat.sendSuccess === 'peer' && !r.hasPeerReceived) {
        ctx.fire('onMessageSendError', id, legacyCode(peerMessageFailure, PeerMessageError.PEER_UNREACHABLE, AgoraECode.SENDMESSAGE_E_OTHER));
      } else ctx.fire('onMessageSendSuccess', id);
    } catch (err) {
      ctx.fire('onMessageSendError', id, legacyCode(peerMessageFailure, rtmCode(err) ?? 1, AgoraECode.SENDMESSAGE_E_OTHER));
    }
  }

  async channelSend(channelId: string, msg: string, msgID: string, force: boolean): Promise<void> {
    const ctx = this.ctx;
    const id = ctx.messageId(msgID);
    const client = ctx.loggedIn(force ? 'messageChannelSendForce' : 'messageChannelSend');
    if (!client || !ctx.account) return;
    const text = messageText(msg);
    const joined = ctx.channels.get(channelId);
    try {
      if (joined) await joined.rtm.sendMessage({ text });
      else if (!force) throw Object.assign(new Error('not in channel'), { code: ChannelMessageError.NOT_IN_CHANNEL });
      else if (client.sig2rtm) await client.sig2rtm.sendChannelMessage(channelId, { text });
      else await this.sendThroughTemporaryJoin(channelId, text);
    } catch (err) {
      ctx.fire('onMessageSendError', id, legacyCode(channelMessageFailure, rtmCode(err) ?? 1, AgoraECode.SENDMESSAGE_E_OTHER));
      return;
    }
    ctx.fire('onMessageSendSuccess', id);
    // Legacy delivered channel messages to the sender too; RTM does not (compat echoChannelMessages).
    if (joined && ctx.compat.echoChannelMessages) {
      ctx.fire('onMessageChannelReceive', channelId, ctx.account, ctx.uidOf(ctx.account), text);
    }
  }

  /** On an RTM client without sig2rtm's extension: join, send, leave (members see the join). */
  private async sendThroughTemporaryJoin(channelId: string, text: string): Promise<void> {
    const client = this.ctx.client;
    if (!client) return;
    const ch = client.createChannel(channelId);
    await ch.join();
    try {
      await ch.sendMessage({ text });
    } finally {
      await ch.leave().catch(() => undefined);
    }
  }
}
