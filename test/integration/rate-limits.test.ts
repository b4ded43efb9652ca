/**
 * Call-frequency limits (rtm-1x.md §6.3): every server-enforced rule answers with its API's official
 * TOO_OFTEN code, the window reopens exactly when it has passed (ManualClock on the server), and one
 * client over its limit does not hold up anyone else. The client itself enforces, as the Web SDK
 * does, 180 sends per rolling 3 s and 500 ms between logins; server rules are therefore also checked
 * with raw protocol sockets, which no client-side rule can mask.
 */

import { ManualClock } from '../../src/rtm-core/clock';
import { PROTOCOL_VERSION } from '../../src/rtm-core/protocol/frames';
import type { RtmClient } from '../../src/rtm';
import type { Rates } from '../../src/server';
import { APP_ID, Harness, until, type RawSocket } from '../helpers/harness';

const h = new Harness();
afterEach(() => h.stop());

const rule = (limit: number, windowMs: number) => ({ limit, windowMs });

async function start(rates: Partial<Rates>): Promise<ManualClock> {
  const clock = new ManualClock();
  // Long silence timings: advancing the clock must not make anyone UNREACHABLE meanwhile.
  await h.start({ clock, rates, timings: { unreachableAfterMs: 3_600_000, offlineAfterMs: 7_200_000 } });
  return clock;
}

let nextRid = 100;

async function rawLogin(uid: string): Promise<RawSocket> {
  const r = await h.raw();
  r.send({ t: 'login', rid: 1, v: PROTOCOL_VERSION, appId: APP_ID, uid });
  expect(await r.next((f) => f.t === 'res' && f.rid === 1)).toMatchObject({ ok: true });
  return r;
}

/** Sends a request from a raw socket and returns its answer. */
async function ask(r: RawSocket, frame: Record<string, unknown>): Promise<Record<string, unknown>> {
  const rid = nextRid++;
  r.send({ ...frame, rid });
  return r.next((f) => f.t === 'res' && f.rid === rid);
}

const ok = { ok: true };
const refused = (code: number) => ({ ok: false, code });
const text = (t: string) => ({ type: 'TEXT', text: t });

describe('server rules (raw sockets)', () => {
  test('send: peer and channel messages share one window; peer → 5, channel → 3; the window reopens exactly', async () => {
    const clock = await start({ send: rule(3, 1000) });
    const r = await rawLogin('flooder');
    expect(await ask(r, { t: 'join', ch: 'room' })).toMatchObject(ok);

    expect(await ask(r, { t: 'peer', to: 'nobody', msg: text('1') })).toMatchObject(ok);
    expect(await ask(r, { t: 'chmsg', ch: 'room', msg: text('2') })).toMatchObject(ok);
    expect(await ask(r, { t: 'peer', to: 'nobody', msg: text('3') })).toMatchObject(ok);
    expect(await ask(r, { t: 'peer', to: 'nobody', msg: text('4') })).toMatchObject(refused(5));
    expect(await ask(r, { t: 'chmsg', ch: 'room', msg: text('5') })).toMatchObject(refused(3));

    clock.advance(999);
    expect(await ask(r, { t: 'peer', to: 'nobody', msg: text('6') })).toMatchObject(refused(5));
    clock.advance(1);
    expect(await ask(r, { t: 'chmsg', ch: 'room', msg: text('7') })).toMatchObject(ok);
  });

  test('refused messages are not delivered', async () => {
    await start({ send: rule(2, 1000) });
    const r = await rawLogin('flooder');
    const bob = h.client();
    const got: string[] = [];
    bob.on('MessageFromPeer', (m) => got.push((m as { text: string }).text));
    await bob.login({ uid: 'bob' });
    const answers = [];
    for (let i = 1; i <= 4; i++) {
      answers.push(await ask(r, { t: 'peer', to: 'bob', msg: text(`m${i}`) }));
    }
    expect(answers.map((a) => a.ok)).toEqual([true, true, false, false]);
    await until(() => got.length === 2);
    expect(got).toEqual(['m1', 'm2']);
  });

  test('join → 7 (different channels)', async () => {
    const clock = await start({ join: rule(2, 1000) });
    const r = await rawLogin('joiner');
    expect(await ask(r, { t: 'join', ch: 'a' })).toMatchObject(ok);
    expect(await ask(r, { t: 'join', ch: 'b' })).toMatchObject(ok);
    expect(await ask(r, { t: 'join', ch: 'c' })).toMatchObject(refused(7));
    clock.advance(999);
    expect(await ask(r, { t: 'join', ch: 'c' })).toMatchObject(refused(7));
    clock.advance(1);
    expect(await ask(r, { t: 'join', ch: 'c' })).toMatchObject(ok);
    expect(await ask(r, { t: 'members', ch: 'c' })).toMatchObject({ ok: true, data: { uids: ['joiner'] } });
  });

  test('join the same channel → 8', async () => {
    const clock = await start({ joinSame: rule(1, 5000) });
    const r = await rawLogin('joiner');
    expect(await ask(r, { t: 'join', ch: 'a' })).toMatchObject(ok);
    expect(await ask(r, { t: 'leave', ch: 'a' })).toMatchObject(ok);
    expect(await ask(r, { t: 'join', ch: 'a' })).toMatchObject(refused(8));
    expect(await ask(r, { t: 'join', ch: 'b' })).toMatchObject(ok); // another channel is another window
    clock.advance(4999);
    expect(await ask(r, { t: 'join', ch: 'a' })).toMatchObject(refused(8));
    clock.advance(1);
    expect(await ask(r, { t: 'join', ch: 'a' })).toMatchObject(ok);
  });

  test('members → 4, query → 5, sub → 5, unsub → 5, counts → 3, each in its own window', async () => {
    const clock = await start({ members: rule(2, 1000), query: rule(2, 1000), sub: rule(2, 1000), unsub: rule(2, 1000), counts: rule(2, 1000) });
    const r = await rawLogin('busy');
    expect(await ask(r, { t: 'join', ch: 'room' })).toMatchObject(ok);
    const calls: [Record<string, unknown>, number][] = [
      [{ t: 'members', ch: 'room' }, 4],
      [{ t: 'query', uids: ['x'] }, 5],
      [{ t: 'sub', uids: ['x'] }, 5],
      [{ t: 'unsub', uids: ['x'] }, 5],
      [{ t: 'counts', chs: ['room'] }, 3],
    ];
    for (const [frame, code] of calls) {
      expect(await ask(r, frame)).toMatchObject(ok);
      expect(await ask(r, frame)).toMatchObject(ok);
      expect(await ask(r, frame)).toMatchObject(refused(code));
    }
    clock.advance(999);
    for (const [frame, code] of calls) expect(await ask(r, frame)).toMatchObject(refused(code));
    clock.advance(1);
    for (const [frame] of calls) expect(await ask(r, frame)).toMatchObject(ok);
  });

  test('renew → 4', async () => {
    const clock = await start({ renew: rule(2, 1000) });
    const r = await rawLogin('renewer');
    expect(await ask(r, { t: 'renew', token: 't1' })).toMatchObject(ok);
    expect(await ask(r, { t: 'renew', token: 't2' })).toMatchObject(ok);
    expect(await ask(r, { t: 'renew', token: 't3' })).toMatchObject(refused(4));
    clock.advance(1000);
    expect(await ask(r, { t: 'renew', token: 't4' })).toMatchObject(ok);
  });

  test('login per connection → 10', async () => {
    const clock = await start({ login: rule(2, 1000) });
    const r = await h.raw();
    const login = (uid: string) => ask(r, { t: 'login', v: PROTOCOL_VERSION, appId: APP_ID, uid });
    const logout = () => ask(r, { t: 'logout' });
    expect(await login('first')).toMatchObject(ok);
    expect(await logout()).toMatchObject(ok);
    expect(await login('second')).toMatchObject(ok);
    expect(await logout()).toMatchObject(ok);
    expect(await login('third')).toMatchObject(refused(10));
    clock.advance(999);
    expect(await login('third')).toMatchObject(refused(10));
    clock.advance(1);
    expect(await login('third')).toMatchObject(ok);

    // Another connection has its own window.
    const other = await h.raw();
    other.send({ t: 'login', rid: 1, v: PROTOCOL_VERSION, appId: APP_ID, uid: 'other' });
    expect(await other.next((f) => f.rid === 1)).toMatchObject(ok);
  });
});

describe('through the SDK client', () => {
  test('server-side refusals reach the app with the official codes', async () => {
    const clock = await start({
      send: rule(1, 1000), join: rule(1, 1000), members: rule(1, 1000), query: rule(1, 1000), sub: rule(1, 1000),
      unsub: rule(1, 1000), counts: rule(1, 1000), renew: rule(1, 1000),
    });
    const a = await h.login('a');
    const ch = a.createChannel('room');
    await ch.join();
    await expect(a.createChannel('other').join()).rejects.toMatchObject({ name: 'RtmLimitExceededError', code: 7, serverCode: 7 });

    await a.sendMessageToPeer({ text: 'one' }, 'nobody');
    await expect(a.sendMessageToPeer({ text: 'two' }, 'nobody')).rejects.toMatchObject({ name: 'RtmLimitExceededError', code: 5, serverCode: 5 });
    await expect(ch.sendMessage({ text: 'three' })).rejects.toMatchObject({ code: 3, serverCode: 3 });
    await ch.getMembers();
    await expect(ch.getMembers()).rejects.toMatchObject({ code: 4, serverCode: 4 });
    await a.queryPeersOnlineStatus(['x']);
    await expect(a.queryPeersOnlineStatus(['x'])).rejects.toMatchObject({ code: 5, serverCode: 5 });
    await a.subscribePeersOnlineStatus(['x']);
    await expect(a.subscribePeersOnlineStatus(['y'])).rejects.toMatchObject({ code: 5, serverCode: 5 });
    await a.unsubscribePeersOnlineStatus(['x']);
    await expect(a.unsubscribePeersOnlineStatus(['x'])).rejects.toMatchObject({ code: 5, serverCode: 5 });
    await a.getChannelMemberCount(['room']);
    await expect(a.getChannelMemberCount(['room'])).rejects.toMatchObject({ code: 3, serverCode: 3 });
    await a.renewToken('token-1');
    await expect(a.renewToken('token-2')).rejects.toMatchObject({ code: 4, serverCode: 4 });

    clock.advance(1000);
    await expect(ch.sendMessage({ text: 'four' })).resolves.toBeUndefined();
    await expect(ch.getMembers()).resolves.toEqual(['a']);
    await expect(a.getChannelMemberCount(['room'])).resolves.toEqual({ room: 1 });
    await expect(a.renewToken('token-3')).resolves.toBeUndefined();
  });

  test('the client allows 180 sends per rolling 3 s itself: the 181st → 5 (peer) / 3 (channel)', async () => {
    await start({ send: rule(10_000, 3000) });
    const clock = new ManualClock();
    const a = await h.login('a', { clock });
    const ch = a.createChannel('room');
    await ch.join();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 90; i++) sends.push(a.sendMessageToPeer({ text: `p${i}` }, 'nobody'), ch.sendMessage({ text: `c${i}` }));
    await Promise.all(sends);

    const peer: unknown = await a.sendMessageToPeer({ text: 'over' }, 'nobody').catch((e: unknown) => e);
    expect(peer).toMatchObject({ name: 'RtmLimitExceededError', code: 5 });
    expect((peer as { serverCode?: number }).serverCode).toBeUndefined(); // refused locally
    await expect(ch.sendMessage({ text: 'over' })).rejects.toMatchObject({ name: 'RtmLimitExceededError', code: 3 });

    clock.advance(2999);
    await expect(a.sendMessageToPeer({ text: 'still over' }, 'nobody')).rejects.toMatchObject({ code: 5 });
    clock.advance(1);
    await expect(a.sendMessageToPeer({ text: 'again' }, 'nobody')).resolves.toEqual({ hasPeerReceived: false });
    await expect(ch.sendMessage({ text: 'again' })).resolves.toBeUndefined();
  });

  test('the client refuses a login less than 500 ms after the previous one with 10', async () => {
    await start({});
    const clock = new ManualClock();
    const a = h.client({ clock });
    await a.login({ uid: 'a' });
    await a.logout();
    clock.advance(499);
    await expect(a.login({ uid: 'a' })).rejects.toMatchObject({ code: 10 });
    clock.advance(1);
    await expect(a.login({ uid: 'a' })).resolves.toBeUndefined();
  });
});

test('a client over its limit does not slow down others', async () => {
  await start({ send: rule(5, 1000) });
  const flooder = await rawLogin('flooder');
  const b = await h.login('b');
  const c = await h.login('c');
  const atB: string[] = [];
  const atC: string[] = [];
  b.on('MessageFromPeer', (m) => atB.push((m as { text: string }).text));
  c.on('MessageFromPeer', (m) => atC.push((m as { text: string }).text));

  // The flooder fires 200 messages at b without waiting; 195 are refused.
  for (let i = 0; i < 200; i++) flooder.send({ t: 'peer', rid: 1000 + i, to: 'b', msg: text(`flood${i}`) });

  const exchange = async (from: RtmClient, to: string, t: string) => expect(await from.sendMessageToPeer({ text: t }, to)).toEqual({ hasPeerReceived: true });
  const started = Date.now();
  await exchange(b, 'c', 'b1');
  await exchange(c, 'b', 'c1');
  await exchange(b, 'c', 'b2');
  await exchange(c, 'b', 'c2');
  await exchange(b, 'c', 'b3');
  expect(Date.now() - started).toBeLessThan(2000);
  expect(atC).toEqual(['b1', 'b2', 'b3']);

  await until(() => flooder.frames.filter((f) => f.t === 'res').length === 200, 3000, 'all 200 answers');
  const answers = flooder.frames.filter((f) => f.t === 'res');
  expect(answers.filter((f) => f.ok === true)).toHaveLength(5);
  expect(answers.filter((f) => f.ok === false).every((f) => f.code === 5)).toBe(true);
  await until(() => atB.length === 7);
  expect(atB.filter((t) => t.startsWith('flood'))).toEqual(['flood0', 'flood1', 'flood2', 'flood3', 'flood4']);
  expect(atB.filter((t) => !t.startsWith('flood'))).toEqual(['c1', 'c2']);
});
