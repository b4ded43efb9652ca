/**
 * Online status: queries (booleans) and subscriptions (ONLINE / UNREACHABLE / OFFLINE pushes).
 */

import { PeerSubscriptionStatusError, QueryPeersOnlineStatusError } from '../../protocol/codes';
import type { PeerOnlineStateName } from '../../protocol/frames';
import type { Handler } from './context';
import { RequestFailure, successor, takeRate } from './context';

export const query: Handler<'query'> = async (ctx, req) => {
  takeRate(ctx, 'query', QueryPeersOnlineStatusError.TOO_OFTEN);
  return { online: await ctx.core.store.onlineStatus(ctx.session.appId, req.uids) };
};

export const sub: Handler<'sub'> = async (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'sub', PeerSubscriptionStatusError.TOO_OFTEN);
  const fresh = [...new Set(req.uids)].filter((u) => !session.subscriptions.has(u));
  const max = core.options.limits.subscriptionsPerClient;
  if (session.subscriptions.size + fresh.length > max) {
    throw new RequestFailure(PeerSubscriptionStatusError.OVERFLOW, `at most ${max} subscriptions`);
  }
  for (const u of fresh) session.addSubscription(u);
  await core.store.subscribe(session.appId, session.uid, fresh);
  if (session.ended) {
    if (!successor(ctx)) await core.store.dropSubscriptions(session.appId, session.uid);
    throw new RequestFailure(PeerSubscriptionStatusError.USER_NOT_LOGGED_IN, 'session ended');
  }
  for (const u of fresh) core.watch(session.appId, u);
  const online = await core.store.onlineStatus(session.appId, req.uids);
  // Own properties only ('__proto__' is an id like any other): fromEntries, and no inherited reads.
  const states = Object.fromEntries(req.uids.map((uid): [string, PeerOnlineStateName] => [uid, Object.hasOwn(online, uid) && online[uid] === true ? 'ONLINE' : 'OFFLINE']));
  return { states };
};

export const unsub: Handler<'unsub'> = async (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'unsub', PeerSubscriptionStatusError.TOO_OFTEN);
  for (const u of req.uids) session.deleteSubscription(u);
  await core.store.unsubscribe(session.appId, session.uid, req.uids);
  return null;
};
