/**
 * The legacy gateway over real sockets, driven by a TypeScript gateway client: handshake, calls
 * typed by the signature table, callbacks numbered and acknowledged, interop with JS legacy users
 * and RTM users, resume across a network cut (nothing lost, nothing twice), session expiry, and
 * every kind of bad input answered with a typed error without disturbing anyone else.
 */

import WebSocket from 'ws';
import { attachGateway, ManualClock, type Gateway, type GatewayOptions } from '../../src/server';
import type { RtmClient, RtmMessage } from '../../src/rtm';
import { APP_ID, until, waitForEvent } from '../helpers/harness';
import { CutProxy } from '../helpers/cut-proxy';
import { LegacyHarness, settle, stableUid, type Legacy } from '../legacy/helpers/legacy-harness';
import { GatewayClient } from './helpers/gateway-client';

const lh = new LegacyHarness();
let gateway: Gateway;
const clients: GatewayClient[] = [];
let proxy: CutProxy | undefined;

async function start(options: GatewayOptions = {}): Promise<void> {
  await lh.h.start();
  gateway = attachGateway(lh.h.server, options);
}

async function native(account?: string, url = gateway.url): Promise<GatewayClient> {
  const c = new GatewayClient(url);
  clients.push(c);
  await c.connect();
  if (account !== undefined) await c.login(APP_ID, account);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  gateway?.close();
  await proxy?.stop();
  proxy = undefined;
  await lh.stop();
});

describe('handshake', () => {
  beforeEach(() => start());

  it('welcomes a new session with the protocol version, a session id, the limits and status 0', async () => {
    const c = new GatewayClient(gateway.url);
    clients.push(c);
    const welcome = await c.connect();
    expect(welcome).toMatchObject({ t: 'welcome', v: 1, resumed: false, ack: 0, st: 0 });
    expect(welcome.session).toMatch(/^[0-9a-f]{32}$/);
    expect(welcome.limits).toEqual({ maxFrameBytes: 262144, maxPendingCallbacks: 10000, maxPendingBytes: 8388608, resumeMs: 30000 });
  });

  it('refuses another protocol version with an error and close 4001', async () => {
    const ws = new WebSocket(gateway.url);
    const frames: unknown[] = [];
    ws.on('message', (d) => frames.push(JSON.parse((d as Buffer).toString('utf8'))));
    await waitForEvent(ws, 'open');
    ws.send(JSON.stringify({ t: 'hello', v: 2 }));
    const [code] = await waitForEvent<[number]>(ws, 'close');
    expect(code).toBe(4001);
    expect(frames).toEqual([expect.objectContaining({ t: 'error', code: 'unsupported_version' })]);
  });

  it('refuses to resume an unknown session with close 4002', async () => {
    const c = new GatewayClient(gateway.url);
    clients.push(c);
    c.session = 'f'.repeat(32);
    const reply = await c.connect(true);
    expect(reply).toMatchObject({ t: 'error', code: 'unknown_session' });
    expect((await c.waitClosed()).code).toBe(4002);
  });

  it('closes a socket that never says hello (4003) after helloTimeoutMs', async () => {
    gateway.close();
    const clock = new ManualClock();
    lh.h.server.mount('/g2', () => undefined); // a second mount on the same server works
    const g2 = attachGateway(lh.h.server, { path: '/g3', clock, helloTimeoutMs: 1000 });
    const ws = new WebSocket(g2.url);
    await waitForEvent(ws, 'open');
    const closed = waitForEvent<[number]>(ws, 'close');
    clock.advance(999);
    await settle(50);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    clock.advance(1);
    expect((await closed)[0]).toBe(4003);
    g2.close();
  });

  it('answers an unknown path with HTTP 400 and keeps serving /rtm and the gateway', async () => {
    const ws = new WebSocket(gateway.url.replace('/gateway', '/nope'));
    const [err] = await waitForEvent<[Error]>(ws, 'error');
    expect(err.message).toContain('400');
    await native('alice');
    await lh.h.login('rita');
  });
});

describe('calls and callbacks', () => {
  let rita: RtmClient;
  let bob: Legacy;
  beforeEach(async () => {
    await start();
    rita = await lh.h.login('rita');
    bob = await lh.login('bob');
  });

  it('login2 gives onLoginSuccess with the stable uid; callbacks are numbered 1, 2, 3… with the status after each', async () => {
    const c = await native();
    expect(await c.login(APP_ID, 'nat')).toBe(stableUid('nat'));
    const cbs = c.frames.filter((f) => f.t === 'cb');
    expect(cbs.map((f) => f.seq)).toEqual(cbs.map((_, k) => k + 1));
    expect(cbs.find((f) => f.n === 'onLoginSuccess')).toMatchObject({ a: [stableUid('nat'), 0], st: 2 });
    // Every call is acknowledged with its seq.
    expect(c.frames.filter((f) => f.t === 'ack')).toEqual([{ t: 'ack', seq: 1 }]);
  });

  it('messageInstantSend both ways with an RTM user and a JS legacy user', async () => {
    const c = await native('nat');
    const fromNat = waitForEvent<[RtmMessage, string]>(rita, 'MessageFromPeer');
    c.call('messageInstantSend', 'rita', 0, 'hello rita', 'm1');
    const [msg, peer] = await fromNat;
    expect([msg.text, peer]).toEqual(['hello rita', 'nat']);
    expect(await c.waitFor('onMessageSendSuccess')).toEqual(['m1']);

    c.call('messageInstantSend', 'bob', 0, 'hello bob', 'm2');
    expect(await bob.rec.waitFor('onMessageInstantReceive')).toEqual(['nat', 0, 'hello bob']);

    await rita.sendMessageToPeer({ text: 'from rita' }, 'nat');
    expect(await c.waitFor('onMessageInstantReceive', (a) => a[0] === 'rita')).toEqual(['rita', 0, 'from rita']);
    bob.api.messageInstantSend('nat', 0, 'from bob', 'b1');
    expect(await c.waitFor('onMessageInstantReceive', (a) => a[0] === 'bob')).toEqual(['bob', 0, 'from bob']);
  });

  it('channelJoin gives onChannelJoined then onChannelUserList with arrays; channel messages reach everyone', async () => {
    const ch = rita.createChannel('room');
    await ch.join();
    const c = await native('nat');
    c.call('channelJoin', 'room');
    const [accounts, uids] = await c.waitFor('onChannelUserList');
    expect([...(accounts as string[])].sort()).toEqual(['nat', 'rita']);
    expect((uids as number[]).length).toBe(2);
    const names = c.callbacks().map((x) => x[0]).filter((n) => n !== 'onLog');
    expect(names.indexOf('onChannelJoined')).toBeLessThan(names.indexOf('onChannelUserList'));
    const got = waitForEvent<[RtmMessage, string]>(ch, 'ChannelMessage');
    c.call('messageChannelSend', 'room', 'hi room', 'c1');
    expect((await got)[0].text).toBe('hi room');
    c.call('channelQueryUserNum', 'room');
    expect(await c.waitFor('onChannelQueryUserNumResult')).toEqual(['room', 0, 2]);
  });

  it('omitted default arguments are filled in (channelInviteAccept without extra)', async () => {
    const c = await native('nat');
    bob.api.channelInviteUser2('call1', 'nat', '{"x":1}');
    expect(await c.waitFor('onInviteReceived')).toEqual(['call1', 'bob', stableUid('bob'), '{"x":1}']);
    c.call('channelInviteAccept', 'call1', 'bob', 0);
    expect(await bob.rec.waitFor('onInviteAcceptedByPeer')).toEqual(['call1', 'nat', stableUid('nat'), '']);
  });

  it('null for a string argument means "" (Java apps pass null)', async () => {
    const c = await native();
    c.call('login2', APP_ID, 'nat', '_no_need_token', 0, null, 30, 3);
    await c.waitFor('onLoginSuccess');
  });
});

describe('bad input', () => {
  let rita: RtmClient;
  beforeEach(async () => {
    await start({ maxBadFrames: 5 });
    rita = await lh.h.login('rita');
  });

  it('bad frames get typed errors; the session carries on', async () => {
    const c = await native('nat');
    c.raw('not json');
    c.raw(Buffer.from([1, 2, 3]));
    c.raw({ t: 'teleport' });
    c.raw({ t: 'call', seq: 'x', m: 'logout', a: [] });
    const errors = await until(() => c.frames.filter((f) => f.t === 'error').length === 4).then(() => c.frames.filter((f) => f.t === 'error'));
    expect(errors.map((e) => e.code)).toEqual(['bad_frame', 'bad_frame', 'bad_frame', 'bad_frame']);
    c.call('messageInstantSend', 'rita', 0, 'still here', 'm1');
    expect((await waitForEvent<[RtmMessage]>(rita, 'MessageFromPeer'))[0].text).toBe('still here');
  });

  it('an unknown method gets unknown_method; a local method is not a call', async () => {
    const c = await native('nat');
    const s1 = c.call('fly');
    const s2 = c.call('getStatus');
    const e1 = await c.waitFrame((f) => f.t === 'error' && f.seq === s1);
    const e2 = await c.waitFrame((f) => f.t === 'error' && f.seq === s2);
    expect([e1.code, e2.code]).toEqual(['unknown_method', 'unknown_method']);
  });

  it('wrong argument types or counts: bad_args and onError(method, 1004) to the app', async () => {
    const c = await native('nat');
    const s1 = c.call('messageInstantSend', 'rita', -1, 'x', 'm');
    const s2 = c.call('channelJoin', 42);
    const s3 = c.call('channelJoin');
    const s4 = c.call('login2', APP_ID, 'nat', 't', 0, '', 1.5, 3);
    for (const seq of [s1, s2, s3, s4]) expect(await c.waitFrame((f) => f.t === 'error' && f.seq === seq)).toMatchObject({ code: 'bad_args' });
    expect(await c.waitFor('onError', (a) => a[0] === 'messageInstantSend')).toEqual(['messageInstantSend', 1004, 'messageInstantSend: uid must be an integer (uint32)']);
    expect(await c.waitFor('onError', (a) => a[0] === 'channelJoin')).toEqual(['channelJoin', 1004, 'channelJoin: channelID must be a string']);
    await c.waitFor('onError', (a) => a[0] === 'login2' && a[1] === 1004);
  });

  it('legacy argument checks of the engine still apply (an over-long account: onLoginFailed(209))', async () => {
    const c = await native();
    c.call('login2', APP_ID, 'x'.repeat(129), '_no_need_token', 0, '', 30, 3);
    expect(await c.waitFor('onLoginFailed')).toEqual([209]);
  });

  it('calls before hello get bad_state; too many bad frames close the socket (4004); others are served', async () => {
    const other = await native('other');
    const ws = new WebSocket(gateway.url);
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (d) => frames.push(JSON.parse((d as Buffer).toString('utf8')) as Record<string, unknown>));
    await waitForEvent(ws, 'open');
    const closed = waitForEvent<[number]>(ws, 'close');
    ws.send(JSON.stringify({ t: 'call', seq: 1, m: 'logout', a: [] }));
    for (let k = 0; k < 5; k++) ws.send('{');
    expect((await closed)[0]).toBe(4004);
    expect(frames[0]).toMatchObject({ t: 'error', code: 'bad_state' });
    other.call('messageInstantSend', 'rita', 0, 'fine', 'm1');
    expect((await waitForEvent<[RtmMessage]>(rita, 'MessageFromPeer'))[0].text).toBe('fine');
  });

  it('a call seq out of order gets bad_seq and is not run; a resent seq is acknowledged and not run twice', async () => {
    const c = await native('nat');
    c.raw({ t: 'call', seq: 9, m: 'messageInstantSend', a: ['rita', 0, 'gap', 'g'] });
    expect(await c.waitFrame((f) => f.t === 'error' && f.seq === 9)).toMatchObject({ code: 'bad_seq' });
    const got: string[] = [];
    rita.on('MessageFromPeer', (m: RtmMessage) => got.push(m.text ?? ''));
    c.raw({ t: 'call', seq: 2, m: 'messageInstantSend', a: ['rita', 0, 'once', 'o'] });
    c.raw({ t: 'call', seq: 2, m: 'messageInstantSend', a: ['rita', 0, 'once', 'o'] });
    await c.waitFor('onMessageSendSuccess', (a) => a[0] === 'o');
    await settle();
    expect(got).toEqual(['once']);
  });

  it('an oversize frame closes that socket (1009) only', async () => {
    gateway.close();
    const g = attachGateway(lh.h.server, { path: '/small', maxFrameBytes: 1024 });
    const c = new GatewayClient(g.url);
    clients.push(c);
    await c.connect();
    c.call('channelJoin', 'x'.repeat(2000));
    expect((await c.waitClosed()).code).toBe(1009);
    const d = new GatewayClient(g.url);
    clients.push(d);
    await d.connect();
    expect(await d.login(APP_ID, 'dora')).toBe(stableUid('dora'));
    g.close();
  });

  it('a client that does not acknowledge callbacks loses its session at the bound (4005) and is logged out', async () => {
    gateway.close();
    const g = attachGateway(lh.h.server, { path: '/slow', maxPendingCallbacks: 20 });
    const c = new GatewayClient(g.url, false);
    clients.push(c);
    await c.connect();
    c.call('login2', APP_ID, 'slow', '_no_need_token', 0, '', 30, 3);
    await c.waitFor('onLoginSuccess');
    for (let k = 0; k < 30; k++) await rita.sendMessageToPeer({ text: `m${k}` }, 'slow');
    expect((await c.waitClosed()).code).toBe(4005);
    await waitUntilOffline(rita, 'slow');
    g.close();
  });
});

describe('resume', () => {
  let rita: RtmClient;

  it('across a network cut: callbacks sent meanwhile arrive once, in order; unacknowledged calls are resent and run once', async () => {
    await start();
    rita = await lh.h.login('rita');
    proxy = await new CutProxy(lh.h.server.port).start();
    const c = await native('nat', proxy.url('/gateway'));
    proxy.cut();
    await c.waitClosed();
    for (const text of ['one', 'two', 'three']) await rita.sendMessageToPeer({ text }, 'nat');
    const got: string[] = [];
    rita.on('MessageFromPeer', (m: RtmMessage) => got.push(m.text ?? ''));
    c.call('messageInstantSend', 'rita', 0, 'while away', 'w1'); // queued: sent after the resume
    const welcome = await c.connect(true, proxy.url('/gateway'));
    expect(welcome).toMatchObject({ t: 'welcome', resumed: true, st: 2 });
    await c.waitFor('onMessageSendSuccess', (a) => a[0] === 'w1');
    const texts = c.callbacks('onMessageInstantReceive').map((x) => x[3]);
    expect(texts).toEqual(['one', 'two', 'three']);
    const seqs = c.frames.filter((f) => f.t === 'cb').map((f) => f.seq as number);
    expect(new Set(seqs).size).toBe(seqs.length);
    await settle();
    expect(got).toEqual(['while away']);
  });

  it('callbacks not acknowledged before a drop are sent again; the client drops those it had', async () => {
    await start();
    rita = await lh.h.login('rita');
    const c = new GatewayClient(gateway.url, false);
    clients.push(c);
    await c.connect();
    await c.login(APP_ID, 'nat');
    await rita.sendMessageToPeer({ text: 'x' }, 'nat');
    await c.waitFor('onMessageInstantReceive');
    const before = c.frames.filter((f) => f.t === 'cb').length;
    c.close(); // nothing acknowledged
    await c.waitClosed();
    const replayed: number[] = [];
    const sizeBefore = c.frames.length;
    c.lastCb = 1; // as if only the first callback had been processed
    await c.connect(true);
    await until(() => c.frames.slice(sizeBefore).filter((f) => f.t === 'cb').length === before - 1, 3000, 'replay');
    for (const f of c.frames.slice(sizeBefore)) if (f.t === 'cb') replayed.push(f.seq as number);
    expect(replayed).toEqual(Array.from({ length: before - 1 }, (_, k) => k + 2));
  });

  it('a session waits resumeMs for its client, then ends: the user goes offline and a resume gets 4002', async () => {
    const clock = new ManualClock();
    await start({ clock, resumeMs: 5000 });
    rita = await lh.h.login('rita');
    const c = await native('nat');
    c.close();
    await c.waitClosed();
    await until(() => gateway.sessionCount === 1);
    clock.advance(4999);
    expect(gateway.sessionCount).toBe(1);
    expect((await rita.queryPeersOnlineStatus(['nat'])).nat).toBe(true);
    clock.advance(1);
    expect(gateway.sessionCount).toBe(0);
    const reply = await c.connect(true);
    expect(reply).toMatchObject({ t: 'error', code: 'unknown_session' });
    await until(() => c.closed !== undefined);
    expect(c.closed!.code).toBe(4002);
    await waitUntilOffline(rita, 'nat');
  });

  it('a resume on a second socket replaces the first (4006)', async () => {
    await start();
    const c = await native('nat');
    const second = new GatewayClient(gateway.url);
    clients.push(second);
    second.session = c.session;
    second.lastCb = c.lastCb;
    expect(await second.connect(true)).toMatchObject({ t: 'welcome', resumed: true });
    expect((await c.waitClosed()).code).toBe(4006);
  });
});

async function waitUntilOffline(client: RtmClient, peer: string): Promise<void> {
  for (let k = 0; k < 100; k++) {
    if (!(await client.queryPeersOnlineStatus([peer]))[peer]) return;
    await settle(20);
  }
  throw new Error(`${peer} still online`);
}

describe('bounds', () => {
  it('refuses new sessions beyond maxSessions (4008), still resumes existing ones, and takes new ones once a session ends', async () => {
    await start({ maxSessions: 2 });
    const a = await native('a');
    await native('b');
    const c = new GatewayClient(gateway.url);
    clients.push(c);
    expect(await c.connect()).toMatchObject({ t: 'error', code: 'too_many_sessions' });
    expect((await c.waitClosed()).code).toBe(4008);
    a.close();
    await a.waitClosed();
    expect(await a.connect(true)).toMatchObject({ t: 'welcome', resumed: true });
    a.raw({ t: 'bye' });
    await a.waitClosed();
    await until(() => gateway.sessionCount === 1);
    expect(await c.connect()).toMatchObject({ t: 'welcome', resumed: false });
  });
});
