/**
 * `kill -9` of one of three nodes: its users go OFFLINE to subscribers on the other nodes and leave
 * their channels within about 1.5 leases (no ghost members, no ghost online status), while a client
 * behind a (non-sticky) load balancer reconnects to another node and recovers: a fresh login that
 * restores its channels and subscriptions, visible in its connection states.
 */

import { RtmStatusCode, type RtmMessage } from '../../src/rtm';
import { record, sleep, until, waitForEvent } from '../helpers/harness';
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

  // 'gone' talks to node A directly (it will never find another node); 'mover' goes through the balancer, to A for now.
  const gone = await login(a.url, 'gone');
  await gone.createChannel('room').join();
  pool = [a.port];
  const mover = client(balancer.url);
  const moverStates = record(mover, ['ConnectionStateChanged']);
  await mover.login({ uid: 'mover' });
  const mch = mover.createChannel('room');
  await mch.join();
  await until(() => presence.length >= 2, 3000, 'both ONLINE');
  expect((await wch.getMembers()).sort()).toEqual(['gone', 'mover', 'watcher']);

  const left: string[] = [];
  wch.on('MemberLeft', (uid) => left.push(uid));
  pool = [b.port, c.port];
  const crashedAt = Date.now();
  await a.crash();

  // The crashed node's user that does not come back: OFFLINE and gone from the channel.
  await until(() => presence.some((p) => p.gone === 'OFFLINE'), 5000, 'gone OFFLINE');
  const offlineAfterMs = Date.now() - crashedAt;
  await until(() => left.includes('gone'), 3000, 'MemberLeft gone');
  expect(offlineAfterMs).toBeLessThan(LEASE_MS * 4);

  // The one behind the balancer: RECONNECTING, then CONNECTED on another node, channel restored.
  await until(() => moverStates.some((s) => s.args[0] === S.CONNECTED && moverStates.indexOf(s) > 1), 8000, 'mover reconnected');
  const states = moverStates.map((s) => s.args[0]);
  expect(states.slice(0, 2)).toEqual([S.CONNECTING, S.CONNECTED]);
  expect(states).toContain(S.RECONNECTING);
  expect(states[states.length - 1]).toBe(S.CONNECTED);
  const members = async () => (await wch.getMembers()).sort();
  const deadline = Date.now() + 5000;
  while (JSON.stringify(await members()) !== JSON.stringify(['mover', 'watcher'])) {
    if (Date.now() > deadline) throw new Error(`members: ${JSON.stringify(await members())}`);
    await sleep(250); // getMembers is rate-limited to 5 per 2 s
  }
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
