/**
 * Web flavour: no callback reaches the app before the call that raised it has returned, on Signal,
 * Session, Channel and Call (the legacy SDK answered every call over the network). Each case makes
 * a call that fails (or answers) at once, and only then assigns the handler, as legacy apps do; a
 * callback delivered during the call would hit the '' handler and be lost, and the wait times out.
 * Callbacks passed as arguments must not run before the call returns either.
 */

import { Signal, type Call, type Channel, type Session } from '../../src/legacy';
import { APP_ID, until } from '../helpers/harness';
import { CHANNEL_HANDLERS, WebLog, uidOf, useWebSessions } from './helpers/web-log';

const { h, login } = useWebSessions();

/** Runs `call` and records whether a callback argument ran before it returned. */
function callWithCallback<A extends unknown[]>(log: WebLog, label: string, call: (cb: (...args: A) => void) => void): void {
  let returned = false;
  call((...args: A) => log.fn(label)(returned ? 'after return' : 'DURING THE CALL', ...args));
  returned = true;
}

async function joined(s: Session, log: WebLog, name: string): Promise<Channel> {
  const ch = s.channelJoin(name)!;
  log.attach(ch, CHANNEL_HANDLERS);
  await log.wait('onChannelUserList');
  log.clear();
  return ch;
}

test('session.channelJoin of an invalid name: onChannelJoinFailed assigned after the call', async () => {
  const { s, log } = await login('alice');
  const ch = s.channelJoin('bad name')!;
  ch.onChannelJoinFailed = log.fn('onChannelJoinFailed');
  ch.onChannelJoined = log.fn('onChannelJoined');
  expect(await log.wait('onChannelJoinFailed')).toEqual(['JOINCHANNEL_E_OTHER (300)']);
  expect(log.names()).toEqual(['onChannelJoinFailed']);
});

test('session.channelJoin of the channel the session is in: the new Channel hears joined, the list and the attributes', async () => {
  const { s: bob, log: lb } = await login('bob');
  const { s: alice, log: la } = await login('alice');
  const cb = await joined(bob, lb, 'room');
  const first = await joined(alice, la, 'room');
  first.channelSetAttr('topic', 't', la.fn('set.cb'));
  await la.wait('set.cb');
  await lb.wait('onChannelAttrUpdated');
  la.clear();
  lb.clear();

  const again = alice.channelJoin('room')!;
  la.attach(again, CHANNEL_HANDLERS);
  await la.wait('onChannelAttrUpdated');
  expect(la.entries).toEqual([
    ['onChannelJoined'],
    ['onChannelUserList', [['bob', uidOf('bob')], ['alice', uidOf('alice')]]],
    ['onChannelAttrUpdated', 'topic', 't', 'update'],
  ]);
  expect(again.state).toBe('joined');
  // The membership stayed (bob saw no leave and no join), and the new object takes the events.
  la.clear();
  cb.messageChannelSend('still here');
  expect(await la.wait('onMessageChannelReceive')).toEqual(['bob', uidOf('bob'), 'still here']);
  expect(lb.entries.filter(([n]) => n === 'onChannelUserLeaved' || n === 'onChannelUserJoined')).toEqual([]);
});

test('a second call between the same two users re-joins the callee\'s channel and completes (OpenDuo-Web pattern)', async () => {
  const { s: alice, log: la } = await login('alice');
  const { s: bob, log: lb } = await login('bob');
  // The callee app: accept every call and join its channel; the handlers are set after each call.
  let bobChannel: Channel | undefined;
  bob.onInviteReceived = (call: Call) => {
    call.channelInviteAccept();
    bobChannel = bob.channelJoin(call.channelName)!;
    bobChannel.onChannelJoined = lb.fn('bob.onChannelJoined');
    bobChannel.onChannelJoinFailed = lb.fn('bob.onChannelJoinFailed');
  };
  for (const round of [1, 2]) {
    const call = alice.channelInviteUser2('duo', 'bob', '');
    call.onInviteAcceptedByPeer = la.fn(`accepted ${round}`);
    await la.wait(`accepted ${round}`);
    await until(() => lb.entries.length === round, 3000, `bob's join ${round}`);
    call.channelInviteEnd();
  }
  expect(lb.entries).toEqual([['bob.onChannelJoined'], ['bob.onChannelJoined']]);
  expect(bobChannel!.state).toBe('joined');
});

test('session.channelInviteUser2 to an invalid peer: onInviteFailed assigned after the call', async () => {
  const { s, log } = await login('alice');
  const call = s.channelInviteUser2('room', 'p'.repeat(129), '');
  call.onInviteFailed = log.fn('onInviteFailed');
  const [extra] = await log.wait('onInviteFailed');
  expect(typeof extra).toBe('string');
});

test('call.channelInviteEnd: onInviteEndByMyself assigned after the call', async () => {
  const { s, log } = await login('alice');
  await login('bob');
  const call = s.channelInviteUser2('room', 'bob', '');
  call.onInviteReceivedByPeer = log.fn('onInviteReceivedByPeer');
  await log.wait('onInviteReceivedByPeer');
  call.channelInviteEnd('bye');
  call.onInviteEndByMyself = log.fn('onInviteEndByMyself');
  expect(await log.wait('onInviteEndByMyself')).toEqual(['']);
});

test('channel.channelLeave of a channel never joined: onChannelLeaved assigned after the call', async () => {
  const { s, log } = await login('alice');
  const ch = s.channelJoin('bad name')!;
  ch.channelLeave();
  ch.onChannelLeaved = log.fn('onChannelLeaved');
  ch.onChannelJoinFailed = log.fn('onChannelJoinFailed');
  await log.wait('onChannelLeaved');
  expect(log.names()).toEqual(['onChannelJoinFailed', 'onChannelLeaved']);
});

test('session.logout: onLogout comes after the call returned', async () => {
  const { s, log } = await login('alice');
  // A handler must be set when logout() is called: without one, 1.3/1.4 ignored the call (compat logoutWithoutHandler).
  s.onLogout = log.fn('onLogout');
  s.logout();
  expect(log.names()).toEqual([]);
  expect(await log.wait('onLogout')).toEqual([101]);
});

test('callbacks passed to a call that fails at once run after it returned', async () => {
  const { s, log } = await login('alice');
  const ch = await joined(s, log, 'room');
  callWithCallback(log, 'instant', (cb) => s.messageInstantSend('p'.repeat(129), 'x', cb));
  callWithCallback(log, 'channel', (cb) => ch.messageChannelSend('x'.repeat(40_000), cb));
  callWithCallback(log, 'invoke', (cb) => s.invoke('io.agora.signal.no_such_rpc', {}, cb));
  callWithCallback(log, 'setAttr', (cb) => ch.channelSetAttr('', 'v', cb));
  callWithCallback(log, 'leave', (cb) => ch.channelLeave(cb));
  await until(() => log.entries.length >= 5, 3000, `five callbacks (got ${JSON.stringify(log.entries)})`);
  const byLabel = new Map(log.entries.map(([n, when]) => [n, when]));
  expect(Object.fromEntries(byLabel)).toEqual({
    instant: 'after return', channel: 'after return', invoke: 'after return', setAttr: 'after return', leave: 'after return',
  });
  expect(log.entries.find(([n]) => n === 'instant')).toEqual(['instant', 'after return', true]);
});

test('Signal.login of an invalid account: onLoginFailed assigned after the call', async () => {
  const s = Signal(APP_ID, { serverUrl: h.server.url }).login('bad account', '');
  const log = new WebLog();
  s.onLoginFailed = log.fn('onLoginFailed');
  expect(await log.wait('onLoginFailed')).toEqual([209]);
});

test('events that arrive while callbacks are pending are delivered after them, in order', async () => {
  const { s: alice, log: la } = await login('alice');
  const { s: bob } = await login('bob');
  const ch = await joined(alice, la, 'room');
  await joined(bob, new WebLog(), 'room');
  // bob's message and alice's own join failure: the failure was raised first, so it comes first.
  bob.messageInstantSend('alice', 'm1');
  const bad = alice.channelJoin('bad name')!;
  bad.onChannelJoinFailed = la.fn('onChannelJoinFailed');
  await la.wait('onMessageInstantReceive');
  await la.wait('onChannelJoinFailed');
  const order = la.names().filter((n) => n === 'onChannelJoinFailed' || n === 'onMessageInstantReceive');
  expect(order[0]).toBe('onChannelJoinFailed');
  expect(ch.name).toBe('room');
});
