/**
 * User attributes (rtm-1x.md §3.2, §5.2 AttributeOperationError, §6.2, §6.3, §8.2, §8.5): a user's own
 * attributes, written by its client and read by others, with the official limits and codes, the
 * rate limit, and their lifetime (the login session; re-applied by the SDK after the server dropped
 * the session during a long network cut).
 */

import type { RtmClient } from '../../src/rtm';
import { ManualClock } from '../../src/rtm-core/clock';
import type { ServerOptions } from '../../src/server';
import { CutProxy } from '../helpers/cut-proxy';
import { Harness, record, sleep, until } from '../helpers/harness';
import { failure, rejectsWith } from '../helpers/failures';

const h = new Harness();
let proxy: CutProxy | undefined;

afterEach(async () => {
  await h.stop();
  await proxy?.stop();
  proxy = undefined;
});


const INVALID = ['RtmInvalidArgumentError', 3] as const;
const OVERFLOW = ['RtmLimitExceededError', 4] as const;

const many = (n: number, prefix = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));

// ---- the four writes, read from another client -----------------------------------------------------

describe('writes and reads', () => {
  beforeEach(() => h.start());

  test('set replaces, addOrUpdate upserts, deleteByKeys removes, clear empties; another client reads each step', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');

    await alice.setLocalUserAttributes({ mood: 'happy', city: 'Paris', lang: 'fr' });
    expect(await bob.getUserAttributes('alice')).toEqual({ mood: 'happy', city: 'Paris', lang: 'fr' });

    // set replaces everything (city and lang are gone).
    await alice.setLocalUserAttributes({ mood: 'sad' });
    expect(await bob.getUserAttributes('alice')).toEqual({ mood: 'sad' });

    await alice.addOrUpdateLocalUserAttributes({ mood: 'calm', city: 'Rome', 'a-b.c': 'x y' });
    expect(await bob.getUserAttributes('alice')).toEqual({ mood: 'calm', city: 'Rome', 'a-b.c': 'x y' });

    // Deleting a key that does not exist is not an error.
    await alice.deleteLocalUserAttributesByKeys(['city', 'nope']);
    expect(await bob.getUserAttributes('alice')).toEqual({ mood: 'calm', 'a-b.c': 'x y' });

    await alice.clearLocalUserAttributes();
    expect(await bob.getUserAttributes('alice')).toEqual({});
  });

  test('getUserAttributesByKeys returns only the requested keys that exist; a user reads its own', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    await alice.setLocalUserAttributes({ a: '1', b: '2', c: '3' });
    expect(await bob.getUserAttributesByKeys('alice', ['a', 'c', 'missing'])).toEqual({ a: '1', c: '3' });
    expect(await bob.getUserAttributesByKeys('alice', ['missing'])).toEqual({});
    expect(await alice.getUserAttributes('alice')).toEqual({ a: '1', b: '2', c: '3' });
    // A user with no attributes (but online) reads as an empty map.
    expect(await alice.getUserAttributes('bob')).toEqual({});
  });

  test('values keep their UTF-8 content intact; limits count bytes (a 4096-char value of 2-byte chars is 8192 bytes)', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const full = 'é'.repeat(4096); // exactly 8192 bytes
    await alice.setLocalUserAttributes({ k: full, emoji: '😀 ok' });
    expect(await bob.getUserAttributes('alice')).toEqual({ k: full, emoji: '😀 ok' });
    await rejectsWith(alice.setLocalUserAttributes({ k: `${full}a` }), ...OVERFLOW);
    // A rejected write changes nothing.
    expect(await bob.getUserAttributes('alice')).toEqual({ k: full, emoji: '😀 ok' });
  });
});

// ---- limits ---------------------------------------------------------------------------------------

describe('limits and argument checks', () => {
  beforeEach(() => h.start());

  test('32 attributes, a 32-byte key, an 8192-byte value and 16384 bytes in total are accepted', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    await alice.setLocalUserAttributes(many(32));
    expect(Object.keys(await bob.getUserAttributes('alice'))).toHaveLength(32);
    await alice.setLocalUserAttributes({ ['k'.repeat(32)]: 'v', v: 'x'.repeat(8192) });
    expect((await bob.getUserAttributes('alice')).v).toHaveLength(8192);
    // Exactly 16384 bytes of keys and values: (1 + 8191) + (1 + 8189) + (1 + 1); one more byte is too many.
    await alice.setLocalUserAttributes({ a: 'x'.repeat(8191), b: 'y'.repeat(8189), c: 'z' });
    expect(Object.keys(await bob.getUserAttributes('alice')).sort()).toEqual(['a', 'b', 'c']);
    await rejectsWith(alice.setLocalUserAttributes({ a: 'x'.repeat(8191), b: 'y'.repeat(8190), c: 'z' }), ...OVERFLOW);
  });

  test('over the limits: SIZE_OVERFLOW (4), RtmLimitExceededError, on every write', async () => {
    const alice = await h.login('alice');
    await rejectsWith(alice.setLocalUserAttributes(many(33)), ...OVERFLOW);
    await rejectsWith(alice.addOrUpdateLocalUserAttributes(many(33)), ...OVERFLOW);
    await rejectsWith(alice.setLocalUserAttributes({ ['k'.repeat(33)]: 'v' }), ...OVERFLOW);
    await rejectsWith(alice.setLocalUserAttributes({ k: 'x'.repeat(8193) }), ...OVERFLOW);
    await rejectsWith(alice.addOrUpdateLocalUserAttributes({ k: 'x'.repeat(8193) }), ...OVERFLOW);
    // Each value is fine, the sum (3 × 6001 bytes) is over 16384.
    await rejectsWith(alice.setLocalUserAttributes({ a: 'x'.repeat(6000), b: 'x'.repeat(6000), c: 'x'.repeat(6000) }), ...OVERFLOW);
    const err = await failure(() => alice.setLocalUserAttributes(many(33)));
    expect(err.message).toMatch(/^Error Code 4 - /);
    expect(await alice.getUserAttributes('alice')).toEqual({});
  });

  test('addOrUpdate is checked on the merged result too (the server refuses what the delta alone would allow)', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    await alice.setLocalUserAttributes(many(32));
    await rejectsWith(alice.addOrUpdateLocalUserAttributes({ extra: 'v' }), ...OVERFLOW);
    // Updating an existing key keeps the count at 32: fine.
    await alice.addOrUpdateLocalUserAttributes({ k0: 'updated' });
    expect((await bob.getUserAttributes('alice')).k0).toBe('updated');

    await alice.setLocalUserAttributes({ a: 'x'.repeat(8000), b: 'y'.repeat(8000) });
    await rejectsWith(alice.addOrUpdateLocalUserAttributes({ c: 'z'.repeat(8000) }), ...OVERFLOW);
    expect(Object.keys(await bob.getUserAttributes('alice')).sort()).toEqual(['a', 'b']);
  });

  test('bad arguments: INVALID_ARGUMENT (3), RtmInvalidArgumentError', async () => {
    const alice = await h.login('alice');
    const anyArg = alice as unknown as {
      setLocalUserAttributes(a: unknown): Promise<void>;
      addOrUpdateLocalUserAttributes(a: unknown): Promise<void>;
      deleteLocalUserAttributesByKeys(k: unknown): Promise<void>;
      getUserAttributes(u: unknown): Promise<unknown>;
      getUserAttributesByKeys(u: unknown, k: unknown): Promise<unknown>;
    };
    await rejectsWith(alice.setLocalUserAttributes({}), ...INVALID);
    await rejectsWith(alice.addOrUpdateLocalUserAttributes({}), ...INVALID);
    await rejectsWith(anyArg.setLocalUserAttributes('mood=happy'), ...INVALID);
    await rejectsWith(anyArg.setLocalUserAttributes(null), ...INVALID);
    await rejectsWith(anyArg.setLocalUserAttributes(['a']), ...INVALID);
    await rejectsWith(anyArg.addOrUpdateLocalUserAttributes(42), ...INVALID);
    await rejectsWith(alice.setLocalUserAttributes({ mood: '' }), ...INVALID);
    await rejectsWith(anyArg.setLocalUserAttributes({ mood: 7 }), ...INVALID);
    await rejectsWith(alice.setLocalUserAttributes({ '': 'v' }), ...INVALID);
    await rejectsWith(alice.deleteLocalUserAttributesByKeys([]), ...INVALID);
    await rejectsWith(alice.deleteLocalUserAttributesByKeys(['']), ...INVALID);
    await rejectsWith(anyArg.deleteLocalUserAttributesByKeys('mood'), ...INVALID);
    await rejectsWith(alice.getUserAttributesByKeys('alice', []), ...INVALID);
    await rejectsWith(alice.getUserAttributesByKeys('alice', Array.from({ length: 33 }, (_, i) => `k${i}`)), ...INVALID);
    await rejectsWith(alice.getUserAttributesByKeys('alice', ['']), ...INVALID);
    await rejectsWith(anyArg.getUserAttributesByKeys('alice', 'k'), ...INVALID);
    await rejectsWith(alice.getUserAttributes('bad id!!'.repeat(10)), ...INVALID);
    await rejectsWith(anyArg.getUserAttributes(42), ...INVALID);
    // 32 keys is the most: fine.
    expect(await alice.getUserAttributesByKeys('alice', Array.from({ length: 32 }, (_, i) => `k${i}`))).toEqual({});
  });

  test('not logged in: USER_NOT_LOGGED_IN (102), RtmInvalidStatusError, for every method; after logout too', async () => {
    const NOT = ['RtmInvalidStatusError', 102] as const;
    const idle = h.client();
    await rejectsWith(idle.setLocalUserAttributes({ a: '1' }), ...NOT);
    await rejectsWith(idle.addOrUpdateLocalUserAttributes({ a: '1' }), ...NOT);
    await rejectsWith(idle.deleteLocalUserAttributesByKeys(['a']), ...NOT);
    await rejectsWith(idle.clearLocalUserAttributes(), ...NOT);
    await rejectsWith(idle.getUserAttributes('bob'), ...NOT);
    await rejectsWith(idle.getUserAttributesByKeys('bob', ['a']), ...NOT);

    const alice = await h.login('alice');
    await alice.logout();
    await rejectsWith(alice.setLocalUserAttributes({ a: '1' }), ...NOT);
    await rejectsWith(alice.getUserAttributes('alice'), ...NOT);
  });

  test('reading an offline user: USER_NOT_FOUND (6), RtmUnavailableError, "The user requested is not online"', async () => {
    const alice = await h.login('alice');
    const err = await failure(() => alice.getUserAttributes('nobody'));
    expect({ name: err.name, code: err.code }).toEqual({ name: 'RtmUnavailableError', code: 6 });
    expect(err.message).toContain('The user requested is not online');
    await rejectsWith(alice.getUserAttributesByKeys('nobody', ['a']), 'RtmUnavailableError', 6);
  });
});

// ---- rates ----------------------------------------------------------------------------------------

test('rates: writes beyond `rates.uattr` and reads beyond `rates.uattrGet` fail with TOO_OFTEN (5)', async () => {
  await h.start({ rates: { uattr: { limit: 3, windowMs: 60_000 }, uattrGet: { limit: 2, windowMs: 60_000 } } });
  const alice = await h.login('alice');
  const bob = await h.login('bob');
  await alice.setLocalUserAttributes({ a: '1' });
  await alice.addOrUpdateLocalUserAttributes({ b: '2' });
  await alice.deleteLocalUserAttributesByKeys(['a']);
  // The four writes share one window.
  await rejectsWith(alice.clearLocalUserAttributes(), 'RtmLimitExceededError', 5);
  await rejectsWith(alice.setLocalUserAttributes({ c: '3' }), 'RtmLimitExceededError', 5);
  // Reads have their own window, per client.
  expect(await bob.getUserAttributes('alice')).toEqual({ b: '2' });
  expect(await bob.getUserAttributesByKeys('alice', ['b'])).toEqual({ b: '2' });
  await rejectsWith(bob.getUserAttributes('alice'), 'RtmLimitExceededError', 5);
  expect(await alice.getUserAttributes('alice')).toEqual({ b: '2' });
});

// ---- lifetime ---------------------------------------------------------------------------------------

test('attributes end with the login: gone at logout, and the same client logging in again starts empty', async () => {
  await h.start();
  const clock = new ManualClock(); // only to pass the SDK's 500 ms login interval without waiting
  const alice = await h.login('alice', { clock });
  const bob = await h.login('bob');
  await alice.setLocalUserAttributes({ mood: 'happy' });
  expect(await bob.getUserAttributes('alice')).toEqual({ mood: 'happy' });

  await alice.logout();
  await rejectsWith(bob.getUserAttributes('alice'), 'RtmUnavailableError', 6);

  clock.advance(600);
  await alice.login({ uid: 'alice' });
  expect(await bob.getUserAttributes('alice')).toEqual({});
  expect(await alice.getUserAttributes('alice')).toEqual({});
});

describe('across network cuts', () => {
  const options: ServerOptions = {
    timings: { unreachableAfterMs: 100, offlineAfterMs: 300, heartbeatMs: 25 },
    rates: { uattrGet: { limit: 10_000, windowMs: 1000 }, query: { limit: 10_000, windowMs: 1000 } },
  };

  async function setup(): Promise<{ p: CutProxy; alice: RtmClient; bob: RtmClient }> {
    await h.start(options);
    proxy = await new CutProxy(h.server.port).start();
    const alice = await h.login('alice');
    const bob = await h.login('bob', { serverUrl: proxy.url() });
    return { p: proxy, alice, bob };
  }

  test('a cut longer than offlineAfterMs: the server drops them, the client re-applies its latest copy on the new session', async () => {
    const { p, alice, bob } = await setup();
    await bob.setLocalUserAttributes({ a: '1', b: '2', c: '3' });
    await bob.addOrUpdateLocalUserAttributes({ d: '4', a: 'one' });
    await bob.deleteLocalUserAttributesByKeys(['b']);
    expect(await alice.getUserAttributes('bob')).toEqual({ a: 'one', c: '3', d: '4' });

    await alice.subscribePeersOnlineStatus(['bob']);
    const presence = record(alice, ['PeersOnlineStatusChanged']);
    const bobStates = () => presence.map((e) => (e.args[0] as Record<string, string>).bob).filter((s) => s !== undefined);
    const bobLog = record(bob, ['ConnectionStateChanged']);

    p.down = true;
    p.cut();
    await until(() => bobStates().includes('OFFLINE'), 3000, 'bob OFFLINE');
    // The server dropped the session and with it the attributes.
    await rejectsWith(alice.getUserAttributes('bob'), 'RtmUnavailableError', 6);

    p.down = false;
    await until(() => bobLog.some((e) => e.args[0] === 'CONNECTED'), 3000, 'bob back');
    expect(bobLog.map((e) => e.args)).toEqual([
      ['RECONNECTING', 'INTERRUPTED'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
    // The re-apply follows the new login asynchronously: poll until it has landed.
    let seen: Record<string, string> = {};
    for (const deadline = Date.now() + 3000; Object.keys(seen).length === 0 && Date.now() < deadline; await sleep(10)) {
      seen = await alice.getUserAttributes('bob').catch(() => ({}));
    }
    expect(seen).toEqual({ a: 'one', c: '3', d: '4' });
    expect(await alice.getUserAttributesByKeys('bob', ['c'])).toEqual({ c: '3' });
  });

  test('a short cut (session resumed): the attributes are simply still there, and nobody saw bob go offline', async () => {
    const { p, alice, bob } = await setup();
    await bob.setLocalUserAttributes({ mood: 'steady' });
    await alice.subscribePeersOnlineStatus(['bob']);
    const presence = record(alice, ['PeersOnlineStatusChanged']);
    const bobLog = record(bob, ['ConnectionStateChanged']);

    p.cut();
    await until(() => bobLog.some((e) => e.args[0] === 'CONNECTED'), 3000, 'bob back');
    expect(await alice.getUserAttributes('bob')).toEqual({ mood: 'steady' });
    expect(presence.map((e) => (e.args[0] as Record<string, string>).bob)).not.toContain('OFFLINE');
    // And the session still takes writes.
    await bob.addOrUpdateLocalUserAttributes({ more: 'yes' });
    expect(await alice.getUserAttributes('bob')).toEqual({ mood: 'steady', more: 'yes' });
  });
});
