/**
 * Webhooks against a real embedded server and a real HTTP receiver: login, channel join and leave,
 * logout, signed with HMAC; peer and channel messages (opt-in) from clients and from the REST API,
 * text and raw; a failing endpoint is retried with backoff; a receiver that never answers, or fails,
 * does not slow messages between clients; a full queue (in events or in bytes) drops and counts;
 * metrics for sent, failed and dropped.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgoraAPI } from '../../src/legacy';
import AgoraRTM, { type RtmClient, type RtmMessage } from '../../src/rtm';
import { createSig2rtm, signWebhook, type Sig2rtm, type WebhookEvent, type WebhookTuning } from '../../src/server';
import { APP_ID, until, waitForEvent } from '../helpers/harness';
import { receiver } from './helpers/webhook-receiver';

const SECRET = 'webhook-secret-0123456789';
const REST = { customerId: 'backend', customerSecret: 'a-long-enough-secret-0123456789' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(url: string, tuning: Partial<WebhookTuning> = {}, events?: WebhookEvent['event'][]): Promise<{ rtm: Sig2rtm; port: number }> {
  const rtm = await createSig2rtm({
    apps: { [APP_ID]: { rest: REST, webhooks: { url, secret: SECRET, ...(events ? { events } : {}) } } },
    store: 'memory',
    logLevel: 'silent',
    webhookTuning: { backoffBaseMs: 20, backoffMaxMs: 100, timeoutMs: 2000, ...tuning },
  });
  const server = http.createServer((req, res) => rtm.handler(req, res));
  rtm.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    await rtm.shutdown();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { rtm, port: (server.address() as AddressInfo).port };
}

async function login(port: number, uid: string): Promise<RtmClient> {
  const c = AgoraRTM.createInstance(APP_ID, { serverUrl: `ws://127.0.0.1:${port}/rtm` });
  cleanups.push(async () => {
    c.removeAllListeners();
    await c.logout().catch(() => undefined);
  });
  await c.login({ uid });
  return c;
}

/** Waits until the counter reads `want` (the receiver sees a POST before the sender has its answer). */
async function metricReaches(rtm: Sig2rtm, result: string, want: number): Promise<void> {
  let n = -1;
  await until(() => {
    void metric(rtm, result).then((v) => (n = v));
    return n === want;
  }, 3000, `sig2rtm_webhooks_total{result="${result}"} ${want} (last read ${n})`);
}

async function metric(rtm: Sig2rtm, result: string): Promise<number> {
  const text = await rtm.metrics.registry.metrics();
  const m = new RegExp(`^sig2rtm_webhooks_total\\{app="${APP_ID}",result="${result}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

test('login, channel join, channel leave and logout reach the URL, in order, signed; messages not unless listed', async () => {
  const hook = await receiver();
  cleanups.push(hook.close);
  const { rtm, port } = await serve(hook.url);
  const alice = await login(port, 'alice');
  const room = alice.createChannel('room');
  await room.join();
  // Message webhooks are opt-in: these send nothing (they would take seq 3 and 4).
  await room.sendMessage({ text: 'to the room' });
  await alice.sendMessageToPeer({ text: 'to nobody' }, 'nobody');
  await room.leave(); // fire and forget, as the SDK: wait for the server to have done it
  await until(() => hook.got.length === 3, 3000, '3 webhooks');
  await alice.logout();
  await until(() => hook.got.length === 4, 3000, '4 webhooks');
  const events = [...hook.got].sort((a, b) => a.event.seq - b.event.seq).map((g) => g.event);
  expect(events.map((e) => [e.event, e.uid, e.channel ?? null])).toEqual([
    ['login', 'alice', null],
    ['channel_join', 'alice', 'room'],
    ['channel_leave', 'alice', 'room'],
    ['logout', 'alice', null],
  ]);
  expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  expect(events[3]?.reason).toBe('logout');
  for (const g of hook.got) {
    expect(g.event.app_id).toBe(APP_ID);
    const ts = String(g.headers['x-sig2rtm-timestamp']);
    // The receiver recomputes the signature over the raw body.
    expect(g.headers['x-sig2rtm-signature']).toBe(signWebhook(SECRET, ts, g.raw));
    expect(g.headers['x-sig2rtm-signature']).not.toBe(signWebhook('another-secret-0123456', ts, g.raw));
    expect(g.headers['x-sig2rtm-event']).toBe(g.event.event);
    expect(g.headers['x-sig2rtm-delivery']).toBe(g.event.id);
  }
  await metricReaches(rtm, 'sent', 4);
});

test('only the events listed', async () => {
  const hook = await receiver();
  cleanups.push(hook.close);
  const { port } = await serve(hook.url, {}, ['channel_join']);
  const alice = await login(port, 'alice');
  await alice.createChannel('room').join();
  await until(() => hook.got.length === 1, 3000, 'one webhook');
  await alice.logout();
  // The logout would have been sent by now had it been listed: the join was, at once.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(hook.got.map((g) => g.event.event)).toEqual(['channel_join']);
});

test('a failing endpoint is retried with backoff until it succeeds; one that always fails counts failed', async () => {
  const flaky = await receiver((n) => (n <= 2 ? 500 : 200));
  cleanups.push(flaky.close);
  const a = await serve(flaky.url);
  await login(a.port, 'alice');
  await until(() => flaky.attempts() === 3, 3000, 'three attempts');
  await until(() => flaky.got.length === 3, 3000, 'third attempt recorded');
  // The same event each time; the gaps grow (20 ms, then 40 ms, at least).
  expect(new Set(flaky.got.map((g) => g.event.id)).size).toBe(1);
  expect(flaky.got[1]!.at - flaky.got[0]!.at).toBeGreaterThanOrEqual(20);
  expect(flaky.got[2]!.at - flaky.got[1]!.at).toBeGreaterThanOrEqual(40);
  await metricReaches(a.rtm, 'sent', 1);

  const broken = await receiver(() => 503);
  cleanups.push(broken.close);
  const b = await serve(broken.url, { maxAttempts: 3 });
  await login(b.port, 'bob');
  await until(() => broken.attempts() === 3, 3000, 'three attempts');
  await metricReaches(b.rtm, 'failed', 1);
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(broken.attempts()).toBe(3);
});

test('a receiver that never answers does not slow messages; a full queue drops and counts', async () => {
  const stuck = await receiver(() => 'hang');
  cleanups.push(stuck.close);
  const { rtm, port } = await serve(stuck.url, { concurrency: 1, queueSize: 3, timeoutMs: 60_000 });
  const alice = await login(port, 'alice'); // 1 in flight (hangs)
  const bob = await login(port, 'bob'); // 2 queued
  const room = alice.createChannel('room');
  await room.join(); // 3 queued: the queue is full
  await bob.createChannel('room').join(); // dropped
  expect(await metric(rtm, 'dropped')).toBe(1);
  // Messages flow as usual while the webhook endpoint hangs.
  for (let i = 0; i < 20; i++) {
    const got = waitForEvent<[RtmMessage]>(bob, 'MessageFromPeer');
    const t0 = Date.now();
    await alice.sendMessageToPeer({ text: `m${i}` }, 'bob');
    expect((await got)[0].text).toBe(`m${i}`);
    expect(Date.now() - t0).toBeLessThan(1000);
  }
  expect(stuck.got).toHaveLength(1);
  expect(await rtm.metrics.registry.metrics()).toMatch(/^sig2rtm_webhook_queue 3$/m);
});

test('webhooks in the configuration: a URL that is not http(s), a short secret or a concurrency of 0 is an error', async () => {
  await expect(createSig2rtm({ apps: { [APP_ID]: { webhooks: { url: 'ftp://x/y', secret: SECRET } } } })).rejects.toThrow(/webhooks\.url|http/);
  await expect(createSig2rtm({ apps: { [APP_ID]: { webhooks: { url: 'https://x/y', secret: 'short' } } } })).rejects.toThrow(/secret/);
  await expect(createSig2rtm({ dev: true, webhookTuning: { concurrency: 0 } })).rejects.toThrow('createSig2rtm options: webhookTuning.concurrency: must be a whole number >= 1, got 0');
});

describe('message webhooks (opt-in)', () => {
  const MESSAGES: WebhookEvent['event'][] = ['peer_message', 'channel_message'];

  async function rest(port: number, p: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`http://127.0.0.1:${port}/dev/v2/project/${APP_ID}/rtm${p}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${REST.customerId}:${REST.customerSecret}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async function aliceAndBobInRoom(port: number) {
    const alice = await login(port, 'alice');
    const bob = await login(port, 'bob');
    const aliceRoom = alice.createChannel('room');
    const bobRoom = bob.createChannel('room');
    await aliceRoom.join();
    await bobRoom.join();
    return { alice, bob, aliceRoom, bobRoom };
  }

  /** The Prometheus text the server serves at /metrics, over HTTP as a scraper reads it. */
  async function scrape(port: number): Promise<string> {
    return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  }

  test('peer and channel messages, text and raw, from clients and from the REST API: sender, receiver or channel, content, timestamps, ids', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { port } = await serve(hook.url, {}, MESSAGES);
    const { alice, bob, aliceRoom, bobRoom } = await aliceAndBobInRoom(port);
    const peerTs: number[] = [];
    bob.on('MessageFromPeer', (_m, _from, props: { serverReceivedTs: number }) => peerTs.push(props.serverReceivedTs));
    const roomTs: number[] = [];
    bobRoom.on('ChannelMessage', (_m, _from, props: { serverReceivedTs: number }) => roomTs.push(props.serverReceivedTs));

    await expect(alice.sendMessageToPeer({ text: 'héllo bob' }, 'bob', { enableOfflineMessaging: true })).resolves.toEqual({ hasPeerReceived: true });
    const raw = new Uint8Array(300).map((_, i) => (i * 13) % 256);
    await expect(alice.sendMessageToPeer({ messageType: 'RAW', rawMessage: raw, description: 'bytes' }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
    await aliceRoom.sendMessage({ text: 'hi room' });
    await until(() => roomTs.length === 1, 3000, 'channel message at bob');
    expect((await rest(port, '/users/backend/peer_messages?wait_for_ack=true', { destination: 'bob', payload: 'from the backend' })).json.code).toBe('message_delivered');
    expect((await rest(port, '/users/backend/channel_messages', { channel_name: 'room', payload: 'backend to room' })).status).toBe(200);
    await until(() => roomTs.length === 2, 3000, 'REST channel message at bob');
    // An invitation is call signalling, not a message: no webhook.
    const invited = waitForEvent(bob, 'RemoteInvitationReceived');
    alice.createLocalInvitation('bob').send();
    await invited;

    await until(() => hook.got.length >= 5, 3000, '5 message webhooks');
    const events = [...hook.got].sort((a, b) => a.event.seq - b.event.seq).map((g) => g.event);
    expect(events.map(({ event, uid, to, channel, message, offline, source }) => ({ event, uid, to, channel, message, offline, source }))).toEqual([
      { event: 'peer_message', uid: 'alice', to: 'bob', channel: undefined, message: { type: 'text', text: 'héllo bob' }, offline: true, source: 'client' },
      { event: 'peer_message', uid: 'alice', to: 'bob', channel: undefined, message: { type: 'raw', data_base64: Buffer.from(raw).toString('base64'), description: 'bytes' }, offline: false, source: 'client' },
      { event: 'channel_message', uid: 'alice', to: undefined, channel: 'room', message: { type: 'text', text: 'hi room' }, offline: undefined, source: 'client' },
      { event: 'peer_message', uid: 'backend', to: 'bob', channel: undefined, message: { type: 'text', text: 'from the backend' }, offline: false, source: 'rest' },
      { event: 'channel_message', uid: 'backend', to: undefined, channel: 'room', message: { type: 'text', text: 'backend to room' }, offline: undefined, source: 'rest' },
    ]);
    // ts is when the server accepted the message: what the receiver saw as serverReceivedTs.
    expect(events.filter((e) => e.event === 'peer_message').map((e) => e.ts)).toEqual(peerTs);
    expect(events.filter((e) => e.event === 'channel_message').map((e) => e.ts)).toEqual(roomTs);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
    for (const g of hook.got) {
      expect(g.headers['x-sig2rtm-signature']).toBe(signWebhook(SECRET, String(g.headers['x-sig2rtm-timestamp']), g.raw));
      expect(g.headers['x-sig2rtm-event']).toBe(g.event.event);
      expect(g.headers['x-sig2rtm-delivery']).toBe(g.event.id);
    }
    // Only the events listed: no login, join or invitation.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hook.got).toHaveLength(5);
  });

  test('legacy Signaling apps: messageInstantSend and messageChannelSend fire them too; a call invitation does not', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { port } = await serve(hook.url, {}, MESSAGES);
    const log: unknown[][] = [];
    const api = (account: string) => {
      const x = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: `ws://127.0.0.1:${port}/rtm` });
      x.callbackSet(new Proxy({}, { get: (_t, name: string) => (name === 'onLog' ? undefined : (...args: unknown[]) => log.push([account, name, ...args])) }));
      cleanups.push(() => {
        if (x.getStatus() === 2) x.logout();
        return Promise.resolve();
      });
      x.login2(APP_ID, account, '_no_need_token', 0, '', 5, 1);
      return x;
    };
    const seen = (account: string, name: string) => log.filter((e) => e[0] === account && e[1] === name);
    const x = api('lx');
    const y = api('ly');
    await until(() => x.getStatus() === 2 && y.getStatus() === 2, 5000, 'both logged in');
    x.messageInstantSend('ly', 0, 'legacy hello', 'm1');
    await until(() => seen('ly', 'onMessageInstantReceive').length === 1, 3000, 'onMessageInstantReceive');
    x.channelJoin('lroom');
    y.channelJoin('lroom');
    await until(() => seen('lx', 'onChannelJoined').length === 1 && seen('ly', 'onChannelJoined').length === 1, 3000, 'both joined');
    x.messageChannelSend('lroom', 'legacy room', 'm2');
    await until(() => seen('ly', 'onMessageChannelReceive').length === 1, 3000, 'onMessageChannelReceive');
    x.channelInviteUser2('lroom', 'ly', '{"x":1}');
    await until(() => seen('ly', 'onInviteReceived').length === 1, 3000, 'onInviteReceived');
    await until(() => hook.got.length >= 2, 3000, 'two message webhooks');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([...hook.got].sort((a, b) => a.event.seq - b.event.seq).map(({ event: e }) => [e.event, e.uid, e.to ?? e.channel, e.message, e.source])).toEqual([
      ['peer_message', 'lx', 'ly', { type: 'text', text: 'legacy hello' }, 'client'],
      ['channel_message', 'lx', 'lroom', { type: 'text', text: 'legacy room' }, 'client'],
    ]);
  });

  test('only the message kind listed', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { port } = await serve(hook.url, {}, ['channel_message']);
    const alice = await login(port, 'alice');
    const room = alice.createChannel('room');
    await room.join();
    await alice.sendMessageToPeer({ text: 'not sent' }, 'nobody');
    await room.sendMessage({ text: 'sent' });
    await until(() => hook.got.length === 1, 3000, 'one webhook');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hook.got.map((g) => [g.event.event, g.event.message])).toEqual([['channel_message', { type: 'text', text: 'sent' }]]);
  });

  test('an endpoint that never answers: messages between clients flow as usual, the queue stays bounded, the rest is dropped and counted in /metrics', async () => {
    const stuck = await receiver(() => 'hang');
    cleanups.push(stuck.close);
    const { port } = await serve(stuck.url, { concurrency: 1, queueSize: 5, timeoutMs: 60_000 }, MESSAGES);
    const { alice, aliceRoom, bobRoom } = await aliceAndBobInRoom(port);
    const inRoom: string[] = [];
    bobRoom.on('ChannelMessage', (m: RtmMessage) => inRoom.push(m.text ?? 'RAW'));
    const N = 30;
    for (let i = 0; i < N; i++) {
      const t0 = Date.now();
      await expect(alice.sendMessageToPeer({ text: `p${i}` }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
      await aliceRoom.sendMessage({ text: `c${i}` });
      expect(Date.now() - t0).toBeLessThan(1000);
    }
    await until(() => inRoom.length === N, 3000, 'every channel message at bob');
    expect(inRoom).toEqual(Array.from({ length: N }, (_, i) => `c${i}`));
    // One POST in flight (it hangs), four waiting: 2N - 5 dropped.
    const text = await scrape(port);
    expect(text).toMatch(/^sig2rtm_webhook_queue 5$/m);
    expect(text).toContain(`sig2rtm_webhooks_total{app="${APP_ID}",result="dropped"} ${2 * N - 5}`);
    expect(stuck.got.map((g) => g.event.message)).toEqual([{ type: 'text', text: 'p0' }]);
  });

  test('the queue is bounded in bytes too: large messages past queueBytes are dropped and counted', async () => {
    const stuck = await receiver(() => 'hang');
    cleanups.push(stuck.close);
    // Room for two events of ~1.7 KB (1 KB raw in base64 plus the envelope), not three.
    const { rtm, port } = await serve(stuck.url, { concurrency: 1, queueBytes: 4000, timeoutMs: 60_000 }, ['peer_message']);
    const alice = await login(port, 'alice');
    await login(port, 'bob');
    const raw = new Uint8Array(1024).fill(7);
    for (let i = 0; i < 6; i++) await alice.sendMessageToPeer({ messageType: 'RAW', rawMessage: raw, description: `r${i}` }, 'bob');
    expect(await metric(rtm, 'dropped')).toBe(4);
    expect(await scrape(port)).toMatch(/^sig2rtm_webhook_queue 2$/m);
  });

  test('a failing endpoint is retried while messages flow; each message event is sent once it answers', async () => {
    let failing = true;
    const flaky = await receiver(() => (failing ? 500 : 200));
    cleanups.push(flaky.close);
    const { rtm, port } = await serve(flaky.url, { backoffBaseMs: 20, backoffMaxMs: 40, maxAttempts: 100 }, ['peer_message']);
    const alice = await login(port, 'alice');
    const bob = await login(port, 'bob');
    const got: string[] = [];
    bob.on('MessageFromPeer', (m: RtmMessage) => got.push(m.text ?? 'RAW'));
    for (let i = 0; i < 10; i++) await expect(alice.sendMessageToPeer({ text: `m${i}` }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
    expect(got).toHaveLength(10);
    await until(() => flaky.attempts() >= 20, 3000, 'retries');
    failing = false;
    await metricReaches(rtm, 'sent', 10);
    expect(new Set(flaky.got.map((g) => g.event.id)).size).toBe(10);
    expect(await metric(rtm, 'failed')).toBe(0);
  });
});
