/**
 * Channel attributes (rtm-1x.md §3.2, §3.4, §5.2 AttributeOperationError, §6.2, §6.3, §7, §8.5): readable
 * and writable without joining, each value stamped with its writer and the server's time, the full
 * map pushed to members only when the writer asks for it, the official limits and codes, last writer
 * wins, and the grace period after the channel's last member leaves (`timings.channelAttributesTtlMs`).
 */

import type { ChannelAttributes, RtmChannel, RtmClient } from '../../src/rtm';
import { ManualClock } from '../../src/rtm-core/clock';
import type { ServerOptions } from '../../src/server';
import { Harness, record, sleep, until, waitForEvent } from '../helpers/harness';
import { rejectsWith } from '../helpers/failures';

const h = new Harness();
afterEach(() => h.stop());

/** Generous rates, so that only the rate test meets them (windows slide on the server's clock). */
const OPEN_RATES: ServerOptions['rates'] = {
  cattr: { limit: 10_000, windowMs: 1000 },
  cattrGet: { limit: 10_000, windowMs: 1000 },
  counts: { limit: 10_000, windowMs: 1000 },
  joinSame: { limit: 10_000, windowMs: 1000 },
};


/** Polls an asynchronous condition (each check is a real request). */
async function eventually(pred: () => Promise<boolean>, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(5);
  }
}

const INVALID = ['RtmInvalidArgumentError', 3] as const;
const OVERFLOW = ['RtmLimitExceededError', 4] as const;

async function joined(client: RtmClient, id: string): Promise<RtmChannel> {
  const ch = client.createChannel(id);
  await ch.join();
  return ch;
}

const values = (attrs: ChannelAttributes) => Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, v.value]));
const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

// ---- the six methods, without joining ---------------------------------------------------------------

describe('without joining', () => {
  let clock: ManualClock;
  const T0 = 1_700_000_000_000;
  beforeEach(async () => {
    clock = new ManualClock(T0);
    await h.start({ clock, rates: OPEN_RATES });
  });

  test('all six methods work for a client that never joined; every value carries lastUpdateUserId and lastUpdateTs (server clock)', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');

    await alice.setChannelAttributes('room', { topic: 'news', color: 'red' });
    expect(await bob.getChannelAttributes('room')).toEqual({
      topic: { value: 'news', lastUpdateUserId: 'alice', lastUpdateTs: T0 },
      color: { value: 'red', lastUpdateUserId: 'alice', lastUpdateTs: T0 },
    });

    clock.advance(5);
    await bob.addOrUpdateChannelAttributes('room', { color: 'blue', size: 'L' });
    // Only the keys written are restamped.
    expect(await alice.getChannelAttributes('room')).toEqual({
      topic: { value: 'news', lastUpdateUserId: 'alice', lastUpdateTs: T0 },
      color: { value: 'blue', lastUpdateUserId: 'bob', lastUpdateTs: T0 + 5 },
      size: { value: 'L', lastUpdateUserId: 'bob', lastUpdateTs: T0 + 5 },
    });

    expect(await alice.getChannelAttributesByKeys('room', ['size', 'topic', 'missing'])).toEqual({
      size: { value: 'L', lastUpdateUserId: 'bob', lastUpdateTs: T0 + 5 },
      topic: { value: 'news', lastUpdateUserId: 'alice', lastUpdateTs: T0 },
    });

    clock.advance(7);
    await alice.deleteChannelAttributesByKeys('room', ['color', 'missing']);
    expect(await bob.getChannelAttributes('room')).toEqual({
      topic: { value: 'news', lastUpdateUserId: 'alice', lastUpdateTs: T0 },
      size: { value: 'L', lastUpdateUserId: 'bob', lastUpdateTs: T0 + 5 },
    });

    // set replaces the whole map and stamps every value anew.
    await bob.setChannelAttributes('room', { topic: 'sport' });
    expect(await alice.getChannelAttributes('room')).toEqual({
      topic: { value: 'sport', lastUpdateUserId: 'bob', lastUpdateTs: T0 + 12 },
    });

    await alice.clearChannelAttributes('room');
    expect(await bob.getChannelAttributes('room')).toEqual({});
    expect(await bob.getChannelAttributesByKeys('room', ['topic'])).toEqual({});
    // A channel nobody ever touched reads as empty.
    expect(await bob.getChannelAttributes('elsewhere')).toEqual({});
  });

  test('channels are independent', async () => {
    const alice = await h.login('alice');
    await alice.setChannelAttributes('one', { k: '1' });
    await alice.setChannelAttributes('two', { k: '2' });
    await alice.clearChannelAttributes('one');
    expect(await alice.getChannelAttributes('one')).toEqual({});
    expect(values(await alice.getChannelAttributes('two'))).toEqual({ k: '2' });
  });
});

// ---- notifications ---------------------------------------------------------------------------------

describe('AttributesUpdated', () => {
  beforeEach(() => h.start({ rates: OPEN_RATES }));

  test('with enableNotificationToChannelMembers: every member, the writer included, gets the FULL map', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const carol = await h.login('carol'); // not a member: writes, hears nothing
    const aliceRoom = await joined(alice, 'room');
    const bobRoom = await joined(bob, 'room');
    await carol.setChannelAttributes('room', { a: '1', b: '2' });

    const atAlice = waitForEvent<[ChannelAttributes]>(aliceRoom, 'AttributesUpdated');
    const atBob = waitForEvent<[ChannelAttributes]>(bobRoom, 'AttributesUpdated');
    await alice.addOrUpdateChannelAttributes('room', { c: '3' }, { enableNotificationToChannelMembers: true });
    const [fromAlice] = await atAlice;
    const [fromBob] = await atBob;
    expect(values(fromAlice)).toEqual({ a: '1', b: '2', c: '3' });
    expect(fromBob).toEqual(fromAlice);
    expect(fromBob.a?.lastUpdateUserId).toBe('carol');
    expect(fromBob.c?.lastUpdateUserId).toBe('alice');
    expect(typeof fromBob.c?.lastUpdateTs).toBe('number');

    // A non-member writer with the flag: the members hear it.
    const again = waitForEvent<[ChannelAttributes]>(bobRoom, 'AttributesUpdated');
    await carol.setChannelAttributes('room', { z: '26' }, { enableNotificationToChannelMembers: true });
    expect(values((await again)[0])).toEqual({ z: '26' });
  });

  test('without the flag (absent or false) nobody is notified', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const aliceRoom = await joined(alice, 'room');
    const bobRoom = await joined(bob, 'room');
    const logs = [record(aliceRoom, ['AttributesUpdated']), record(bobRoom, ['AttributesUpdated'])];

    await alice.setChannelAttributes('room', { a: '1' });
    await alice.addOrUpdateChannelAttributes('room', { b: '2' }, {});
    await bob.addOrUpdateChannelAttributes('room', { c: '3' }, { enableNotificationToChannelMembers: false });
    await bob.deleteChannelAttributesByKeys('room', ['c']);
    await alice.clearChannelAttributes('room', { enableNotificationToChannelMembers: false });
    await alice.setChannelAttributes('room', { d: '4' });
    await sleep(100);
    expect(logs).toEqual([[], []]);

    // A marker write with the flag: pushes to a session arrive in order, so anything the earlier writes
    // had caused would show up before it.
    await alice.addOrUpdateChannelAttributes('room', { e: '5' }, { enableNotificationToChannelMembers: true });
    await until(() => logs.every((l) => l.length > 0), 2000, 'the marker notification');
    await sleep(50);
    for (const log of logs) {
      expect(log).toHaveLength(1);
      expect(values(log[0]!.args[0] as ChannelAttributes)).toEqual({ d: '4', e: '5' });
    }
  });

  test('delete and clear with the flag send the full remaining map ({} after clear)', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const bobRoom = await joined(bob, 'room');
    const log = record(bobRoom, ['AttributesUpdated']);
    await alice.setChannelAttributes('room', { a: '1', b: '2', c: '3' });
    await alice.deleteChannelAttributesByKeys('room', ['b'], { enableNotificationToChannelMembers: true });
    await until(() => log.length === 1, 2000, 'after delete');
    expect(values(log[0]!.args[0] as ChannelAttributes)).toEqual({ a: '1', c: '3' });
    await alice.clearChannelAttributes('room', { enableNotificationToChannelMembers: true });
    await until(() => log.length === 2, 2000, 'after clear');
    expect(log[1]!.args[0]).toEqual({});
    await alice.setChannelAttributes('room', { n: 'new' }, { enableNotificationToChannelMembers: true });
    await until(() => log.length === 3, 2000, 'after set');
    expect(values(log[2]!.args[0] as ChannelAttributes)).toEqual({ n: 'new' });
  });

  test('members of other channels and members who left hear nothing', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const carol = await h.login('carol');
    const bobOther = await joined(bob, 'other');
    const carolRoom = await joined(carol, 'room');
    const aliceRoom = await joined(alice, 'room');
    const bobLog = record(bobOther, ['AttributesUpdated']);
    const carolLog = record(carolRoom, ['AttributesUpdated']);
    await carolRoom.leave();
    await eventually(async () => (await alice.getChannelMemberCount(['room'])).room === 1, 'carol gone');
    const atAlice = waitForEvent(aliceRoom, 'AttributesUpdated');
    await alice.setChannelAttributes('room', { a: '1' }, { enableNotificationToChannelMembers: true });
    await atAlice;
    await sleep(50);
    expect(bobLog).toEqual([]);
    expect(carolLog).toEqual([]);
  });
});

// ---- limits and arguments -------------------------------------------------------------------------

describe('limits and argument checks', () => {
  beforeEach(() => h.start({ rates: OPEN_RATES }));

  test('32 attributes, 32-byte keys, 8192-byte values and 32768 bytes in total are accepted', async () => {
    const alice = await h.login('alice');
    await alice.setChannelAttributes('room', many(32));
    expect(Object.keys(await alice.getChannelAttributes('room'))).toHaveLength(32);
    await alice.setChannelAttributes('room', { ['k'.repeat(32)]: 'x'.repeat(8192) });
    // 4 × (1-byte key + 8191-byte value) = 32768.
    const full = { a: 'x'.repeat(8191), b: 'x'.repeat(8191), c: 'x'.repeat(8191), d: 'x'.repeat(8191) };
    await alice.setChannelAttributes('room', full);
    expect(values(await alice.getChannelAttributes('room'))).toEqual(full);
  });

  test('over the limits: SIZE_OVERFLOW (4), RtmLimitExceededError; the stored map is unchanged', async () => {
    const alice = await h.login('alice');
    await alice.setChannelAttributes('room', { keep: 'me' });
    await rejectsWith(alice.setChannelAttributes('room', many(33)), ...OVERFLOW);
    await rejectsWith(alice.addOrUpdateChannelAttributes('room', many(33)), ...OVERFLOW);
    await rejectsWith(alice.setChannelAttributes('room', { k: 'x'.repeat(8193) }), ...OVERFLOW);
    await rejectsWith(alice.addOrUpdateChannelAttributes('room', { k: 'x'.repeat(8193) }), ...OVERFLOW);
    await rejectsWith(alice.setChannelAttributes('room', { ['k'.repeat(33)]: 'v' }), ...OVERFLOW);
    // 4 × 8192 + 1 bytes.
    const over = { a: 'x'.repeat(8191), b: 'x'.repeat(8191), c: 'x'.repeat(8191), d: 'x'.repeat(8192) };
    await rejectsWith(alice.setChannelAttributes('room', over), ...OVERFLOW);
    expect(values(await alice.getChannelAttributes('room'))).toEqual({ keep: 'me' });

    // Merged results count too: 31 more keys make 32, one more is too many.
    await alice.addOrUpdateChannelAttributes('room', Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`m${i}`, 'v'])));
    await rejectsWith(alice.addOrUpdateChannelAttributes('room', { extra: 'v' }), ...OVERFLOW);
    await alice.setChannelAttributes('room', { a: 'x'.repeat(8191), b: 'x'.repeat(8191), c: 'x'.repeat(8191) });
    await rejectsWith(alice.addOrUpdateChannelAttributes('room', { d: 'x'.repeat(8192) }), ...OVERFLOW);
    expect(Object.keys(await alice.getChannelAttributes('room')).sort()).toEqual(['a', 'b', 'c']);
  });

  test('bad arguments: INVALID_ARGUMENT (3), as rejected promises, for all six methods', async () => {
    const alice = await h.login('alice');
    const bad = 'bad id!!'.repeat(10);
    const loose = alice as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await rejectsWith(alice.setChannelAttributes(bad, { a: '1' }), ...INVALID);
    await rejectsWith(alice.addOrUpdateChannelAttributes(bad, { a: '1' }), ...INVALID);
    await rejectsWith(alice.deleteChannelAttributesByKeys(bad, ['a']), ...INVALID);
    await rejectsWith(alice.clearChannelAttributes(bad), ...INVALID);
    await rejectsWith(alice.getChannelAttributes(bad), ...INVALID);
    await rejectsWith(alice.getChannelAttributesByKeys(bad, ['a']), ...INVALID);
    await rejectsWith(alice.getChannelAttributes(''), ...INVALID);
    await rejectsWith(alice.getChannelAttributes('null'), ...INVALID);
    await rejectsWith(loose.getChannelAttributes!.call(alice, 42), ...INVALID);

    await rejectsWith(alice.setChannelAttributes('room', {}), ...INVALID);
    await rejectsWith(loose.setChannelAttributes!.call(alice, 'room', 'a=1'), ...INVALID);
    await rejectsWith(loose.addOrUpdateChannelAttributes!.call(alice, 'room', null), ...INVALID);
    await rejectsWith(alice.setChannelAttributes('room', { a: '' }), ...INVALID);
    await rejectsWith(alice.deleteChannelAttributesByKeys('room', []), ...INVALID);
    await rejectsWith(alice.getChannelAttributesByKeys('room', []), ...INVALID);
    await rejectsWith(alice.getChannelAttributesByKeys('room', Array.from({ length: 33 }, (_, i) => `k${i}`)), ...INVALID);
    expect(await alice.getChannelAttributesByKeys('room', Array.from({ length: 32 }, (_, i) => `k${i}`))).toEqual({});
  });

  test('not logged in: USER_NOT_LOGGED_IN (102) for all six methods', async () => {
    const idle = h.client();
    const NOT = ['RtmInvalidStatusError', 102] as const;
    await rejectsWith(idle.setChannelAttributes('room', { a: '1' }), ...NOT);
    await rejectsWith(idle.addOrUpdateChannelAttributes('room', { a: '1' }), ...NOT);
    await rejectsWith(idle.deleteChannelAttributesByKeys('room', ['a']), ...NOT);
    await rejectsWith(idle.clearChannelAttributes('room'), ...NOT);
    await rejectsWith(idle.getChannelAttributes('room'), ...NOT);
    await rejectsWith(idle.getChannelAttributesByKeys('room', ['a']), ...NOT);
  });
});

test('rates: writes beyond `rates.cattr` and reads beyond `rates.cattrGet` fail with TOO_OFTEN (5)', async () => {
  await h.start({ rates: { cattr: { limit: 3, windowMs: 60_000 }, cattrGet: { limit: 2, windowMs: 60_000 } } });
  const alice = await h.login('alice');
  const bob = await h.login('bob');
  await alice.setChannelAttributes('room', { a: '1' });
  await alice.addOrUpdateChannelAttributes('other', { b: '2' });
  await alice.deleteChannelAttributesByKeys('room', ['x']);
  // The four writes share one window, across channels.
  await rejectsWith(alice.clearChannelAttributes('room'), 'RtmLimitExceededError', 5);
  await rejectsWith(alice.setChannelAttributes('third', { c: '3' }), 'RtmLimitExceededError', 5);
  // The rejected write did not land.
  expect(values(await bob.getChannelAttributes('room'))).toEqual({ a: '1' });
  expect(await bob.getChannelAttributesByKeys('third', ['c'])).toEqual({});
  await rejectsWith(bob.getChannelAttributes('room'), 'RtmLimitExceededError', 5);
  // Per client: alice's reads are untouched by bob's.
  expect(values(await alice.getChannelAttributes('other'))).toEqual({ b: '2' });
});

// ---- concurrency ----------------------------------------------------------------------------------

describe('concurrent writers', () => {
  beforeEach(() => h.start({ rates: OPEN_RATES }));

  test('20 concurrent addOrUpdate calls on different keys from two clients all land', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? alice : bob).addOrUpdateChannelAttributes('room', { [`k${i}`]: `v${i}` }),
      ),
    );
    const attrs = await alice.getChannelAttributes('room');
    expect(Object.keys(attrs)).toHaveLength(20);
    for (let i = 0; i < 20; i++) {
      expect(attrs[`k${i}`]).toMatchObject({ value: `v${i}`, lastUpdateUserId: i % 2 === 0 ? 'alice' : 'bob' });
    }
    expect(await bob.getChannelAttributes('room')).toEqual(attrs);
  });

  test('on one key the last write the server applied wins, and both writers then read the same value', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const carol = await h.login('carol');
    // carol watches every applied write in server order (pushes to one session are ordered).
    const carolRoom = await joined(carol, 'room');
    const applied = record(carolRoom, ['AttributesUpdated']);
    const notify = { enableNotificationToChannelMembers: true };
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? alice.addOrUpdateChannelAttributes('room', { k: `alice-${i}` }, notify)
          : bob.addOrUpdateChannelAttributes('room', { k: `bob-${i}` }, notify),
      ),
    );
    await until(() => applied.length === 20, 2000, 'all 20 notifications');
    const last = (applied[19]!.args[0] as ChannelAttributes).k!;
    const atAlice = await alice.getChannelAttributes('room');
    const atBob = await bob.getChannelAttributes('room');
    expect(atAlice).toEqual(atBob);
    expect(atAlice).toEqual({ k: last });
    expect(last.lastUpdateUserId).toBe(last.value.split('-')[0]);
    // Every write was applied exactly once.
    const seen = applied.map((e) => (e.args[0] as ChannelAttributes).k!.value).sort();
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? `alice-${i}` : `bob-${i}`)).sort());
  });
});

// ---- lifetime after the last member ---------------------------------------------------------------

describe('lifetime', () => {
  const TTL = 1000;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    await h.start({ clock, rates: OPEN_RATES, timings: { channelAttributesTtlMs: TTL } });
  });

  /** Until the server has processed a leave (the channel's member count is `n`). */
  const countIs = (c: RtmClient, ch: string, n: number) =>
    eventually(async () => (await c.getChannelMemberCount([ch]))[ch] === n, `${ch} has ${n} members`);

  test('they survive the last member leaving for channelAttributesTtlMs: there at ttl-1, gone at ttl', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob'); // reads from outside
    const room = await joined(alice, 'room');
    await alice.setChannelAttributes('room', { topic: 'x' });
    // Members present: time alone clears nothing.
    clock.advance(TTL * 3);
    expect(values(await bob.getChannelAttributes('room'))).toEqual({ topic: 'x' });

    await room.leave();
    await countIs(bob, 'room', 0);
    clock.advance(TTL - 1);
    expect(values(await bob.getChannelAttributes('room'))).toEqual({ topic: 'x' });
    clock.advance(1);
    expect(await bob.getChannelAttributes('room')).toEqual({});
  });

  test('a join before the deadline cancels the clearing; the next emptying starts a new grace period', async () => {
    const alice = await h.login('alice');
    const carol = await h.login('carol');
    const bob = await h.login('bob');
    const aliceRoom = await joined(alice, 'room');
    await alice.setChannelAttributes('room', { topic: 'x' });
    await aliceRoom.leave();
    await countIs(bob, 'room', 0);

    clock.advance(TTL - 1);
    const carolRoom = await joined(carol, 'room');
    clock.advance(TTL * 3);
    expect(values(await bob.getChannelAttributes('room'))).toEqual({ topic: 'x' });

    await carolRoom.leave();
    await countIs(bob, 'room', 0);
    clock.advance(TTL - 1);
    expect(values(await bob.getChannelAttributes('room'))).toEqual({ topic: 'x' });
    clock.advance(1);
    expect(await bob.getChannelAttributes('room')).toEqual({});
  });

  test('the last member going away by logout starts the grace period too', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    await joined(alice, 'room');
    await alice.addOrUpdateChannelAttributes('room', { topic: 'x' });
    await alice.logout();
    await countIs(bob, 'room', 0);
    clock.advance(TTL - 1);
    expect(values(await bob.getChannelAttributes('room'))).toEqual({ topic: 'x' });
    clock.advance(1);
    expect(await bob.getChannelAttributes('room')).toEqual({});
  });

  test('attributes written to a channel nobody is in are cleared ttl after the write', async () => {
    const bob = await h.login('bob');
    await bob.setChannelAttributes('lobby', { open: 'yes' });
    clock.advance(TTL - 1);
    expect(values(await bob.getChannelAttributes('lobby'))).toEqual({ open: 'yes' });
    clock.advance(1);
    expect(await bob.getChannelAttributes('lobby')).toEqual({});
  });
});
