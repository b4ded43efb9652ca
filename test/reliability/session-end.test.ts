/**
 * Issue 11, defects 2 and 10, over real sockets: a session that ended (admin kick, a newer login
 * elsewhere) can no longer act through a socket that ignores the close, and that socket is cut off
 * after the close grace; a connection that logged out must log in again within the deadline.
 */

import type { RtmClient } from '../../src/rtm';
import { APP_ID, Harness, record, sleep, until } from '../helpers/harness';
import { RawSockets, type RawWs } from './helpers/raw-ws';

const h = new Harness();
const raws = new RawSockets(() => h.server.port);
const GRACE = 300;
const LOGIN_WITHIN = 400;

beforeEach(() => h.start({ timings: { closeGraceMs: GRACE, loginWithinMs: LOGIN_WITHIN } }));
afterEach(async () => {
  raws.destroyAll();
  await h.stop();
});

const raw = () => raws.connect();

const TEXT = { type: 'TEXT', text: 'still here' };

/** What a session that should be over tries, without waiting for any answer. */
function actAfterEnd(r: RawWs): void {
  r.request({ t: 'join', ch: 'room' });
  r.request({ t: 'join', ch: 'other' });
  r.request({ t: 'peer', to: 'bob', msg: TEXT });
  r.request({ t: 'chmsg', ch: 'room', msg: TEXT });
  r.request({ t: 'chmsgOut', ch: 'room', msg: TEXT });
  r.request({ t: 'cattr', ch: 'room', change: { op: 'set', attrs: { owner: 'mallory' } }, notify: true });
  r.request({ t: 'uattr', change: { op: 'set', attrs: { ghost: 'yes' } } });
  r.request({ t: 'sub', uids: ['bob'] });
}

/** bob, in 'room', and everything he hears from then on. */
async function bobInRoom(): Promise<{ bob: RtmClient; heard: () => unknown[] }> {
  const bob = await h.login('bob');
  const ch = bob.createChannel('room');
  await ch.join();
  const peer = record(bob, ['MessageFromPeer']);
  const room = record(ch, ['ChannelMessage', 'MemberJoined', 'MemberLeft', 'AttributesUpdated']);
  return { bob, heard: () => [...peer, ...room] };
}

async function expectNothingStuck(): Promise<void> {
  const store = h.server.core.store;
  expect(await store.channelMembers(APP_ID, 'room', 100)).toEqual(['bob']);
  expect(await store.channelCounts(APP_ID, ['other'])).toEqual({ other: 0 });
  expect(await store.getChannelAttributes(APP_ID, 'room')).toEqual({});
  expect(await store.subscribersOf(APP_ID, 'bob')).toEqual([]);
}

describe('an ended session stops acting', () => {
  it('after an admin kick: nothing more it sends is handled, and its socket is cut after the close grace', async () => {
    const { heard } = await bobInRoom();
    const r = await raw();
    expect((await r.login(APP_ID, 'mallory')).ok).toBe(true);
    expect(await h.server.core.kick(APP_ID, 'mallory')).toBe(true);
    actAfterEnd(r);
    await until(() => r.ended, GRACE + 2000, 'the kicked socket cut off');
    expect(r.frames.find((f) => f.t === 'kick')).toEqual({ t: 'kick', reason: 'BANNED_BY_SERVER' });
    expect(r.closeFrames).toEqual([4000]);
    // None of the requests made after the kick was answered as if the session still lived.
    expect(r.frames.filter((f) => f.t === 'res' && f.ok === true)).toEqual([expect.objectContaining({ rid: 1 })]);
    await sleep(50);
    await expectNothingStuck();
    expect(heard()).toEqual([]);
    expect(h.server.core.onlineUsers(APP_ID).map((u) => u.uid)).toEqual(['bob']);
    expect(await h.server.core.store.getUserAttributes(APP_ID, 'mallory')).toEqual({});
  });

  it('after a newer login elsewhere (REMOTE_LOGIN): the old socket cannot act for the new session', async () => {
    const { heard } = await bobInRoom();
    const r = await raw();
    expect((await r.login(APP_ID, 'mallory')).ok).toBe(true);
    const again = await h.login('mallory');
    await r.next((f) => f.t === 'kick');
    actAfterEnd(r);
    await until(() => r.ended, GRACE + 2000, 'the replaced socket cut off');
    expect(r.closeFrames).toEqual([4000]);
    await sleep(50);
    await expectNothingStuck();
    expect(heard()).toEqual([]);
    // The new session is untouched: alone, in no channel.
    expect(h.server.core.onlineUsers(APP_ID).filter((u) => u.uid === 'mallory')).toEqual([{ appId: APP_ID, uid: 'mallory', presence: 'ONLINE', channels: [] }]);
    expect(await again.getUserAttributes('mallory')).toEqual({});
  });
});

describe('the login deadline', () => {
  it('is armed again after a logout: a connection that stays logged out is closed (4003)', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, () => raw()));
    for (const [i, r] of rs.entries()) {
      expect((await r.login(APP_ID, `u${i}`)).ok).toBe(true);
      const rid = r.request({ t: 'logout' });
      expect((await r.response(rid)).ok).toBe(true);
    }
    const start = Date.now();
    await until(() => rs.every((r) => r.closeFrames.length > 0), LOGIN_WITHIN + 3000, 'every logged-out connection closed');
    expect(Date.now() - start).toBeGreaterThanOrEqual(LOGIN_WITHIN - 200);
    expect(new Set(rs.flatMap((r) => r.closeFrames))).toEqual(new Set([4003]));
    await until(() => h.server.core.connectionCount === 0, GRACE + 2000, 'no connection left');
  });

  it('a connection that logs in again after its logout is not closed', async () => {
    const r = await raw();
    expect((await r.login(APP_ID, 'alice')).ok).toBe(true);
    expect((await r.response(r.request({ t: 'logout' }))).ok).toBe(true);
    expect((await r.login(APP_ID, 'alice')).ok).toBe(true);
    await sleep(LOGIN_WITHIN + 200);
    expect(r.closeFrames).toEqual([]);
    expect(r.ended).toBe(false);
  });
});
