/**
 * User attributes (the caller's own; they live as long as its login) and channel attributes
 * (readable and writable without joining; each value stamped with who wrote it and when).
 * Changes are applied atomically by the store, so two clients writing different keys of one channel
 * at once both land, and for one key the last writer wins (RTM 1.x has no compare-and-set).
 */

import { AttributeOperationError } from '../../protocol/codes';
import { encodeEvent } from '../../protocol/codec';
import type { Handler } from './context';
import { RequestFailure, successor, takeRate } from './context';

function pick<V>(all: Record<string, V>, keys: string[] | undefined): Record<string, V> {
  if (keys === undefined) return all;
  // fromEntries, not `out[k] = …`: a key named '__proto__' would set the prototype instead.
  return Object.fromEntries(keys.filter((k) => Object.hasOwn(all, k)).map((k) => [k, all[k] as V]));
}

export const uattr: Handler<'uattr'> = async (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'uattr', AttributeOperationError.TOO_OFTEN);
  const result = await core.store.changeUserAttributes(session.appId, session.uid, req.change, core.options.limits.userAttributes);
  if (result === 'overflow') throw new RequestFailure(AttributeOperationError.SIZE_OVERFLOW, 'user attributes over the limits');
  if (session.ended) {
    // The session ended while the store wrote: its attributes end with it.
    if (!successor(ctx)) await core.store.clearUserAttributes(session.appId, session.uid);
    throw new RequestFailure(AttributeOperationError.USER_NOT_LOGGED_IN, 'session ended');
  }
  return null;
};

export const uattrGet: Handler<'uattrGet'> = async (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'uattrGet', AttributeOperationError.TOO_OFTEN);
  const online = await core.store.onlineStatus(session.appId, [req.uid]);
  if (online[req.uid] !== true) throw new RequestFailure(AttributeOperationError.USER_NOT_FOUND, 'The user requested is not online');
  // Extension legacy/1: a legacy user's account attributes are part of what RTM users read.
  const [account, live] = await Promise.all([core.store.getAccountAttributes(session.appId, req.uid), core.store.getUserAttributes(session.appId, req.uid)]);
  return { attrs: pick({ ...account, ...live }, req.keys) };
};

export const cattr: Handler<'cattr'> = async (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'cattr', AttributeOperationError.TOO_OFTEN);
  // Legacy built-in `_setattr_limit`: updates per second of each attribute (a clear counts for every key).
  const settings = await core.builtins.settings(session.appId, req.ch);
  if (settings.setattrLimit !== undefined) {
    const c = req.change;
    const keys = c.op === 'del' ? c.keys : c.op === 'clear' ? Object.keys(await core.store.getChannelAttributes(session.appId, req.ch)) : Object.keys(c.attrs);
    if (!core.builtins.takeAttributeUpdates(session.appId, req.ch, keys, settings, core.clock.now())) {
      throw new RequestFailure(AttributeOperationError.TOO_OFTEN, 'attribute over its channel\'s _setattr_limit', true);
    }
  }
  const attrs = await core.store.changeChannelAttributes(
    session.appId,
    req.ch,
    req.change,
    { by: session.uid, ts: core.clock.now() },
    core.options.limits.channelAttributes,
  );
  if (attrs === 'overflow') throw new RequestFailure(AttributeOperationError.SIZE_OVERFLOW, 'channel attributes over the limits');
  // Every member hears it, the writer included when it is a member (legacy Signaling did the same).
  if (req.notify) core.bus.publishToChannel(session.appId, req.ch, encodeEvent({ e: 'attrs', ch: req.ch, attrs, change: req.change }));
  await core.channelAttributesWritten(session.appId, req.ch, attrs, req.change);
  return null;
};

export const cattrGet: Handler<'cattrGet'> = async (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'cattrGet', AttributeOperationError.TOO_OFTEN);
  return { attrs: pick(await core.store.getChannelAttributes(session.appId, req.ch), req.keys) };
};
