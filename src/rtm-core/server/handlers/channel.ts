/**
 * Channels: join, leave, messages, members, counts. Membership is kept twice on purpose: in the
 * StateStore (shared, authoritative for counts and member lists) and in the Bus (where this node
 * delivers). The session's own set answers "am I in it?" without a round trip.
 */

import {
  ChannelMessageError, GetChannelMemberCountError, GetMembersError, JoinChannelError, LeaveChannelError,
} from '../../protocol/codes';
import { encodeEvent } from '../../protocol/codec';
import { DEFAULT_SETTINGS } from '../channel-builtins';
import type { WireMessage } from '../../protocol/frames';
import type { Handler, HandlerContext } from './context';
import { RequestFailure, successor, takeRate } from './context';

export const join: Handler<'join'> = async (ctx, req) => {
  const { core, session } = ctx;
  const { limits } = core.options;
  if (session.channels.has(req.ch)) throw new RequestFailure(JoinChannelError.ALREADY_JOINED, 'already joined');
  if (session.channels.size >= limits.channelsPerClient) {
    throw new RequestFailure(JoinChannelError.EXCEED_LIMIT, `at most ${limits.channelsPerClient} channels`);
  }
  takeRate(ctx, 'join', JoinChannelError.TOO_OFTEN);
  takeRate(ctx, 'joinSame', JoinChannelError.JOIN_SAME_CHANNEL_TOO_OFTEN, req.ch);
  session.addChannel(req.ch);
  core.bus.addMember(session, req.ch);
  let joined: { count: number; added: boolean };
  try {
    joined = await core.store.joinChannel(session.appId, req.ch, session.uid);
  } catch (err) {
    // Shared state unavailable: not joined after all, so that a retry can join.
    session.deleteChannel(req.ch);
    core.bus.removeMember(session, req.ch);
    throw err;
  }
  const { count, added } = joined;
  if (session.ended) {
    // The session ended while the store was joining: undo, or it would stay a member forever.
    if (successor(ctx)?.channels.has(req.ch) !== true) await leaveChannel(ctx, req.ch);
    throw new RequestFailure(JoinChannelError.USER_NOT_LOGGED_IN, 'session ended');
  }
  await membershipChanged(ctx, req.ch, count, added ? 'joined' : undefined);
  return { count };
};

/**
 * After a join or leave: members hear it (up to `memberEventsUpTo`, unless the legacy built-in
 * `_userNotification` is 0), the counts follow, and legacy `__agora_channel_event` hears it too.
 */
async function membershipChanged(ctx: HandlerContext, channel: string, count: number, change: 'joined' | 'left' | undefined): Promise<void> {
  const { core, session } = ctx;
  const { appId, uid } = session;
  // Read once per node and channel (then kept current), so joins and leaves cost no extra read.
  // Unreadable (store away): the defaults this time, and a read again next time.
  const settings = await core.builtins.settings(appId, channel).catch(() => DEFAULT_SETTINGS);
  const before = change === 'left' ? count + 1 : count;
  if (change !== undefined && settings.userNotification && before <= core.options.limits.memberEventsUpTo) {
    core.bus.publishToChannel(appId, channel, encodeEvent({ e: change, ch: channel, uid }), uid);
  }
  core.memberCountChanged(appId, channel, count);
  if (change !== undefined) {
    core.builtins.membershipChanged(appId, channel, change === 'joined', settings);
    core.builtins.channelEvent(appId, channel, uid, change === 'joined' ? 'join' : 'leave');
  }
}

/** Removes the session from a channel and tells the others. Shared by `leave` and session end. */
export async function leaveChannel(ctx: HandlerContext, channel: string): Promise<void> {
  const { core, session } = ctx;
  session.deleteChannel(channel);
  core.bus.removeMember(session, channel);
  const { count, removed } = await core.store.leaveChannel(session.appId, channel, session.uid);
  await membershipChanged(ctx, channel, count, removed ? 'left' : undefined);
}

export const leave: Handler<'leave'> = async (ctx, req) => {
  if (!ctx.session.channels.has(req.ch)) throw new RequestFailure(LeaveChannelError.NOT_IN_CHANNEL, 'not in channel');
  await leaveChannel(ctx, req.ch);
  return null;
};

/** To every member but the sender; reported to the observer first (message webhooks). */
function publishChannelMessage({ core, session }: HandlerContext, ch: string, msg: WireMessage): void {
  const ts = core.clock.now();
  core.options.observer.message?.({ kind: 'channel', appId: session.appId, from: session.uid, to: ch, msg, ts, via: 'client' });
  core.bus.publishToChannel(session.appId, ch, encodeEvent({ e: 'chmsg', ch, from: session.uid, msg, ts }), session.uid);
}

export const chmsg: Handler<'chmsg'> = (ctx, req) => {
  const { session } = ctx;
  if (!session.channels.has(req.ch)) throw new RequestFailure(ChannelMessageError.NOT_IN_CHANNEL, 'not in channel');
  takeRate(ctx, 'send', ChannelMessageError.TOO_OFTEN);
  takeChannelRate(ctx, req.ch);
  publishChannelMessage(ctx, req.ch, req.msg);
  return Promise.resolve(null);
};

/** The legacy built-in `_sendmsg_limit`: messages per second of the whole channel (legacy/1). */
function takeChannelRate(ctx: HandlerContext, channel: string): void {
  if (!ctx.core.builtins.takeMessage(ctx.session.appId, channel, ctx.core.clock.now())) {
    throw new RequestFailure(ChannelMessageError.TOO_OFTEN, 'channel over its _sendmsg_limit', true);
  }
}

/** Extension: a message to a channel one is not in, without joining it (no MemberJoined/Left noise). */
export const chmsgOut: Handler<'chmsgOut'> = (ctx, req) => {
  takeRate(ctx, 'send', ChannelMessageError.TOO_OFTEN);
  takeChannelRate(ctx, req.ch);
  publishChannelMessage(ctx, req.ch, req.msg);
  return Promise.resolve(null);
};

/** Extension: a channel's member list without being a member. */
export const membersOut: Handler<'membersOut'> = async (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'members', GetMembersError.TOO_OFTEN);
  const uids = await core.store.channelMembers(session.appId, req.ch, core.options.limits.membersReturned);
  return { uids };
};

export const members: Handler<'members'> = async (ctx, req) => {
  const { core, session } = ctx;
  if (!session.channels.has(req.ch)) throw new RequestFailure(GetMembersError.NOT_IN_CHANNEL, 'not in channel');
  takeRate(ctx, 'members', GetMembersError.TOO_OFTEN);
  const uids = await core.store.channelMembers(session.appId, req.ch, core.options.limits.membersReturned);
  return { uids };
};

export const counts: Handler<'counts'> = async (ctx, req) => {
  takeRate(ctx, 'counts', GetChannelMemberCountError.TOO_OFTEN);
  const result = await ctx.core.store.channelCounts(ctx.session.appId, req.chs);
  return { counts: result };
};
