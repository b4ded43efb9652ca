/**
 * Extension beat/1 (protocol/EXTENSIONS.md): the server keeps presence fresh with WebSocket pings,
 * answered by the client's WebSocket stack. Time is a ManualClock on the server; the silent clients
 * are raw sockets that answer pings only when told to.
 */

import { ManualClock } from '../../src/rtm-core/clock';
import { PROTOCOL_VERSION } from '../../src/rtm-core/protocol/frames';
import type { PeersOnlineStatusMap, RtmClient } from '../../src/rtm';
import { APP_ID, Harness, until, type RawSocket } from '../helpers/harness';

const h = new Harness();
afterEach(() => h.stop());

const U = 1000;
const O = 3000;
/** Watched users are pinged this often (heartbeatMs), others every IDLE (idlePingMs). */
const WATCHED = 300;
const IDLE = 900;

interface Ghost {
  raw: RawSocket;
  /** Pongs sent so far; pings are answered while `answering`. */
  pongs: number;
  answering: boolean;
}

async function rawLogin(uid: string, beat?: 'ws' | 'json'): Promise<{ ghost: Ghost; res: Record<string, unknown> }> {
  const raw = await h.raw();
  const ghost: Ghost = { raw, pongs: 0, answering: true };
  raw.ws.on('ping', () => {
    if (!ghost.answering) return;
    ghost.pongs++;
    raw.ws.pong();
  });
  raw.send({ t: 'login', rid: 1, v: PROTOCOL_VERSION, appId: APP_ID, uid, ...(beat ? { beat } : {}) });
  const res = await raw.next((f) => f.t === 'res' && f.rid === 1);
  expect(res).toMatchObject({ ok: true });
  return { ghost, res };
}

async function setup(): Promise<{ clock: ManualClock; w: RtmClient; seen: PeersOnlineStatusMap[]; touch: () => Promise<boolean> }> {
  const clock = new ManualClock();
  await h.start({
    clock,
    timings: { unreachableAfterMs: U, offlineAfterMs: O, heartbeatMs: WATCHED, idlePingMs: IDLE },
    rates: { query: { limit: 100_000, windowMs: 1000 } },
  });
  const w = h.client();
  const seen: PeersOnlineStatusMap[] = [];
  w.on('PeersOnlineStatusChanged', (m) => seen.push({ ...m }));
  await w.login({ uid: 'watcher' });
  /** A round trip from the watcher: keeps it alive, and whatever the server sent before (pings, pushes) has arrived. */
  const touch = async () => (await w.queryPeersOnlineStatus(['ghost'])).ghost === true;
  return { clock, w, seen, touch };
}

/** Advances in steps shorter than every interval, with a round trip after each (pongs and pushes land). */
async function advance(clock: ManualClock, ms: number, touch: () => Promise<boolean>): Promise<void> {
  for (let left = ms; left > 0; left -= 100) {
    clock.advance(Math.min(100, left));
    await touch();
  }
}

function lastSeen(uid: string): number {
  const s = h.server.core.bus.localSession(APP_ID, uid);
  if (!s) throw new Error(`no session for ${uid}`);
  return s.lastSeen;
}

describe('login: the heartbeat a client is told', () => {
  test('a client that says beat hears ping = hb = idlePingMs; one that does not keeps hb = heartbeatMs', async () => {
    await setup();
    const { res: withBeat } = await rawLogin('a', 'ws');
    expect(withBeat.data).toMatchObject({ hb: IDLE, ping: IDLE });
    const { res: browser } = await rawLogin('b', 'json');
    expect(browser.data).toMatchObject({ hb: IDLE, ping: IDLE });
    const { res: old } = await rawLogin('c');
    expect(old.data).toMatchObject({ hb: WATCHED });
    expect(old.data).not.toHaveProperty('ping');
  });

  test('a bad beat is refused with LOGIN_ERR_INVALID_ARGUMENT', async () => {
    await setup();
    const raw = await h.raw();
    raw.send({ t: 'login', rid: 1, v: PROTOCOL_VERSION, appId: APP_ID, uid: 'x', beat: 'smoke' });
    expect(await raw.next((f) => f.rid === 1)).toMatchObject({ ok: false, code: 3 });
  });
});

describe('presence from pings (ManualClock on the server)', () => {
  test('a watched user that sends nothing but answers pings stays ONLINE past every deadline; pinged every heartbeatMs', async () => {
    const { clock, w, seen, touch } = await setup();
    const { ghost } = await rawLogin('ghost', 'ws');
    await w.subscribePeersOnlineStatus(['ghost']);
    await advance(clock, 2 * O, touch);
    expect(seen).toEqual([{ ghost: 'ONLINE' }]);
    expect(await touch()).toBe(true);
    // One at subscription, then one per WATCHED (plus at most a tick each).
    expect(ghost.pongs).toBeGreaterThanOrEqual(Math.floor((2 * O) / (WATCHED + WATCHED / 4)));
    expect(ghost.pongs).toBeLessThanOrEqual(1 + Math.ceil((2 * O) / WATCHED));
  });

  test('a watched user that stops answering: ONLINE until unreachableAfterMs - 1 after its last pong, UNREACHABLE at it, OFFLINE at offlineAfterMs', async () => {
    const { clock, w, seen, touch } = await setup();
    const { ghost } = await rawLogin('ghost', 'ws');
    await w.subscribePeersOnlineStatus(['ghost']);
    await advance(clock, 1000, touch);
    ghost.answering = false;
    const last = lastSeen('ghost');
    await advance(clock, last + U - 1 - clock.now(), touch);
    expect(seen).toEqual([{ ghost: 'ONLINE' }]);
    clock.advance(1);
    await until(() => seen.length === 2, 3000, 'UNREACHABLE');
    expect(seen[1]).toEqual({ ghost: 'UNREACHABLE' });
    await advance(clock, last + O - 1 - clock.now(), touch);
    expect(await touch()).toBe(true);
    clock.advance(1);
    await until(() => seen.length === 3, 3000, 'OFFLINE');
    expect(seen[2]).toEqual({ ghost: 'OFFLINE' });
    expect(await touch()).toBe(false);
    await ghost.raw.waitClosed();
    expect(ghost.raw.closed?.code).toBe(4004);
  });

  test('a user nobody watches has no UNREACHABLE stage: logged in until offlineAfterMs - 1 of silence, gone at it', async () => {
    const { clock, seen, touch } = await setup();
    const { ghost } = await rawLogin('ghost', 'ws');
    ghost.answering = false;
    const last = lastSeen('ghost');
    await advance(clock, last + O - 1 - clock.now(), touch);
    expect(await touch()).toBe(true);
    clock.advance(1);
    await ghost.raw.waitClosed(); // the server closes the socket of a session it ended
    expect(ghost.raw.closed?.code).toBe(4004);
    expect(await touch()).toBe(false);
    expect(seen).toEqual([]);
  });

  test('a user nobody watches, answering pings every idlePingMs, stays logged in', async () => {
    const { clock, touch } = await setup();
    const { ghost } = await rawLogin('ghost', 'ws');
    await advance(clock, 3 * O, touch);
    expect(await touch()).toBe(true);
    expect(ghost.pongs).toBeGreaterThanOrEqual(Math.floor((3 * O) / (IDLE + WATCHED / 4)));
    expect(ghost.pongs).toBeLessThanOrEqual(Math.ceil((3 * O) / IDLE));
  });

  test('watching starts the UNREACHABLE clock: a user silent for longer than unreachableAfterMs is UNREACHABLE unreachableAfterMs after the subscription, not at once', async () => {
    const { clock, w, seen, touch } = await setup();
    const { ghost } = await rawLogin('ghost', 'ws');
    ghost.answering = false;
    await advance(clock, U + U / 2, touch); // silent, nobody watching: still ONLINE to anyone who looks
    await w.subscribePeersOnlineStatus(['ghost']);
    const from = clock.now();
    expect(seen).toEqual([{ ghost: 'ONLINE' }]);
    await advance(clock, U - 1, touch);
    expect(seen).toEqual([{ ghost: 'ONLINE' }]);
    clock.advance(1);
    await until(() => seen.length === 2, 3000, 'UNREACHABLE');
    expect(seen[1]).toEqual({ ghost: 'UNREACHABLE' });
    expect(clock.now()).toBe(from + U);
  });

  test('a user subscribed to before it logs in is watched from its login: it answers pings, so it stays ONLINE', async () => {
    const { clock, w, seen, touch } = await setup();
    await w.subscribePeersOnlineStatus(['ghost']);
    const { ghost } = await rawLogin('ghost', 'ws');
    await until(() => seen.length === 2, 3000, 'ONLINE');
    await advance(clock, U + WATCHED, touch);
    expect(seen).toEqual([{ ghost: 'OFFLINE' }, { ghost: 'ONLINE' }]);
    // Pinged at the watched interval, not the idle one.
    expect(ghost.pongs).toBeGreaterThanOrEqual(3);
    ghost.answering = false;
    const last = lastSeen('ghost');
    await advance(clock, last + U - clock.now(), touch);
    await until(() => seen.length === 3, 3000, 'UNREACHABLE');
    expect(seen[2]).toEqual({ ghost: 'UNREACHABLE' });
  });
});
