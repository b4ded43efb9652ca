/**
 * Online status (rtm-1x.md §3.2, §7, §8.5): queries answer booleans; subscriptions push ONLINE /
 * UNREACHABLE / OFFLINE; silence makes a user UNREACHABLE after unreachableAfterMs and ends its
 * session after offlineAfterMs. Silence is made real with raw protocol sockets that never ping, and
 * time is driven by a ManualClock on the server.
 */

import { ManualClock } from '../../src/rtm-core/clock';
import { PROTOCOL_VERSION } from '../../src/rtm-core/protocol/frames';
import { RtmStatusCode, type PeersOnlineStatusMap, type RtmClient } from '../../src/rtm';
import { APP_ID, frozenTransport, Harness, record, until, waitForEvent, type RawSocket } from '../helpers/harness';

const h = new Harness();
const { ONLINE_STATUS } = RtmStatusCode.PeerSubscriptionOption;
afterEach(() => h.stop());

async function rawLogin(uid: string): Promise<RawSocket> {
  const r = await h.raw();
  r.send({ t: 'login', rid: 1, v: PROTOCOL_VERSION, appId: APP_ID, uid });
  expect(await r.next((f) => f.t === 'res' && f.rid === 1)).toMatchObject({ ok: true });
  return r;
}

/** A client with a log of its PeersOnlineStatusChanged maps. */
async function watcher(uid = 'watcher'): Promise<{ c: RtmClient; seen: PeersOnlineStatusMap[] }> {
  const c = h.client();
  const seen: PeersOnlineStatusMap[] = [];
  c.on('PeersOnlineStatusChanged', (m) => seen.push({ ...m }));
  await c.login({ uid });
  return { c, seen };
}

describe('queryPeersOnlineStatus', () => {
  test('true for logged-in users, false otherwise', async () => {
    await h.start();
    const me = await h.login('me');
    await h.login('alice');
    const gone = await h.login('gone');
    await gone.logout();
    await expect(me.queryPeersOnlineStatus(['alice', 'bob', 'me', 'gone'])).resolves.toEqual({ alice: true, bob: false, me: true, gone: false });
  });

  test('1–256 valid ids: 257 → 2, none → 2, an invalid id → 2; not logged in → 102', async () => {
    await h.start({ rates: { query: { limit: 100, windowMs: 1000 } } });
    const me = await h.login('me');
    const ids = Array.from({ length: 257 }, (_, i) => `u${i}`);
    await expect(me.queryPeersOnlineStatus(ids)).rejects.toMatchObject({ name: 'RtmInvalidArgumentError', code: 2 });
    const ok = await me.queryPeersOnlineStatus(ids.slice(0, 256));
    expect(Object.keys(ok)).toHaveLength(256);
    expect(Object.values(ok).every((v) => v === false)).toBe(true);
    await expect(me.queryPeersOnlineStatus([])).rejects.toMatchObject({ code: 2 });
    await expect(me.queryPeersOnlineStatus(['ok', 'a/b'])).rejects.toMatchObject({ code: 2 });
    await expect(h.client().queryPeersOnlineStatus(['me'])).rejects.toMatchObject({ name: 'RtmInvalidStatusError', code: 102 });
  });
});

describe('subscriptions', () => {
  test('subscribing emits ONLINE / OFFLINE for the new peers; logins and logouts follow', async () => {
    await h.start();
    await h.login('alice');
    const w = await watcher();
    await w.c.subscribePeersOnlineStatus(['alice', 'bob']);
    expect(w.seen).toEqual([{ alice: 'ONLINE', bob: 'OFFLINE' }]);

    const bob = await h.login('bob');
    await until(() => w.seen.length === 2);
    expect(w.seen[1]).toEqual({ bob: 'ONLINE' });
    await bob.logout();
    await until(() => w.seen.length === 3);
    expect(w.seen[2]).toEqual({ bob: 'OFFLINE' });

    // Adding one more subscription announces only the new peer.
    await w.c.subscribePeersOnlineStatus(['carol']);
    expect(w.seen[3]).toEqual({ carol: 'OFFLINE' });
    expect(w.seen).toHaveLength(4);
  });

  test('queryPeersBySubscriptionOption lists the subscribed peers; unsubscribing stops the events', async () => {
    await h.start();
    const alice = await h.login('alice');
    const w = await watcher();
    await w.c.subscribePeersOnlineStatus(['alice', 'bob']);
    expect((await w.c.queryPeersBySubscriptionOption(ONLINE_STATUS)).sort()).toEqual(['alice', 'bob']);

    await w.c.unsubscribePeersOnlineStatus(['bob']);
    expect(await w.c.queryPeersBySubscriptionOption(ONLINE_STATUS)).toEqual(['alice']);
    const before = w.seen.length;
    await h.login('bob');
    // Barrier: alice's logout is announced after bob's login would have been.
    await alice.logout();
    await until(() => w.seen.length > before);
    expect(w.seen.slice(before)).toEqual([{ alice: 'OFFLINE' }]);

    await w.c.unsubscribePeersOnlineStatus(['alice']);
    expect(await w.c.queryPeersBySubscriptionOption(ONLINE_STATUS)).toEqual([]);
    await h.login('alice');
    await w.c.subscribePeersOnlineStatus(['dave']); // a round trip, and a marker
    expect(w.seen.slice(before + 1)).toEqual([{ dave: 'OFFLINE' }]);
  });

  test('more than limits.subscriptionsPerClient → PEER_SUBSCRIPTION_STATUS_ERR_OVERFLOW 6', async () => {
    await h.start({ limits: { subscriptionsPerClient: 3 }, rates: { sub: { limit: 100, windowMs: 1000 } } });
    const w = await watcher();
    await w.c.subscribePeersOnlineStatus(['a', 'b']);
    await expect(w.c.subscribePeersOnlineStatus(['c', 'd'])).rejects.toMatchObject({ name: 'RtmLimitExceededError', code: 6 });
    expect((await w.c.queryPeersBySubscriptionOption(ONLINE_STATUS)).sort()).toEqual(['a', 'b']);
    await w.c.subscribePeersOnlineStatus(['c']);
    // Re-subscribing counts once.
    await w.c.subscribePeersOnlineStatus(['a', 'c']);
    await expect(w.c.subscribePeersOnlineStatus(['d'])).rejects.toMatchObject({ code: 6 });

    // Too many in one call is also an overflow, not an argument error.
    const other = await watcher('other');
    await expect(other.c.subscribePeersOnlineStatus(['a', 'b', 'c', 'd'])).rejects.toMatchObject({ code: 6 });
    await other.c.subscribePeersOnlineStatus(['a', 'b', 'c']);
  });

  test('the client refuses more than 512 subscriptions itself, and bad arguments with 2', async () => {
    await h.start();
    const w = await watcher();
    const ids = Array.from({ length: 513 }, (_, i) => `u${i}`);
    const err: unknown = await w.c.subscribePeersOnlineStatus(ids).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'RtmLimitExceededError', code: 6 });
    expect((err as { serverCode?: number }).serverCode).toBeUndefined();
    await expect(w.c.subscribePeersOnlineStatus([])).rejects.toMatchObject({ name: 'RtmInvalidArgumentError', code: 2 });
    await expect(w.c.subscribePeersOnlineStatus(['a/b'])).rejects.toMatchObject({ code: 2 });
    await expect(w.c.unsubscribePeersOnlineStatus([])).rejects.toMatchObject({ code: 2 });
    await expect(h.client().subscribePeersOnlineStatus(['x'])).rejects.toMatchObject({ code: 102 });
  });
});

describe('silence (ManualClock on the server)', () => {
  const U = 1000;
  const O = 3000;

  async function setup(timings: { memberCountIntervalMs?: number } = {}): Promise<{ clock: ManualClock; w: { c: RtmClient; seen: PeersOnlineStatusMap[] }; ghost: RawSocket; touch: () => Promise<boolean> }> {
    const clock = new ManualClock();
    await h.start({
      clock,
      timings: { unreachableAfterMs: U, offlineAfterMs: O, ...timings },
      rates: { query: { limit: 100_000, windowMs: 1000 }, members: { limit: 100_000, windowMs: 1000 } },
    });
    const w = await watcher();
    // A raw protocol client that never pings, logged in at the clock's start.
    const ghost = await rawLogin('ghost');
    await w.c.subscribePeersOnlineStatus(['ghost']);
    expect(w.seen).toEqual([{ ghost: 'ONLINE' }]);
    /** A round trip from the watcher: keeps it alive, and anything pushed before has arrived. */
    const touch = async () => (await w.c.queryPeersOnlineStatus(['ghost'])).ghost === true;
    return { clock, w, ghost, touch };
  }

  /** Advances in steps short enough that the watcher, touching after each, never falls silent. */
  async function advance(clock: ManualClock, ms: number, touch: () => Promise<boolean>): Promise<void> {
    for (let left = ms; left > 0; left -= 400) {
      clock.advance(Math.min(400, left));
      await touch();
    }
  }

  test('ONLINE at unreachableAfterMs - 1, UNREACHABLE at unreachableAfterMs; a query still says true', async () => {
    const { clock, w, touch } = await setup();
    await advance(clock, U - 1, touch);
    expect(w.seen).toEqual([{ ghost: 'ONLINE' }]);
    clock.advance(1);
    await until(() => w.seen.length === 2, 3000, 'UNREACHABLE');
    expect(w.seen[1]).toEqual({ ghost: 'UNREACHABLE' });
    // Queries answer booleans: an unreachable user is still logged in.
    await expect(w.c.queryPeersOnlineStatus(['ghost'])).resolves.toEqual({ ghost: true });
  });

  test('at offlineAfterMs the session ends: OFFLINE to subscribers, MemberLeft in channels, query false', async () => {
    const { clock, w, ghost, touch } = await setup();
    const ch = w.c.createChannel('room');
    const chLog = record(ch, ['MemberLeft', 'MemberJoined']);
    await ch.join();
    ghost.send({ t: 'join', rid: 2, ch: 'room' });
    expect(await ghost.next((f) => f.rid === 2)).toMatchObject({ ok: true });
    await until(() => chLog.length === 1);

    await advance(clock, O - 1, touch);
    expect(w.seen).toEqual([{ ghost: 'ONLINE' }, { ghost: 'UNREACHABLE' }]);
    expect(await touch()).toBe(true);
    expect((await ch.getMembers()).sort()).toEqual(['ghost', 'watcher']);
    expect(chLog).toEqual([{ name: 'MemberJoined', args: ['ghost'] }]);

    const left = waitForEvent<[string]>(ch, 'MemberLeft');
    clock.advance(1);
    expect(await left).toEqual(['ghost']);
    await until(() => w.seen.length === 3, 3000, 'OFFLINE');
    expect(w.seen[2]).toEqual({ ghost: 'OFFLINE' });
    expect(await touch()).toBe(false);
    expect(await ch.getMembers()).toEqual(['watcher']);
  });

  test('a frame before the unreachable deadline keeps the user ONLINE; the deadline moves with it', async () => {
    const { clock, w, ghost, touch } = await setup();
    await advance(clock, U - 1, touch);
    ghost.send({ t: 'ping' });
    await ghost.next((f) => f.t === 'pong');
    await advance(clock, U - 1, touch); // U - 1 after the ping, 2U - 2 after login
    expect(w.seen).toEqual([{ ghost: 'ONLINE' }]);
    clock.advance(1);
    await until(() => w.seen.length === 2, 3000, 'UNREACHABLE');
    expect(w.seen[1]).toEqual({ ghost: 'UNREACHABLE' });
  });

  test('an UNREACHABLE user that sends anything is ONLINE again, and its offline deadline restarts', async () => {
    const { clock, w, ghost, touch } = await setup();
    await advance(clock, U + 500, touch);
    expect(w.seen).toEqual([{ ghost: 'ONLINE' }, { ghost: 'UNREACHABLE' }]);

    ghost.send({ t: 'ping' }); // at U + 500
    await ghost.next((f) => f.t === 'pong');
    await until(() => w.seen.length === 3, 3000, 'ONLINE again');
    expect(w.seen[2]).toEqual({ ghost: 'ONLINE' });

    // Silent again from U + 500: UNREACHABLE at 2U + 500, OFFLINE at U + 500 + O (not at O).
    await advance(clock, U - 1, touch);
    expect(w.seen).toHaveLength(3);
    clock.advance(1);
    await until(() => w.seen.length === 4, 3000, 'UNREACHABLE again');
    expect(w.seen[3]).toEqual({ ghost: 'UNREACHABLE' });
    await advance(clock, O - U - 1, touch); // now U + 500 + O - 1, well past the first deadline O
    expect(await touch()).toBe(true);
    expect(w.seen).toHaveLength(4);
    clock.advance(1);
    await until(() => w.seen.length === 5, 3000, 'OFFLINE');
    expect(w.seen[4]).toEqual({ ghost: 'OFFLINE' });
    expect(await touch()).toBe(false);
  });

  test('a session that timed out is over: its socket is closed, and a frame already on the way revives nothing', async () => {
    const { clock, w, ghost, touch } = await setup();
    await advance(clock, O - 1, touch);
    expect(w.seen).toEqual([{ ghost: 'ONLINE' }, { ghost: 'UNREACHABLE' }]);
    // The ping is on the wire when the session times out; the server handles it afterwards.
    ghost.send({ t: 'ping' });
    clock.advance(1);
    await until(() => w.seen.length === 3, 3000, 'OFFLINE');
    expect(w.seen[2]).toEqual({ ghost: 'OFFLINE' });

    // The server closes the socket of a session it ended, so that a client there notices and logs in afresh.
    await ghost.waitClosed();
    expect(await touch()).toBe(false);
    expect(w.seen).toHaveLength(3);
  });

  test('a client whose session timed out under it reconnects with a fresh session and re-joins its channels', async () => {
    // No member-count pushes to the sleeper before it times out (it would acknowledge them: a sign of life).
    const { clock, w, touch } = await setup({ memberCountIntervalMs: 100 * O });
    const ch = w.c.createChannel('room');
    const chLog = record(ch, ['MemberLeft', 'MemberJoined']);
    await ch.join();
    clock.advance(0); // the watcher's first count push goes out now, before the sleeper joins
    // A real client whose own clock is frozen never sends heartbeats, and its socket answers no
    // pings: the server hears nothing from it.
    const sleeperClock = new ManualClock();
    const sleeper = await h.login('sleeper', { clock: sleeperClock, transport: frozenTransport });
    const states = record(sleeper, ['ConnectionStateChanged']);
    const sch = sleeper.createChannel('room');
    await sch.join();
    await until(() => chLog.length === 1);
    await w.c.subscribePeersOnlineStatus(['sleeper']);

    await advance(clock, O, touch);
    await until(() => chLog.length === 2, 3000, 'MemberLeft');
    expect(chLog[1]).toEqual({ name: 'MemberLeft', args: ['sleeper'] });

    // Its socket is closed; it reconnects (its backoff runs on its own clock) and is back as a new session.
    await until(() => states.some((s) => s.args[0] === 'RECONNECTING'), 3000, 'RECONNECTING');
    sleeperClock.advance(1000);
    await until(() => states.at(-1)?.args[0] === 'CONNECTED', 3000, 'CONNECTED again');
    await until(() => chLog.length === 3, 3000, 'MemberJoined again');
    expect(chLog[2]).toEqual({ name: 'MemberJoined', args: ['sleeper'] });
    expect((await ch.getMembers()).sort()).toEqual(['sleeper', 'watcher']);
    expect(await w.c.queryPeersOnlineStatus(['sleeper'])).toEqual({ sleeper: true });
    const sleeperStates = () => w.seen.filter((m) => 'sleeper' in m).map((m) => m.sleeper);
    await until(() => sleeperStates().length === 4, 3000, 'ONLINE again');
    expect(sleeperStates()).toEqual(['ONLINE', 'UNREACHABLE', 'OFFLINE', 'ONLINE']);
  });
});
