/**
 * Three `sig2rtm serve --redis` processes and one real redis-server are one service: clients on
 * different nodes see what they would see on one node — peer messages with hasPeerReceived, offline
 * messages, channel fan-out, member events, lists and counts, attributes and their notifications,
 * online status and subscriptions, invitations, and the newest login winning across nodes.
 */

import { RtmStatusCode, type RemoteInvitation, type RtmChannel, type RtmClient, type RtmMessage } from '../../src/rtm';
import { AgoraAPI, type ICallBack } from '../../src/legacy';
import { APP_ID, record, sleep, until, waitForEvent } from '../helpers/harness';
import { RawWs } from '../reliability/helpers/raw-ws';
import { Node, RedisServer, client, login, logoutAll, uniq } from './helpers';

const ADMIN = 'cluster-admin-token';
const redis = new RedisServer();
const nodes: Node[] = [];
let A: string, B: string, C: string;

beforeAll(async () => {
  await redis.start();
  nodes.push(...(await Promise.all([0, 1, 2].map(() => Node.start(redis.url, ['--admin-token', ADMIN])))));
  [A, B, C] = nodes.map((n) => n.url) as [string, string, string];
}, 30_000);

afterEach(() => logoutAll());

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

/** Waits until `observer` sees `uid` offline (a logout is answered before its session has fully ended). */
async function offline(observer: RtmClient, uid: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while ((await observer.queryPeersOnlineStatus([uid]))[uid]) {
    if (Date.now() > deadline) throw new Error(`${uid} still online`);
    await sleep(20);
  }
}

const text = (m: RtmMessage): string => (m.rawMessage === undefined ? m.text : 'RAW');

describe('peer messages across nodes', () => {
  test('hasPeerReceived is true once the receiver on another node acknowledged; false for nobody', async () => {
    const [a, b] = [uniq('a'), uniq('b')] as const;
    const alice = await login(A, a);
    const bob = await login(B, b);
    const got: [string, string][] = [];
    bob.on('MessageFromPeer', (m, from) => got.push([text(m), from]));
    for (let i = 0; i < 20; i++) await expect(alice.sendMessageToPeer({ text: `m${i}` }, b)).resolves.toEqual({ hasPeerReceived: true });
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => [`m${i}`, a]));
    await expect(alice.sendMessageToPeer({ text: 'x' }, uniq('nobody'))).resolves.toEqual({ hasPeerReceived: false });
  });

  test('RAW bytes cross nodes intact', async () => {
    const [a, b] = [uniq('a'), uniq('b')] as const;
    const alice = await login(A, a);
    const bob = await login(C, b);
    const raw = new Uint8Array(1024).map((_, i) => (i * 7) % 256);
    const arrived = waitForEvent<[RtmMessage]>(bob, 'MessageFromPeer');
    await expect(alice.sendMessageToPeer({ messageType: 'RAW', rawMessage: raw, description: 'bin' }, b)).resolves.toEqual({ hasPeerReceived: true });
    const [m] = await arrived;
    expect(m.messageType).toBe('RAW');
    expect(m.messageType === 'RAW' && [...m.rawMessage]).toEqual([...raw]);
  });

  test('an offline message cached through one node is delivered at a login on another', async () => {
    const [a, b] = [uniq('a'), uniq('b')] as const;
    const alice = await login(A, a);
    await expect(alice.sendMessageToPeer({ text: 'while away' }, b, { enableOfflineMessaging: true })).resolves.toEqual({ hasPeerReceived: false });
    const bob = client(B);
    const arrived = waitForEvent<[RtmMessage, string, { isOfflineMessage: boolean }]>(bob, 'MessageFromPeer');
    await bob.login({ uid: b });
    const [m, from, props] = await arrived;
    expect([text(m), from, props.isOfflineMessage]).toEqual(['while away', a, true]);
  });
});

test('an offline-flagged message to a receiver on another node that never acknowledges it is cached when that session ends', async () => {
  const [a, b] = [uniq('a'), uniq('b')] as const;
  const alice = await login(A, a);
  // A receiver on node B that takes the message but never acknowledges it (a frozen app).
  const raw = await RawWs.connect(nodes[1]?.port ?? 0);
  await raw.login(APP_ID, b);
  const sent = alice.sendMessageToPeer({ text: 'unacknowledged' }, b, { enableOfflineMessaging: true });
  await raw.next((f) => JSON.stringify(f).includes('unacknowledged'));
  const res = await fetch(`${nodes[1]?.httpUrl ?? ''}/admin/kick?appId=${APP_ID}&uid=${b}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  await expect(sent).resolves.toEqual({ hasPeerReceived: false });
  raw.destroy();
  // The session ended on B with the message unacknowledged: B caches it (the flag crossed the bus with it).
  const bob = client(C);
  const arrived = waitForEvent<[RtmMessage, string, { isOfflineMessage: boolean }]>(bob, 'MessageFromPeer');
  await bob.login({ uid: b });
  const [m, from, props] = await arrived;
  expect([text(m), from, props.isOfflineMessage]).toEqual(['unacknowledged', a, true]);
});

describe('channels across nodes', () => {
  async function joined(url: string, uid: string, ch: string): Promise<RtmChannel> {
    const c = await login(url, uid);
    const channel = c.createChannel(ch);
    await channel.join();
    return channel;
  }

  test('fan-out to members on every node, in order, not to the sender', async () => {
    const ch = uniq('ch');
    const [a, b, c] = [uniq('a'), uniq('b'), uniq('c')] as const;
    const ca = await joined(A, a, ch);
    const cb = await joined(B, b, ch);
    const cc = await joined(C, c, ch);
    const seen: Record<string, string[]> = { a: [], b: [], c: [] };
    ca.on('ChannelMessage', (m) => seen.a?.push(text(m)));
    cb.on('ChannelMessage', (m) => seen.b?.push(text(m)));
    cc.on('ChannelMessage', (m, from) => seen.c?.push(`${text(m)}@${from === a ? 'a' : from}`));
    for (let i = 0; i < 10; i++) await ca.sendMessage({ text: `t${i}` });
    await until(() => seen.b?.length === 10 && seen.c?.length === 10, 3000, 'fan-out');
    expect(seen.b).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`));
    expect(seen.c).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}@a`));
    expect(seen.a).toEqual([]);
  });

  test('MemberJoined / MemberLeft, member lists and counts span the nodes', async () => {
    const ch = uniq('ch');
    const [a, b, c] = [uniq('a'), uniq('b'), uniq('c')] as const;
    const ca = await joined(A, a, ch);
    const events = record(ca, ['MemberJoined', 'MemberLeft']);
    const counts: number[] = [];
    ca.on('MemberCountUpdated', (n) => counts.push(n));
    const cb = await joined(B, b, ch);
    await joined(C, c, ch);
    await until(() => events.length === 2, 3000, 'two MemberJoined');
    expect((await cb.getMembers()).sort()).toEqual([a, b, c].sort());
    await until(() => counts[counts.length - 1] === 3, 3000, 'MemberCountUpdated 3');
    await cb.leave();
    await until(() => events.length === 3, 3000, 'MemberLeft');
    expect(events).toEqual([
      { name: 'MemberJoined', args: [b] },
      { name: 'MemberJoined', args: [c] },
      { name: 'MemberLeft', args: [b] },
    ]);
    const viewer = await login(C, uniq('v'));
    await expect(viewer.getChannelMemberCount([ch])).resolves.toEqual({ [ch]: 2 });
    await until(() => counts[counts.length - 1] === 2, 3000, 'MemberCountUpdated 2');
    // Throttled per node: never the same count twice in a row.
    expect(counts.filter((n, i) => i > 0 && counts[i - 1] === n)).toEqual([]);
  });

  test('channel attributes written on one node notify members on the others and read anywhere', async () => {
    const ch = uniq('ch');
    const [a, b] = [uniq('a'), uniq('b')] as const;
    const writer = await login(A, a);
    const cb = await joined(B, b, ch);
    const updated = waitForEvent<[Record<string, { value: string; lastUpdateUserId: string }>]>(cb, 'AttributesUpdated');
    await writer.addOrUpdateChannelAttributes(ch, { k1: 'v1', k2: 'v2' }, { enableNotificationToChannelMembers: true });
    const [attrs] = await updated;
    expect(attrs.k1).toMatchObject({ value: 'v1', lastUpdateUserId: a });
    const reader = await login(C, uniq('r'));
    const read = await reader.getChannelAttributes(ch);
    expect(Object.fromEntries(Object.entries(read).map(([k, v]) => [k, v.value]))).toEqual({ k1: 'v1', k2: 'v2' });
    await writer.deleteChannelAttributesByKeys(ch, ['k1']);
    await expect(reader.getChannelAttributesByKeys(ch, ['k1', 'k2'])).resolves.toMatchObject({ k2: { value: 'v2' } });
    expect(Object.keys(await reader.getChannelAttributes(ch))).toEqual(['k2']);
  });

  test('attribute limits hold across nodes (atomic in Redis)', async () => {
    const ch = uniq('ch');
    const one = await login(A, uniq('a'));
    const two = await login(B, uniq('b'));
    const big = 'x'.repeat(8000);
    await one.addOrUpdateChannelAttributes(ch, { a: big, b: big, c: big });
    await expect(two.addOrUpdateChannelAttributes(ch, { d: big, e: big })).rejects.toMatchObject({ code: 4 }); // SIZE_OVERFLOW
    expect(Object.keys(await two.getChannelAttributes(ch)).sort()).toEqual(['a', 'b', 'c']);
    await two.addOrUpdateChannelAttributes(ch, { d: big });
    expect(Object.keys(await one.getChannelAttributes(ch)).sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('users across nodes', () => {
  test('user attributes set on one node are read on another, and go with the login', async () => {
    const [a] = [uniq('a')] as const;
    const alice = await login(A, a);
    const bob = await login(B, uniq('b'));
    await alice.setLocalUserAttributes({ mood: 'fine', city: 'Oslo' });
    await expect(bob.getUserAttributes(a)).resolves.toEqual({ mood: 'fine', city: 'Oslo' });
    await alice.logout();
    await offline(bob, a);
    await expect(bob.getUserAttributes(a)).rejects.toMatchObject({ code: 6 });
  });

  test('online status and subscriptions follow logins and logouts on any node', async () => {
    const [a, w] = [uniq('a'), uniq('w')] as const;
    const watcher = await login(C, w);
    const seen: Record<string, string>[] = [];
    watcher.on('PeersOnlineStatusChanged', (m) => seen.push({ ...m }));
    await watcher.subscribePeersOnlineStatus([a]);
    await until(() => seen.length === 1, 3000, 'initial status');
    const alice = await login(A, a);
    await until(() => seen.length === 2, 3000, 'ONLINE');
    await expect(watcher.queryPeersOnlineStatus([a])).resolves.toEqual({ [a]: true });
    await alice.logout();
    await until(() => seen.length === 3, 3000, 'OFFLINE');
    expect(seen).toEqual([{ [a]: 'OFFLINE' }, { [a]: 'ONLINE' }, { [a]: 'OFFLINE' }]);
    await login(B, a);
    await until(() => seen.length === 4, 3000, 'ONLINE again');
    expect(seen[3]).toEqual({ [a]: 'ONLINE' });
  });

  test('the newest login wins across nodes: the old one is ABORTED / REMOTE_LOGIN and leaves its channels', async () => {
    const [a, w, ch] = [uniq('a'), uniq('w'), uniq('ch')] as const;
    const old = await login(A, a);
    const states = record(old, ['ConnectionStateChanged']);
    await old.createChannel(ch).join();
    const watcher = await login(C, w);
    const wch = watcher.createChannel(ch);
    await wch.join();
    const presence: Record<string, string>[] = [];
    watcher.on('PeersOnlineStatusChanged', (m) => presence.push({ ...m }));
    await watcher.subscribePeersOnlineStatus([a]);
    const left = waitForEvent<[string]>(wch, 'MemberLeft');
    const fresh = await login(B, a);
    await until(() => states.length > 0, 3000, 'the old login is told');
    expect(states[0]?.args).toEqual([RtmStatusCode.ConnectionState.ABORTED, RtmStatusCode.ConnectionChangeReason.REMOTE_LOGIN]);
    await expect(left).resolves.toEqual([a]);
    expect(await wch.getMembers()).toEqual([w]);
    // Subscribers see no OFFLINE in between: the user stayed online.
    await expect(watcher.queryPeersOnlineStatus([a])).resolves.toEqual({ [a]: true });
    expect(presence.filter((p) => p[a] === 'OFFLINE' && presence.indexOf(p) > 0)).toEqual([]);
    await expect(watcher.sendMessageToPeer({ text: 'to the new one' }, a)).resolves.toEqual({ hasPeerReceived: true });
    await fresh.logout();
  });

  test('an invitation crosses nodes: sent, received, accepted', async () => {
    const [a, b] = [uniq('a'), uniq('b')] as const;
    const alice = await login(A, a);
    const bob = await login(B, b);
    const received = waitForEvent<[RemoteInvitation]>(bob, 'RemoteInvitationReceived');
    const inv = alice.createLocalInvitation(b);
    inv.content = 'call me';
    const accepted = waitForEvent<[string]>(inv, 'LocalInvitationAccepted', 5000);
    inv.send();
    const [remote] = await received;
    expect([remote.callerId, remote.content]).toEqual([a, 'call me']);
    remote.response = 'coming';
    remote.accept();
    await expect(accepted).resolves.toEqual(['coming']);
  });
});

test('/admin/kick on one node ends the session on the node that hosts it (BANNED_BY_SERVER, OFFLINE)', async () => {
  const [u, w] = [uniq('k'), uniq('w')] as const;
  const victim = await login(A, u);
  const states = record(victim, ['ConnectionStateChanged']);
  const watcher = await login(C, w);
  const seen: Record<string, string>[] = [];
  watcher.on('PeersOnlineStatusChanged', (m) => seen.push({ ...m }));
  await watcher.subscribePeersOnlineStatus([u]);
  const kick = (uid: string) =>
    fetch(`${nodes[1]?.httpUrl ?? ''}/admin/kick?appId=${APP_ID}&uid=${uid}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
  const res = await kick(u);
  expect([res.status, await res.json()]).toEqual([200, { kicked: true }]);
  await until(() => states.length > 0, 3000, 'kicked');
  expect(states[0]?.args).toEqual([RtmStatusCode.ConnectionState.ABORTED, RtmStatusCode.ConnectionChangeReason.BANNED_BY_SERVER]);
  await until(() => seen.some((m) => m[u] === 'OFFLINE' && seen.indexOf(m) > 0), 3000, 'OFFLINE');
  expect((await kick(uniq('nobody'))).status).toBe(404);
});

test('/metrics shows Redis up and cross-node traffic; /readyz is 200', async () => {
  const ready = await nodes[0]?.get('/readyz');
  expect(ready?.status).toBe(200);
  const metrics = (await nodes[1]?.get('/metrics'))?.text ?? '';
  expect(metrics).toMatch(/^sig2rtm_redis_up 1$/m);
  expect(Number(/^sig2rtm_bus_received_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
});

describe('legacy Signaling clients on different nodes', () => {
  function recorder(): { cb: ICallBack; log: [string, ...unknown[]][] } {
    const log: [string, ...unknown[]][] = [];
    const cb = new Proxy({}, {
      get: (_t, name: string) => (name === 'onLog' ? undefined : (...args: unknown[]) => log.push([name, ...args])),
    });
    return { cb, log };
  }
  const legacy: AgoraAPI[] = [];
  afterEach(() => {
    for (const api of legacy.splice(0)) if (api.getStatus() === 2) api.logout();
  });

  test('message, channel user list and join events, attributes, call invitation, kick of an older login', async () => {
    const [a, b] = [uniq('la'), uniq('lb')] as const;
    const ch = uniq('lch');
    const x = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: A });
    const y = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: B });
    legacy.push(x, y);
    const rx = recorder();
    const ry = recorder();
    x.callbackSet(rx.cb);
    y.callbackSet(ry.cb);
    const seen = (r: typeof rx, name: string) => r.log.filter((e) => e[0] === name);
    x.login2(APP_ID, a, '_no_need_token', 0, '', 5, 1);
    y.login2(APP_ID, b, '_no_need_token', 0, '', 5, 1);
    await until(() => x.getStatus() === 2 && y.getStatus() === 2, 5000, 'both logged in');
    x.messageInstantSend(b, 0, 'hello', 'm1');
    await until(() => seen(ry, 'onMessageInstantReceive').length === 1, 3000, 'onMessageInstantReceive');
    expect(seen(ry, 'onMessageInstantReceive')[0]).toEqual(['onMessageInstantReceive', a, 0, 'hello']);
    y.channelJoin(ch);
    await until(() => seen(ry, 'onChannelUserList').length === 1, 3000, 'y user list');
    x.channelJoin(ch);
    await until(() => seen(rx, 'onChannelUserList').length === 1 && seen(ry, 'onChannelUserJoined').length === 1, 3000, 'x joined');
    expect(seen(ry, 'onChannelUserJoined')[0]?.[1]).toBe(a);
    expect((seen(rx, 'onChannelUserList')[0]?.[1] as string[]).sort()).toEqual([a, b].sort());
    x.channelSetAttr(ch, 'topic', 'hi');
    await until(() => seen(ry, 'onChannelAttrUpdated').length === 1, 3000, 'onChannelAttrUpdated');
    expect(seen(ry, 'onChannelAttrUpdated')[0]).toEqual(['onChannelAttrUpdated', ch, 'topic', 'hi', 'update']);
    x.channelInviteUser2(ch, b, '{"x":1}');
    await until(() => seen(ry, 'onInviteReceived').length === 1, 3000, 'onInviteReceived');
    y.channelInviteAccept(ch, a, 0, 'ok');
    await until(() => seen(rx, 'onInviteAcceptedByPeer').length === 1, 3000, 'onInviteAcceptedByPeer');
    // The same account logs in on a third node: the legacy client on A hears onLogout(103).
    const z = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: C });
    legacy.push(z);
    z.login2(APP_ID, a, '_no_need_token', 0, '', 5, 1);
    await until(() => seen(rx, 'onLogout').length === 1, 5000, 'onLogout');
    expect(seen(rx, 'onLogout')[0]).toEqual(['onLogout', 103]);
    await until(() => seen(ry, 'onChannelUserLeaved').length === 1, 3000, 'onChannelUserLeaved');
  });
});
