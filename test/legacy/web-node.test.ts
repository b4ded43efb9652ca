/**
 * The legacy web API (Signal → Session → Channel → Call) from Node, through `Signal` exported by
 * src/legacy.ts, against a real test server: the handler semantics (properties start as '', are
 * read when an event fires, exceptions are caught) and the order and arguments of every handler
 * (legacy-signaling.md §4). The browser bundle is covered by test/browser/legacy-web.test.ts.
 */

import { Signal, WEB_SDK_VERSION, type Call } from '../../src/legacy';
import { APP_ID, until } from '../helpers/harness';
import { CALL_HANDLERS, CHANNEL_HANDLERS, SESSION_HANDLERS, WebLog, uidOf, useWebSessions, type Entry } from './helpers/web-log';

const { sessions, signal, login } = useWebSessions();

test('Signal works with and without new; getSDKVersion without an appId; channelJoin before login is undefined', () => {
  const made = [Signal(APP_ID), new (Signal as unknown as new (appId?: string) => ReturnType<typeof Signal>)(APP_ID)];
  for (const sig of made) {
    expect(sig.appid).toBe(APP_ID);
    expect(sig.getSDKVersion()).toBe('1.4.0');
    expect(sig.getSDKVersion_int()).toBe(1010400000);
  }
  expect(new (Signal as unknown as new () => ReturnType<typeof Signal>)().getSDKVersion()).toBe(WEB_SDK_VERSION);
  expect(WEB_SDK_VERSION).toBe('1.4.0');

  const lines: unknown[][] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a));
  try {
    const s = signal().login('carol', '_no_need_token');
    sessions.push(s);
    expect(s.getStatus()).toBe(1); // logging in: login() returned before the server answered
    for (const n of SESSION_HANDLERS) expect(s[n]).toBe('');
    expect(s.channelJoin('room')).toBeUndefined();
    expect(lines).toContainEqual(['You should log in first.']);
  } finally {
    spy.mockRestore();
  }
});

test('login: handlers set after login() returns; getStatus 1 → 2 → 0; onLogout(101)', async () => {
  const s = signal().login('alice', '_no_need_token');
  sessions.push(s);
  const statuses = [s.getStatus()];
  const log = new WebLog();
  s.onLoginSuccess = (uid) => {
    statuses.push(s.getStatus());
    log.fn('onLoginSuccess')(uid);
  };
  s.onLogout = (ecode) => {
    statuses.push(s.getStatus());
    log.fn('onLogout')(ecode);
  };
  s.onLoginFailed = log.fn('onLoginFailed');
  await log.wait('onLoginSuccess');
  expect(s.uid).toBe(uidOf('alice'));
  s.logout();
  await log.wait('onLogout');
  expect(log.entries).toEqual([['onLoginSuccess', uidOf('alice')], ['onLogout', 101]]);
  expect(statuses).toEqual([1, 2, 0]);
  expect(s.getStatus()).toBe(0);
});

test('a login refused at once still reaches the onLoginFailed set after login() returned', async () => {
  // The web SDK answered every login asynchronously, so apps assign onLoginFailed after login().
  const s = signal().login('bad account', '_no_need_token');
  const log = new WebLog();
  log.attach(s, ['onLoginSuccess', 'onLoginFailed']);
  await log.wait('onLoginFailed');
  expect(log.entries).toEqual([['onLoginFailed', 209]]);
  expect(s.getStatus()).toBe(0);
});

test('channel: join order, members, echo, attributes set/del/clear, leave with and without cb, invoke', async () => {
  const { s: bob, log: lb } = await login('bob');
  const { s: alice, log: la } = await login('alice');

  const cb = bob.channelJoin('room')!;
  for (const n of CHANNEL_HANDLERS) expect(cb[n]).toBe('');
  lb.attach(cb, CHANNEL_HANDLERS);
  await lb.wait('onChannelUserList');
  cb.channelSetAttr('topic', 't0', lb.fn('setAttr.cb'));
  await lb.wait('setAttr.cb');
  expect(lb.entries).toEqual([
    ['onChannelJoined'],
    ['onChannelUserList', [['bob', uidOf('bob')]]],
    ['onChannelAttrUpdated', 'topic', 't0', 'update'],
    ['setAttr.cb'],
  ]);
  lb.clear();

  // Alice joins a channel with a member and an attribute; the later handlers are set from inside
  // onChannelJoined: handlers are read when they fire.
  const ca = alice.channelJoin('room')!;
  expect(ca.name).toBe('room');
  ca.onChannelJoined = () => {
    la.fn('onChannelJoined')();
    la.attach(ca, CHANNEL_HANDLERS.filter((n) => n !== 'onChannelJoined'));
  };
  await la.wait('onChannelAttrUpdated');
  expect(la.entries).toEqual([
    ['onChannelJoined'],
    ['onChannelUserList', [['bob', uidOf('bob')], ['alice', uidOf('alice')]]],
    ['onChannelAttrUpdated', 'topic', 't0', 'update'],
  ]);
  expect(ca.state).toBe('joined');
  expect(await lb.wait('onChannelUserJoined')).toEqual(['alice', uidOf('alice')]);
  la.clear();
  lb.clear();

  // Channel messages reach their sender too.
  ca.messageChannelSend('hello room', la.fn('send.cb'));
  await la.wait('onMessageChannelReceive');
  expect(await lb.wait('onMessageChannelReceive')).toEqual(['alice', uidOf('alice'), 'hello room']);
  expect(la.entries).toEqual([['send.cb'], ['onMessageChannelReceive', 'alice', uidOf('alice'), 'hello room']]);
  la.clear();
  lb.clear();

  // Attributes: cb() for the member who changed them; every member hears the change.
  const step = async (run: (done: () => void) => void, label: string, expected: Entry) => {
    run(lb.fn(label));
    await lb.wait(label);
    await until(() => la.entries.length === 1, 3000, `alice's ${expected[3] as string}`);
    expect(la.entries).toEqual([expected]);
    expect(lb.entries).toEqual([expected, [label]]);
    la.clear();
    lb.clear();
  };
  await step((done) => cb.channelSetAttr('color', 'red', done), 'set.cb', ['onChannelAttrUpdated', 'color', 'red', 'update']);
  await step((done) => cb.channelDelAttr('color', done), 'del.cb', ['onChannelAttrUpdated', 'color', '', 'del']);
  await step((done) => cb.channelSetAttr('size', 'L', done), 'set.cb', ['onChannelAttrUpdated', 'size', 'L', 'update']);
  await step((done) => cb.channelClearAttr(done), 'clear.cb', ['onChannelAttrUpdated', '', '', 'clear']);

  // invoke: only io.agora.signal.* names do anything.
  alice.invoke('other.thing', { name: 'room' }, la.fn('other.cb'));
  alice.invoke('io.agora.signal.channel_query_num', { name: 'room' }, la.fn('num.cb'));
  await la.wait('num.cb');
  expect(la.entries).toEqual([['num.cb', '', { result: 'ok', num: 2 }]]);
  la.clear();

  // channelLeave(cb): cb instead of onChannelLeaved; channelLeave(): onChannelLeaved(0).
  cb.channelLeave(lb.fn('leave.cb'));
  expect(await la.wait('onChannelUserLeaved')).toEqual(['bob', uidOf('bob')]);
  expect(cb.state).toBe('leaved');
  ca.channelLeave();
  await la.wait('onChannelLeaved');
  expect(la.entries).toEqual([['onChannelUserLeaved', 'bob', uidOf('bob')], ['onChannelLeaved', 0]]);
  expect(lb.entries).toEqual([['leave.cb']]);
  expect(la.has('other.cb')).toBe(false);
});

test('peer messages: cb(false), cb(true) for an invalid account, uid 0, a throwing handler is caught', async () => {
  const { s: alice, log: la } = await login('alice');
  const { s: bob, log: lb } = await login('bob');
  const errors: unknown[][] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a));
  try {
    bob.onMessageInstantReceive = (account, uid, msg) => {
      lb.fn('onMessageInstantReceive')(account, uid, msg);
      if (msg === 'boom') throw new Error('app bug');
    };
    alice.messageInstantSend('bob', 'boom', la.fn('send1.cb'));
    alice.messageInstantSend('bob', 'after', la.fn('send2.cb'));
    alice.messageInstantSend('x'.repeat(129), 'x', la.fn('send3.cb')); // over the 128 characters of a legacy name
    await until(() => lb.entries.length === 2 && la.entries.length === 3, 3000, 'messages');
    expect(lb.entries).toEqual([['onMessageInstantReceive', 'alice', 0, 'boom'], ['onMessageInstantReceive', 'alice', 0, 'after']]);
    expect(la.entries).toEqual(expect.arrayContaining([['send1.cb', false], ['send2.cb', false], ['send3.cb', true]]));
    expect(errors.some((e) => String(e[0]).includes('onMessageInstantReceive') && (e[1] as Error).message === 'app bug')).toBe(true);
  } finally {
    spy.mockRestore();
  }
});

test('calls: accept, DTMF and end by the callee; refuse; end by the caller; failure', async () => {
  const { s: alice, log: la } = await login('alice');
  const { s: bob, log: lb } = await login('bob');
  const incoming: Call[] = [];
  bob.onInviteReceived = (call) => {
    incoming.push(call);
    lb.fn('onInviteReceived')({ channelName: call.channelName, peer: call.peer, extra: call.extra });
    for (const n of CALL_HANDLERS) expect(call[n]).toBe('');
    lb.attach(call, CALL_HANDLERS, `${call.channelName}.`);
  };
  const invite = (channel: string, peer: string, extra: string): Call => {
    const call = alice.channelInviteUser2(channel, peer, extra);
    expect([call.channelName, call.peer, call.extra]).toEqual([channel, peer, extra]);
    la.attach(call, CALL_HANDLERS, `${channel}.`);
    return call;
  };

  // 1. accepted, a DTMF message, ended by the callee. A throwing handler does not stop the next.
  const errors: unknown[][] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a));
  try {
    const c1 = invite('c1', 'bob', '{"k":1}');
    c1.onInviteReceivedByPeer = (extra) => {
      la.fn('c1.onInviteReceivedByPeer')(extra);
      throw new Error('app bug');
    };
    await lb.wait('onInviteReceived');
    expect(lb.entries).toEqual([['onInviteReceived', { channelName: 'c1', peer: 'alice', extra: '{"k":1}' }]]);
    await la.wait('c1.onInviteReceivedByPeer');
    incoming[0]!.channelInviteAccept('{"ok":1}');
    await la.wait('c1.onInviteAcceptedByPeer');
    expect(errors.some((e) => String(e[0]).includes('onInviteReceivedByPeer'))).toBe(true);
  } finally {
    spy.mockRestore();
  }
  incoming[0]!.channelInviteDTMF('12#');
  await la.wait('c1.onInviteMsg');
  incoming[0]!.onInviteEndByMyself = (extra) => lb.fn('c1.onInviteEndByMyself')(extra);
  incoming[0]!.channelInviteEnd('bye');
  lb.fn('channelInviteEnd returned')();
  await la.wait('c1.onInviteEndByPeer');
  await lb.wait('c1.onInviteEndByMyself');
  expect(la.entries).toEqual([
    ['c1.onInviteReceivedByPeer', ''],
    ['c1.onInviteAcceptedByPeer', '{"ok":1}'],
    ['c1.onInviteMsg', '{"msgtype":"dtmf","msgdata":"12#"}'],
    ['c1.onInviteEndByPeer', 'bye'],
  ]);
  expect(lb.entries.slice(1)).toEqual([['channelInviteEnd returned'], ['c1.onInviteEndByMyself', '']]);
  la.clear();
  lb.clear();

  // 2. refused.
  invite('c2', 'bob', 'x');
  await lb.wait('onInviteReceived');
  incoming[1]!.channelInviteRefuse('{"status":0}');
  await la.wait('c2.onInviteRefusedByPeer');
  expect(la.entries).toEqual([['c2.onInviteReceivedByPeer', ''], ['c2.onInviteRefusedByPeer', '{"status":0}']]);
  la.clear();
  lb.clear();

  // 3. ended by the caller while ringing: onInviteEndByMyself('') once channelInviteEnd has returned.
  const c3 = invite('c3', 'bob', 'y');
  await la.wait('c3.onInviteReceivedByPeer');
  c3.channelInviteEnd('stop');
  la.fn('channelInviteEnd returned')();
  await lb.wait('c3.onInviteEndByPeer');
  await la.wait('c3.onInviteEndByMyself');
  expect(la.entries).toEqual([['c3.onInviteReceivedByPeer', ''], ['channelInviteEnd returned'], ['c3.onInviteEndByMyself', '']]);
  expect(lb.entries).toEqual([['onInviteReceived', { channelName: 'c3', peer: 'alice', extra: 'y' }], ['c3.onInviteEndByPeer', 'stop']]);
  la.clear();

  // 4. failed: the peer is offline and the extra asks for an online peer.
  invite('c4', 'nobody', '{"_require_peer_online":1}');
  await la.wait('c4.onInviteFailed');
  expect(la.entries).toEqual([['c4.onInviteFailed', '{"reason":"PEER_OFFLINE"}']]);
  expect(incoming).toHaveLength(3);
});
