/**
 * What a restart must not break: cached offline messages leave the store only once the receiver
 * acknowledged them, and channel attributes of an empty channel still expire after a restart.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { ManualClock } from '../../src/rtm-core/clock';
import { createServer, type RtmServer } from '../../src/rtm-core/server/ws-server';
import { SqliteStore } from '../../src/rtm-core/server/state/sqlite';
import { APP_ID, RawSocket } from '../helpers/harness';

const dirs: string[] = [];
const servers: RtmServer[] = [];
const sockets: RawSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-restart-'));
  dirs.push(d);
  return d;
}

async function start(dir: string, clock?: ManualClock): Promise<RtmServer> {
  const server = await createServer({ port: 0, store: new SqliteStore(dir), ...(clock ? { clock } : {}) });
  servers.push(server);
  return server;
}

async function raw(server: RtmServer): Promise<RawSocket> {
  const ws = new WebSocket(server.url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const s = new RawSocket(ws);
  sockets.push(s);
  return s;
}

async function login(s: RawSocket, uid: string, rid = 1): Promise<void> {
  s.send({ t: 'login', rid, v: 1, appId: APP_ID, uid });
  const res = await s.next((f) => f.t === 'res' && f.rid === rid);
  expect(res.ok).toBe(true);
}

test('cached messages not acknowledged before a drop are delivered again at the next login', async () => {
  const dir = tempDir();
  const server = await start(dir);
  const alice = await raw(server);
  await login(alice, 'alice');
  for (let i = 1; i <= 3; i++) {
    alice.send({ t: 'peer', rid: 10 + i, to: 'bob', msg: { type: 'TEXT', text: `m${i}` }, offline: true });
    expect((await alice.next((f) => f.rid === 10 + i)).data).toMatchObject({ cached: true });
  }
  // Bob logs in, receives the three pushes, but drops without acknowledging them.
  const bob1 = await raw(server);
  await login(bob1, 'bob');
  const first = [await bob1.next((f) => f.t === 'push'), await bob1.next((f) => f.t === 'push'), await bob1.next((f) => f.t === 'push')];
  expect(first.map((f) => (f.ev as { msg: { text: string } }).msg.text)).toEqual(['m1', 'm2', 'm3']);
  bob1.send({ t: 'logout', rid: 2 });
  await bob1.next((f) => f.rid === 2);
  // Still on disk: a fresh store on the same file sees them.
  const peek = await new SqliteStore(dir).peekOffline(APP_ID, 'bob', Date.now(), 60_000);
  expect(peek.messages.map((m) => (m.msg as { text: string }).text)).toEqual(['m1', 'm2', 'm3']);
  // Next login: delivered again; this time acknowledged, so gone afterwards.
  const bob2 = await raw(server);
  await login(bob2, 'bob');
  const pushes = [await bob2.next((f) => f.t === 'push'), await bob2.next((f) => f.t === 'push'), await bob2.next((f) => f.t === 'push')];
  expect(pushes.map((f) => (f.ev as { offline?: boolean }).offline)).toEqual([true, true, true]);
  bob2.send({ t: 'ack', seq: pushes[2]!.seq as number });
  for (let i = 0; i < 100; i++) {
    if ((await new SqliteStore(dir).peekOffline(APP_ID, 'bob', Date.now(), 60_000)).upTo === 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect((await new SqliteStore(dir).peekOffline(APP_ID, 'bob', Date.now(), 60_000)).upTo).toBe(0);
});

test("after a restart an empty channel's attributes are cleared once the grace period passes", async () => {
  const dir = tempDir();
  const first = await start(dir);
  const alice = await raw(first);
  await login(alice, 'alice');
  alice.send({ t: 'cattr', rid: 5, ch: 'room', notify: false, change: { op: 'set', attrs: { topic: 'kept' } } });
  expect((await alice.next((f) => f.rid === 5)).ok).toBe(true);
  alice.close();
  await first.close();
  servers.splice(servers.indexOf(first), 1);

  const clock = new ManualClock(Date.now());
  const second = await start(dir, clock);
  const ttl = second.core.options.timings.channelAttributesTtlMs;
  const store = new SqliteStore(dir);
  clock.advance(ttl - 1);
  expect(await store.getChannelAttributes(APP_ID, 'room')).toMatchObject({ topic: { value: 'kept' } });
  clock.advance(1);
  await new Promise((r) => setTimeout(r, 20));
  expect(await store.getChannelAttributes(APP_ID, 'room')).toEqual({});
});
