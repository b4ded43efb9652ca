/**
 * Message webhooks in a cluster: two `sig2rtm serve --redis` processes and a real redis-server. A
 * message fires its webhook once, from the node that accepted it — not again from the node that
 * delivers it to a member or a peer connected there.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AgoraRTM, { type RtmClient, type RtmMessage } from '../../src/rtm';
import { signWebhook } from '../../src/server';
import { APP_ID_2, until, waitForEvent } from '../helpers/harness';
import { Node, RedisServer } from '../redis/helpers';
import { receiver, type Receiver } from './helpers/webhook-receiver';

const SECRET = 'cluster-webhook-secret-0123';
const redis = new RedisServer({ persist: false });
const nodes: Node[] = [];
const clients: RtmClient[] = [];
let hook: Receiver;
let dir: string;

beforeAll(async () => {
  hook = await receiver();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-hooks-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ apps: { [APP_ID_2]: { webhooks: { url: hook.url, secret: SECRET, events: ['peer_message', 'channel_message'] } } } }));
  await redis.start();
  nodes.push(...(await Promise.all([0, 1].map(() => Node.start(redis.url, ['--config', file])))));
}, 30_000);

afterAll(async () => {
  for (const c of clients) {
    c.removeAllListeners();
    await c.logout().catch(() => undefined);
  }
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
  await hook.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function login(node: Node, uid: string): Promise<RtmClient> {
  const c = AgoraRTM.createInstance(APP_ID_2, { serverUrl: node.url });
  clients.push(c);
  await c.login({ uid });
  return c;
}

/** A node's webhook counters and queue, from its /metrics. */
async function webhookMetrics(node: Node): Promise<string[]> {
  const { text } = await node.get('/metrics');
  return text.split('\n').filter((l) => /^sig2rtm_webhook(s_total|_queue)\b/.test(l));
}

test('a peer message and a channel message crossing nodes fire once each, from the accepting node', async () => {
  const [A, B] = nodes as [Node, Node];
  const alice = await login(A, 'alice');
  const bob = await login(B, 'bob');
  const carol = await login(B, 'carol');
  const rooms = [alice, bob, carol].map((c) => c.createChannel('room'));
  for (const r of rooms) await r.join();
  const atBob = waitForEvent<[RtmMessage]>(rooms[1]!, 'ChannelMessage');
  const atCarol = waitForEvent<[RtmMessage]>(rooms[2]!, 'ChannelMessage');
  await expect(alice.sendMessageToPeer({ text: 'to bob on B' }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
  await rooms[0]!.sendMessage({ text: 'to the room' });
  await Promise.all([atBob, atCarol]);

  await until(() => hook.got.length >= 2, 5000, 'two webhooks');
  // B delivered both messages (to bob, and to bob and carol in the room) but accepted none: had it
  // fired, its counter or queue would show it by now (the hook enqueues before delivery).
  expect(await webhookMetrics(B)).toEqual(['sig2rtm_webhook_queue 0']);
  // A counts a POST as sent once the receiver answered it, just after the receiver saw it.
  let fromA: string[] = [];
  await until(() => {
    void webhookMetrics(A).then((m) => (fromA = m));
    return fromA.includes('sig2rtm_webhook_queue 0');
  }, 3000, `A's webhook queue empty (last read ${fromA.join(', ')})`);
  expect(fromA).toEqual([`sig2rtm_webhooks_total{app="${APP_ID_2}",result="sent"} 2`, 'sig2rtm_webhook_queue 0']);
  expect(hook.got.length).toBe(2);
  expect([...hook.got].sort((a, b) => a.event.seq - b.event.seq).map((g) => [g.event.event, g.event.uid, g.event.to ?? g.event.channel, g.event.message])).toEqual([
    ['peer_message', 'alice', 'bob', { type: 'text', text: 'to bob on B' }],
    ['channel_message', 'alice', 'room', { type: 'text', text: 'to the room' }],
  ]);
  for (const g of hook.got) expect(g.headers['x-sig2rtm-signature']).toBe(signWebhook(SECRET, String(g.headers['x-sig2rtm-timestamp']), g.raw));
});
