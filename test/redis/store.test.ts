/**
 * RedisStore against a real redis-server: the same contract as the memory and SQLite stores
 * (offline trimming, TTL boundary, RAW bytes, attribute limits at the boundary, atomic overflow,
 * membership counts), plus what only a cluster needs: compare-and-release of sessions and exactly
 * one winner for an orphaned session.
 */

import { RedisStore } from '../../src/rtm-core/server/state/redis';
import { RedisLink } from '../../src/rtm-core/server/state/redis-link';
import { APP_ID, APP_ID_2 } from '../helpers/harness';
import { RedisServer } from './helpers';

const redis = new RedisServer();
let link: RedisLink;
let store: RedisStore;
let prefix = 0;

beforeAll(async () => {
  await redis.start();
});

beforeEach(async () => {
  // A fresh key space per test.
  link = new RedisLink({ url: redis.url, prefix: `t${++prefix}:` });
  await link.connect();
  store = new RedisStore(link, 'n1');
});

afterEach(() => link.close());
afterAll(() => redis.stop());

const text = (t: string, ts: number) => ({ from: 'alice', msg: { type: 'TEXT' as const, text: t }, ts });
const texts = (ms: { msg: { type: string; text?: string } }[]) => ms.map((m) => m.msg.text);

async function drain(appId: string, uid: string, now: number, maxAgeMs: number) {
  const { messages, upTo } = await store.peekOffline(appId, uid, now, maxAgeMs);
  await store.removeOffline(appId, uid, upTo);
  return messages;
}

describe('offline messages', () => {
  test('trimming keeps the newest, per receiver and app; a maximum of 1 keeps the last', async () => {
    for (let i = 1; i <= 6; i++) await store.enqueueOffline(APP_ID, 'bob', text(`m${i}`, 1000 + i), 4);
    await store.enqueueOffline(APP_ID, 'carl', text('other receiver', 1000), 4);
    await store.enqueueOffline(APP_ID_2, 'bob', text('other app', 1000), 4);
    expect(texts(await drain(APP_ID, 'bob', 2000, 60_000))).toEqual(['m3', 'm4', 'm5', 'm6']);
    expect(await drain(APP_ID, 'bob', 2000, 60_000)).toEqual([]);
    expect(texts(await drain(APP_ID, 'carl', 2000, 60_000))).toEqual(['other receiver']);
    expect(texts(await drain(APP_ID_2, 'bob', 2000, 60_000))).toEqual(['other app']);
    for (let i = 1; i <= 3; i++) await store.enqueueOffline(APP_ID, 'dan', text(`d${i}`, i), 1);
    expect(texts(await drain(APP_ID, 'dan', 10, 60_000))).toEqual(['d3']);
  });

  test('the TTL drops messages as old as maxAgeMs and keeps one a millisecond younger; peeking removes nothing', async () => {
    const now = 100_000;
    const ttl = 10_000;
    await store.enqueueOffline(APP_ID, 'bob', text('exactly ttl old', now - ttl), 10);
    await store.enqueueOffline(APP_ID, 'bob', text('one ms younger', now - ttl + 1), 10);
    expect(texts((await store.peekOffline(APP_ID, 'bob', now, ttl)).messages)).toEqual(['one ms younger']);
    expect(texts(await drain(APP_ID, 'bob', now, ttl))).toEqual(['one ms younger']);
    expect(await drain(APP_ID, 'bob', now, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  test('removing up to a cursor leaves what arrived after the peek', async () => {
    await store.enqueueOffline(APP_ID, 'bob', text('a', 1), 10);
    const { upTo } = await store.peekOffline(APP_ID, 'bob', 2, 60_000);
    await store.enqueueOffline(APP_ID, 'bob', text('b', 2), 10);
    await store.removeOffline(APP_ID, 'bob', upTo);
    expect(texts(await drain(APP_ID, 'bob', 3, 60_000))).toEqual(['b']);
  });

  test('RAW bytes (empty ones too) come back exactly; call signals are never cached', async () => {
    const bytes = new Uint8Array(300).map((_, i) => (i * 13) % 256);
    await store.enqueueOffline(APP_ID, 'bob', { from: 'zoe', msg: { type: 'RAW', raw: bytes, desc: 'bytes' }, ts: 2 }, 10);
    await store.enqueueOffline(APP_ID, 'bob', { from: 'zoe', msg: { type: 'RAW', raw: new Uint8Array(0), desc: '' }, ts: 3 }, 10);
    await store.enqueueOffline(APP_ID, 'bob', { from: 'zoe', msg: { type: 'CALL', call: { op: 'invite', callId: '1' } } as never, ts: 4 }, 10);
    const got = await drain(APP_ID, 'bob', 10, 60_000);
    expect(got.map((m) => m.msg.type)).toEqual(['RAW', 'RAW']);
    const raw = got[0]?.msg as { raw: Uint8Array; desc: string };
    expect([Buffer.from(raw.raw).equals(Buffer.from(bytes)), raw.desc]).toEqual([true, 'bytes']);
    expect((got[1]?.msg as { raw: Uint8Array }).raw.length).toBe(0);
  });
});

describe('attributes', () => {
  const limits = { count: 3, totalBytes: 40 };

  test('channel attributes: overflow changes nothing; the exact limit is accepted; only changed keys are restamped', async () => {
    const stamp = { by: 'alice', ts: 111 };
    const want = { a: { value: '1', lastUpdateUserId: 'alice', lastUpdateTs: 111 }, b: { value: '2', lastUpdateUserId: 'alice', lastUpdateTs: 111 } };
    expect(await store.changeChannelAttributes(APP_ID, 'room', { op: 'set', attrs: { a: '1', b: '2' } }, stamp, limits)).toEqual(want);
    const later = { by: 'bob', ts: 222 };
    expect(await store.changeChannelAttributes(APP_ID, 'room', { op: 'add', attrs: { a: 'changed', c: '3', d: '4' } }, later, limits)).toBe('overflow');
    expect(await store.changeChannelAttributes(APP_ID, 'room', { op: 'set', attrs: { w: '1', x: '2', y: '3', z: '4' } }, later, limits)).toBe('overflow');
    expect(await store.changeChannelAttributes(APP_ID, 'room', { op: 'add', attrs: { a: 'x'.repeat(40) } }, later, limits)).toBe('overflow');
    expect(await store.getChannelAttributes(APP_ID, 'room')).toEqual(want);
    // a1 b2 c… : 4 + 1 + 35 = 40 bytes, the limit exactly; one more is over.
    expect(await store.changeChannelAttributes(APP_ID, 'room', { op: 'add', attrs: { c: 'x'.repeat(36) } }, later, limits)).toBe('overflow');
    const ok = await store.changeChannelAttributes(APP_ID, 'room', { op: 'add', attrs: { c: 'x'.repeat(35) } }, later, limits);
    expect(ok).toEqual({ ...want, c: { value: 'x'.repeat(35), lastUpdateUserId: 'bob', lastUpdateTs: 222 } });
    expect(await store.getChannelAttributes(APP_ID_2, 'room')).toEqual({});
  });

  test('limits count UTF-8 bytes, as the other stores do', async () => {
    // 'é' is 2 bytes: key 'k' (1) + 19 × 2 = 39 bytes fits 40; 20 × 2 + 1 = 41 does not.
    expect(await store.changeUserAttributes(APP_ID, 'u', { op: 'set', attrs: { k: 'é'.repeat(19) } }, limits)).toBe('ok');
    expect(await store.changeUserAttributes(APP_ID, 'u', { op: 'set', attrs: { k: 'é'.repeat(20) } }, limits)).toBe('overflow');
    expect(await store.getUserAttributes(APP_ID, 'u')).toEqual({ k: 'é'.repeat(19) });
  });

  test('user attributes: set replaces, add merges, del removes keys, clear empties; clearUserAttributes drops them', async () => {
    await store.changeUserAttributes(APP_ID, 'u', { op: 'set', attrs: { a: '1', b: '2' } }, limits);
    await store.changeUserAttributes(APP_ID, 'u', { op: 'add', attrs: { b: '3', c: '4' } }, limits);
    expect(await store.getUserAttributes(APP_ID, 'u')).toEqual({ a: '1', b: '3', c: '4' });
    await store.changeUserAttributes(APP_ID, 'u', { op: 'del', keys: ['a', 'zz'] }, limits);
    expect(await store.getUserAttributes(APP_ID, 'u')).toEqual({ b: '3', c: '4' });
    await store.changeUserAttributes(APP_ID, 'u', { op: 'set', attrs: { only: 'me' } }, limits);
    expect(await store.getUserAttributes(APP_ID, 'u')).toEqual({ only: 'me' });
    await store.changeUserAttributes(APP_ID, 'u', { op: 'clear' }, limits);
    expect(await store.getUserAttributes(APP_ID, 'u')).toEqual({});
    await store.changeUserAttributes(APP_ID, 'u', { op: 'set', attrs: { x: '1' } }, limits);
    await store.clearUserAttributes(APP_ID, 'u');
    expect(await store.getUserAttributes(APP_ID, 'u')).toEqual({});
  });

  test('an empty channel loses its attributes only while it has no members; channelsWithAttributes follows', async () => {
    const stamp = { by: 'a', ts: 1 };
    await store.changeChannelAttributes(APP_ID, 'room', { op: 'set', attrs: { k: 'v' } }, stamp, limits);
    expect(await store.channelsWithAttributes()).toEqual([{ appId: APP_ID, channel: 'room' }]);
    await store.joinChannel(APP_ID, 'room', 'u');
    expect(await store.clearChannelAttributesIfEmpty(APP_ID, 'room')).toBe(false);
    await store.leaveChannel(APP_ID, 'room', 'u');
    expect(await store.clearChannelAttributesIfEmpty(APP_ID, 'room')).toBe(true);
    expect(await store.getChannelAttributes(APP_ID, 'room')).toEqual({});
    expect(await store.channelsWithAttributes()).toEqual([]);
  });
});

describe("'__proto__' and 'constructor' are keys and ids like any other", () => {
  // Compared as entry lists, so that an inherited property can never pass for an own one.
  const entries = (o: object) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
  const odd = JSON.parse('{"__proto__":"p","constructor":"c","plain":"x"}') as Record<string, string>;
  const limits = { count: 10, totalBytes: 1000 };

  test('as attribute keys: user, account and channel attributes come back as own keys, on a plain prototype', async () => {
    expect(await store.changeUserAttributes(APP_ID, 'u', { op: 'set', attrs: odd }, limits)).toBe('ok');
    const user = await store.getUserAttributes(APP_ID, 'u');
    expect(entries(user)).toEqual([['__proto__', 'p'], ['constructor', 'c'], ['plain', 'x']]);
    expect(Object.getPrototypeOf(user)).not.toBe('p');
    expect(await store.changeUserAttributes(APP_ID, 'u', { op: 'del', keys: ['__proto__'] }, limits)).toBe('ok');
    expect(entries(await store.getUserAttributes(APP_ID, 'u'))).toEqual([['constructor', 'c'], ['plain', 'x']]);

    for (const [k, v] of Object.entries(odd)) expect(await store.setAccountAttribute(APP_ID, 'acc', k, v, 10)).toBe('ok');
    expect(entries(await store.getAccountAttributes(APP_ID, 'acc'))).toEqual([['__proto__', 'p'], ['constructor', 'c'], ['plain', 'x']]);

    const stamp = { by: 'alice', ts: 5 };
    const changed = await store.changeChannelAttributes(APP_ID, 'room', { op: 'set', attrs: odd }, stamp, limits);
    const stored = await store.getChannelAttributes(APP_ID, 'room');
    for (const got of [changed, stored]) {
      expect(typeof got).toBe('object');
      expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
      expect(entries(got as object).map(([k, v]) => [k, (v as { value: string }).value, (v as { lastUpdateUserId: string }).lastUpdateUserId])).toEqual([
        ['__proto__', 'p', 'alice'],
        ['constructor', 'c', 'alice'],
        ['plain', 'x', 'alice'],
      ]);
    }
  });

  test('as uids and channels: online status and member counts', async () => {
    await store.claimSession(APP_ID, '__proto__', 'n1~s1');
    expect(entries(await store.onlineStatus(APP_ID, ['__proto__', 'constructor']))).toEqual([['__proto__', true], ['constructor', false]]);
    await store.joinChannel(APP_ID, '__proto__', 'a');
    await store.joinChannel(APP_ID, '__proto__', 'b');
    expect(entries(await store.channelCounts(APP_ID, ['__proto__', 'constructor']))).toEqual([['__proto__', 2], ['constructor', 0]]);
  });
});

describe('membership, sessions, subscriptions', () => {
  test('join / leave report counts and whether anything changed; member lists are capped (a random subset)', async () => {
    expect(await store.joinChannel(APP_ID, 'ch', 'a')).toEqual({ count: 1, added: true });
    expect(await store.joinChannel(APP_ID, 'ch', 'a')).toEqual({ count: 1, added: false });
    for (const u of ['b', 'c', 'd']) await store.joinChannel(APP_ID, 'ch', u);
    expect((await store.channelMembers(APP_ID, 'ch', 10)).sort()).toEqual(['a', 'b', 'c', 'd']);
    const some = await store.channelMembers(APP_ID, 'ch', 2);
    expect(some).toHaveLength(2);
    expect(new Set(some).size).toBe(2);
    expect(await store.channelCounts(APP_ID, ['ch', 'none'])).toEqual({ ch: 4, none: 0 });
    expect(await store.leaveChannel(APP_ID, 'ch', 'a')).toEqual({ count: 3, removed: true });
    expect(await store.leaveChannel(APP_ID, 'ch', 'a')).toEqual({ count: 3, removed: false });
  });

  test('claim returns the replaced session; release only by the owner', async () => {
    expect(await store.claimSession(APP_ID, 'u', 'n1~s1')).toBeUndefined();
    expect(await store.claimSession(APP_ID, 'u', 'n1~s2')).toBe('n1~s1');
    expect(await store.releaseSession(APP_ID, 'u', 'n1~s1')).toBe(false);
    expect(await store.onlineStatus(APP_ID, ['u', 'v'])).toEqual({ u: true, v: false });
    expect(await store.releaseSession(APP_ID, 'u', 'n1~s2')).toBe(true);
    expect(await store.onlineStatus(APP_ID, ['u'])).toEqual({ u: false });
  });

  test("an orphaned session has exactly one taker, who gets the user's channels", async () => {
    await store.claimSession(APP_ID, 'u', 'n1~s1');
    await store.joinChannel(APP_ID, 'x', 'u');
    await store.joinChannel(APP_ID, 'y', 'u');
    expect(await store.sessionsOf('n1')).toEqual([[APP_ID, 'u', 'n1~s1']]);
    const takers = await Promise.all([1, 2, 3].map(() => store.takeOrphan('n1', APP_ID, 'u', 'n1~s1')));
    expect(takers.filter((t) => t !== undefined).map((t) => t?.sort())).toEqual([['x', 'y']]);
    expect(await store.orphanBeingCleaned('n1~s1')).toBe(true);
    await store.orphanDone('n1~s1');
    expect(await store.orphanBeingCleaned('n1~s1')).toBe(false);
    expect(await store.sessionsOf('n1')).toEqual([]);
  });

  test('hand-over moves ownership and the index entry only from the owning sid, and never from a session taken as an orphan', async () => {
    const other = new RedisStore(link, 'n2');
    await store.claimSession(APP_ID, 'u', 'n1~s1');
    expect(await other.moveSession(APP_ID, 'u', 'n1~old', 'n1', 'n2~s2')).toBe(false); // not the owner
    expect(await other.moveSession(APP_ID, 'u', 'n1~s1', 'n1', 'n2~s2')).toBe(true);
    expect(await store.ownerOf(APP_ID, 'u')).toBe('n2~s2');
    expect([await store.sessionsOf('n1'), await store.sessionsOf('n2')]).toEqual([[], [[APP_ID, 'u', 'n2~s2']]]);
    expect(await other.moveSession(APP_ID, 'u', 'n1~s1', 'n1', 'n2~s3')).toBe(false); // moved already
    // Taken for clean-up first (its node was swept): the hand-over loses, nothing changes.
    await store.claimSession(APP_ID, 'v', 'n1~s4');
    expect(await store.takeOrphan('n1', APP_ID, 'v', 'n1~s4')).toEqual([]);
    expect(await other.moveSession(APP_ID, 'v', 'n1~s4', 'n1', 'n2~s5')).toBe(false);
    expect(await store.ownerOf(APP_ID, 'v')).toBe('n1~s4');
  });

  test('subscriptions index both ways; dropping a subscriber removes it everywhere', async () => {
    await store.subscribe(APP_ID, 'w', ['a', 'b']);
    await store.subscribe(APP_ID, 'v', ['a']);
    expect((await store.subscribersOf(APP_ID, 'a')).sort()).toEqual(['v', 'w']);
    await store.unsubscribe(APP_ID, 'v', ['a']);
    expect(await store.subscribersOf(APP_ID, 'a')).toEqual(['w']);
    await store.dropSubscriptions(APP_ID, 'w');
    expect(await store.subscribersOf(APP_ID, 'a')).toEqual([]);
    expect(await store.subscribersOf(APP_ID, 'b')).toEqual([]);
  });
});
