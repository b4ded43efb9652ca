/**
 * Where webhook events come from, without the core knowing of webhooks: logins, ended sessions and
 * accepted messages from the observer hooks, channel joins and leaves from the store (a join that
 * added a member, a leave that removed one — whether by request, logout or a session that timed out).
 */

import type { WireMessage } from '../../rtm-core/protocol/frames';
import type { AcceptedMessage, CoreObserver } from '../../rtm-core/server/observer';
import type { StateStore } from '../../rtm-core/server/state/store';
import type { WebhookMessage, WebhookSender } from './sender';

export function webhookObserver(sender: WebhookSender): CoreObserver {
  const observer: CoreObserver = {
    login: (result, appId, uid) => {
      if (result === 'ok') sender.emit(appId, 'login', { uid });
    },
    sessionEnded: (appId, uid, why) => sender.emit(appId, 'logout', { uid, reason: why }),
  };
  // Only when some app listed message events: otherwise the core's message hook stays absent.
  if (sender.anyWants('peer_message') || sender.anyWants('channel_message')) observer.message = (m) => emitMessage(sender, m);
  return observer;
}

function emitMessage(sender: WebhookSender, m: AcceptedMessage): void {
  const message = webhookMessage(m.msg);
  if (!message) return;
  const source = m.via;
  if (m.kind === 'peer') sender.emit(m.appId, 'peer_message', { uid: m.from, to: m.to, message, offline: m.offline === true, source }, m.ts);
  else sender.emit(m.appId, 'channel_message', { uid: m.from, channel: m.to, message, source }, m.ts);
}

/** Text as is, raw bytes in base64; invitation signals (CALL) are not messages and send nothing. */
function webhookMessage(msg: WireMessage): WebhookMessage | undefined {
  if (msg.type === 'TEXT') return { type: 'text', text: msg.text };
  if (msg.type === 'RAW') return { type: 'raw', data_base64: Buffer.from(msg.raw.buffer, msg.raw.byteOffset, msg.raw.byteLength).toString('base64'), description: msg.desc };
  return undefined;
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
