/**
 * Peer-to-peer messages. `received` is true only when the receiving client acknowledged the message
 * (RTM semantics). A receiver that is away (reconnecting) gets the message when it returns, and the
 * sender hears `received: false` at once.
 */

import { PeerMessageError } from '../../protocol/codes';
import { encodeEvent } from '../../protocol/codec';
import type { Handler } from './context';
import { takeRate } from './context';

export const peer: Handler<'peer'> = async (ctx, req) => {
  const { core, session } = ctx;
  takeRate(ctx, 'send', PeerMessageError.TOO_OFTEN);
  const ts = core.clock.now();
  const ev = encodeEvent({ e: 'peer', from: session.uid, msg: req.msg, ts });
  // Offline-flagged: queued for a live receiver, it is also kept in the offline cache until the
  // receiver acknowledges it (a crash loses nothing); for an absent one, it is cached.
  const offline = req.offline === true && core.options.offlineMessaging ? { from: session.uid, msg: req.msg, ts } : undefined;
  core.options.observer.message?.({ kind: 'peer', appId: session.appId, from: session.uid, to: req.to, msg: req.msg, ts, offline: req.offline === true, via: 'client' });
  const outcome = await core.bus.deliverToUser(session.appId, req.to, ev, core.options.timings.peerAckTimeoutMs, offline);
  if (outcome === 'acked') core.options.observer.delivered?.('peer', core.clock.now() - ts);
  if (outcome !== 'absent') return { received: outcome === 'acked' };
  if (offline && (await core.cacheOffline(session.appId, req.to, offline))) return { received: false, cached: true, absent: true };
  return { received: false, absent: true };
};
