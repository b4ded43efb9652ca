/**
 * Redis away and back. While it is away, requests that need it fail at once with a clear error
 * (nothing hangs, nothing is half-done), /readyz answers 503 and /metrics counts the errors. When it
 * returns (restarted on the same AOF), the nodes reconnect by themselves: pub/sub is re-subscribed,
 * cross-node delivery works again, and a message cached for an offline user before the crash is
 * still there (appendfsync always).
 */

import { type RtmMessage } from '../../src/rtm';
import { record, sleep, waitForEvent } from '../helpers/harness';
import { Node, RedisServer, client, freePort, login, logoutAll } from './helpers';

const redis = new RedisServer();
const nodes: Node[] = [];

beforeAll(async () => {
  await redis.start();
  nodes.push(...(await Promise.all([0, 1].map(() => Node.start(redis.url, ['--node-lease-ms', '1000'])))));
}, 30_000);

afterAll(async () => {
  await logoutAll();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

async function metric(node: Node, name: string): Promise<number> {
  const text = (await node.get('/metrics')).text;
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

async function readyz(node: Node, status: number): Promise<void> {
  const deadline = Date.now() + 8000;
  while ((await node.get('/readyz')).status !== status) {
    if (Date.now() > deadline) throw new Error(`/readyz never answered ${status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('Redis crash: clear errors and 503 meanwhile; recovery by itself; no cached message lost', async () => {
  const [a, b] = nodes as [Node, Node];
  const alice = await login(a.url, 'alice');
  const bob = await login(b.url, 'bob');
  const ach = alice.createChannel('room');
  await ach.join();
  const bch = bob.createChannel('room');
  await bch.join();
  await expect(alice.sendMessageToPeer({ text: 'for carol' }, 'carol', { enableOfflineMessaging: true })).resolves.toEqual({ hasPeerReceived: false });
  const dave = await login(a.url, 'dave');
  await dave.createChannel('room').join();

  const changes = [record(alice, ['ConnectionStateChanged']), record(bob, ['ConnectionStateChanged'])];
  await redis.kill();
  await readyz(a, 503);
  await readyz(b, 503);
  expect(await metric(a, 'sig2rtm_redis_up')).toBe(0);

  // Requests that need Redis fail at once, with the API's failure code and a message that says why.
  await expect(alice.sendMessageToPeer({ text: 'lost?' }, 'bob')).rejects.toMatchObject({ code: 1, message: expect.stringMatching(/shared state unavailable \(Redis/) as unknown });
  await expect(alice.queryPeersOnlineStatus(['bob'])).rejects.toMatchObject({ code: 1 });
  const other = alice.createChannel('other');
  await expect(other.join()).rejects.toMatchObject({ code: 1 });
  expect(await metric(a, 'sig2rtm_redis_errors_total')).toBeGreaterThan(0);
  // The clients stay connected to their nodes meanwhile.
  expect(changes).toEqual([[], []]);
  // A logout while Redis is away ends the session here; Redis is told once it is back.
  await dave.logout();

  await redis.start();
  await readyz(a, 200);
  await readyz(b, 200);
  expect(await metric(a, 'sig2rtm_redis_reconnects_total')).toBeGreaterThanOrEqual(1);

  // Subscriptions restored: cross-node peer and channel delivery work again, and the failed join can be retried.
  await expect(alice.sendMessageToPeer({ text: 'back' }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
  const got = waitForEvent<[RtmMessage, string]>(bch, 'ChannelMessage');
  await ach.sendMessage({ text: 'room again' });
  expect((await got)[0].text).toBe('room again');
  await other.join();
  await expect(bob.getChannelMemberCount(['other'])).resolves.toEqual({ other: 1 });
  // Reconciled: the session that ended while Redis was away left its channel and is offline.
  await until(async () => !(await bob.queryPeersOnlineStatus(['dave'])).dave, 5000, 'dave offline');
  expect((await bch.getMembers()).sort()).toEqual(['alice', 'bob']);

  // The message cached before the crash survived it (AOF, fsync at every write).
  const carol = client(b.url);
  const arrived = waitForEvent<[RtmMessage, string]>(carol, 'MessageFromPeer');
  await carol.login({ uid: 'carol' });
  const [m, from] = await arrived;
  expect([m.text, from]).toEqual(['for carol', 'alice']);
}, 40_000);

test('a node that cannot reach Redis at start-up stops with a message naming the URL (password hidden)', async () => {
  const port = await freePort();
  const t0 = Date.now();
  const failure = await Node.start(`redis://:secret@127.0.0.1:${port}`).then(
    () => 'started',
    (err: Error) => err.message,
  );
  expect(failure).toMatch(new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
  expect(failure).not.toContain('secret');
  expect(Date.now() - t0).toBeLessThan(8000);
});

test('Redis restarted empty (no persistence): the nodes claim their live sessions, channels and subscriptions again', async () => {
  const empty = new RedisServer({ persist: false });
  await empty.start();
  const pair = await Promise.all([0, 1].map(() => Node.start(empty.url, ['--node-lease-ms', '1000'])));
  try {
    const [a, b] = pair as [Node, Node];
    const erin = await login(a.url, 'erin');
    await erin.createChannel('lobby').join();
    const fred = await login(b.url, 'fred');
    const fch = fred.createChannel('lobby');
    await fch.join();
    const seen: Record<string, string>[] = [];
    fred.on('PeersOnlineStatusChanged', (m) => seen.push({ ...m }));
    await fred.subscribePeersOnlineStatus(['erin']);

    await empty.kill();
    await readyz(a, 503);
    await empty.start();
    await readyz(a, 200);
    await readyz(b, 200);
    await until(async () => (await fred.queryPeersOnlineStatus(['erin'])).erin === true, 8000, 'erin online again');
    await until(async () => (await fch.getMembers()).length === 2, 8000, 'lobby members again');
    expect((await fch.getMembers()).sort()).toEqual(['erin', 'fred']);
    await expect(erin.sendMessageToPeer({ text: 'still here' }, 'fred')).resolves.toEqual({ hasPeerReceived: true });
    // fred's subscription was claimed again too: erin's logout reaches him.
    await erin.logout();
    await until(() => Promise.resolve(seen.some((m) => m.erin === 'OFFLINE' && seen.indexOf(m) > 0)), 5000, 'OFFLINE');
  } finally {
    await Promise.all(pair.map((n) => n.stop()));
    await empty.stop();
  }
}, 40_000);

/** Polls an async condition (each poll is a request: a pause between them keeps clear of rate limits). */
async function until(pred: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(700);
  }
}
