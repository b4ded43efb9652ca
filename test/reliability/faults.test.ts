/**
 * Fault injection (issue 11): SDK clients driven through the fault proxy (cuts, a muted server →
 * client direction, black-holed reconnects, latency). Invariants: no accepted message lost, none
 * duplicated, order kept per sender, no ghost members; a reconnect that reaches a socket which
 * never answers is timed out and retried with backoff until the client is back.
 */

import type { RtmClient } from '../../src/rtm';
import { APP_ID, Harness, sleep, until } from '../helpers/harness';
import { CutProxy } from '../helpers/cut-proxy';

const h = new Harness();
const proxies: CutProxy[] = [];
const TIMINGS = { heartbeatMs: 200, unreachableAfterMs: 4000, offlineAfterMs: 15_000 };
beforeEach(() => h.start({ timings: TIMINGS }));
afterEach(async () => {
  await h.stop();
  for (const p of proxies.splice(0)) await p.stop();
});
async function proxy(): Promise<CutProxy> {
  const p = await new CutProxy(h.server.port).start();
  proxies.push(p);
  return p;
}

const states = new WeakMap<RtmClient, string>();
async function through(p: CutProxy, uid: string): Promise<RtmClient> {
  const c = await h.login(uid, { serverUrl: p.url(), attemptTimeoutMs: 300, reconnect: { minMs: 20, maxMs: 200 } });
  c.on('ConnectionStateChanged', (s: string) => states.set(c, s));
  return c;
}

/** Sends `n` numbered messages, paced, each awaited concurrently; returns which ones were accepted. */
async function sendSeries(from: RtmClient, to: string, n: number, gapMs: number, during: () => Promise<void>): Promise<{ accepted: number[]; failed: number[] }> {
  const accepted: number[] = [];
  const failed: number[] = [];
  const sends: Promise<void>[] = [];
  const faults = during();
  for (let i = 0; i < n; i++) {
    sends.push(from.sendMessageToPeer({ text: String(i) }, to).then(() => void accepted.push(i), () => void failed.push(i)));
    await sleep(gapMs);
  }
  await faults;
  await Promise.all(sends);
  return { accepted: accepted.sort((a, b) => a - b), failed };
}

function received(c: RtmClient): number[] {
  const got: number[] = [];
  c.on('MessageFromPeer', (m: { text?: string }) => got.push(Number(m.text)));
  return got;
}

it('a series of cuts and a muted server → client direction: nothing accepted is lost, nothing duplicated, order kept', async () => {
  const pa = await proxy();
  const pb = await proxy();
  const a = await through(pa, 'alice');
  const b = await through(pb, 'bob');
  const got = received(b);
  const N = 150;
  const { accepted } = await sendSeries(a, 'bob', N, 12, async () => {
    for (let k = 0; k < 4; k++) {
      await sleep(250);
      (k % 2 === 0 ? pa : pb).cut();
    }
    await sleep(150);
    pa.mute(); // answers and pushes to alice vanish; her heartbeat notices and she reconnects
    await sleep(900);
    pa.unmute();
    pa.cut();
  });
  await until(() => accepted.every((i) => got.includes(i)), 10_000, 'every accepted message at bob');
  await sleep(300);
  const duplicates = got.length - new Set(got).size;
  const lost = accepted.filter((i) => !got.includes(i));
  expect({ lost, duplicates }).toEqual({ lost: [], duplicates: 0 });
  expect(got).toEqual([...got].sort((x, y) => x - y));
  expect(accepted.length).toBeGreaterThan(N * 0.9);
  // No ghosts: one session each, no stray connections left once the proxies settle.
  expect(h.server.core.onlineUsers(APP_ID).map((u) => u.uid).sort()).toEqual(['alice', 'bob']);
  await until(() => h.server.core.connectionCount === 2, 3000, 'two connections left');
});

it('a reconnect that reaches a black hole is timed out and retried until the route is back (defect 8)', async () => {
  const pa = await proxy();
  const a = await through(pa, 'alice');
  const b = await h.login('bob');
  const got = received(b);
  pa.blackhole = true;
  pa.cut();
  const before = pa.attempts;
  await until(() => states.get(a) === 'RECONNECTING', 2000, 'RECONNECTING');
  const queued = [0, 1, 2].map((i) => a.sendMessageToPeer({ text: String(i) }, 'bob'));
  // Every attempt hangs at the handshake: each is abandoned after attemptTimeoutMs and retried.
  await until(() => pa.attempts >= before + 3, 4000, 'three attempts into the black hole');
  expect(states.get(a)).toBe('RECONNECTING');
  pa.blackhole = false;
  await until(() => states.get(a) === 'CONNECTED', 4000, 'CONNECTED again');
  await Promise.all(queued);
  await until(() => got.length === 3, 3000, 'the queued messages at bob');
  expect(got).toEqual([0, 1, 2]);
});

it('latency on every chunk: the session survives, in order', async () => {
  const pa = await proxy();
  pa.latencyMs = 40;
  const a = await through(pa, 'alice');
  const b = await h.login('bob');
  const got = received(b);
  const { accepted } = await sendSeries(a, 'bob', 30, 5, () => Promise.resolve());
  await until(() => got.length === 30, 5000, '30 messages');
  expect(accepted).toHaveLength(30);
  expect(got).toEqual(Array.from({ length: 30 }, (_, i) => i));
  expect(states.get(a) ?? 'CONNECTED').toBe('CONNECTED');
});
