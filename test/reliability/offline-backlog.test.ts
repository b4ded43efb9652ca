/**
 * A receiver with a cached backlog larger than its session's bounds logs in: the backlog arrives in
 * batches paced by its acknowledgements, all of it, in order, once, and the session is never ended
 * for passing a bound (close 4005) on its account.
 */

import type { RtmClient } from '../../src/rtm';
import { APP_ID, Harness, until } from '../helpers/harness';

const h = new Harness();
afterEach(() => h.stop());

const BOUNDS = { sessionPendingMessages: 40, sessionPendingBytes: 64 * 1024, socketBufferedBytes: 64 * 1024 };

it('a backlog of 200 cached messages (about 3× the byte bounds, 5× the message bound) arrives whole, in order, without a 4005', async () => {
  await h.start({ bounds: BOUNDS });
  const store = h.server.core.store;
  const sent: string[] = [];
  const t0 = Date.now();
  for (let i = 0; i < 200; i++) {
    const text = `${String(i).padStart(3, '0')} ${'x'.repeat(1000)}`;
    sent.push(text);
    expect(await store.enqueueOffline(APP_ID, 'bob', { from: i % 2 ? 'alice' : 'carol', msg: { type: 'TEXT', text }, ts: t0 + i }, 200)).toBeUndefined();
  }

  const bob = h.client();
  const got: string[] = [];
  const states: string[] = [];
  bob.on('MessageFromPeer', (m: { text?: string }, _from: string, props: { isOfflineMessage?: boolean }) => {
    if (props.isOfflineMessage === true) got.push(m.text ?? '');
  });
  bob.on('ConnectionStateChanged', (state: string, reason: string) => states.push(`${state}/${reason}`));
  await bob.login({ uid: 'bob' });
  await until(() => got.length >= sent.length, 15_000, 'the whole backlog');
  await sync(await h.login('dave'), 'bob', bob);
  expect(got).toEqual(sent);
  // Never ended (4005 would have sent it RECONNECTING into a fresh session).
  expect(states).toEqual(['CONNECTING/LOGIN', 'CONNECTED/LOGIN_SUCCESS']);
  // Acknowledged: the cache is empty.
  expect((await store.peekOffline(APP_ID, 'bob', Date.now(), 60_000)).upTo).toBe(0);
});

/** A fresh peer message acknowledged by `to`: everything queued for it before was delivered. */
async function sync(from: RtmClient, to: string, receiver: RtmClient): Promise<void> {
  let seen = false;
  receiver.on('MessageFromPeer', (m: { text?: string }) => {
    if (m.text === 'sync') seen = true;
  });
  expect(await from.sendMessageToPeer({ text: 'sync' }, to)).toEqual({ hasPeerReceived: true });
  expect(seen).toBe(true);
}
