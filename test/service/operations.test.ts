/**
 * Operating `sig2rtm serve` (in-process: startService on a loadConfig configuration): health and
 * readiness, Prometheus metrics that move with traffic, the admin API, structured logs, graceful
 * shutdown and TLS.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type pino from 'pino';
import WebSocket from 'ws';
import AgoraRTM, { type RtmClient } from '../../src/rtm';
import type { Sig2rtmClientConfig } from '../../src/rtm-core/client/config';
import { webSocketTransport, type WebSocketConstructor } from '../../src/rtm-core/client/transports/websocket';
import { loadConfig } from '../../src/service/config';
import { startService, type Service } from '../../src/service/service';
import { APP_ID, APP_ID_2, RawSocket, record, sleep, until, waitForEvent } from '../helpers/harness';

const ADMIN = 'admin-token-0123456789';

// ---- helpers ------------------------------------------------------------------------------------

interface Running {
  service: Service;
  logs: Record<string, unknown>[];
}

const services: Service[] = [];
const clients: RtmClient[] = [];
const sockets: { close(): void }[] = [];
const dirs: string[] = [];

/** startService on loadConfig(flags), in memory, on a free port, with its logs captured as parsed JSON lines. */
async function start(flags: Record<string, string | string[] | boolean> = {}): Promise<Running> {
  const logs: Record<string, unknown>[] = [];
  const destination: pino.DestinationStream = {
    write: (line: string) => {
      for (const l of line.split('\n')) if (l.trim() !== '') logs.push(JSON.parse(l) as Record<string, unknown>);
    },
  };
  const config = loadConfig({ env: {}, flags: { ...(flags.dev === true ? {} : { app: APP_ID }), port: '0', store: 'memory', 'log-level': 'info', ...flags } });
  const service = await startService(config, { logDestination: destination });
  services.push(service);
  return { service, logs };
}

const lastState = new WeakMap<RtmClient, string>();
/** The client's connection state as its ConnectionStateChanged events told it. */
const stateOf = (c: RtmClient) => lastState.get(c) ?? 'DISCONNECTED';

function client(service: Service, config: Sig2rtmClientConfig = {}, appId = APP_ID): RtmClient {
  const c = AgoraRTM.createInstance(appId, { serverUrl: service.url, reconnect: { minMs: 20, maxMs: 100 }, ...config });
  c.on('ConnectionStateChanged', (state: string) => lastState.set(c, state));
  clients.push(c);
  return c;
}

async function login(service: Service, uid: string, appId = APP_ID): Promise<RtmClient> {
  const c = client(service, {}, appId);
  await c.login({ uid });
  return c;
}

async function raw(service: Service): Promise<RawSocket> {
  const ws = new WebSocket(service.url);
  sockets.push(ws);
  const r = new RawSocket(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return r;
}

interface Reply {
  status: number;
  type: string;
  body: string;
}

/** One HTTP(S) request to the service; resolves with the reply or rejects with the socket error. */
function request(service: Service, pathAndQuery: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const u = new URL(service.url);
  const secure = u.protocol === 'wss:';
  const mod = secure ? https : http;
  return new Promise<Reply>((resolve, reject) => {
    const req = mod.request(
      { host: u.hostname, port: u.port, path: pathAndQuery, method: opts.method ?? 'GET', headers: { connection: 'close', ...opts.headers }, ...(secure ? { rejectUnauthorized: false } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (r: Reply): unknown => JSON.parse(r.body);

/** Prometheus text → value of `name` with exactly `labels` (undefined when absent). */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const p of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) got[p[1]!] = p[2]!;
    if (JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(labels).sort())) return Number(m[3]);
  }
  return undefined;
}

async function scrape(service: Service): Promise<string> {
  const r = await request(service, '/metrics');
  expect(r.status).toBe(200);
  return r.body;
}

/** Polls /metrics until `name{labels}` equals `want` (metrics are updated as events happen, not at once for the client). */
async function expectMetric(service: Service, name: string, labels: Record<string, string>, want: number | undefined): Promise<void> {
  let last: number | undefined;
  const deadline = Date.now() + 3000;
  for (;;) {
    last = metric(await scrape(service), name, labels);
    if (last === want) return;
    if (Date.now() > deadline) break;
    await sleep(20);
  }
  expect([name, labels, last]).toEqual([name, labels, want]);
}

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-ops-'));
  dirs.push(d);
  return d;
}

afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.removeAllListeners();
    await Promise.race([c.logout().catch(() => undefined), sleep(500)]);
  }
  for (const s of sockets.splice(0)) s.close();
  for (const s of services.splice(0)) await s.shutdown();
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// ---- health and readiness -----------------------------------------------------------------------

describe('health and readiness', () => {
  test('/healthz and /readyz answer 200 with JSON while running', async () => {
    const { service } = await start();
    const h = await request(service, '/healthz');
    expect([h.status, h.type, json(h)]).toEqual([200, 'application/json', { status: 'ok' }]);
    const r = await request(service, '/readyz');
    expect([r.status, json(r)]).toEqual([200, { status: 'ready' }]);
    // Query strings do not change the route.
    expect((await request(service, '/readyz?probe=1')).status).toBe(200);
  });

  test('with a SQLite data dir the service starts, answers and stops', async () => {
    const dataDir = tempDir();
    const { service } = await start({ store: 'sqlite', 'data-dir': dataDir });
    expect((await request(service, '/readyz')).status).toBe(200);
    const alice = await login(service, 'alice');
    expect(await alice.sendMessageToPeer({ text: 'keep' }, 'nobody', { enableOfflineMessaging: true })).toEqual({ hasPeerReceived: false });
    expect(fs.existsSync(path.join(dataDir, 'sig2rtm.db'))).toBe(true);
  });
});

// ---- metrics ------------------------------------------------------------------------------------

describe('/metrics', () => {
  test('is Prometheus text with HELP and TYPE lines and the process metrics', async () => {
    const { service } = await start();
    const r = await request(service, '/metrics');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const [name, type] of [
      ['sig2rtm_connections', 'gauge'],
      ['sig2rtm_logins_total', 'counter'],
      ['sig2rtm_messages_total', 'counter'],
      ['sig2rtm_delivery_latency_seconds', 'histogram'],
      ['sig2rtm_rate_limited_total', 'counter'],
      ['sig2rtm_validation_rejections_total', 'counter'],
      ['sig2rtm_online_users', 'gauge'],
      ['sig2rtm_channels', 'gauge'],
    ]) {
      expect(r.body).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
      expect(r.body).toContain(`# TYPE ${name} ${type}\n`);
    }
    // Present (a number): its value is the CPU time since the registry was made, which can be 0 right after start.
    expect(metric(r.body, 'sig2rtm_process_cpu_user_seconds_total')).toEqual(expect.any(Number));
    expect(metric(r.body, 'sig2rtm_connections')).toBe(0);
    expect(metric(r.body, 'sig2rtm_online_users')).toBe(0);
    expect(metric(r.body, 'sig2rtm_channels')).toBe(0);
  });

  test('two services in one process keep their own numbers', async () => {
    const a = await start();
    const b = await start();
    await login(a.service, 'alice');
    await expectMetric(a.service, 'sig2rtm_logins_total', { app: APP_ID, result: 'ok' }, 1);
    expect(metric(await scrape(b.service), 'sig2rtm_logins_total', { app: APP_ID, result: 'ok' })).toBeUndefined();
    expect(metric(await scrape(b.service), 'sig2rtm_connections')).toBe(0);
  });

  test('move with traffic: connections, logins, messages, latency, rate limits, validation, users, channels', async () => {
    // Two sends per minute: the third is refused by the server.
    const { service } = await start({ app: [APP_ID], 'rate-send': '2/60000' });
    const alice = await login(service, 'alice');
    const bob = await login(service, 'bob');
    await expectMetric(service, 'sig2rtm_connections', {}, 2);
    await expectMetric(service, 'sig2rtm_logins_total', { app: APP_ID, result: 'ok' }, 2);
    await expectMetric(service, 'sig2rtm_online_users', {}, 2);

    // A refused login counts under its official code (INVALID_APP_ID = 4).
    const stranger = client(service, {}, APP_ID_2);
    await expect(stranger.login({ uid: 'eve' })).rejects.toMatchObject({ code: 4 });
    await expectMetric(service, 'sig2rtm_logins_total', { app: 'other', result: '4' }, 1);
    await expectMetric(service, 'sig2rtm_online_users', {}, 2);

    await bob.createChannel('room').join();
    await expectMetric(service, 'sig2rtm_channels', {}, 1);

    expect(await alice.sendMessageToPeer({ text: 'one' }, 'bob')).toEqual({ hasPeerReceived: true });
    expect(await alice.sendMessageToPeer({ text: 'two' }, 'bob')).toEqual({ hasPeerReceived: true });
    await expectMetric(service, 'sig2rtm_messages_total', { kind: 'peer', result: 'ok' }, 2);
    await expectMetric(service, 'sig2rtm_delivery_latency_seconds_count', { kind: 'peer' }, 2);
    const text = await scrape(service);
    expect(metric(text, 'sig2rtm_delivery_latency_seconds_sum', { kind: 'peer' })).toBeGreaterThanOrEqual(0);
    expect(metric(text, 'sig2rtm_delivery_latency_seconds_bucket', { kind: 'peer', le: '+Inf' })).toBe(2);

    await expect(alice.sendMessageToPeer({ text: 'three' }, 'bob')).rejects.toMatchObject({ code: 5 }); // PEER_MESSAGE_ERR_TOO_OFTEN
    await expectMetric(service, 'sig2rtm_rate_limited_total', { type: 'peer' }, 1);
    await expectMetric(service, 'sig2rtm_messages_total', { kind: 'peer', result: '5' }, 1);
    await expectMetric(service, 'sig2rtm_messages_total', { kind: 'peer', result: 'ok' }, 2);

    const garbage = await raw(service);
    garbage.send('this is not a frame {');
    await garbage.next((f) => f.t === 'error');
    await expectMetric(service, 'sig2rtm_validation_rejections_total', { kind: 'frame' }, 1);
    await expectMetric(service, 'sig2rtm_connections', {}, 3);
    garbage.close();
    await expectMetric(service, 'sig2rtm_connections', {}, 2);

    await bob.logout();
    await expectMetric(service, 'sig2rtm_online_users', {}, 1);
    await expectMetric(service, 'sig2rtm_channels', {}, 0);
    await expectMetric(service, 'sig2rtm_connections', {}, 1);
  });
});

// ---- admin API ----------------------------------------------------------------------------------

describe('admin API', () => {
  test('is off (404) when no admin token is configured, whatever the request carries', async () => {
    const { service } = await start();
    await login(service, 'alice');
    for (const [p, method] of [['/admin/users', 'GET'], ['/admin/channels', 'GET'], [`/admin/kick?appId=${APP_ID}&uid=alice`, 'POST']] as const) {
      expect((await request(service, p, { method })).status).toBe(404);
      expect((await request(service, p, { method, headers: bearer(ADMIN) })).status).toBe(404);
    }
    expect((await request(service, '/admin/users', { headers: bearer('') })).status).toBe(404);
    // Nobody was kicked.
    expect(service.server.core.onlineUsers().map((u) => u.uid)).toEqual(['alice']);
  });

  test('401 on a missing, wrong, same-length or unprefixed token', async () => {
    const { service } = await start({ 'admin-token': ADMIN });
    const sameLength = ADMIN.slice(0, -1) + (ADMIN.endsWith('9') ? '8' : '9');
    expect(sameLength).toHaveLength(ADMIN.length);
    const cases: Record<string, string>[] = [
      {},
      bearer('wrong'),
      bearer(sameLength),
      bearer(`${ADMIN}x`),
      bearer(ADMIN.slice(0, -1)),
      { authorization: ADMIN },
      { authorization: `Basic ${ADMIN}` },
      bearer(''),
    ];
    for (const headers of cases) {
      const r = await request(service, '/admin/users', { headers });
      expect([headers, r.status]).toEqual([headers, 401]);
    }
    const k = await request(service, `/admin/kick?appId=${APP_ID}&uid=alice`, { method: 'POST', headers: bearer(sameLength) });
    expect(k.status).toBe(401);
  });

  test('with the token: users with their channels, channels with member counts, per app', async () => {
    const { service } = await start({ 'admin-token': ADMIN, app: [APP_ID, APP_ID_2] });
    const alice = await login(service, 'alice');
    const bob = await login(service, 'bob');
    const other = await login(service, 'alice', APP_ID_2);
    await alice.createChannel('room').join();
    await alice.createChannel('lobby').join();
    await bob.createChannel('room').join();
    await other.createChannel('room').join();

    const users = await request(service, `/admin/users?appId=${APP_ID}`, { headers: bearer(ADMIN) });
    expect([users.status, users.type]).toEqual([200, 'application/json']);
    const list = (json(users) as { users: { appId: string; uid: string; presence: string; channels: string[] }[] }).users;
    const byUid = Object.fromEntries(list.map((u) => [u.uid, { ...u, channels: [...u.channels].sort() }]));
    expect(byUid).toEqual({
      alice: { appId: APP_ID, uid: 'alice', presence: 'ONLINE', channels: ['lobby', 'room'] },
      bob: { appId: APP_ID, uid: 'bob', presence: 'ONLINE', channels: ['room'] },
    });
    const all = (json(await request(service, '/admin/users', { headers: bearer(ADMIN) })) as { users: { appId: string; uid: string }[] }).users;
    expect(all.map((u) => `${u.appId}/${u.uid}`).sort()).toEqual([`${APP_ID}/alice`, `${APP_ID}/bob`, `${APP_ID_2}/alice`].sort());

    const channels = await request(service, `/admin/channels?appId=${APP_ID}`, { headers: bearer(ADMIN) });
    expect(channels.status).toBe(200);
    const counts = (json(channels) as { channels: { appId: string; channel: string; members: number }[] }).channels;
    expect([...counts].sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      { appId: APP_ID, channel: 'lobby', members: 1 },
      { appId: APP_ID, channel: 'room', members: 2 },
    ]);
    const allChannels = (json(await request(service, '/admin/channels', { headers: bearer(ADMIN) })) as { channels: unknown[] }).channels;
    expect(allChannels).toContainEqual({ appId: APP_ID_2, channel: 'room', members: 1 });
    expect(allChannels).toHaveLength(3);

    expect((await request(service, '/admin/nothing-here', { headers: bearer(ADMIN) })).status).toBe(404);
  });

  test('POST /admin/kick ends the session (ABORTED / BANNED_BY_SERVER); 404 for an unknown user; GET does not kick', async () => {
    const { service, logs } = await start({ 'admin-token': ADMIN });
    const alice = await login(service, 'alice');
    const bob = await login(service, 'bob');
    const room = alice.createChannel('room');
    await room.join();
    await bob.createChannel('room').join();

    // Not with GET, not without a uid.
    expect((await request(service, `/admin/kick?appId=${APP_ID}&uid=bob`, { headers: bearer(ADMIN) })).status).toBe(404);
    expect((await request(service, `/admin/kick?appId=${APP_ID}`, { method: 'POST', headers: bearer(ADMIN) })).status).toBe(400);
    expect((await request(service, `/admin/kick?uid=bob`, { method: 'POST', headers: bearer(ADMIN) })).status).toBe(400);
    expect(stateOf(bob)).toBe('CONNECTED');

    const aborted = waitForEvent<[string, string]>(bob, 'ConnectionStateChanged');
    const left = waitForEvent<[string]>(room, 'MemberLeft');
    const r = await request(service, `/admin/kick?appId=${APP_ID}&uid=bob`, { method: 'POST', headers: bearer(ADMIN) });
    expect([r.status, json(r)]).toEqual([200, { kicked: true }]);
    expect(await aborted).toEqual(['ABORTED', 'BANNED_BY_SERVER']);
    expect(await left).toEqual(['bob']);
    const users = (json(await request(service, `/admin/users?appId=${APP_ID}`, { headers: bearer(ADMIN) })) as { users: { uid: string }[] }).users;
    expect(users.map((u) => u.uid)).toEqual(['alice']);
    // A kicked client does not come back by itself.
    await sleep(200);
    expect(stateOf(bob)).toBe('ABORTED');
    expect(service.server.core.onlineUsers().map((u) => u.uid)).toEqual(['alice']);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'session ended', uid: 'bob', why: 'kicked' }));

    const again = await request(service, `/admin/kick?appId=${APP_ID}&uid=bob`, { method: 'POST', headers: bearer(ADMIN) });
    expect([again.status, json(again)]).toEqual([404, { kicked: false }]);
    const nobody = await request(service, `/admin/kick?appId=${APP_ID}&uid=nobody`, { method: 'POST', headers: bearer(ADMIN) });
    expect(nobody.status).toBe(404);
    // Another app's namesake is another user.
    expect((await request(service, `/admin/kick?appId=${APP_ID_2}&uid=alice`, { method: 'POST', headers: bearer(ADMIN) })).status).toBe(404);
    expect(stateOf(alice)).toBe('CONNECTED');
  });
});

// ---- logs ---------------------------------------------------------------------------------------

describe('structured logs', () => {
  test('JSON lines; login lines carry the connection id, refusals and bad input are warnings', async () => {
    const { service, logs } = await start();
    const listening = logs.find((l) => l.msg === 'listening');
    expect(listening).toMatchObject({ level: 30, name: 'sig2rtm', url: service.url, store: 'memory', apps: [APP_ID] });
    expect(typeof listening!.time).toBe('number');

    await login(service, 'alice');
    await login(service, 'bob');
    await expect(client(service, {}, APP_ID_2).login({ uid: 'eve' })).rejects.toMatchObject({ code: 4 });
    const garbage = await raw(service);
    garbage.send('{{{');
    await garbage.next((f) => f.t === 'error');
    await until(() => logs.some((l) => l.msg === 'invalid input'), 2000, 'invalid input log');

    const logins = logs.filter((l) => l.msg === 'login');
    expect(logins.map((l) => [l.uid, l.appId, l.result, l.level])).toEqual([
      ['alice', APP_ID, 'ok', 30],
      ['bob', APP_ID, 'ok', 30],
    ]);
    for (const l of logins) expect(Number.isInteger(l.conn)).toBe(true);
    expect(logins[0]!.conn).not.toBe(logins[1]!.conn);
    const refused = logs.find((l) => l.msg === 'login refused');
    expect(refused).toMatchObject({ level: 40, appId: APP_ID_2, uid: 'eve', code: 4 });
    expect(Number.isInteger(refused!.conn)).toBe(true);
    expect(refused!.conn).not.toBe(logins[0]!.conn);
    const invalid = logs.find((l) => l.msg === 'invalid input');
    expect(invalid).toMatchObject({ level: 40, kind: 'frame' });
    expect(Number.isInteger(invalid!.conn)).toBe(true);
    // Info level: the debug lines are not written.
    expect(logs.some((l) => l.msg === 'connection opened')).toBe(false);
    // Not in dev mode: no development warning.
    expect(logs.some((l) => /DEVELOPMENT/.test(String(l.msg)))).toBe(false);
  });

  test('the log level is honoured', async () => {
    const quiet = await start({ 'log-level': 'warn' });
    await login(quiet.service, 'alice');
    expect(quiet.logs.filter((l) => (l.level as number) < 40)).toEqual([]);
    const verbose = await start({ 'log-level': 'debug' });
    await login(verbose.service, 'alice');
    await until(() => verbose.logs.some((l) => l.msg === 'connection opened' && Number.isInteger(l.conn)), 2000, 'connection opened log');
  });

  test('dev mode logs a loud warning before anything else, and lets any appId in without a token', async () => {
    const { service, logs } = await start({ dev: true });
    expect(logs[0]).toMatchObject({ level: 40 });
    expect(String(logs[0]!.msg)).toMatch(/DEVELOPMENT MODE/);
    expect(String(logs[0]!.msg)).toMatch(/NOT checked/);
    await login(service, 'alice', APP_ID_2);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'login', appId: APP_ID_2, uid: 'alice' }));
  });
});

// ---- graceful shutdown --------------------------------------------------------------------------

/** A WebSocket that completes the handshake and then ignores everything, the close handshake included. */
async function deafSocket(service: Service): Promise<net.Socket> {
  const u = new URL(service.url);
  const sock = net.connect(Number(u.port), u.hostname);
  sockets.push({ close: () => sock.destroy() });
  let head = '';
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) resolve();
    });
    sock.write(
      `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
  });
  expect(head).toMatch(/^HTTP\/1\.1 101 /);
  return sock;
}

function refused(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'answered',
    (err: NodeJS.ErrnoException) => String(err.code),
  );
}

describe('graceful shutdown', () => {
  test('clients are told to reconnect (GOING_AWAY, 1012) and go to RECONNECTING; afterwards nothing is accepted', async () => {
    const { service, logs } = await start();
    const alice = await login(service, 'alice');
    const states = record(alice, ['ConnectionStateChanged']);
    const r = await raw(service);
    r.send({ t: 'login', rid: 1, v: 1, appId: APP_ID, uid: 'rawuser' });
    expect(await r.next((f) => f.t === 'res')).toMatchObject({ ok: true });

    const t0 = Date.now();
    await service.shutdown();
    // Everyone hung up promptly, so the shutdown did not wait for its bound (10 s by default).
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await r.next((f) => f.t === 'error')).toMatchObject({ code: 5 }); // ProtocolError.GOING_AWAY
    expect((await r.waitClosed()).code).toBe(1012);
    await until(() => states.length > 0, 2000, 'a state change');
    expect(states[0]!.args).toEqual(['RECONNECTING', 'INTERRUPTED']);
    expect(stateOf(alice)).toBe('RECONNECTING');

    // The port is closed: WebSocket and HTTP alike.
    const ws = new WebSocket(service.url);
    sockets.push(ws);
    expect(await refused(new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject))))).toBe('ECONNREFUSED');
    expect(await refused(request(service, '/healthz'))).toBe('ECONNREFUSED');
    // And the client keeps trying, without success, without errors.
    await sleep(150);
    expect(stateOf(alice)).toBe('RECONNECTING');
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: telling clients to reconnect', 'stopped']));
    // Shutting down twice is one shutdown.
    await service.shutdown();
  });

  test('while clients are leaving: /readyz is 503, new connections are refused, and a client that never hangs up is cut off at the bound', async () => {
    const bound = 1200;
    const { service } = await start({ 'shutdown-timeout-ms': String(bound) });
    const alice = await login(service, 'alice');
    const deaf = await deafSocket(service);
    let deafClosed = false;
    deaf.on('close', () => (deafClosed = true));
    expect((await request(service, '/readyz')).status).toBe(200);

    const t0 = Date.now();
    let done = 0;
    const stopping = service.shutdown().then(() => (done = Date.now()));
    await until(() => stateOf(alice) === 'RECONNECTING', 2000, 'alice RECONNECTING');

    // Draining: alive, not ready.
    const ready = await request(service, '/readyz');
    expect([ready.status, json(ready)]).toEqual([503, { status: 'not ready' }]);
    expect((await request(service, '/healthz')).status).toBe(200);
    // A new WebSocket is turned away at once (1001), and so are alice's reconnects.
    const late = await raw(service);
    expect((await late.waitClosed()).code).toBe(1001);
    await sleep(100);
    expect(stateOf(alice)).toBe('RECONNECTING');
    expect(service.server.core.onlineUsers().map((u) => u.uid)).toEqual(['alice']); // sessions are kept for a resume elsewhere
    expect(done).toBe(0);

    await stopping;
    const took = done - t0;
    expect(took).toBeGreaterThanOrEqual(bound - 50);
    expect(took).toBeLessThan(bound + 500);
    await until(() => deafClosed, 1000, 'the deaf socket closed');
    expect(await refused(request(service, '/readyz'))).toBe('ECONNREFUSED');
  });
});

// ---- TLS ----------------------------------------------------------------------------------------

describe('TLS', () => {
  let keyFile: string;
  let certFile: string;
  beforeAll(() => {
    const dir = tempDir();
    keyFile = path.join(dir, 'k.pem');
    certFile = path.join(dir, 'c.pem');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', keyFile, '-out', certFile], { stdio: 'pipe' });
    } catch (err) {
      // Never skipped: without openssl these tests fail (and so does CI).
      throw new Error(`openssl could not make a self-signed certificate (CI=${process.env.CI ?? ''}): ${(err as Error).message}`);
    }
  });

  /** `ws` that accepts the self-signed certificate. */
  class InsecureWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { rejectUnauthorized: false });
    }
  }
  const insecureTransport = webSocketTransport(InsecureWebSocket as unknown as WebSocketConstructor);

  test('serves wss:// and https://; a client that accepts the certificate logs in and messages flow', async () => {
    const { service } = await start({ 'tls-key': keyFile, 'tls-cert': certFile });
    expect(service.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/rtm$/);
    const h = await request(service, '/healthz');
    expect([h.status, json(h)]).toEqual([200, { status: 'ok' }]);

    const alice = client(service, { transport: insecureTransport });
    const bob = client(service, { transport: insecureTransport });
    await alice.login({ uid: 'alice' });
    await bob.login({ uid: 'bob' });
    const got = waitForEvent<[{ text: string }, string]>(bob, 'MessageFromPeer');
    expect(await alice.sendMessageToPeer({ text: 'over TLS' }, 'bob')).toEqual({ hasPeerReceived: true });
    const [msg, from] = await got;
    expect([msg.text, from]).toEqual(['over TLS', 'alice']);

    // Plain ws:// to the TLS port gets nowhere.
    const plain = client(service, { serverUrl: service.url.replace('wss:', 'ws:'), loginTimeoutMs: 800 });
    await expect(plain.login({ uid: 'carol' })).rejects.toBeDefined();
    // And a client that checks certificates refuses the self-signed one.
    const strict = client(service, { loginTimeoutMs: 800 });
    await expect(strict.login({ uid: 'dave' })).rejects.toBeDefined();
    expect(service.server.core.onlineUsers().map((u) => u.uid).sort()).toEqual(['alice', 'bob']);
  });
});
