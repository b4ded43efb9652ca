/**
 * Protocol extension `legacy/1` (protocol/EXTENSIONS.md): member counts on demand, and attributes
 * that belong to the account (durable, readable whether or not the account is online). Each has a
 * rate window of its own, generous enough for apps that query on every member event (legacy had no
 * limit) yet bounded, so that a flood still gets TOO_OFTEN.
 */

import { AttributeOperationError, GetChannelMemberCountError } from '../../protocol/codes';
import { LEGACY_LIMITS } from '../../protocol/legacy-limits';
import type { Handler } from './context';
import { RequestFailure, takeRate } from './context';

export const legacyCounts: Handler<'legacyCounts'> = async (ctx, req) => {
  takeRate(ctx, 'legacyCounts', GetChannelMemberCountError.TOO_OFTEN);
  return { counts: await ctx.core.store.channelCounts(ctx.session.appId, req.chs) };
};

export const legacyUattr: Handler<'legacyUattr'> = async (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'legacyUattr', AttributeOperationError.TOO_OFTEN);
  const result = await core.store.setAccountAttribute(session.appId, session.uid, req.name, req.value, LEGACY_LIMITS.accountAttributes);
  if (result === 'overflow') throw new RequestFailure(AttributeOperationError.SIZE_OVERFLOW, `at most ${LEGACY_LIMITS.accountAttributes} attributes per account`);
  if (req.name === '_conn_timeout') core.connTimeoutSet(session, req.value);
  return null;
};

/** The account's attributes over the user's live RTM ones (an RTM user's attributes read through the legacy API). */
export const legacyUattrGet: Handler<'legacyUattrGet'> = async (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'legacyUattrGet', AttributeOperationError.TOO_OFTEN);
  const [live, account] = await Promise.all([
    core.store.getUserAttributes(session.appId, req.uid),
    core.store.getAccountAttributes(session.appId, req.uid),
  ]);
  const all = { ...live, ...account };
  if (req.keys === undefined) return { attrs: all };
  // fromEntries, not `attrs[k] = …`: a key named '__proto__' would set the prototype instead.
  const attrs: Record<string, string> = Object.fromEntries(req.keys.filter((k) => Object.hasOwn(all, k)).map((k) => [k, all[k] as string]));
  return { attrs };
};
