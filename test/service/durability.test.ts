/**
 * Durability of `sig2rtm serve` with the SQLite store: cached offline messages and channel
 * attributes survive a graceful stop (SIGTERM) and a crash (`kill -9`) of a real server process,
 * and are delivered exactly once, in order. Then SqliteStore itself: trimming, TTL, overflow.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AgoraRTM, { type RtmClient, type RtmMessage } from '../../src/rtm';
import { SqliteStore } from '../../src/rtm-core/server/state/sqlite';
import type { ChannelAttributeValue } from '../../src/rtm-core/protocol/frames';
import { APP_ID, APP_ID_2, sleep, until } from '../helpers/harness';
import { freePort, killServeProcesses, requireBuild, startServeProcess, type Exit, type ServeProcess } from '../helpers/serve-process';

/** Reads and removes a receiver's cached messages, as a login that acknowledges them does. */
async function drain(store: SqliteStore, appId: string, uid: string, now: number, maxAgeMs: number) {
  const { messages, upTo } = await store.peekOffline(appId, uid, now, maxAgeMs);
  await store.removeOffline(appId, uid, upTo);
  return messages;
}

/** `sig2rtm serve` with the SQLite store in `dataDir`, on `port` (the same one after a restart). */
function startServer(dataDir: string, port: number): Promise<ServeProcess> {
  return startServeProcess(['--app', APP_ID, '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'], { cwd: dataDir });
}

async function stopWith(proc: ServeProcess, signal: NodeJS.Signals): Promise<Exit> {
  return proc.stop(signal);
}

const clients: RtmClient[] = [];
function client(url: string): RtmClient {
  const c = AgoraRTM.createInstance(APP_ID, { serverUrl: url, reconnect: { minMs: 20, maxMs: 100 } });
  clients.push(c);
  return c;
}

/** Logs out a client whose server is gone: it only tears down. */
async function forget(c: RtmClient): Promise<void> {
  c.removeAllListeners();
  await c.logout();
}

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-durable-'));
  dirs.push(d);
  return d;
}

beforeAll(requireBuild);

afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.removeAllListeners();
    await c.logout().catch(() => undefined);
  }
  await killServeProcesses();
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Bytes that survive nothing but an exact copy: every byte value, zeros at both ends. */
const RAW_1 = Uint8Array.from({ length: 256 }, (_, i) => i);
const RAW_2 = Uint8Array.from([0, 0, 0xff, 0x7f, 0x80, 0, 0x0a, 0x0d, 0]);

type Expected = { kind: 'TEXT'; text: string } | { kind: 'RAW'; raw: Uint8Array; desc: string };
const EXPECTED: Expected[] = [
  { kind: 'TEXT', text: 'one' },
  { kind: 'TEXT', text: 'two — ünïcødé ✓' },
  { kind: 'RAW', raw: RAW_1, desc: 'all bytes' },
  { kind: 'TEXT', text: 'three' },
  { kind: 'RAW', raw: RAW_2, desc: '' },
  { kind: 'TEXT', text: 'four' },
  { kind: 'TEXT', text: 'five' },
];

/** Sends EXPECTED to `to` (who is not logged in) with enableOfflineMessaging; returns the time span of the sends. */
async function sendCached(sender: RtmClient, to: string): Promise<{ from: number; until: number }> {
  const from = Date.now();
  for (const e of EXPECTED) {
    const msg: RtmMessage = e.kind === 'TEXT' ? { text: e.text } : { rawMessage: e.raw, description: e.desc, messageType: 'RAW' };
    expect(await sender.sendMessageToPeer(msg, to, { enableOfflineMessaging: true })).toEqual({ hasPeerReceived: false });
  }
  return { from, until: Date.now() };
}

interface Received {
  message: RtmMessage;
  from: string;
  props: { serverReceivedTs: number; isOfflineMessage?: boolean };
}

/** Logs `uid` in on `url` and collects its peer messages: `want` of them, then a quiet moment to catch duplicates. */
async function loginAndCollect(url: string, uid: string, want: number): Promise<{ c: RtmClient; got: Received[] }> {
  const c = client(url);
  const got: Received[] = [];
  c.on('MessageFromPeer', (message: RtmMessage, from: string, props: Received['props']) => got.push({ message, from, props }));
  await c.login({ uid });
  if (want > 0) await until(() => got.length >= want, 5000, `${want} offline messages`);
  await sleep(300);
  return { c, got };
}

function expectAllOnce(got: Received[], span: { from: number; until: number }): void {
  expect(got).toHaveLength(EXPECTED.length);
  let lastTs = 0;
  got.forEach((r, i) => {
    const e = EXPECTED[i]!;
    expect(r.from).toBe('alice');
    expect(r.props.isOfflineMessage).toBe(true);
    // The time the server first received it, not the time it was replayed.
    expect(r.props.serverReceivedTs).toBeGreaterThanOrEqual(span.from - 50);
    expect(r.props.serverReceivedTs).toBeLessThanOrEqual(span.until + 50);
    expect(r.props.serverReceivedTs).toBeGreaterThanOrEqual(lastTs);
    lastTs = r.props.serverReceivedTs;
    if (e.kind === 'TEXT') {
      expect(r.message).toEqual({ text: e.text, messageType: 'TEXT' });
    } else {
      expect(r.message.messageType).toBe('RAW');
      const m = r.message as { rawMessage: Uint8Array; description: string };
      expect(m.rawMessage).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(m.rawMessage).equals(Buffer.from(e.raw))).toBe(true);
      expect(m.description).toBe(e.desc);
    }
  });
}

/** Sets channel attributes from two users and returns what the server reports afterwards. */
async function setAttributes(alice: RtmClient, carol: RtmClient): Promise<Record<string, ChannelAttributeValue>> {
  await alice.addOrUpdateChannelAttributes('room', { topic: 'durability', multi: 'line one\nline two' });
  await sleep(5); // distinct lastUpdateTs for the second writer
  await carol.addOrUpdateChannelAttributes('room', { owner: 'carol', note: 'значение ✓' });
  const attrs = (await alice.getChannelAttributes('room')) as unknown as Record<string, ChannelAttributeValue>;
  expect(Object.keys(attrs).sort()).toEqual(['multi', 'note', 'owner', 'topic'].sort());
  expect(attrs.topic!.lastUpdateUserId).toBe('alice');
  expect(attrs.owner!.lastUpdateUserId).toBe('carol');
  expect(attrs.owner!.lastUpdateTs).toBeGreaterThan(attrs.topic!.lastUpdateTs);
  return attrs;
}

async function expectAttributes(url: string, before: Record<string, ChannelAttributeValue>): Promise<void> {
  const dave = client(url);
  await dave.login({ uid: 'dave' });
  const after = (await dave.getChannelAttributes('room')) as unknown as Record<string, ChannelAttributeValue>;
  expect(after).toEqual(before);
  await dave.logout();
}

describe.each([
  ['a graceful stop (SIGTERM)', 'SIGTERM' as const],
  ['a crash (kill -9)', 'SIGKILL' as const],
])('a real server process survives %s', (_what, signal) => {
  test('cached offline messages arrive exactly once, in order, and channel attributes are all there', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const first = await startServer(dataDir, port);
    expect(first.url).toBe(`ws://127.0.0.1:${port}/rtm`);

    const alice = client(first.url);
    const carol = client(first.url);
    await alice.login({ uid: 'alice' });
    await carol.login({ uid: 'carol' });
    const span = await sendCached(alice, 'bob');
    const attrs = await setAttributes(alice, carol);

    // Straight after the last answer: nothing flushes in between for the crash.
    const exit = await stopWith(first, signal);
    if (signal === 'SIGTERM') expect(exit).toEqual({ code: 0, signal: null });
    else expect(exit.signal).toBe('SIGKILL');
    await forget(alice);
    await forget(carol);

    const second = await startServer(dataDir, port);
    const { c: bob, got } = await loginAndCollect(second.url, 'bob', EXPECTED.length);
    expectAllOnce(got, span);
    await expectAttributes(second.url, attrs);

    // A second login gets nothing: the cache was emptied by the first.
    await bob.logout();
    expect((await loginAndCollect(second.url, 'bob', 0)).got).toEqual([]);

    // And the emptying itself is durable: after another crash, still nothing — and the attributes remain.
    await stopWith(second, 'SIGKILL');
    const third = await startServer(dataDir, port);
    expect((await loginAndCollect(third.url, 'bob', 0)).got).toEqual([]);
    await expectAttributes(third.url, attrs);
  });
});

test('every send answered before a kill -9 is on disk, however fast the kill follows', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  const first = await startServer(dataDir, port);
  const alice = client(first.url);
  await alice.login({ uid: 'alice' });
  const answered: string[] = [];
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < 60; i++) {
    const text = `burst ${i}`;
    sends.push(alice.sendMessageToPeer({ text }, 'erin', { enableOfflineMessaging: true }).then(() => answered.push(text), () => undefined));
  }
  await until(() => answered.length >= 20, 5000, '20 answered sends');
  await stopWith(first, 'SIGKILL');
  const snapshot = [...answered];
  await forget(alice);
  await Promise.allSettled(sends);

  const second = await startServer(dataDir, port);
  const { got } = await loginAndCollect(second.url, 'erin', snapshot.length);
  const texts = got.map((r) => (r.message as { text: string }).text);
  // Everything answered is there, in the order sent, none twice (a few in flight at the kill may be there too).
  for (const t of snapshot) expect(texts).toContain(t);
  expect(texts).toEqual([...texts].sort((a, b) => Number(a.split(' ')[1]) - Number(b.split(' ')[1])));
  expect(new Set(texts).size).toBe(texts.length);
  expect(got.every((r) => r.props.isOfflineMessage === true)).toBe(true);
});

describe('SqliteStore', () => {
  const text = (t: string, ts: number) => ({ from: 'alice', msg: { type: 'TEXT' as const, text: t }, ts });
  const texts = (ms: { msg: { type: string; text?: string } }[]) => ms.map((m) => m.msg.text);
  const limits = { count: 3, totalBytes: 40 };
  let store: SqliteStore;
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    store = new SqliteStore(dir);
  });
  afterEach(() => store.close());

  test('trimming to the per-user maximum keeps the newest, per receiver', async () => {
    for (let i = 1; i <= 6; i++) await store.enqueueOffline(APP_ID, 'bob', text(`m${i}`, 1000 + i), 4);
    await store.enqueueOffline(APP_ID, 'carl', text('other receiver', 1000), 4);
    await store.enqueueOffline(APP_ID_2, 'bob', text('other app', 1000), 4);
    expect(texts(await drain(store, APP_ID, 'bob', 2000, 60_000))).toEqual(['m3', 'm4', 'm5', 'm6']);
    expect(await drain(store, APP_ID, 'bob', 2000, 60_000)).toEqual([]);
    expect(texts(await drain(store, APP_ID, 'carl', 2000, 60_000))).toEqual(['other receiver']);
    expect(texts(await drain(store, APP_ID_2, 'bob', 2000, 60_000))).toEqual(['other app']);
  });

  test('a maximum of 1 keeps only the last message', async () => {
    for (let i = 1; i <= 3; i++) await store.enqueueOffline(APP_ID, 'bob', text(`m${i}`, i), 1);
    expect(texts(await drain(store, APP_ID, 'bob', 10, 60_000))).toEqual(['m3']);
  });

  test('the TTL drops messages as old as maxAgeMs, keeps one a millisecond younger, and drops them for good', async () => {
    const now = 100_000;
    const ttl = 10_000;
    await store.enqueueOffline(APP_ID, 'bob', text('ancient', 0), 10);
    await store.enqueueOffline(APP_ID, 'bob', text('exactly ttl old', now - ttl), 10);
    await store.enqueueOffline(APP_ID, 'bob', text('one ms younger', now - ttl + 1), 10);
    await store.enqueueOffline(APP_ID, 'bob', text('fresh', now), 10);
    expect(texts(await drain(store, APP_ID, 'bob', now, ttl))).toEqual(['one ms younger', 'fresh']);
    // The expired ones are not kept for a later login with a longer TTL.
    expect(await drain(store, APP_ID, 'bob', now, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  test('messages and their bytes survive closing and reopening; call signals are never cached', async () => {
    await store.enqueueOffline(APP_ID, 'bob', text('first', 1), 10);
    await store.enqueueOffline(APP_ID, 'bob', { from: 'zoe', msg: { type: 'RAW', raw: RAW_1, desc: 'bytes' }, ts: 2 }, 10);
    await store.enqueueOffline(APP_ID, 'bob', { from: 'zoe', msg: { type: 'RAW', raw: new Uint8Array(0), desc: '' }, ts: 3 }, 10);
    await store.enqueueOffline(APP_ID, 'bob', { from: 'zoe', msg: { type: 'CALL', call: { op: 'invite', callId: '1' } } as never, ts: 4 }, 10);
    await store.close();
    store = new SqliteStore(dir);
    const got = await drain(store, APP_ID, 'bob', 10, 60_000);
    expect(got).toHaveLength(3);
    expect(got[0]).toEqual(text('first', 1));
    expect(got[1]!.from).toBe('zoe');
    expect(got[1]!.ts).toBe(2);
    const raw = got[1]!.msg as { type: string; raw: Uint8Array; desc: string };
    expect(raw.type).toBe('RAW');
    expect(Buffer.from(raw.raw).equals(Buffer.from(RAW_1))).toBe(true);
    expect(raw.desc).toBe('bytes');
    const empty = got[2]!.msg as { type: string; raw: Uint8Array; desc: string };
    expect([empty.type, empty.raw.length, empty.desc]).toEqual(['RAW', 0, '']);
  });

  test('changeChannelAttributes: an overflow leaves the stored set unchanged, on disk too', async () => {
    const stamp = { by: 'alice', ts: 111 };
    const first = await store.changeChannelAttributes(APP_ID, 'room', { op: 'set', attrs: { a: '1', b: '2' } }, stamp, limits);
    const want = { a: { value: '1', lastUpdateUserId: 'alice', lastUpdateTs: 111 }, b: { value: '2', lastUpdateUserId: 'alice', lastUpdateTs: 111 } };
    expect(first).toEqual(want);
    const later = { by: 'bob', ts: 222 };
    // Too many keys (count 3): add, and set.
    expect(await store.changeChannelAttributes(APP_ID, 'room', { op: 'add', attrs: { a: 'changed', c: '3', d: '4' } }, later, limits)).toBe('overflow');
    expect(await store.changeChannelAttributes(APP_ID, 'room', { op: 'set', attrs: { w: '1', x: '2', y: '3', z: '4' } }, later, limits)).toBe('overflow');
    // Too many bytes (total 40).
    expect(await store.changeChannelAttributes(APP_ID, 'room', { op: 'add', attrs: { a: 'x'.repeat(40) } }, later, limits)).toBe('overflow');
    expect(await store.getChannelAttributes(APP_ID, 'room')).toEqual(want);
    // At the limit exactly: accepted; only the changed key is restamped.
    const ok = await store.changeChannelAttributes(APP_ID, 'room', { op: 'add', attrs: { c: 'x'.repeat(40 - 3 - 1 - 2) } }, later, limits);
    expect(ok).toEqual({ ...want, c: { value: 'x'.repeat(34), lastUpdateUserId: 'bob', lastUpdateTs: 222 } });
    await store.close();
    store = new SqliteStore(dir);
    expect(await store.getChannelAttributes(APP_ID, 'room')).toEqual(ok);
    expect(await store.getChannelAttributes(APP_ID_2, 'room')).toEqual({});
  });
});
