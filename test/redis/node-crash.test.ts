/**
 * `kill -9` of one of three nodes: its users go OFFLINE to subscribers on the other nodes and leave
 * their channels within about 1.5 leases (no ghost members, no ghost online status), while a client
 * behind a (non-sticky) load balancer reconnects to another node and recovers: a fresh login that
 * restores its channels and subscriptions, visible in its connection states.
 */

import { RtmStatusCode, type RtmMessage } from '../../src/rtm';
import { record, until, waitForEvent } from '../helpers/harness';
import { Balancer, Node, RedisServer, client, login, logoutAll } from './helpers';

const LEASE_MS = 1000;
const redis = new RedisServer();
const nodes: Node[] = [];
let pool: number[] = [];
const balancer = new Balancer(() => pool);

beforeAll(async () => {
  await redis.start();
  nodes.push(...(await Promise.all([0, 1, 2].map(() => Node.start(redis.url, ['--node-lease-ms', String(LEASE_MS)])))));
  await balancer.start();
}, 30_000);

afterAll(async () => {
  await logoutAll();
  await balancer.stop();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

test('kill -9 of a node: its users go OFFLINE and leave; a client behind the balancer recovers on another node', async () => {
  const [a, b, c] = nodes as [Node, Node, Node];
  const { ConnectionState: S } = RtmStatusCode;

  const watcher = await login(b.url, 'watcher');
  const wch = watcher.createChannel('room');
  await wch.join();
  const presence: Record<string, string>[] = [];
  watcher.on('PeersOnlineStatusChanged', (m) => presence.push({ ...m }));
  await watcher.subscribePeersOnlineStatus(['gone', 'mover']);
  const joined: string[] = [];
  wch.on('MemberJoined', (uid) => joined.push(uid));

  // 'gone' talks to node A directly (it will never find another node); 'mover' goes through the balancer, to A for now.
  const gone = await login(a.url, 'gone');
  await gone.createChannel('room').join();
  pool = [a.port];
  const mover = client(balancer.url);
  const moverStates = record(mover, ['ConnectionStateChanged']);
  await mover.login({ uid: 'mover' });
  const mch = mover.createChannel('room');
  await mch.join();
  await until(() => presence.filter((p) => p.gone === 'ONLINE' || p.mover === 'ONLINE').length === 2, 3000, 'both ONLINE');
  await until(() => joined.includes('gone') && joined.includes('mover'), 3000, 'both joined');
  joined.length = 0;
  expect((await wch.getMembers()).sort()).toEqual(['gone', 'mover', 'watcher']);

  const left: string[] = [];
  wch.on('MemberLeft', (uid) => left.push(uid));
  pool = [b.port, c.port];
  const before = presence.length;
  const crashedAt = Date.now();
  await a.crash();

  // The crashed node's user that does not come back: OFFLINE and gone from the channel.
  await until(() => presence.slice(before).some((p) => p.gone === 'OFFLINE'), 5000, 'gone OFFLINE');
  const offlineAfterMs = Date.now() - crashedAt;
  await until(() => left.includes('gone'), 3000, 'MemberLeft gone');
  expect(offlineAfterMs).toBeLessThan(LEASE_MS * 4);

  // The one behind the balancer: RECONNECTING, then CONNECTED on another node, channel restored.
  await until(() => moverStates.some((s) => s.args[0] === S.CONNECTED && moverStates.indexOf(s) > 1), 8000, 'mover reconnected');
  const states = moverStates.map((s) => s.args[0]);
  expect(states.slice(0, 2)).toEqual([S.CONNECTING, S.CONNECTED]);
  expect(states).toContain(S.RECONNECTING);
  expect(states[states.length - 1]).toBe(S.CONNECTED);
  // Its old membership went with the crashed session; the new session joined again.
  await until(() => joined.includes('mover'), 5000, 'MemberJoined mover');
  expect((await wch.getMembers()).sort()).toEqual(['mover', 'watcher']);
  await expect(watcher.queryPeersOnlineStatus(['gone', 'mover'])).resolves.toEqual({ gone: false, mover: true });

  // Messages reach the recovered client, peer and channel.
  const got = waitForEvent<[RtmMessage, string]>(mch, 'ChannelMessage');
  await wch.sendMessage({ text: 'welcome back' });
  const [m, from] = await got;
  expect([m.text, from]).toEqual(['welcome back', 'watcher']);
  await expect(watcher.sendMessageToPeer({ text: 'p2p' }, 'mover')).resolves.toEqual({ hasPeerReceived: true });
  // Nothing of the crashed session lingers: no second 'mover' member, no second MemberLeft for 'gone'.
  expect(left.filter((u) => u === 'gone')).toEqual(['gone']);
}, 40_000);

test('SIGTERM of a node: its clients move to another node; one that does not come back goes OFFLINE at once (lease given back)', async () => {
  const [, b, c] = nodes as [Node, Node, Node];
  const watcher = await login(c.url, 'watcher2');
  const wch = watcher.createChannel('hall');
  await wch.join();
  const joined: string[] = [];
  wch.on('MemberJoined', (uid) => joined.push(uid));
  const presence: Record<string, string>[] = [];
  watcher.on('PeersOnlineStatusChanged', (m) => presence.push({ ...m }));
  await watcher.subscribePeersOnlineStatus(['stays', 'moves']);
  const stays = await login(b.url, 'stays');
  await stays.createChannel('hall').join();
  pool = [b.port];
  const moves = client(balancer.url);
  const movesStates = record(moves, ['ConnectionStateChanged']);
  await moves.login({ uid: 'moves' });
  const mch = moves.createChannel('hall');
  await mch.join();
  await until(() => presence.filter((p) => p.stays === 'ONLINE' || p.moves === 'ONLINE').length === 2, 3000, 'both ONLINE');
  await until(() => joined.includes('moves') && joined.includes('stays'), 3000, 'both joined');
  joined.length = 0;

  pool = [c.port];
  const before = presence.length;
  const stoppedAt = Date.now();
  await b.stop();
  await until(() => presence.slice(before).some((p) => p.stays === 'OFFLINE'), 3000, 'stays OFFLINE');
  // Well within one lease: the stopped node handed its lease back, the others swept it on their next check.
  expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS * 2);
  // The mover is back once it has joined the channel again (its old membership left first).
  await until(() => joined.includes('moves'), 8000, 'MemberJoined moves');
  expect(movesStates.map((s) => s.args[0]).slice(-2)).toEqual([RtmStatusCode.ConnectionState.RECONNECTING, RtmStatusCode.ConnectionState.CONNECTED]);
  const got = waitForEvent<[RtmMessage, string]>(mch, 'ChannelMessage');
  await wch.sendMessage({ text: 'moved' });
  expect((await got)[0].text).toBe('moved');
  await expect(watcher.queryPeersOnlineStatus(['stays', 'moves'])).resolves.toEqual({ stays: false, moves: true });
}, 30_000);
