/**
 * Webhooks against a real embedded server and a real HTTP receiver: login, channel join and leave,
 * logout, signed with HMAC; a failing endpoint is retried with backoff; a receiver that never
 * answers does not slow messages between clients; a full queue drops and counts; metrics for sent,
 * failed and dropped.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import AgoraRTM, { type RtmClient, type RtmMessage } from '../../src/rtm';
import { createSig2rtm, signWebhook, type Sig2rtm, type WebhookEvent, type WebhookTuning } from '../../src/server';
import { APP_ID, until, waitForEvent } from '../helpers/harness';

const SECRET = 'webhook-secret-0123456789';

interface Received {
  event: WebhookEvent;
  headers: http.IncomingHttpHeaders;
  raw: string;
  at: number;
}

/** A real receiver: answers each POST with what `answer` says (a status, or 'hang' to never answer). */
async function receiver(answer: (n: number) => number | 'hang' = () => 200) {
  const got: Received[] = [];
  let n = 0;
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const a = answer(++n);
      got.push({ event: JSON.parse(raw) as WebhookEvent, headers: req.headers, raw, at: Date.now() });
      if (a === 'hang') hanging.push(res);
      else res.writeHead(a).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    attempts: () => n,
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(url: string, tuning: Partial<WebhookTuning> = {}, events?: WebhookEvent['event'][]): Promise<{ rtm: Sig2rtm; port: number }> {
  const rtm = await createSig2rtm({
    apps: { [APP_ID]: { webhooks: { url, secret: SECRET, ...(events ? { events } : {}) } } },
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

test('login, channel join, channel leave and logout reach the URL, in order, signed', async () => {
  const hook = await receiver();
  cleanups.push(hook.close);
  const { rtm, port } = await serve(hook.url);
  const alice = await login(port, 'alice');
  const room = alice.createChannel('room');
  await room.join();
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

test('webhooks in the configuration: a URL that is not http(s) or a short secret is an error', async () => {
  await expect(createSig2rtm({ apps: { [APP_ID]: { webhooks: { url: 'ftp://x/y', secret: SECRET } } } })).rejects.toThrow(/webhooks\.url|http/);
  await expect(createSig2rtm({ apps: { [APP_ID]: { webhooks: { url: 'https://x/y', secret: 'short' } } } })).rejects.toThrow(/secret/);
});
