/**
 * Session hand-over between live nodes: a client behind a (non-sticky) load balancer loses its
 * connection and comes back through another node while its old node is alive. The new node takes
 * the session over from the old one: the client resumes (no fresh login: no MemberLeft/MemberJoined,
 * same channels), and every message its peers keep sending meanwhile — peer messages from the old
 * node, the new node and a third, channel messages from two nodes — arrives exactly once, in order.
 */

import WebSocket from 'ws';
import { RtmStatusCode, type RtmMessage } from '../../src/rtm';
import { APP_ID, RawSocket, record, until } from '../helpers/harness';
import { Balancer, Node, RedisServer, client, login, logoutAll, uniq } from './helpers';

const redis = new RedisServer();
const nodes: Node[] = [];
let pool: number[] = [];
const balancer = new Balancer(() => pool);

beforeAll(async () => {
  await redis.start();
  nodes.push(...(await Promise.all([0, 1, 2].map(() => Node.start(redis.url)))));
  await balancer.start();
}, 30_000);

afterEach(() => logoutAll());

afterAll(async () => {
  await balancer.stop();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

const COUNT = 40;

describe.each([
  ['the old node notices the drop at once', false],
  ['the old node has not noticed the drop (half-open)', true],
])('a client moved to another node while peers keep sending (%s)', (_what, keepUpstream) => {
  test('resumes there: every message exactly once, in order; no fresh login; hasPeerReceived never claims what was not received', async () => {
    const [A, B, C] = nodes as [Node, Node, Node];
    const { ConnectionState: S } = RtmStatusCode;
    const room = uniq('room');
    const uid = uniq('mover');

    pool = [A.port];
    const mover = client(balancer.url);
    const states = record(mover, ['ConnectionStateChanged']);
    await mover.login({ uid });
    const mch = mover.createChannel(room);
    await mch.join();
    const peer: Record<string, string[]> = {};
    const channel: Record<string, string[]> = {};
    mover.on('MessageFromPeer', (m: RtmMessage, from: string) => (peer[from] ??= []).push(String(m.text)));
    mch.on('ChannelMessage', (m: RtmMessage, from: string) => (channel[from] ??= []).push(String(m.text)));
    const memberEvents = record(mch, ['MemberJoined', 'MemberLeft']);

    // Peer senders on the old node, the new node and a third; channel senders on the old node and the third.
    const peers = await Promise.all([A, B, C].map(async (n) => {
      const id = uniq('p');
      return { id, c: await login(n.url, id) };
    }));
    const talkers = await Promise.all([A, C].map(async (n) => {
      const id = uniq('t');
      const c = await login(n.url, id);
      const ch = c.createChannel(room);
      await ch.join();
      return { id, c, ch };
    }));
    const watched = record(talkers[1]?.ch as object, ['MemberJoined', 'MemberLeft']);
    // What the mover itself sends meanwhile (requests whose answers the drop may swallow are re-sent after the resume).
    const fromMover = { peer: [] as string[], channel: [] as string[] };
    peers[1]?.c.on('MessageFromPeer', (m: RtmMessage, from: string) => from === uid && fromMover.peer.push(String(m.text)));
    talkers[1]?.ch.on('ChannelMessage', (m: RtmMessage, from: string) => from === uid && fromMover.channel.push(String(m.text)));
    await until(() => memberEvents.length === 2, 3000, 'talkers joined');

    const outcomes: boolean[] = [];
    const sending = [
      ...peers.map(async ({ c }) => {
        for (let i = 0; i < COUNT; i++) outcomes.push((await c.sendMessageToPeer({ text: `p${i}` }, uid)).hasPeerReceived);
      }),
      ...talkers.map(async ({ ch }) => {
        for (let i = 0; i < COUNT; i++) await ch.sendMessage({ text: `c${i}` });
      }),
      (async () => {
        for (let i = 0; i < COUNT; i++) await mover.sendMessageToPeer({ text: `m${i}` }, peers[1]?.id ?? '');
      })(),
      (async () => {
        for (let i = 0; i < COUNT; i++) await mch.sendMessage({ text: `m${i}` });
      })(),
    ];
    const got = () => Object.values(peer).reduce((n, l) => n + l.length, 0) + Object.values(channel).reduce((n, l) => n + l.length, 0);
    await until(() => got() >= 25, 10_000, 'messages flowing');
    // The drop: the client comes back through the balancer, now to B.
    pool = [B.port];
    const atCut = got();
    balancer.cut({ keepUpstream });
    await Promise.all(sending);

    const want = (prefix: string) => Array.from({ length: COUNT }, (_, i) => `${prefix}${i}`);
    await until(() => got() === COUNT * 5, 10_000, 'all messages').catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify({ peer, channel, states: states.map((x) => x.args), members: memberEvents, atCut })}`);
    });
    expect(atCut).toBeLessThan(COUNT * 5 - 20); // the drop fell mid-traffic
    for (const { id } of peers) expect(peer[id]).toEqual(want('p'));
    for (const { id } of talkers) expect(channel[id]).toEqual(want('c'));
    await until(() => fromMover.peer.length === COUNT && fromMover.channel.length === COUNT, 5000, 'what the mover sent');
    expect(fromMover).toEqual({ peer: want('m'), channel: want('m') });

    // Resumed, not logged in afresh: RECONNECTING then CONNECTED, no one saw it leave or join again.
    const seen = states.map((s) => s.args[0]);
    expect(seen).toEqual([S.CONNECTING, S.CONNECTED, S.RECONNECTING, S.CONNECTED]);
    expect(watched.filter((e) => e.args[0] === uid)).toEqual([]);
    expect(memberEvents.map((e) => e.name)).toEqual(['MemberJoined', 'MemberJoined']);
    // Moved: still a member, online, and reached through its new node.
    expect((await talkers[0]?.ch.getMembers())?.sort()).toEqual([uid, ...talkers.map((t) => t.id)].sort());
    await expect(peers[2]?.c.queryPeersOnlineStatus([uid])).resolves.toEqual({ [uid]: true });
    await expect(peers[0]?.c.sendMessageToPeer({ text: 'after' }, uid)).resolves.toEqual({ hasPeerReceived: true });
    // The old node never saw the drop: nothing sent meanwhile was ever reported as not received.
    if (keepUpstream) expect(outcomes.filter((o) => !o)).toEqual([]);
  }, 40_000);
});

test('two resumes of one session at once, through two nodes: one of them gets it, with every queued event', async () => {
  const [A, B, C] = nodes as [Node, Node, Node];
  const uid = uniq('twice');
  const sender = await login(A.url, uniq('s'));
  // The session on A, through a raw socket, which then stops reading (its events pile up unacknowledged).
  const first = await raw(A.url);
  first.send({ t: 'login', rid: 1, v: 1, appId: APP_ID, uid });
  const { data } = (await first.next((f) => f.t === 'res' && f.rid === 1)) as { data: { sid: string } };
  // In flight: sent, never acknowledged by the socket on A, which then drops.
  const queued = Array.from({ length: 5 }, (_, i) => sender.sendMessageToPeer({ text: `q${i}` }, uid));
  await until(() => first.frames.filter((f) => f.t === 'push').length === 5, 3000, 'pushed on A');
  first.ws.terminate();

  const [b, c] = await Promise.all([raw(B.url), raw(C.url)]);
  for (const s of [b, c]) s.send({ t: 'login', rid: 1, v: 1, appId: APP_ID, uid, resume: { sid: data.sid, ack: 0 } });
  const answers = await Promise.all([b, c].map((s) => s.next((f) => f.t === 'res' && f.rid === 1, 8000)));
  // Both are resumes of the same session (as two resumes on one node would be); the later attach wins, the other is closed.
  expect(answers.map((a) => (a as { data: { resumed: boolean } }).data.resumed)).toEqual([true, true]);
  await until(() => b.closed !== undefined || c.closed !== undefined, 5000, 'one closed');
  const winner = b.closed ? c : b;
  const loser = b.closed ? b : c;
  expect(loser.closed?.code).toBe(4001);
  // The winner has every queued event exactly once (replayed), and gets new ones.
  const texts = () => winner.frames.filter((f) => f.t === 'push').map((f) => ((f.ev as { msg: { text: string } }).msg.text));
  await until(() => texts().length === 5, 3000, 'queued events');
  const sent = sender.sendMessageToPeer({ text: 'new' }, uid);
  await until(() => texts().length === 6, 3000, 'new event');
  winner.send({ t: 'ack', seq: winner.frames.filter((f) => f.t === 'push').length });
  await expect(sent).resolves.toEqual({ hasPeerReceived: true });
  // The senders of the messages in flight heard of the acknowledgement given on another node.
  await expect(Promise.all(queued)).resolves.toEqual(Array.from({ length: 5 }, () => ({ hasPeerReceived: true })));
  expect(texts()).toEqual(['q0', 'q1', 'q2', 'q3', 'q4', 'new']);
  expect(new Set(winner.frames.filter((f) => f.t === 'push').map((f) => f.seq)).size).toBe(6);
  winner.close();
}, 20_000);

async function raw(url: string): Promise<RawSocket> {
  const ws = new WebSocket(url);
  const s = new RawSocket(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return s;
}

describe.each([
  ['dies (kill -9)', true],
  ['wakes up after the hand-over timed out', false],
])('the old node is silent during the hand-over and %s', (_what, dies) => {
  test('the client logs in afresh on the new node and restores its channel, visibly to the others', async () => {
    const [, B] = nodes as [Node, Node, Node];
    const D = await Node.start(redis.url);
    try {
      const { ConnectionState: S } = RtmStatusCode;
      const uid = uniq('frozen');
      const room = uniq('room');
      pool = [D.port];
      const mover = client(balancer.url);
      const states = record(mover, ['ConnectionStateChanged']);
      await mover.login({ uid });
      const mch = mover.createChannel(room);
      await mch.join();
      const watcherId = uniq('w');
      const watcher = await login(B.url, watcherId);
      const wch = watcher.createChannel(room);
      await wch.join();
      const seen = record(wch, ['MemberJoined', 'MemberLeft']);

      pool = [B.port];
      D.freeze();
      balancer.cut();
      await until(() => states.some((s) => s.args[0] === S.RECONNECTING), 3000, 'RECONNECTING');
      if (dies) await D.crash();
      // The hand-over finds no answer; the fresh login cleans the old session up (MemberLeft) and the client joins again.
      await until(() => seen.filter((e) => e.args[0] === uid).length === 2, 10_000, 'MemberLeft and MemberJoined');
      expect(seen.filter((e) => e.args[0] === uid).map((e) => e.name)).toEqual(['MemberLeft', 'MemberJoined']);
      expect(states.map((s) => s.args[0])).toEqual([S.CONNECTING, S.CONNECTED, S.RECONNECTING, S.CONNECTED]);
      if (!dies) {
        // Back: the stale hand-over request it now answers changes nothing for the client.
        D.thaw();
        expect((await D.get('/healthz')).status).toBe(200);
      }
      const got: string[] = [];
      mch.on('ChannelMessage', (m: RtmMessage) => got.push(String(m.text)));
      await wch.sendMessage({ text: 'still here?' });
      await until(() => got.length === 1, 3000, 'channel message');
      expect((await wch.getMembers()).sort()).toEqual([uid, watcherId].sort());
      await expect(watcher.sendMessageToPeer({ text: 'p2p' }, uid)).resolves.toEqual({ hasPeerReceived: true });
      expect(states[states.length - 1]?.args[0]).toBe(S.CONNECTED);
      expect(seen.filter((e) => e.args[0] === uid)).toHaveLength(2);
    } finally {
      D.thaw();
      await D.crash();
    }
  }, 40_000);
});
