/**
 * Nothing reaches a legacy app before onLoginSuccess. A push waiting for a user (an offline peer
 * message, a pending invitation) can come in the same read as the login reply; `ws` emits every
 * frame of that read at once, before the login's continuation runs. A proxy joins the server's
 * bytes into one chunk so that this happens on every run, and the callbacks' order is checked.
 */

import { Signal } from '../../src/legacy';
import { CutProxy } from '../helpers/cut-proxy';
import { APP_ID, until } from '../helpers/harness';
import { LegacyHarness, loginLegacy, settle } from './helpers/legacy-harness';

const lh = new LegacyHarness();
let proxy: CutProxy;

beforeEach(async () => {
  await lh.h.start();
  proxy = await new CutProxy(Number(new URL(lh.h.server.url).port)).start();
});
afterEach(async () => {
  await lh.stop();
  await proxy.stop();
});

/** A legacy instance whose server bytes, from the login reply to `marker`, arrive in one chunk. */
function coalescedUntil(marker: string) {
  proxy.coalesceUntil(marker);
  return lh.make({ serverUrl: proxy.url() });
}

test('an offline peer message waiting at login follows onLoginSuccess', async () => {
  const sender = await lh.h.login('sender');
  await expect(sender.sendMessageToPeer({ text: 'kept for you' }, 'late1', { enableOfflineMessaging: true })).resolves.toEqual({ hasPeerReceived: false });
  const late = coalescedUntil('kept for you');
  late.api.login2(APP_ID, 'late1', '_no_need_token', 0, '', 5, 1);
  await late.rec.waitFor('onMessageInstantReceive');
  await settle(50);
  expect(late.rec.names()).toEqual(['onLoginSuccess', 'onMessageInstantReceive']);
  expect(late.rec.of('onMessageInstantReceive')).toEqual([['sender', 0, 'kept for you']]);
});

test('an invitation pending at login follows onLoginSuccess', async () => {
  const caller = lh.make({ rtm: { invitation: { resendMs: 50 } } });
  await loginLegacy(caller, 'caller2');
  caller.api.channelInviteUser2('ringing-at-login', 'late2', 'hello');
  const late = coalescedUntil('ringing-at-login');
  late.api.login2(APP_ID, 'late2', '_no_need_token', 0, '', 5, 1);
  await late.rec.waitFor('onInviteReceived');
  await settle(50);
  expect(late.rec.names()).toEqual(['onLoginSuccess', 'onInviteReceived']);
  expect(late.rec.of('onInviteReceived')[0]?.slice(0, 2)).toEqual(['ringing-at-login', 'caller2']);
});

test('held events are dropped when the login is cancelled by logout', async () => {
  const sender = await lh.h.login('sender');
  await sender.sendMessageToPeer({ text: 'never shown' }, 'late3', { enableOfflineMessaging: true });
  const late = coalescedUntil('never shown');
  late.api.login2(APP_ID, 'late3', '_no_need_token', 0, '', 5, 1);
  // The app logs out once the message has come in, still before the login's continuation has run.
  const rtm = late.api.getRtmClient()!;
  let pushed = false;
  rtm.once('MessageFromPeer', () => {
    pushed = true;
    late.api.logout();
  });
  await until(() => pushed, 3000, 'the offline message');
  await settle(200);
  // Cancelling a login in progress is silent, and the held message goes with it.
  expect(late.rec.names()).toEqual([]);
});

test('web flavour: the session gets onLoginSuccess first, then the message', async () => {
  const sender = await lh.h.login('sender');
  await sender.sendMessageToPeer({ text: 'for the web' }, 'late4', { enableOfflineMessaging: true });
  proxy.coalesceUntil('for the web');
  const session = Signal(APP_ID, { serverUrl: proxy.url() }).login('late4', '_no_need_token');
  // Handlers set after login() returned, as web apps did.
  const order: string[] = [];
  session.onLoginSuccess = () => order.push('onLoginSuccess');
  session.onMessageInstantReceive = (account: string, _uid: number, msg: string) => order.push(`onMessageInstantReceive ${account} ${msg}`);
  try {
    await until(() => order.length === 2, 3000, 'both callbacks');
    await settle(50);
    expect(order).toEqual(['onLoginSuccess', 'onMessageInstantReceive sender for the web']);
  } finally {
    session.logout();
  }
});
