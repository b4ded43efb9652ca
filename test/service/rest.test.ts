/**
 * The REST API against a real embedded server and real RTM clients: per-app HTTP Basic
 * authentication, messages reaching clients as ordinary events, online status, members, channel
 * attributes, kicks, typed refusals for every bad input, the per-app message rate (on an injected
 * clock), and the OpenAPI document.
 */

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import AgoraRTM, { type RtmChannel, type RtmClient, type RtmMessage } from '../../src/rtm';
import { RtmCore } from '../../src/rtm-core/server/core';
import { createSig2rtm, type Sig2rtm } from '../../src/server';
import { REST_ROUTES } from '../../src/service/rest/api';
import { MESSAGES_PER_SECOND, restRoutes } from '../../src/service/rest/routes';
import { APP_ID, APP_ID_2, until, waitForEvent } from '../helpers/harness';

const REST = { customerId: 'backend', customerSecret: 'a-long-enough-secret-0123456789' };
const OTHER = { customerId: 'other', customerSecret: 'another-long-enough-secret-0123' };
const basic = (c: { customerId: string; customerSecret: string }) => `Basic ${Buffer.from(`${c.customerId}:${c.customerSecret}`).toString('base64')}`;

let rtm: Sig2rtm;
let server: http.Server;
let port: number;
const clients: RtmClient[] = [];

beforeAll(async () => {
  rtm = await createSig2rtm({ apps: { [APP_ID]: { rest: REST }, [APP_ID_2]: { rest: OTHER } }, store: 'memory', logLevel: 'silent' });
  server = http.createServer((req, res) => rtm.handler(req, res));
  rtm.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.removeAllListeners();
    await c.logout().catch(() => undefined);
  }
});
afterAll(async () => {
  await rtm.shutdown();
  await new Promise((resolve) => server.close(resolve));
});

async function login(uid: string, appId = APP_ID): Promise<RtmClient> {
  const c = AgoraRTM.createInstance(appId, { serverUrl: `ws://127.0.0.1:${port}/rtm`, reconnect: { minMs: 20, maxMs: 100 } });
  clients.push(c);
  await c.login({ uid });
  return c;
}

async function joined(c: RtmClient, name: string): Promise<RtmChannel> {
  const ch = c.createChannel(name);
  await ch.join();
  return ch;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(method: string, p: string, body?: unknown, auth: string | null = basic(REST), appId = APP_ID): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${port}/dev/v2/project/${appId}${p}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe('authentication: the app server credential, never a client token', () => {
  test.each([
    ['no Authorization', null, APP_ID],
    ['a wrong secret', basic({ ...REST, customerSecret: 'wrong-secret-wrong-secret-000' }), APP_ID],
    ["another app's credential", basic(OTHER), APP_ID],
    ['an app that is not configured', basic(REST), 'ffffffffffffffffffffffffffffffff'],
    ['a bearer token', 'Bearer a-long-enough-secret-0123456789', APP_ID],
  ])('%s: 401', async (_what, auth, appId) => {
    const r = await call('POST', '/rtm/users/online_status', { user_ids: ['a'] }, auth, appId);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ result: 'failed', code: 'unauthorized' });
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="sig2rtm"');
  });

  test("each app's credential works for its own app only", async () => {
    expect((await call('POST', '/rtm/users/online_status', { user_ids: ['a'] }, basic(OTHER), APP_ID_2)).status).toBe(200);
  });
});

describe('messages reach clients as ordinary events', () => {
  test('a peer message from a user who is not logged in (Agora: peer_messages)', async () => {
    const bob = await login('bob');
    const got = waitForEvent<[RtmMessage, string]>(bob, 'MessageFromPeer');
    const r = await call('POST', '/rtm/users/backend/peer_messages', { destination: 'bob', payload: 'hello from the backend' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ result: 'success', request_id: r.body.request_id, code: 'message_sent' });
    expect(r.body.request_id).toMatch(/^\d+$/);
    const [msg, from] = await got;
    expect([msg.text, from]).toEqual(['hello from the backend', 'backend']);
  });

  // The answers of Agora's docs ("Send peer-to-peer message": Response examples), body for body.
  test("wait_for_ack=true: message_delivered after the receiver's ack; message_offline for nobody, without result as in Agora's example", async () => {
    const bob = await login('bob');
    const got = waitForEvent<[RtmMessage, string]>(bob, 'MessageFromPeer');
    const delivered = await call('POST', '/rtm/users/backend/peer_messages?wait_for_ack=true', { destination: 'bob', payload: 'ack me' });
    expect([delivered.status, delivered.body]).toEqual([200, { result: 'success', request_id: delivered.body.request_id, code: 'message_delivered' }]);
    expect((await got)[0].text).toBe('ack me');
    const offline = await call('POST', '/rtm/users/backend/peer_messages?wait_for_ack=true', { destination: 'nobody', payload: 'x' });
    expect([offline.status, offline.body]).toEqual([200, { request_id: offline.body.request_id, code: 'message_offline' }]);
    expect(offline.body.request_id).toMatch(/^\d+$/);
    // Without wait_for_ack the answer comes at once: message_sent, whoever is there.
    const sent = await call('POST', '/rtm/users/backend/peer_messages?wait_for_ack=false', { destination: 'nobody', payload: 'x' });
    expect([sent.status, sent.body]).toEqual([200, { result: 'success', request_id: sent.body.request_id, code: 'message_sent' }]);
  });

  test('enable_offline_messaging: cached for an offline user, delivered at its login as an offline message', async () => {
    const r = await call('POST', '/rtm/users/backend/peer_messages?wait_for_ack=true', { destination: 'carol', payload: 'while you were away', enable_offline_messaging: true });
    expect(r.body.code).toBe('message_offline');
    const carol = AgoraRTM.createInstance(APP_ID, { serverUrl: `ws://127.0.0.1:${port}/rtm` });
    clients.push(carol);
    const got = waitForEvent<[RtmMessage, string, { isOfflineMessage: boolean }]>(carol, 'MessageFromPeer');
    await carol.login({ uid: 'carol' });
    const [msg, from, props] = await got;
    expect([msg.text, from, props.isOfflineMessage]).toEqual(['while you were away', 'backend', true]);
  });

  test('a channel message to every member (Agora: channel_messages); the sender need not be a member', async () => {
    const bob = await login('bob');
    const room = await joined(bob, 'room');
    const got = waitForEvent<[RtmMessage, string]>(room, 'ChannelMessage');
    const r = await call('POST', '/rtm/users/backend/channel_messages', { channel_name: 'room', payload: 'to everyone', enable_historical_messaging: false });
    expect([r.status, r.body]).toEqual([200, { result: 'success', request_id: r.body.request_id, code: 'message_sent' }]);
    const [msg, from] = await got;
    expect([msg.text, from]).toEqual(['to everyone', 'backend']);
  });
});

describe('queries and control', () => {
  test('online status, channel members and count', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    await joined(alice, 'lobby');
    await joined(bob, 'lobby');
    expect((await call('POST', '/rtm/users/online_status', { user_ids: ['alice', 'bob', 'zed'] })).body).toMatchObject({ online: { alice: true, bob: true, zed: false } });
    const m = await call('GET', '/rtm/channels/lobby/members');
    expect([(m.body.members as string[]).sort(), m.body.count]).toEqual([['alice', 'bob'], 2]);
    expect((await call('GET', '/rtm/channels/empty-room/members')).body).toMatchObject({ members: [], count: 0 });
  });

  test('channel attributes: set with notification, merge, read, delete some, clear', async () => {
    const bob = await login('bob');
    const room = await joined(bob, 'attrs-room');
    const updated = waitForEvent<[Record<string, { value: string; lastUpdateUserId: string }>]>(room, 'AttributesUpdated');
    const set = await call('PUT', '/rtm/channels/attrs-room/attributes', { attributes: { topic: 'news', mode: 'quiet' }, updated_by: 'backend', enable_notification_to_channel_members: true });
    expect(set.status).toBe(200);
    const [attrs] = await updated;
    expect([attrs.topic?.value, attrs.topic?.lastUpdateUserId, attrs.mode?.value]).toEqual(['news', 'backend', 'quiet']);
    await call('PUT', '/rtm/channels/attrs-room/attributes', { attributes: { topic: 'sport' }, mode: 'merge' });
    const read = await call('GET', '/rtm/channels/attrs-room/attributes');
    const stored = read.body.attributes as Record<string, { value: string; last_update_user_id: string; last_update_ts: number }>;
    expect(Object.entries(stored).map(([k, v]) => [k, v.value, v.last_update_user_id, typeof v.last_update_ts]).sort()).toEqual([
      ['mode', 'quiet', 'backend', 'number'],
      ['topic', 'sport', '', 'number'],
    ]);
    // The client reads what the server wrote.
    expect(Object.keys(await bob.getChannelAttributes('attrs-room')).sort()).toEqual(['mode', 'topic']);
    expect(Object.keys((await call('DELETE', '/rtm/channels/attrs-room/attributes', { keys: ['mode'] })).body.attributes as object)).toEqual(['topic']);
    expect((await call('DELETE', '/rtm/channels/attrs-room/attributes', {})).body.attributes).toEqual({});
  });

  test('kick: the client is aborted (BANNED_BY_SERVER); a second kick is 404 user_offline', async () => {
    const bob = await login('bob');
    const states: [string, string][] = [];
    bob.on('ConnectionStateChanged', (s: string, why: string) => states.push([s, why]));
    expect((await call('DELETE', '/rtm/users/bob/session')).body).toMatchObject({ result: 'success', kicked: true });
    await until(() => states.some(([s]) => s === 'ABORTED'), 3000, 'ABORTED');
    expect(states).toContainEqual(['ABORTED', 'BANNED_BY_SERVER']);
    const again = await call('DELETE', '/rtm/users/bob/session');
    expect([again.status, again.body.code]).toEqual([404, 'user_offline']);
  });
});

describe('every bad input: a typed refusal, the server keeps serving', () => {
  test.each([
    ['not JSON', 'POST', '/rtm/users/backend/peer_messages', '{"destination":', 400, 'invalid_json'],
    ['a missing field', 'POST', '/rtm/users/backend/peer_messages', { payload: 'x' }, 400, 'invalid_request'],
    ['a wrong type', 'POST', '/rtm/users/backend/peer_messages', { destination: 'bob', payload: 5 }, 400, 'invalid_request'],
    ['an invalid destination', 'POST', '/rtm/users/backend/peer_messages', { destination: 'x'.repeat(65), payload: 'x' }, 400, 'invalid_destination'],
    ['an invalid sender', 'POST', '/rtm/users/null/peer_messages', { destination: 'bob', payload: 'x' }, 400, 'invalid_user_id'],
    ['a payload over 32 KB', 'POST', '/rtm/users/backend/channel_messages', { channel_name: 'room', payload: 'x'.repeat(32_769) }, 400, 'invalid_payload'],
    ['an empty payload (Agora: "must not be an empty string")', 'POST', '/rtm/users/backend/peer_messages', { destination: 'bob', payload: '' }, 400, 'invalid_payload'],
    ['a body over the cap', 'POST', '/rtm/users/backend/channel_messages', { channel_name: 'room', payload: 'x'.repeat(200_000) }, 413, 'body_too_large'],
    ['a bad wait_for_ack', 'POST', '/rtm/users/backend/peer_messages?wait_for_ack=maybe', { destination: 'bob', payload: 'x' }, 400, 'invalid_request'],
    ['too many users', 'POST', '/rtm/users/online_status', { user_ids: Array.from({ length: 257 }, (_, i) => `u${i}`) }, 400, 'too_many_users'],
    ['an invalid channel name', 'GET', '/rtm/channels/bad%22name/members', undefined, 400, 'invalid_channel_name'],
    ['attributes over the limit', 'PUT', '/rtm/channels/room/attributes', { attributes: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) }, 400, 'attributes_overflow'],
    ['an unknown API', 'GET', '/rtm/nothing', undefined, 404, 'not_found'],
    ['a wrong method', 'GET', '/rtm/users/backend/peer_messages', undefined, 405, 'method_not_allowed'],
    ['bad percent-encoding', 'GET', '/rtm/channels/%E0%A4%A/members', undefined, 400, 'invalid_path'],
  ] as const)('%s: %s', async (_what, method, p, body, status, code) => {
    const r = await call(method, p, body);
    expect([r.status, r.body.result, r.body.code]).toEqual([status, 'failed', code]);
    expect(typeof r.body.message).toBe('string');
  });

  test('the server still answers afterwards', async () => {
    expect((await call('GET', '/rtm/channels/room/members')).status).toBe(200);
  });
});

describe('the message rate: 500 per second per app (Agora), on an injected clock', () => {
  test('the 501st message in a second is 429; the next second is open again; queries do not count', async () => {
    const core = new RtmCore({ apps: { [APP_ID]: {} } });
    await core.start();
    let t = 1_000_000;
    const routes = restRoutes({ core: () => core, apps: { [APP_ID]: { rest: REST } }, version: 'test', now: () => t });
    const srv = http.createServer((req, res) => {
      if (!routes(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const at = (srv.address() as AddressInfo).port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const post = (p: string, body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const data = JSON.stringify(body);
        const req = http.request({ host: '127.0.0.1', port: at, method: 'POST', path: `/dev/v2/project/${APP_ID}${p}`, agent, headers: { authorization: basic(REST), 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(data);
      });
    try {
      const send = () => post('/rtm/users/backend/channel_messages', { channel_name: 'room', payload: 'x' });
      const first = await Promise.all(Array.from({ length: MESSAGES_PER_SECOND }, send));
      expect(first.every((s) => s === 200)).toBe(true);
      expect(await send()).toBe(429);
      expect(await post('/rtm/users/online_status', { user_ids: ['a'] })).toBe(200);
      t += 999; // still the same second
      expect(await send()).toBe(429);
      t += 1; // the next second
      expect(await send()).toBe(200);
    } finally {
      agent.destroy();
      await new Promise((resolve) => srv.close(resolve));
      await core.close();
    }
  });
});

describe('the OpenAPI document', () => {
  test('GET /dev/v2/openapi.json describes every route with its schemas, without authentication', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/dev/v2/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; info: { version: string }; paths: Record<string, Record<string, { operationId: string; requestBody?: unknown; responses: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(doc.info.version).toBe(pkg.version);
    for (const r of REST_ROUTES) {
      const op = doc.paths[`/dev/v2/project/{appid}${r.path}`]?.[r.method.toLowerCase()];
      expect(op?.operationId).toBe(r.operationId);
      expect(op?.responses['200']).toBeDefined();
      expect(op?.requestBody !== undefined).toBe(r.body !== undefined);
    }
    const peer = doc.paths['/dev/v2/project/{appid}/rtm/users/{user_id}/peer_messages']?.post as unknown as { requestBody: { content: { 'application/json': { schema: { required: string[] } } } } };
    expect(peer.requestBody.content['application/json'].schema.required.sort()).toEqual(['destination', 'payload']);
    // Agora's three codes; `result` is left out of the message_offline answer.
    const answer = (doc.paths['/dev/v2/project/{appid}/rtm/users/{user_id}/peer_messages']?.post as unknown as { responses: { '200': { content: { 'application/json': { schema: { required: string[]; properties: { code: { enum: string[] } } } } } } } }).responses['200'].content['application/json'].schema;
    expect(answer.properties.code.enum).toEqual(['message_sent', 'message_delivered', 'message_offline']);
    expect(answer.required.sort()).toEqual(['code', 'request_id']);
  });
});
