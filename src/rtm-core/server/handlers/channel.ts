/**
 * Channels: join, leave, messages, members, counts. Membership is kept twice on purpose: in the
 * StateStore (shared, authoritative for counts and member lists) and in the Bus (where this node
 * delivers). The session's own set answers "am I in it?" without a round trip.
 */

import {
  ChannelMessageError, GetChannelMemberCountError, GetMembersError, JoinChannelError, LeaveChannelError,
} from '../../protocol/codes';
import { encodeEvent } from '../../protocol/codec';
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
  if (added && count <= limits.memberEventsUpTo) {
    core.bus.publishToChannel(session.appId, req.ch, encodeEvent({ e: 'joined', ch: req.ch, uid: session.uid }), session.uid);
  }
  core.memberCountChanged(session.appId, req.ch, count);
  return { count };
};

/** Removes the session from a channel and tells the others. Shared by `leave` and session end. */
export async function leaveChannel(ctx: HandlerContext, channel: string): Promise<void> {
  const { core, session } = ctx;
  session.deleteChannel(channel);
  core.bus.removeMember(session, channel);
  const { count, removed } = await core.store.leaveChannel(session.appId, channel, session.uid);
  if (removed && count + 1 <= core.options.limits.memberEventsUpTo) {
    core.bus.publishToChannel(session.appId, channel, encodeEvent({ e: 'left', ch: channel, uid: session.uid }), session.uid);
  }
  core.memberCountChanged(session.appId, channel, count);
}

export const leave: Handler<'leave'> = async (ctx, req) => {
  if (!ctx.session.channels.has(req.ch)) throw new RequestFailure(LeaveChannelError.NOT_IN_CHANNEL, 'not in channel');
  await leaveChannel(ctx, req.ch);
  return null;
};

export const chmsg: Handler<'chmsg'> = (ctx, req) => {
  const { core, session } = ctx;
  if (!session.channels.has(req.ch)) throw new RequestFailure(ChannelMessageError.NOT_IN_CHANNEL, 'not in channel');
  takeRate(ctx, 'send', ChannelMessageError.TOO_OFTEN);
  const ev = encodeEvent({ e: 'chmsg', ch: req.ch, from: session.uid, msg: req.msg, ts: core.clock.now() });
  core.bus.publishToChannel(session.appId, req.ch, ev, session.uid);
  return Promise.resolve(null);
};

/** Extension: a message to a channel one is not in, without joining it (no MemberJoined/Left noise). */
export const chmsgOut: Handler<'chmsgOut'> = (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'send', ChannelMessageError.TOO_OFTEN);
  const ev = encodeEvent({ e: 'chmsg', ch: req.ch, from: session.uid, msg: req.msg, ts: core.clock.now() });
  core.bus.publishToChannel(session.appId, req.ch, ev, session.uid);
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
