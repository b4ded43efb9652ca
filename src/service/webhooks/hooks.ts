/**
 * Where webhook events come from, without the core knowing of webhooks: logins and ended sessions
 * from the observer hooks, channel joins and leaves from the store (a join that added a member, a
 * leave that removed one — whether by request, logout or a session that timed out).
 */

import type { CoreObserver } from '../../rtm-core/server/observer';
import type { StateStore } from '../../rtm-core/server/state/store';
import type { WebhookSender } from './sender';

export function webhookObserver(sender: WebhookSender): CoreObserver {
  return {
    login: (result, appId, uid) => {
      if (result === 'ok') sender.emit(appId, 'login', { uid });
    },
    sessionEnded: (appId, uid, why) => sender.emit(appId, 'logout', { uid, reason: why }),
  };
}

/** The store, reporting joins and leaves that changed membership. */
export function webhookStore(store: StateStore, sender: WebhookSender): StateStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'joinChannel') {
        return async (appId: string, channel: string, uid: string) => {
          const r = await target.joinChannel(appId, channel, uid);
          if (r.added) sender.emit(appId, 'channel_join', { uid, channel });
          return r;
        };
      }
      if (prop === 'leaveChannel') {
        return async (appId: string, channel: string, uid: string) => {
          const r = await target.leaveChannel(appId, channel, uid);
          if (r.removed) sender.emit(appId, 'channel_leave', { uid, channel });
          return r;
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
