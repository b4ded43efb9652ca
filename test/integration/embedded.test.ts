/**
 * The embedded core: with no server address configured, clients of one process reach each other
 * through `embeddedCore()` over the loopback transport, with the same events, codes and validation as
 * over a socket. Also the server-address resolution order (README): serverUrl → SIG2RTM_URL → embedded.
 */

import AgoraRTM from '../../src/rtm';
import type { RtmChannel, RtmClient, RtmMessage } from '../../src/rtm';
import type { Sig2rtmClientConfig } from '../../src/rtm-core/client/config';
import { loopbackTransport } from '../../src/rtm-core/client/transports/loopback';
import { embeddedCore, resetEmbeddedCore } from '../../src/rtm-core/embedded';
import { decodeFrame } from '../../src/rtm-core/protocol/codec';
import { PROTOCOL_VERSION } from '../../src/rtm-core/protocol/frames';
import { APP_ID, Harness, record, sleep, until, waitForEvent } from '../helpers/harness';

const savedEnv = process.env.SIG2RTM_URL;
beforeEach(() => {
  delete process.env.SIG2RTM_URL;
});
afterAll(() => {
  if (savedEnv === undefined) delete process.env.SIG2RTM_URL;
  else process.env.SIG2RTM_URL = savedEnv;
});

const h = new Harness();
const made: RtmClient[] = [];

/** A client built from the config alone, as an app would (the harness would add a serverUrl). */
function create(config: Sig2rtmClientConfig = {}): RtmClient {
  const c = AgoraRTM.createInstance(APP_ID, { reconnect: { minMs: 20, maxMs: 100 }, ...config });
  made.push(c);
  return c;
}

afterEach(async () => {
  for (const c of made.splice(0)) {
    c.removeAllListeners();
    await c.logout().catch(() => undefined);
  }
  await resetEmbeddedCore();
  await h.stop();
});

// ---- one scenario, run over the embedded core and over a real socket ---------------------------------

interface Entry {
  who: string;
  what: string;
  args: unknown[];
}

/** Turns event arguments and errors into comparable values (timestamps differ between runs). */
function normal(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (v instanceof Error) return { error: v.constructor.name, code: (v as Error & { code?: unknown }).code };
  if (Array.isArray(v)) return v.map(normal);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === 'serverReceivedTs' ? typeof x : normal(x);
    return out;
  }
  return v;
}

/**
 * alice and bob: login, subscription, peer TEXT and RAW messages, a channel (join, members, messages,
 * leave), client- and server-side errors, logout. Returns everything both observed, in order.
 */
async function scenario(make: () => RtmClient): Promise<Entry[]> {
  const log: Entry[] = [];
  const note = (who: string, what: string, ...args: unknown[]) => log.push({ who, what, args: args.map(normal) });
  const listen = (who: string, emitter: RtmClient | RtmChannel, events: string[]) => {
    const e = emitter as unknown as { on(n: string, f: (...a: unknown[]) => void): void };
    for (const name of events) e.on(name, (...args: unknown[]) => note(who, name, ...args));
  };
  const attempt = async (who: string, what: string, run: () => Promise<unknown>) => {
    try {
      note(who, what, await run());
    } catch (err) {
      note(who, what, err);
    }
  };
  const clientEvents = ['ConnectionStateChanged', 'MessageFromPeer', 'PeersOnlineStatusChanged'];
  const channelEvents = ['ChannelMessage', 'MemberJoined', 'MemberLeft'];

  const alice = make();
  const bob = make();
  listen('alice', alice, clientEvents);
  listen('bob', bob, clientEvents);
  await alice.login({ uid: 'alice' });
  await bob.login({ uid: 'bob' });
  await alice.subscribePeersOnlineStatus(['bob', 'nobody']);

  // Peer TEXT and RAW.
  let got = waitForEvent(bob, 'MessageFromPeer');
  await attempt('alice', 'sendMessageToPeer', () => alice.sendMessageToPeer({ text: 'hello bob' }, 'bob'));
  await got;
  got = waitForEvent(alice, 'MessageFromPeer');
  const raw = new Uint8Array([0, 1, 2, 250, 255]);
  await attempt('bob', 'sendMessageToPeer RAW', () => bob.sendMessageToPeer({ rawMessage: raw, description: 'bytes' }, 'alice'));
  await got;
  await attempt('alice', 'sendMessageToPeer nobody', () => alice.sendMessageToPeer({ text: 'anyone?' }, 'nobody'));

  // Channel.
  const aliceRoom = alice.createChannel('room');
  const bobRoom = bob.createChannel('room');
  listen('alice', aliceRoom, channelEvents);
  listen('bob', bobRoom, channelEvents);
  await aliceRoom.join();
  got = waitForEvent(aliceRoom, 'MemberJoined');
  await bobRoom.join();
  await got;
  got = waitForEvent(aliceRoom, 'ChannelMessage');
  await attempt('bob', 'channel sendMessage', () => bobRoom.sendMessage({ text: 'hi room' }));
  await got;
  got = waitForEvent(bobRoom, 'ChannelMessage');
  await attempt('alice', 'channel sendMessage RAW', () => aliceRoom.sendMessage({ rawMessage: raw, description: '' }));
  await got;
  await attempt('alice', 'getMembers', async () => (await aliceRoom.getMembers()).sort());

  // Errors: client-side validation …
  await attempt('alice', 'oversize peer message', () => alice.sendMessageToPeer({ text: 'x'.repeat(32 * 1024 + 1) }, 'bob'));
  await attempt('alice', 'bad peer id', () => alice.sendMessageToPeer({ text: 'x' }, 'null'));
  await attempt('alice', 'oversize channel message', () => aliceRoom.sendMessage({ text: 'é'.repeat(16 * 1024 + 1) }));
  await attempt('alice', 'join twice', () => aliceRoom.join());
  // … and the server's (rate limits: getMembers 5 per 2 s, getChannelMemberCount 1/s).
  for (let i = 0; i < 5; i++) await attempt('alice', `getMembers ${i + 2}`, async () => (await aliceRoom.getMembers()).length);
  await attempt('alice', 'getChannelMemberCount', () => alice.getChannelMemberCount(['room', 'empty']));
  await attempt('alice', 'getChannelMemberCount again', () => alice.getChannelMemberCount(['room']));

  // Leave and logout.
  got = waitForEvent(aliceRoom, 'MemberLeft');
  await bobRoom.leave();
  await got;
  await attempt('bob', 'channel sendMessage after leave', () => bobRoom.sendMessage({ text: 'late' }));
  got = waitForEvent(alice, 'PeersOnlineStatusChanged');
  await bob.logout();
  await got;
  await attempt('alice', 'sendMessageToPeer after logout', () => alice.sendMessageToPeer({ text: 'gone?' }, 'bob'));
  await attempt('bob', 'sendMessageToPeer logged out', () => bob.sendMessageToPeer({ text: 'x' }, 'alice'));
  await alice.logout();
  return log;
}

test('two embedded clients: same events, results and error codes as over a socket', async () => {
  const embeddedLog = await scenario(() => create());
  expect(embeddedCore().connectionCount).toBe(0); // both logged out

  await h.start();
  const socketLog = await scenario(() => h.client());

  // Spot checks, so that two equally broken runs cannot pass.
  const find = (who: string, what: string) => embeddedLog.filter((e) => e.who === who && e.what === what).map((e) => e.args);
  expect(find('alice', 'sendMessageToPeer')).toEqual([[{ hasPeerReceived: true }]]);
  expect(find('bob', 'MessageFromPeer')).toEqual([[{ text: 'hello bob', messageType: 'TEXT' }, 'alice', { serverReceivedTs: 'number' }]]);
  expect(find('alice', 'MessageFromPeer')).toEqual([
    [{ rawMessage: { bytes: [0, 1, 2, 250, 255] }, description: 'bytes', messageType: 'RAW' }, 'bob', { serverReceivedTs: 'number' }],
  ]);
  expect(find('alice', 'sendMessageToPeer nobody')).toEqual([[{ hasPeerReceived: false }]]);
  expect(find('alice', 'MemberJoined')).toEqual([['bob']]);
  expect(find('alice', 'ChannelMessage')).toEqual([[{ text: 'hi room', messageType: 'TEXT' }, 'bob', { serverReceivedTs: 'number' }]]);
  expect(find('bob', 'ChannelMessage')).toEqual([
    [{ rawMessage: { bytes: [0, 1, 2, 250, 255] }, description: '', messageType: 'RAW' }, 'alice', { serverReceivedTs: 'number' }],
  ]);
  expect(find('alice', 'getMembers')).toEqual([[['alice', 'bob']]]);
  expect(find('alice', 'oversize peer message')[0]?.[0]).toMatchObject({ code: 7 });
  expect(find('alice', 'bad peer id')[0]?.[0]).toMatchObject({ code: 6 });
  expect(find('alice', 'oversize channel message')[0]?.[0]).toMatchObject({ code: 4 });
  expect(find('alice', 'getMembers 5')).toEqual([[2]]);
  expect(find('alice', 'getMembers 6')[0]?.[0]).toMatchObject({ code: 4 }); // TOO_OFTEN, from the server
  expect(find('alice', 'getChannelMemberCount')).toEqual([[{ room: 2, empty: 0 }]]);
  expect(find('alice', 'getChannelMemberCount again')[0]?.[0]).toMatchObject({ code: 3 }); // TOO_OFTEN, from the server
  expect(find('alice', 'MemberLeft')).toEqual([['bob']]);
  expect(find('bob', 'channel sendMessage after leave')[0]?.[0]).toMatchObject({ code: 5 });
  expect(find('alice', 'PeersOnlineStatusChanged')).toEqual([[{ bob: 'ONLINE', nobody: 'OFFLINE' }], [{ bob: 'OFFLINE' }]]);
  expect(find('alice', 'sendMessageToPeer after logout')).toEqual([[{ hasPeerReceived: false }]]);
  expect(find('bob', 'sendMessageToPeer logged out')[0]?.[0]).toMatchObject({ code: 102 });
  expect(find('bob', 'ConnectionStateChanged')).toEqual([
    ['CONNECTING', 'LOGIN'],
    ['CONNECTED', 'LOGIN_SUCCESS'],
    ['DISCONNECTED', 'LOGOUT'],
  ]);

  // Compared per client: between two clients (a send's result, the other's event) order is not defined.
  const of = (log: Entry[], who: string) => log.filter((e) => e.who === who);
  expect(of(embeddedLog, 'alice')).toEqual(of(socketLog, 'alice'));
  expect(of(embeddedLog, 'bob')).toEqual(of(socketLog, 'bob'));
  expect(embeddedLog.length).toBe(socketLog.length);
});

test('RAW messages round-trip byte for byte through the embedded core, peer and channel', async () => {
  const alice = create();
  const bob = create();
  await alice.login({ uid: 'alice' });
  await bob.login({ uid: 'bob' });
  const bytes = new Uint8Array(32 * 1024 - 4);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;

  const got = waitForEvent<[RtmMessage & { rawMessage: Uint8Array; description: string }, string]>(bob, 'MessageFromPeer');
  expect(await alice.sendMessageToPeer({ rawMessage: bytes, description: 'desc', messageType: 'RAW' }, 'bob')).toEqual({ hasPeerReceived: true });
  const [msg, from] = await got;
  expect(from).toBe('alice');
  expect(msg.messageType).toBe('RAW');
  expect(msg.description).toBe('desc');
  expect(msg.rawMessage).toBeInstanceOf(Uint8Array);
  expect(msg.rawMessage).not.toBe(bytes); // a copy travelled, not the sender's buffer
  expect(Buffer.from(msg.rawMessage).equals(Buffer.from(bytes))).toBe(true);

  // Exactly at the limit (bytes + description) passes; one byte more is INVALID_MESSAGE (7).
  const at = waitForEvent<[RtmMessage & { rawMessage: Uint8Array }]>(bob, 'MessageFromPeer');
  await alice.sendMessageToPeer({ rawMessage: bytes, description: 'abcd' }, 'bob');
  expect((await at)[0].rawMessage.length).toBe(bytes.length);
  await expect(alice.sendMessageToPeer({ rawMessage: bytes, description: 'abcde' }, 'bob')).rejects.toMatchObject({ code: 7 });

  const aliceRoom = alice.createChannel('raw');
  const bobRoom = bob.createChannel('raw');
  await aliceRoom.join();
  await bobRoom.join();
  const inRoom = waitForEvent<[RtmMessage & { rawMessage: Uint8Array; description: string }, string]>(bobRoom, 'ChannelMessage');
  await aliceRoom.sendMessage({ rawMessage: new Uint8Array([9, 8, 7]), description: '' });
  const [cm, cfrom] = await inRoom;
  expect(cfrom).toBe('alice');
  expect([...cm.rawMessage]).toEqual([9, 8, 7]);
  expect(cm.description).toBe('');
});

// ---- hand-written frames: the server's validation answers identically --------------------------------

interface FrameLink {
  frames: Record<string, unknown>[];
  send(frame: Record<string, unknown>): void;
}

function loopbackLink(): FrameLink {
  const frames: Record<string, unknown>[] = [];
  const t = loopbackTransport(embeddedCore())('embedded:', {
    onOpen: () => undefined,
    onMessage: (data) => frames.push(decodeFrame(data) as Record<string, unknown>),
    onClose: () => undefined,
  });
  return { frames, send: (f) => t.send(JSON.stringify(f)) };
}

/** Sends each frame and collects what comes back for it, as comparable values. */
async function exchange(link: FrameLink, frames: Record<string, unknown>[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const f of frames) {
    const before = link.frames.length;
    link.send(f);
    await until(() => link.frames.length > before, 2000, `answer to ${String(f.t)}`);
    await sleep(5);
    for (const r of link.frames.slice(before)) {
      out.push(r.t === 'res' ? { t: 'res', rid: r.rid, ok: r.ok, code: r.code } : { t: r.t, code: r.code });
    }
  }
  return out;
}

test('hand-written frames get the same answers from the embedded core as from a server', async () => {
  const big = 'x'.repeat(32 * 1024 + 1);
  const frames: Record<string, unknown>[] = [
    { t: 'peer', rid: 1, to: 'bob', msg: { type: 'TEXT', text: 'not yet' } },
    { t: 'login', rid: 2, v: PROTOCOL_VERSION, appId: APP_ID, uid: 'raw user' },
    { t: 'login', rid: 3, v: PROTOCOL_VERSION, appId: APP_ID, uid: 'raw user' },
    { t: 'peer', rid: 4, to: 'bob', msg: { type: 'TEXT', text: big } },
    { t: 'peer', rid: 5, to: 'null', msg: { type: 'TEXT', text: 'x' } },
    { t: 'peer', rid: 6, to: 'bob', msg: { type: 'RAW', raw: 'not bytes', desc: '' } },
    { t: 'chmsg', rid: 7, ch: 'room', msg: { type: 'TEXT', text: big } },
    { t: 'chmsg', rid: 8, ch: 'room', msg: { type: 'TEXT', text: 'not a member' } },
    { t: 'members', rid: 9, ch: 'room' },
    { t: 'join', rid: 10, ch: 'bad\u0000channel' },
    { t: 'query', rid: 11, uids: [] },
    { t: 'nonsense', rid: 12 },
    { t: 'peer', rid: 13, to: 'bob', msg: { type: 'TEXT', text: 'fine' } },
  ];

  const viaLoopback = await exchange(loopbackLink(), frames);

  await h.start();
  const raw = await h.raw();
  const viaSocket = await exchange({ frames: raw.frames, send: (f) => raw.send(f) }, frames);

  expect(viaLoopback).toEqual([
    { t: 'res', rid: 1, ok: false, code: 102 },
    { t: 'res', rid: 2, ok: true, code: undefined },
    { t: 'res', rid: 3, ok: false, code: 8 },
    { t: 'res', rid: 4, ok: false, code: 7 },
    { t: 'res', rid: 5, ok: false, code: 6 },
    { t: 'res', rid: 6, ok: false, code: 7 },
    { t: 'res', rid: 7, ok: false, code: 4 },
    { t: 'res', rid: 8, ok: false, code: 5 },
    { t: 'res', rid: 9, ok: false, code: 5 },
    { t: 'res', rid: 10, ok: false, code: 3 },
    { t: 'res', rid: 11, ok: false, code: 2 },
    { t: 'error', code: expect.any(Number) as number },
    { t: 'res', rid: 13, ok: true, code: undefined },
  ]);
  expect(viaSocket).toEqual(viaLoopback);
});

// ---- the embedded core itself -----------------------------------------------------------------------

test('clients without an address share the one embedded core; resetEmbeddedCore gives the next ones a fresh core', async () => {
  const core = embeddedCore();
  const alice = create();
  await alice.login({ uid: 'alice' });
  expect(core.connectionCount).toBe(1);
  const bob = create();
  await bob.login({ uid: 'bob' });
  expect(embeddedCore()).toBe(core);
  expect(core.connectionCount).toBe(2);
  expect(await bob.queryPeersOnlineStatus(['alice'])).toEqual({ alice: true });

  for (const c of made.splice(0)) await c.logout();
  await resetEmbeddedCore();
  const fresh = embeddedCore();
  expect(fresh).not.toBe(core);
  expect(fresh.connectionCount).toBe(0);

  const carol = create();
  await carol.login({ uid: 'carol' });
  expect(fresh.connectionCount).toBe(1);
  expect(core.connectionCount).toBe(0);
  expect(await carol.queryPeersOnlineStatus(['alice', 'carol'])).toEqual({ alice: false, carol: true });
});

// ---- where a client connects: serverUrl → SIG2RTM_URL → embedded ---------------------------------------

test('serverUrl beats SIG2RTM_URL', async () => {
  await h.start();
  process.env.SIG2RTM_URL = 'ws://127.0.0.1:1/rtm'; // nothing listens there
  const alice = create({ serverUrl: h.server.url, loginTimeoutMs: 2000 });
  await alice.login({ uid: 'alice' });
  expect(h.server.core.connectionCount).toBe(1);
  const bob = await h.login('bob');
  expect(await bob.queryPeersOnlineStatus(['alice'])).toEqual({ alice: true });
});

test('SIG2RTM_URL beats the embedded core', async () => {
  await h.start();
  process.env.SIG2RTM_URL = h.server.url;
  const alice = create();
  await alice.login({ uid: 'alice' });
  expect(h.server.core.connectionCount).toBe(1);
  expect(embeddedCore().connectionCount).toBe(0);

  // It is on the server: a client connected there directly exchanges messages with it.
  const bob = await h.login('bob');
  const got = waitForEvent<[RtmMessage, string]>(alice, 'MessageFromPeer');
  expect(await bob.sendMessageToPeer({ text: 'via env' }, 'alice')).toEqual({ hasPeerReceived: true });
  expect((await got).slice(0, 2)).toEqual([{ text: 'via env', messageType: 'TEXT' }, 'bob']);

  // An embedded client does not see it.
  delete process.env.SIG2RTM_URL;
  const local = create();
  await local.login({ uid: 'local' });
  expect(embeddedCore().connectionCount).toBe(1);
  expect(await local.queryPeersOnlineStatus(['alice', 'bob'])).toEqual({ alice: false, bob: false });
});

test('with neither serverUrl nor SIG2RTM_URL (or an empty one) clients use the embedded core', async () => {
  await h.start();
  process.env.SIG2RTM_URL = '';
  const alice = create();
  delete process.env.SIG2RTM_URL;
  const bob = create();
  const log = record(bob, ['MessageFromPeer']);
  await alice.login({ uid: 'alice' });
  await bob.login({ uid: 'bob' });
  expect(await alice.sendMessageToPeer({ text: 'local' }, 'bob')).toEqual({ hasPeerReceived: true });
  expect(log.map((e) => e.args.slice(0, 2))).toEqual([[{ text: 'local', messageType: 'TEXT' }, 'alice']]);
  expect(embeddedCore().connectionCount).toBe(2);
  expect(h.server.core.connectionCount).toBe(0);
});
