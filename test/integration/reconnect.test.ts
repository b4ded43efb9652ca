/**
 * Reconnect and session resume (rtm-1x.md §7, §8.1, §8.2, §8.4): real network drops through a TCP
 * proxy. The client under test connects through the proxy; its peers connect to the server directly.
 */

import AgoraRTM from '../../src/rtm';
import type { RtmChannel, RtmClient, RtmMessage } from '../../src/rtm';
import type { ServerOptions } from '../../src/server';
import { CutProxy } from '../helpers/cut-proxy';
import { Harness, record, sleep, until, waitForEvent } from '../helpers/harness';

const h = new Harness();
let proxy: CutProxy | undefined;

afterEach(async () => {
  await h.stop();
  await proxy?.stop();
  proxy = undefined;
});

type Log = { name: string; args: unknown[] }[];

async function setup(options: ServerOptions = {}): Promise<CutProxy> {
  await h.start(options);
  proxy = await new CutProxy(h.server.port).start();
  return proxy;
}

/** A logged-in client that reaches the server through the proxy. */
async function loginViaProxy(p: CutProxy, uid: string): Promise<RtmClient> {
  return h.login(uid, { serverUrl: p.url() });
}

async function joined(client: RtmClient, id: string): Promise<RtmChannel> {
  const ch = client.createChannel(id);
  await ch.join();
  return ch;
}

const states = (log: Log) => log.filter((e) => e.name === 'ConnectionStateChanged').map((e) => e.args);
const has = (log: Log, state: string) => states(log).some(([s]) => s === state);
/** Index of the last ConnectionStateChanged to `state`, -1 if none. */
const lastIndexOf = (log: Log, state: string) => {
  const s = states(log);
  for (let i = s.length - 1; i >= 0; i--) if (s[i]?.[0] === state) return i;
  return -1;
};
/** Resolves once the client has been RECONNECTING and then CONNECTED again. */
const backAgain = (log: Log, ms = 3000) =>
  until(() => lastIndexOf(log, 'CONNECTED') > lastIndexOf(log, 'RECONNECTING') && lastIndexOf(log, 'RECONNECTING') >= 0, ms, 'reconnected');
const texts = (log: Log) => log.map((e) => (e.args[0] as RtmMessage & { text: string }).text);

/** Waits until the server has noticed the drop: only the `direct` clients' connections remain. */
const serverSees = (direct: number) => until(() => h.server.core.connectionCount === direct, 2000, `server down to ${direct} connections`);

// ---- a short drop ----------------------------------------------------------------------------------

test('a cut: RECONNECTING/INTERRUPTED then CONNECTED/LOGIN_SUCCESS, invisible to members and subscribers', async () => {
  const p = await setup();
  const alice = await h.login('alice');
  const carol = await h.login('carol');
  const bob = await loginViaProxy(p, 'bob');
  const aliceRoom = await joined(alice, 'room');
  const bobRoom = await joined(bob, 'room');
  await carol.subscribePeersOnlineStatus(['bob']);

  const bobLog = record(bob, ['ConnectionStateChanged']);
  const members = record(aliceRoom, ['MemberJoined', 'MemberLeft']);
  const presence = record(carol, ['PeersOnlineStatusChanged']);

  p.cut();
  await backAgain(bobLog);
  expect(states(bobLog)).toEqual([
    ['RECONNECTING', 'INTERRUPTED'],
    ['CONNECTED', 'LOGIN_SUCCESS'],
  ]);

  // A second drop behaves the same.
  p.cut();
  await until(() => states(bobLog).length === 4, 3000, 'second reconnect');
  expect(states(bobLog).slice(2)).toEqual([
    ['RECONNECTING', 'INTERRUPTED'],
    ['CONNECTED', 'LOGIN_SUCCESS'],
  ]);

  // Anything the server announced about bob would be ahead of this message.
  const got = waitForEvent<[RtmMessage, string]>(aliceRoom, 'ChannelMessage');
  await bobRoom.sendMessage({ text: 'still here' });
  expect((await got).slice(0, 2)).toEqual([{ text: 'still here', messageType: 'TEXT' }, 'bob']);
  expect(await carol.queryPeersOnlineStatus(['bob'])).toEqual({ bob: true });
  await sleep(50);
  expect(members).toEqual([]);
  expect(presence).toEqual([]);
  expect((await aliceRoom.getMembers()).sort()).toEqual(['alice', 'bob']);
});

// ---- messages while away ---------------------------------------------------------------------------

test('peer and channel messages sent while it is away arrive after the reconnect, exactly once and in order', async () => {
  const p = await setup();
  const alice = await h.login('alice');
  const bob = await loginViaProxy(p, 'bob');
  const aliceRoom = await joined(alice, 'room');
  const bobRoom = await joined(bob, 'room');

  const bobLog = record(bob, ['ConnectionStateChanged']);
  const peerGot = record(bob, ['MessageFromPeer']);
  const chGot = record(bobRoom, ['ChannelMessage']);

  const downAt = Date.now();
  p.down = true;
  p.cut();
  await until(() => has(bobLog, 'RECONNECTING'), 2000, 'RECONNECTING');
  await serverSees(1);

  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => alice.sendMessageToPeer({ text: `p${i}` }, 'bob')));
  expect(results).toEqual(Array.from({ length: 50 }, () => ({ hasPeerReceived: false })));
  for (let i = 0; i < 10; i++) await aliceRoom.sendMessage({ text: `c${i}` });

  await sleep(Math.max(0, 400 - (Date.now() - downAt)));
  expect(peerGot).toEqual([]);
  expect(chGot).toEqual([]);
  expect(states(bobLog)).toEqual([['RECONNECTING', 'INTERRUPTED']]);
  expect(p.attempts).toBeGreaterThan(1); // it kept trying while the network was down

  p.down = false;
  await backAgain(bobLog);
  await until(() => peerGot.length >= 50 && chGot.length >= 10, 3000, 'replayed messages');
  await sleep(100); // duplicates, if any, would arrive now

  expect(texts(peerGot)).toEqual(Array.from({ length: 50 }, (_, i) => `p${i}`));
  expect(peerGot.every((e) => e.args[1] === 'alice')).toBe(true);
  expect(texts(chGot)).toEqual(Array.from({ length: 10 }, (_, i) => `c${i}`));
  expect(chGot.every((e) => e.args[1] === 'alice')).toBe(true);

  // Still a member of its channel, and fully working.
  expect((await bobRoom.getMembers()).sort()).toEqual(['alice', 'bob']);
  const atAlice = waitForEvent<[RtmMessage, string]>(aliceRoom, 'ChannelMessage');
  await bobRoom.sendMessage({ text: 'back' });
  expect((await atAlice)[0]).toMatchObject({ text: 'back' });
  expect(await alice.sendMessageToPeer({ text: 'again' }, 'bob')).toEqual({ hasPeerReceived: true });
  await until(() => peerGot.length === 51, 2000, 'fresh message');
  expect(texts(peerGot)[50]).toBe('again');
});

test('messages sent while RECONNECTING wait and are delivered after the reconnect', async () => {
  const p = await setup();
  const alice = await h.login('alice');
  const bob = await loginViaProxy(p, 'bob');
  const aliceRoom = await joined(alice, 'room');
  const bobRoom = await joined(bob, 'room');
  const bobLog = record(bob, ['ConnectionStateChanged']);
  const alicePeer = record(alice, ['MessageFromPeer']);
  const aliceCh = record(aliceRoom, ['ChannelMessage']);

  p.down = true;
  p.cut();
  await until(() => has(bobLog, 'RECONNECTING'), 2000, 'RECONNECTING');

  let settled = 0;
  const sends = [
    bob.sendMessageToPeer({ text: 'q1' }, 'alice').finally(() => settled++),
    bob.sendMessageToPeer({ text: 'q2' }, 'alice').finally(() => settled++),
  ];
  const chSend = bobRoom.sendMessage({ text: 'qc' }).finally(() => settled++);
  await sleep(250);
  expect(settled).toBe(0); // waiting, not failed
  expect(alicePeer).toEqual([]);
  expect(aliceCh).toEqual([]);

  p.down = false;
  expect(await Promise.all(sends)).toEqual([{ hasPeerReceived: true }, { hasPeerReceived: true }]);
  await chSend;
  await until(() => aliceCh.length === 1, 2000, 'channel message');
  await sleep(100);
  expect(texts(alicePeer)).toEqual(['q1', 'q2']);
  expect(alicePeer.map((e) => e.args[1])).toEqual(['bob', 'bob']);
  expect(texts(aliceCh)).toEqual(['qc']);
});

test('messages queued while RECONNECTING go out before those sent once CONNECTED (per-sender order)', async () => {
  const p = await setup();
  const alice = await h.login('alice');
  const bob = await loginViaProxy(p, 'bob');
  const bobLog = record(bob, ['ConnectionStateChanged']);
  const alicePeer = record(alice, ['MessageFromPeer']);

  p.down = true;
  p.cut();
  await until(() => has(bobLog, 'RECONNECTING'), 2000, 'RECONNECTING');
  const sends: Promise<unknown>[] = [bob.sendMessageToPeer({ text: 'm1' }, 'alice'), bob.sendMessageToPeer({ text: 'm2' }, 'alice')];
  // The app sends more as soon as it hears it is back.
  bob.on('ConnectionStateChanged', (state) => {
    if (state === AgoraRTM.ConnectionState.CONNECTED) sends.push(bob.sendMessageToPeer({ text: 'm3' }, 'alice'));
  });
  p.down = false;
  await backAgain(bobLog);
  await until(() => sends.length === 3, 1000, 'third send');
  await Promise.all(sends);
  await until(() => alicePeer.length === 3, 2000, 'three messages');
  expect(texts(alicePeer)).toEqual(['m1', 'm2', 'm3']);
});

test('a send that waits longer than the request timeout while RECONNECTING fails with TIMEOUT (2)', async () => {
  const p = await setup();
  await h.login('alice');
  const bob = await h.login('bob', { serverUrl: p.url(), requestTimeoutMs: 300 });
  const bobLog = record(bob, ['ConnectionStateChanged']);
  p.down = true;
  p.cut();
  await until(() => has(bobLog, 'RECONNECTING'), 2000, 'RECONNECTING');
  const started = Date.now();
  await expect(bob.sendMessageToPeer({ text: 'late' }, 'alice')).rejects.toMatchObject({ code: 2 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  p.down = false;
  await backAgain(bobLog);
});

// ---- a stream under repeated cuts --------------------------------------------------------------------

test('repeated cuts during a stream of 300 messages: every message arrives exactly once, in per-sender order', async () => {
  const p = await setup();
  const alice = await loginViaProxy(p, 'alice'); // the one whose network drops
  const bob = await h.login('bob');
  const carol = await h.login('carol');
  const aliceRoom = await joined(alice, 'room');
  const carolRoom = await joined(carol, 'room');

  const aliceLog = record(alice, ['ConnectionStateChanged']);
  const atAlice = record(alice, ['MessageFromPeer']);
  const atAliceCh = record(aliceRoom, ['ChannelMessage']);
  const atBob = record(bob, ['MessageFromPeer']);

  // 150 each way between alice and bob (peer messages) and 150 from carol to the channel: alice
  // both sends and receives throughout. 150 per sender keeps within 180 messages per 3 s.
  const N = 150;
  const sends: Promise<unknown>[] = [];
  let stop = false;
  const stream = (async () => {
    for (let i = 0; i < N; i++) {
      sends.push(alice.sendMessageToPeer({ text: `a${i}` }, 'bob'));
      sends.push(bob.sendMessageToPeer({ text: `b${i}` }, 'alice'));
      sends.push(carolRoom.sendMessage({ text: `c${i}` }));
      await sleep(6);
    }
  })();
  const cutter = (async () => {
    let n = 0;
    while (!stop) {
      await sleep(60 + ((n * 37) % 90));
      if (stop) break;
      // Every other drop, the network stays down for a moment too.
      if (n % 2 === 1) p.down = true;
      p.cut();
      if (n % 2 === 1) {
        await sleep(40);
        p.down = false;
      }
      n++;
    }
    return n;
  })();
  await stream;
  stop = true;
  const cuts = await cutter;
  expect(cuts).toBeGreaterThanOrEqual(4);

  await Promise.all(sends);
  await until(() => atAlice.length >= N && atAliceCh.length >= N && atBob.length >= N, 5000, 'all messages');
  await sleep(150);

  const seq = (prefix: string) => Array.from({ length: N }, (_, i) => `${prefix}${i}`);
  expect(texts(atBob)).toEqual(seq('a'));
  expect(texts(atAlice)).toEqual(seq('b'));
  expect(texts(atAliceCh)).toEqual(seq('c'));
  // The drops were real: alice went through RECONNECTING each time and ended CONNECTED.
  expect(states(aliceLog).filter(([s]) => s === 'RECONNECTING').length).toBeGreaterThanOrEqual(2);
  expect(states(aliceLog).at(-1)).toEqual(['CONNECTED', 'LOGIN_SUCCESS']);
});

// ---- a drop longer than the offline grace ------------------------------------------------------------

test('a drop longer than the offline grace: MemberLeft and OFFLINE, then a new session that re-joins and re-subscribes', async () => {
  const p = await setup({ timings: { offlineAfterMs: 300, unreachableAfterMs: 100, heartbeatMs: 25 } });
  const alice = await h.login('alice');
  const carol = await h.login('carol');
  const bob = await loginViaProxy(p, 'bob');
  const aliceRoom = await joined(alice, 'room');
  const bobRoom = await joined(bob, 'room');
  await carol.subscribePeersOnlineStatus(['bob']);
  await bob.subscribePeersOnlineStatus(['carol', 'dave']);

  const bobLog = record(bob, ['ConnectionStateChanged', 'PeersOnlineStatusChanged']);
  const members = record(aliceRoom, ['MemberJoined', 'MemberLeft']);
  const presence = record(carol, ['PeersOnlineStatusChanged']);
  const bobStatesOf = () => presence.map((e) => (e.args[0] as Record<string, string>).bob).filter((s) => s !== undefined);

  const downAt = Date.now();
  p.down = true;
  p.cut();
  await until(() => bobStatesOf().includes('OFFLINE'), 2000, 'OFFLINE at the subscriber');
  await until(() => members.length === 1, 1000, 'MemberLeft');
  expect(members).toEqual([{ name: 'MemberLeft', args: ['bob'] }]);
  expect(await alice.queryPeersOnlineStatus(['bob'])).toEqual({ bob: false });
  // Sent while away from a session that no longer exists: they go out on the new one, after the re-join.
  const aliceCh = record(aliceRoom, ['ChannelMessage']);
  const queuedCh = bobRoom.sendMessage({ text: 'queued in channel' });
  const queuedPeer = bob.sendMessageToPeer({ text: 'queued to peer' }, 'alice');
  const atAlicePeer = waitForEvent<[RtmMessage, string]>(alice, 'MessageFromPeer');
  await sleep(Math.max(0, 600 - (Date.now() - downAt)));
  expect(states(bobLog)).toEqual([['RECONNECTING', 'INTERRUPTED']]); // the client does not know yet

  p.down = false;
  await backAgain(bobLog);
  await queuedCh;
  expect(await queuedPeer).toEqual({ hasPeerReceived: true });
  expect((await atAlicePeer).slice(0, 2)).toEqual([{ text: 'queued to peer', messageType: 'TEXT' }, 'bob']);
  await until(() => aliceCh.length === 1, 2000, 'queued channel message');
  expect(texts(aliceCh)).toEqual(['queued in channel']);
  expect(states(bobLog)).toEqual([
    ['RECONNECTING', 'INTERRUPTED'],
    ['CONNECTED', 'LOGIN_SUCCESS'],
  ]);
  // Re-joined automatically: others see MemberJoined.
  await until(() => members.length === 2, 2000, 'MemberJoined');
  expect(members[1]).toEqual({ name: 'MemberJoined', args: ['bob'] });
  // Subscribers saw it go and come back.
  await until(() => bobStatesOf().at(-1) === 'ONLINE', 2000, 'ONLINE at the subscriber');
  expect(bobStatesOf()).toEqual(['UNREACHABLE', 'OFFLINE', 'ONLINE']);
  // Re-subscribed, with one PeersOnlineStatusChanged carrying the full map.
  await until(() => bobLog.some((e) => e.name === 'PeersOnlineStatusChanged'), 2000, 'PeersOnlineStatusChanged');
  const announced = bobLog.filter((e) => e.name === 'PeersOnlineStatusChanged');
  expect(announced).toEqual([{ name: 'PeersOnlineStatusChanged', args: [{ carol: 'ONLINE', dave: 'OFFLINE' }] }]);

  // Everything works on the new session.
  expect((await aliceRoom.getMembers()).sort()).toEqual(['alice', 'bob']);
  expect((await bobRoom.getMembers()).sort()).toEqual(['alice', 'bob']);
  const atAlice = waitForEvent<[RtmMessage, string]>(aliceRoom, 'ChannelMessage');
  await bobRoom.sendMessage({ text: 'back' });
  expect(await atAlice).toEqual([{ text: 'back', messageType: 'TEXT' }, 'bob', expect.any(Object)]);
  const atBob = waitForEvent<[RtmMessage, string]>(bob, 'MessageFromPeer');
  expect(await alice.sendMessageToPeer({ text: 'hi' }, 'bob')).toEqual({ hasPeerReceived: true });
  expect((await atBob)[0]).toEqual({ text: 'hi', messageType: 'TEXT' });
  // The subscription is live again on the server: carol leaving is announced.
  const off = waitForEvent<[Record<string, string>]>(bob, 'PeersOnlineStatusChanged');
  await carol.logout();
  expect((await off)[0]).toEqual({ carol: 'OFFLINE' });
});

// ---- heartbeat -------------------------------------------------------------------------------------

test('a server that goes silent without closing is noticed within about 2 ping intervals, and the client reconnects', async () => {
  // beat/1: the server pings every idle interval; the client takes 2 of them without a word as a lost link.
  const hb = 100;
  const p = await setup({ timings: { heartbeatMs: hb, idlePingMs: hb } });
  const alice = await h.login('alice');
  const bob = await loginViaProxy(p, 'bob');
  const bobLog = record(bob, ['ConnectionStateChanged']);
  const atBob = record(bob, ['MessageFromPeer']);
  await sleep(hb * 1.5); // heartbeats are running

  const stalledAt = Date.now();
  p.stall();
  const sent = alice.sendMessageToPeer({ text: 'into the void' }, 'bob'); // pushed into the silent socket
  await until(() => has(bobLog, 'RECONNECTING'), 2000, 'RECONNECTING');
  const noticedAfter = Date.now() - stalledAt;
  // Not before 2 intervals of silence could have passed (less the up to one interval, and a wheel
  // tick, since the last ping), and not much after the 3rd.
  expect(noticedAfter).toBeGreaterThanOrEqual(hb - hb / 4);
  expect(noticedAfter).toBeLessThanOrEqual(6 * hb);
  expect(states(bobLog)[0]).toEqual(['RECONNECTING', 'INTERRUPTED']);

  await backAgain(bobLog);
  expect(states(bobLog)).toEqual([
    ['RECONNECTING', 'INTERRUPTED'],
    ['CONNECTED', 'LOGIN_SUCCESS'],
  ]);
  await sent;
  await until(() => atBob.length === 1, 2000, 'the message sent into the stall');
  expect(await alice.sendMessageToPeer({ text: 'after' }, 'bob')).toEqual({ hasPeerReceived: true });
  await until(() => atBob.length === 2, 2000, 'second message');
  await sleep(50);
  expect(texts(atBob)).toEqual(['into the void', 'after']);
});

// ---- logout while away -------------------------------------------------------------------------------

test('logout while RECONNECTING: DISCONNECTED/LOGOUT, pending sends fail, and no further reconnect attempts', async () => {
  const p = await setup();
  await h.login('alice');
  const bob = await loginViaProxy(p, 'bob');
  const bobLog = record(bob, ['ConnectionStateChanged']);

  p.down = true;
  p.cut();
  await until(() => has(bobLog, 'RECONNECTING'), 2000, 'RECONNECTING');
  const before = p.attempts;
  await until(() => p.attempts >= before + 2, 2000, 'reconnect attempts'); // it is retrying
  const pending = bob.sendMessageToPeer({ text: 'never' }, 'alice');

  await bob.logout();
  expect(states(bobLog)).toEqual([
    ['RECONNECTING', 'INTERRUPTED'],
    ['DISCONNECTED', 'LOGOUT'],
  ]);
  await expect(pending).rejects.toMatchObject({ code: 102 });
  const attemptsAtLogout = p.attempts;
  await sleep(300); // several backoff periods (reconnect maxMs is 100 in the harness)
  p.down = false;
  await sleep(200);
  expect(p.attempts).toBe(attemptsAtLogout);
  expect(states(bobLog)).toHaveLength(2);
  await expect(bob.sendMessageToPeer({ text: 'x' }, 'alice')).rejects.toMatchObject({ code: 102 });
});
