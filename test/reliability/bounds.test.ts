/**
 * Issue 11, defects 3, 5 and 9, over real sockets: what the server holds for a receiver that does
 * not keep up is bounded (the session ends with 4005, offline-flagged messages go to the cache,
 * everyone else is served); the offline cache is bounded per sender and in total bytes and swept
 * on a timer; offline-flagged messages queued for a receiver that is away are cached when its
 * session ends instead of vanishing.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryStore } from '../../src/rtm-core/server/state/memory';
import { SqliteStore } from '../../src/rtm-core/server/state/sqlite';
import type { StateStore } from '../../src/rtm-core/server/state/store';
import type { ServerOptions } from '../../src/server';
import { APP_ID, Harness, sleep, until } from '../helpers/harness';
import { RawSockets, type RawWs } from './helpers/raw-ws';

const h = new Harness();
const raws = new RawSockets(() => h.server.port);
const dirs: string[] = [];
afterEach(async () => {
  raws.destroyAll();
  await h.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const loggedIn = (uid: string) => raws.loggedIn(uid);
const text = (s: string) => ({ type: 'TEXT', text: s });
const FAST = { send: { limit: 100_000, windowMs: 1000 } };

describe('a receiver that does not keep up', () => {
  const bounds = { sessionPendingMessages: 50, sessionPendingBytes: 256 * 1024, socketBufferedBytes: 256 * 1024 };

  it('one that reads but never acknowledges: its session ends (4005) at the bound; others keep being served', async () => {
    await h.start({ rates: FAST, bounds });
    const slow = await loggedIn('slow');
    const sender = await loggedIn('sender');
    const bystander = await loggedIn('bystander');
    for (let i = 0; i < 60; i++) sender.request({ t: 'peer', to: 'slow', msg: text(`m${i}`) });
    await until(() => slow.closeFrames.length > 0, 5000, 'the slow receiver closed');
    expect(slow.closeFrames).toEqual([4005]);
    expect(h.server.core.onlineUsers(APP_ID).map((u) => u.uid).sort()).toEqual(['bystander', 'sender']);
    // The sender's requests were all answered (not received), and it and the bystander are served.
    await until(() => sender.frames.filter((f) => f.t === 'res' && f.rid !== 1).length === 60, 8000, 'every send answered');
    expect(sender.frames.filter((f) => f.t === 'res' && (f.data as { received?: boolean } | undefined)?.received === true)).toEqual([]);
    const rid = sender.request({ t: 'peer', to: 'bystander', msg: text('still served') });
    const push = await bystander.next((f) => f.t === 'push');
    bystander.send({ t: 'ack', seq: push.seq });
    expect(await sender.response(rid)).toMatchObject({ ok: true, data: { received: true } });
  });

  it('one that stopped reading: bounded by what its socket holds; offline-flagged messages fall back to the cache', async () => {
    await h.start({ rates: FAST, bounds: { ...bounds, sessionPendingMessages: 100_000, sessionPendingBytes: 64 * 1024 * 1024 }, timings: { closeGraceMs: 200 } });
    const stalled = await loggedIn('stalled');
    stalled.pause();
    const senders = await Promise.all([0, 1, 2, 3].map((i) => loggedIn(`s${i}`)));
    const big = 'x'.repeat(30_000);
    let sent = 0;
    for (let round = 0; round < 100 && h.server.core.onlineUsers(APP_ID).some((u) => u.uid === 'stalled'); round++) {
      for (const s of senders) {
        s.request({ t: 'peer', to: 'stalled', msg: text(`${sent}:${big}`), offline: true });
        sent++;
      }
      await sleep(5);
    }
    await until(() => !h.server.core.onlineUsers(APP_ID).some((u) => u.uid === 'stalled'), 5000, 'the stalled session ended');
    expect(sent).toBeLessThan(400);
    // What it never acknowledged, and what came after, is in the offline cache, for its next login.
    await until(() => senders.every((s) => s.frames.filter((f) => f.t === 'res' && f.rid !== 1).length === sent / 4), 8000, 'every send answered');
    const { messages } = await h.server.core.store.peekOffline(APP_ID, 'stalled', Date.now(), 60_000);
    expect(messages.length).toBeGreaterThan(0);
    // In order per sender, none twice.
    const ids = messages.map((m) => Number((m.msg as { text: string }).text.split(':')[0]));
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of [0, 1, 2, 3]) {
      const mine = ids.filter((id) => id % 4 === s);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }
  });
});

describe('offline-flagged messages to a receiver that is away', () => {
  it('are cached when its session ends, and delivered, in order, at its next login', async () => {
    await h.start({ timings: { unreachableAfterMs: 300, offlineAfterMs: 800 } });
    const bob = await loggedIn('bob');
    bob.destroy(); // away: the session lives on until offlineAfterMs
    const alice = await loggedIn('alice');
    await sleep(50);
    for (let i = 0; i < 5; i++) expect(await alice.response(alice.request({ t: 'peer', to: 'bob', msg: text(`m${i}`), offline: true }))).toMatchObject({ ok: true, data: { received: false } });
    // A message without the flag is not cached.
    await alice.response(alice.request({ t: 'peer', to: 'bob', msg: text('ephemeral') }));
    await until(() => !h.server.core.onlineUsers(APP_ID).some((u) => u.uid === 'bob'), 3000, 'bob’s session ended');
    await sleep(50);
    const back = await loggedIn('bob');
    await until(() => back.frames.filter((f) => f.t === 'push').length === 5, 3000, 'five cached messages');
    const evs = back.frames.filter((f) => f.t === 'push').map((f) => f.ev as { from: string; msg: { text: string }; offline?: boolean });
    expect(evs.map((e) => [e.from, e.msg.text, e.offline])).toEqual([0, 1, 2, 3, 4].map((i) => ['alice', `m${i}`, true]));
  });
});

describe.each<[string, () => StateStore]>([
  ['memory', () => new MemoryStore()],
  [
    'sqlite',
    () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-bounds-'));
      dirs.push(d);
      return new SqliteStore(d);
    },
  ],
])('the offline cache (%s store)', (_name, makeStore) => {
  const start = (extra: ServerOptions) => h.start({ store: makeStore(), ...extra });
  const cacheTo = async (r: RawWs, to: string, body: string) => (await r.response(r.request({ t: 'peer', to, msg: text(body), offline: true }))).data;

  it('holds at most offlineMessagesPerSender per sender, whoever the receivers', async () => {
    const refused: string[] = [];
    await start({ bounds: { offlineMessagesPerSender: 3 }, observer: { offlineRefused: (r) => refused.push(r) } });
    const alice = await loggedIn('alice');
    const carol = await loggedIn('carol');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await cacheTo(alice, `fresh${i}`, `m${i}`));
    const cached = { received: false, cached: true, absent: true };
    const notCached = { received: false, absent: true };
    expect(results).toEqual([cached, cached, cached, notCached, notCached]);
    expect(refused).toEqual(['sender-limit', 'sender-limit']);
    // Another sender has its own allowance.
    expect(await cacheTo(carol, 'fresh0', 'from carol')).toEqual({ received: false, cached: true, absent: true });
    expect(await h.server.core.store.offlineStats?.()).toMatchObject({ messages: 4 });
  });

  it('holds at most offlineCacheBytes in total', async () => {
    const refused: string[] = [];
    await start({ bounds: { offlineCacheBytes: 100 }, observer: { offlineRefused: (r) => refused.push(r) } });
    const alice = await loggedIn('alice');
    expect(await cacheTo(alice, 'u1', 'a'.repeat(60))).toEqual({ received: false, cached: true, absent: true });
    expect(await cacheTo(alice, 'u2', 'b'.repeat(60))).toEqual({ received: false, absent: true });
    expect(await cacheTo(alice, 'u2', 'c'.repeat(40))).toEqual({ received: false, cached: true, absent: true });
    expect(refused).toEqual(['cache-full']);
    expect(await h.server.core.store.offlineStats?.()).toEqual({ messages: 2, bytes: 100 });
  });

  it('is swept of expired messages on a timer, without their receivers logging in', async () => {
    let swept = 0;
    await start({ limits: { offlineMessageTtlMs: 300 }, bounds: { offlineSweepIntervalMs: 200 }, observer: { offlineSwept: (n) => (swept += n) } });
    const alice = await loggedIn('alice');
    for (let i = 0; i < 4; i++) await cacheTo(alice, `gone${i}`, `m${i}`);
    expect(await h.server.core.store.offlineStats?.()).toMatchObject({ messages: 4 });
    await until(() => swept === 4, 3000, 'four messages swept');
    expect(await h.server.core.store.offlineStats?.()).toEqual({ messages: 0, bytes: 0 });
  });
});
