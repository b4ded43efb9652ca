/**
 * Channels (rtm-1x.md §3.3, §6.2, §7, §8.5): join / leave / messages / members / counts, their error
 * codes, member-event suppression above limits.memberEventsUpTo, the MemberCountUpdated throttle,
 * and a member whose session times out.
 */

import { ManualClock } from '../../src/rtm-core/clock';
import { PROTOCOL_VERSION } from '../../src/rtm-core/protocol/frames';
import type { RtmChannel, RtmClient, RtmMessage, ReceivedMessageProperties } from '../../src/rtm';
import { APP_ID, Harness, record, until, waitForEvent, type RawSocket } from '../helpers/harness';

const h = new Harness();
afterEach(() => h.stop());

/** Fast member-count pushes and no counts rate limit, unless a test says otherwise. */
const FAST = { timings: { memberCountIntervalMs: 20 }, rates: { counts: { limit: 1000, windowMs: 1000 } } };

const CHANNEL_EVENTS = ['MemberJoined', 'MemberLeft', 'MemberCountUpdated', 'ChannelMessage'];

async function joined(client: RtmClient, id: string): Promise<{ ch: RtmChannel; log: { name: string; args: unknown[] }[] }> {
  const ch = client.createChannel(id);
  const log = record(ch, CHANNEL_EVENTS);
  await ch.join();
  return { ch, log };
}

const named = (log: { name: string; args: unknown[] }[], name: string) => log.filter((e) => e.name === name).map((e) => e.args);

async function rawLogin(uid: string): Promise<RawSocket> {
  const r = await h.raw();
  r.send({ t: 'login', rid: 1, v: PROTOCOL_VERSION, appId: APP_ID, uid });
  expect(await r.next((f) => f.t === 'res' && f.rid === 1)).toMatchObject({ ok: true });
  return r;
}

describe('membership events', () => {
  test('the joiner gets MemberCountUpdated with the new count; the others get MemberJoined, never for themselves', async () => {
    await h.start(FAST);
    const a = await h.login('a');
    const b = await h.login('b');
    const c = await h.login('c');

    const A = await joined(a, 'room');
    expect(named(A.log, 'MemberCountUpdated')).toEqual([[1]]);
    const B = await joined(b, 'room');
    expect(named(B.log, 'MemberCountUpdated')).toEqual([[2]]);
    const C = await joined(c, 'room');
    expect(named(C.log, 'MemberCountUpdated')).toEqual([[3]]);

    await until(() => named(A.log, 'MemberJoined').length === 2 && named(B.log, 'MemberJoined').length === 1);
    expect(named(A.log, 'MemberJoined')).toEqual([['b'], ['c']]);
    expect(named(B.log, 'MemberJoined')).toEqual([['c']]);
    // Everyone ends on the same count.
    await until(() => [A, B, C].every((x) => named(x.log, 'MemberCountUpdated').at(-1)?.[0] === 3), 3000, 'count 3 everywhere');
    expect(named(C.log, 'MemberJoined')).toEqual([]);
    expect(named(A.log, 'MemberLeft')).toEqual([]);
  });

  test('a channel message reaches every other member with (message, senderId, {serverReceivedTs}), not the sender', async () => {
    await h.start(FAST);
    const [a, b, c] = [await h.login('a'), await h.login('b'), await h.login('c')];
    const A = await joined(a, 'room');
    const B = await joined(b, 'room');
    const C = await joined(c, 'room');
    const outsider = await h.login('d');
    const dLog = record(outsider, ['MessageFromPeer']);

    const atB = waitForEvent<[RtmMessage, string, ReceivedMessageProperties]>(B.ch, 'ChannelMessage');
    const atC = waitForEvent<[RtmMessage, string, ReceivedMessageProperties]>(C.ch, 'ChannelMessage');
    await expect(A.ch.sendMessage({ text: 'hello room' })).resolves.toBeUndefined();
    for (const [msg, from, props] of [await atB, await atC]) {
      expect(msg).toEqual({ text: 'hello room', messageType: 'TEXT' });
      expect(from).toBe('a');
      expect(typeof props.serverReceivedTs).toBe('number');
      expect(props.serverReceivedTs).toBeGreaterThan(0);
    }

    const raw = new Uint8Array([0, 1, 2, 253, 254, 255]);
    const rawAtA = waitForEvent<[RtmMessage, string]>(A.ch, 'ChannelMessage');
    await B.ch.sendMessage({ rawMessage: raw, description: 'bytes' });
    const [rawMsg, rawFrom] = await rawAtA;
    expect(rawFrom).toBe('b');
    expect(rawMsg).toMatchObject({ messageType: 'RAW', description: 'bytes' });
    expect([...(rawMsg as { rawMessage: Uint8Array }).rawMessage]).toEqual([...raw]);

    // Barrier: one more message from c, which a does get; the sender a never saw its own.
    const last = waitForEvent<[RtmMessage, string]>(A.ch, 'ChannelMessage');
    await C.ch.sendMessage({ text: 'from c' });
    expect((await last)[1]).toBe('c');
    expect(named(A.log, 'ChannelMessage').map((m) => m[1])).toEqual(['b', 'c']);
    expect(named(B.log, 'ChannelMessage').map((m) => m[1])).toEqual(['a', 'c']);
    expect(named(C.log, 'ChannelMessage').map((m) => m[1])).toEqual(['a', 'b']);
    expect(dLog).toEqual([]);
  });

  test('leave: the others get MemberLeft and stop counting the leaver; getMembers lists everyone, the caller included', async () => {
    await h.start(FAST);
    const [a, b, c] = [await h.login('a'), await h.login('b'), await h.login('c')];
    const A = await joined(a, 'room');
    const B = await joined(b, 'room');
    const C = await joined(c, 'room');
    expect((await A.ch.getMembers()).sort()).toEqual(['a', 'b', 'c']);
    expect((await C.ch.getMembers()).sort()).toEqual(['a', 'b', 'c']);

    const leftAtA = waitForEvent<[string]>(A.ch, 'MemberLeft');
    const leftAtC = waitForEvent<[string]>(C.ch, 'MemberLeft');
    await B.ch.leave();
    expect(await leftAtA).toEqual(['b']);
    expect(await leftAtC).toEqual(['b']);
    expect((await A.ch.getMembers()).sort()).toEqual(['a', 'c']);
    await until(() => named(A.log, 'MemberCountUpdated').at(-1)?.[0] === 2, 3000, 'count 2');
    expect(named(B.log, 'MemberLeft')).toEqual([]);

    // The leaver hears nothing more from the channel.
    await A.ch.sendMessage({ text: 'after b left' });
    await until(() => named(C.log, 'ChannelMessage').length === 1);
    expect(named(B.log, 'ChannelMessage')).toEqual([]);
  });

  test('MemberJoined / MemberLeft are suppressed while the channel is larger than limits.memberEventsUpTo', async () => {
    // (Above memberEventsUpTo, counts use the large-channel interval: keep that one short too.)
    await h.start({ ...FAST, limits: { memberEventsUpTo: 3 }, timings: { memberCountIntervalMs: 20, memberCountIntervalLargeMs: 20 } });
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const clients = [] as RtmClient[];
    for (const u of users) clients.push(await h.login(u));
    const U1 = await joined(clients[0]!, 'big');
    await joined(clients[1]!, 'big');
    await joined(clients[2]!, 'big'); // 3 members: still announced
    await until(() => named(U1.log, 'MemberJoined').length === 2);
    const U4 = await joined(clients[3]!, 'big'); // 4 > 3: silent
    await joined(clients[4]!, 'big');
    // Barrier: a channel message sent after the joins arrives after any event they caused.
    await U4.ch.sendMessage({ text: 'barrier 1' });
    await until(() => named(U1.log, 'ChannelMessage').length === 1);
    expect(named(U1.log, 'MemberJoined')).toEqual([['u2'], ['u3']]);
    await until(() => named(U1.log, 'MemberCountUpdated').at(-1)?.[0] === 5, 3000, 'count 5');

    // 5 → 4 and 4 → 3: the channel was larger than 3 before each leave, so no MemberLeft.
    await U4.ch.leave();
    await until(() => named(U1.log, 'MemberCountUpdated').at(-1)?.[0] === 4, 3000, 'count 4');
    const u2 = clients[1]!;
    await u2.logout();
    await until(() => named(U1.log, 'MemberCountUpdated').at(-1)?.[0] === 3, 3000, 'count 3');
    expect(named(U1.log, 'MemberLeft')).toEqual([]);

    // 3 → 2: announced again.
    const left = waitForEvent<[string]>(U1.ch, 'MemberLeft');
    await clients[2]!.logout();
    expect(await left).toEqual(['u3']);
  });
});

describe('MemberCountUpdated throttle (ManualClock on the server)', () => {
  test('at most one update per memberCountIntervalMs, and only when the count changed', async () => {
    const clock = new ManualClock();
    const interval = 1000;
    await h.start({ clock, timings: { memberCountIntervalMs: interval } });
    const [a, b, c, d, e] = [await h.login('a'), await h.login('b'), await h.login('c'), await h.login('d'), await h.login('e')];
    const A = await joined(a, 'room');
    expect(named(A.log, 'MemberCountUpdated')).toEqual([[1]]);
    clock.advance(0); // the first push is due at once (same count: a does not re-emit)

    /** Round trip through the server, so any push it had sent is handled by now. */
    const settle = async () => {
      await A.ch.sendMessage({ text: 'sync' });
      await b.queryPeersOnlineStatus(['a']);
    };

    const B = await joined(b, 'room');
    expect(named(B.log, 'MemberCountUpdated')).toEqual([[2]]);
    clock.advance(interval - 1);
    await settle();
    expect(named(A.log, 'MemberCountUpdated')).toEqual([[1]]);
    clock.advance(1);
    await until(() => named(A.log, 'MemberCountUpdated').length === 2, 3000, 'count 2 at a');
    expect(named(A.log, 'MemberCountUpdated')).toEqual([[1], [2]]);

    // Two joins within one interval: one update, with the final count.
    await joined(c, 'room');
    await joined(d, 'room');
    clock.advance(interval - 1);
    await settle();
    expect(named(A.log, 'MemberCountUpdated')).toEqual([[1], [2]]);
    clock.advance(1);
    await until(() => named(A.log, 'MemberCountUpdated').length === 3, 3000, 'count 4 at a');
    expect(named(A.log, 'MemberCountUpdated')).toEqual([[1], [2], [4]]);
    await settle();
    expect(named(B.log, 'MemberCountUpdated')).toEqual([[2], [4]]);

    // A join and a leave within one interval: no change, no update.
    const E = await joined(e, 'room');
    expect(named(E.log, 'MemberCountUpdated')).toEqual([[5]]);
    await E.ch.leave();
    await e.queryPeersOnlineStatus(['a']); // the leave has been handled
    await settle();
    clock.advance(interval);
    await settle();
    clock.advance(interval * 3);
    await settle();
    expect(named(A.log, 'MemberCountUpdated')).toEqual([[1], [2], [4]]);
  });
});

describe('error codes', () => {
  test('join twice → 6; a second RtmChannel of the same id → 202', async () => {
    await h.start(FAST);
    const a = await h.login('a');
    const ch = a.createChannel('room');
    await ch.join();
    await expect(ch.join()).rejects.toMatchObject({ name: 'RtmInvalidStatusError', code: 6 });
    const twin = a.createChannel('room');
    await expect(twin.join()).rejects.toMatchObject({ code: 202 });

    // Joining while a join is under way is also "already joined".
    const other = a.createChannel('other');
    const first = other.join();
    await expect(other.join()).rejects.toMatchObject({ code: 6 });
    await first;
    // After leaving, the twin may join.
    await ch.leave();
    await expect(twin.join()).resolves.toBeUndefined();
  });

  test('more than limits.channelsPerClient → 5, answered by the server', async () => {
    await h.start({ ...FAST, limits: { channelsPerClient: 2 } });
    const a = await h.login('a');
    const c1 = a.createChannel('c1');
    await c1.join();
    await a.createChannel('c2').join();
    const c3 = a.createChannel('c3');
    await expect(c3.join()).rejects.toMatchObject({ name: 'RtmLimitExceededError', code: 5, serverCode: 5 });
    await expect(a.createChannel('c4').join()).rejects.toMatchObject({ code: 5 });
    // The failed joins left nothing behind: after a leave there is room again.
    await c1.leave();
    await expect(c3.join()).resolves.toBeUndefined();
  });

  test('the 21st channel is refused with EXCEED_LIMIT 5 by the client, as the SDK does', async () => {
    await h.start(FAST);
    const a = await h.login('a');
    const channels: RtmChannel[] = [];
    for (let i = 1; i <= 20; i++) {
      const ch = a.createChannel(`c${i}`);
      await ch.join();
      channels.push(ch);
    }
    const extra = a.createChannel('c21');
    const err: unknown = await extra.join().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'RtmLimitExceededError', code: 5 });
    expect((err as { serverCode?: number }).serverCode).toBeUndefined(); // refused locally
    await channels[0]!.leave();
    await expect(extra.join()).resolves.toBeUndefined();
  });

  test('join / leave / sendMessage / getMembers while not logged in → 102', async () => {
    await h.start(FAST);
    const idle = h.client();
    const ch = idle.createChannel('room');
    await expect(ch.join()).rejects.toMatchObject({ name: 'RtmInvalidStatusError', code: 102 });
    await expect(ch.leave()).rejects.toMatchObject({ code: 102 });
    await expect(ch.sendMessage({ text: 'x' })).rejects.toMatchObject({ code: 102 });
    await expect(ch.getMembers()).rejects.toMatchObject({ code: 102 });

    // And after logging out of a joined channel.
    const a = await h.login('a');
    const joinedCh = a.createChannel('room');
    await joinedCh.join();
    await a.logout();
    await expect(joinedCh.leave()).rejects.toMatchObject({ code: 102 });
    await expect(joinedCh.sendMessage({ text: 'x' })).rejects.toMatchObject({ code: 102 });
    await expect(joinedCh.getMembers()).rejects.toMatchObject({ code: 102 });
    await expect(joinedCh.join()).rejects.toMatchObject({ code: 102 });
  });

  test('leave when not joined → 3; sendMessage and getMembers when not joined → 5', async () => {
    await h.start(FAST);
    const a = await h.login('a');
    const ch = a.createChannel('room');
    await expect(ch.leave()).rejects.toMatchObject({ name: 'RtmInvalidStatusError', code: 3 });
    await expect(ch.sendMessage({ text: 'x' })).rejects.toMatchObject({ name: 'RtmInvalidStatusError', code: 5 });
    await expect(ch.getMembers()).rejects.toMatchObject({ code: 5 });
    await ch.join();
    await ch.leave();
    await expect(ch.leave()).rejects.toMatchObject({ code: 3 });
    await expect(ch.sendMessage({ text: 'x' })).rejects.toMatchObject({ code: 5 });
    await expect(ch.getMembers()).rejects.toMatchObject({ code: 5 });
  });

  test('the server also refuses a hand-written frame for a channel the session is not in', async () => {
    await h.start(FAST);
    const r = await rawLogin('mallory');
    r.send({ t: 'chmsg', rid: 2, ch: 'room', msg: { type: 'TEXT', text: 'x' } });
    expect(await r.next((f) => f.rid === 2)).toMatchObject({ ok: false, code: 5 });
    r.send({ t: 'members', rid: 3, ch: 'room' });
    expect(await r.next((f) => f.rid === 3)).toMatchObject({ ok: false, code: 5 });
    r.send({ t: 'leave', rid: 4, ch: 'room' });
    expect(await r.next((f) => f.rid === 4)).toMatchObject({ ok: false, code: 3 });
    r.send({ t: 'join', rid: 5, ch: 'room' });
    expect(await r.next((f) => f.rid === 5)).toMatchObject({ ok: true, data: { count: 1 } });
    r.send({ t: 'join', rid: 6, ch: 'room' });
    expect(await r.next((f) => f.rid === 6)).toMatchObject({ ok: false, code: 6 });
    r.send({ t: 'chmsg', rid: 7, ch: 'room', msg: { type: 'TEXT', text: 'x'.repeat(32_769) } });
    expect(await r.next((f) => f.rid === 7)).toMatchObject({ ok: false, code: 4 });
  });

  test('an oversize channel message → INVALID_MESSAGE 4; 32768 bytes is fine', async () => {
    await h.start(FAST);
    const a = await h.login('a');
    const b = await h.login('b');
    const A = await joined(a, 'room');
    const B = await joined(b, 'room');
    await expect(A.ch.sendMessage({ text: 'é'.repeat(16_384) + 'a' })).rejects.toMatchObject({ name: 'RtmInvalidArgumentError', code: 4 });
    await expect(A.ch.sendMessage({ rawMessage: new Uint8Array(32_768), description: 'x' })).rejects.toMatchObject({ code: 4 });
    await expect(A.ch.sendMessage({ text: 'x', rawMessage: new Uint8Array(1) } as unknown as RtmMessage)).rejects.toMatchObject({ code: 4 });
    await expect(A.ch.sendMessage({ text: 'é'.repeat(16_384) })).resolves.toBeUndefined();
    await until(() => named(B.log, 'ChannelMessage').length === 1);
    expect((named(B.log, 'ChannelMessage')[0]![0] as { text: string }).text).toHaveLength(16_384);
  });

  test('createChannel with an invalid id throws code 1', async () => {
    await h.start(FAST);
    const a = h.client();
    for (const bad of ['', 'null', 'a/b', 'x'.repeat(65), 7 as unknown as string]) {
      expect(() => a.createChannel(bad)).toThrow(expect.objectContaining({ name: 'RtmInvalidArgumentError', code: 1 }) as Error);
    }
    expect(a.createChannel('x'.repeat(64)).channelId).toBe('x'.repeat(64));
  });
});

describe('getChannelMemberCount', () => {
  test('counts channels the caller has not joined, 0 for unknown ones', async () => {
    await h.start(FAST);
    const a = await h.login('a');
    const b = await h.login('b');
    const c = await h.login('c');
    await joined(a, 'one');
    await joined(b, 'one');
    await joined(c, 'two');
    const observer = await h.login('observer');
    await expect(observer.getChannelMemberCount(['one', 'two', 'none'])).resolves.toEqual({ one: 2, two: 1, none: 0 });
    await c.logout();
    await expect(observer.getChannelMemberCount(['two'])).resolves.toEqual({ two: 0 });
  });

  test('more than 32 ids → 5; invalid ids → 2; not logged in → 102', async () => {
    await h.start(FAST);
    const a = await h.login('a');
    const ids = Array.from({ length: 33 }, (_, i) => `ch${i}`);
    await expect(a.getChannelMemberCount(ids)).rejects.toMatchObject({ name: 'RtmLimitExceededError', code: 5 });
    await expect(a.getChannelMemberCount(ids.slice(0, 32))).resolves.toMatchObject({ ch0: 0, ch31: 0 });
    await expect(a.getChannelMemberCount([])).rejects.toMatchObject({ name: 'RtmInvalidArgumentError', code: 2 });
    await expect(a.getChannelMemberCount(['ok', 'a/b'])).rejects.toMatchObject({ code: 2 });
    await expect(a.getChannelMemberCount('room' as unknown as string[])).rejects.toMatchObject({ code: 2 });
    await expect(h.client().getChannelMemberCount(['room'])).rejects.toMatchObject({ code: 102 });
  });
});

describe('a member whose session times out', () => {
  test('disappears from member lists with MemberLeft at offlineAfterMs (ManualClock on the server)', async () => {
    const clock = new ManualClock();
    const offlineAfterMs = 3000;
    await h.start({
      clock,
      timings: { unreachableAfterMs: 1000, offlineAfterMs, memberCountIntervalMs: 10 },
      rates: { members: { limit: 1000, windowMs: 1000 }, counts: { limit: 1000, windowMs: 1000 } },
    });
    const a = await h.login('a');
    const A = await joined(a, 'room');
    // A raw protocol client that never pings: its silence is real.
    const ghost = await rawLogin('ghost');
    ghost.send({ t: 'join', rid: 2, ch: 'room' });
    expect(await ghost.next((f) => f.rid === 2)).toMatchObject({ ok: true, data: { count: 2 } });
    await until(() => named(A.log, 'MemberJoined').length === 1);
    expect((await A.ch.getMembers()).sort()).toEqual(['a', 'ghost']);

    // Keep a alive in steps shorter than its own unreachable time.
    for (let t = 0; t < offlineAfterMs - 1; t += 500) {
      clock.advance(Math.min(500, offlineAfterMs - 1 - t));
      expect((await A.ch.getMembers()).sort()).toEqual(['a', 'ghost']);
    }
    expect(named(A.log, 'MemberLeft')).toEqual([]);

    const left = waitForEvent<[string]>(A.ch, 'MemberLeft');
    clock.advance(1);
    expect(await left).toEqual(['ghost']);
    expect(await A.ch.getMembers()).toEqual(['a']);
    await expect(a.getChannelMemberCount(['room'])).resolves.toEqual({ room: 1 });
  });
});
