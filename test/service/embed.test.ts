/**
 * sig2rtm embedded in an app's own server, as the README shows it (examples/embed-http.ts and
 * examples/embed-express.ts): the app's routes still answer, sig2rtm's routes and WebSocket
 * endpoint work on the same port, other WebSocket paths stay the app's, options are checked like
 * a configuration file, and shutdown tells clients to reconnect.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import AgoraRTM, { type RtmClient } from '../../src/rtm';
import { ConfigError, createServer, createSig2rtm } from '../../src/server';
import { start as startHttp } from '../../examples/embed-http';
import { start as startExpress } from '../../examples/embed-express';
import { APP_ID, APP_ID_2, until, waitForEvent } from '../helpers/harness';

const clients: RtmClient[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.removeAllListeners();
    await c.logout().catch(() => undefined);
  }
  for (const close of closers.splice(0)) await close();
});

function get(port: number, path: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { connection: 'close', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      })
      .on('error', reject);
  });
}

function client(port: number, appId = APP_ID): RtmClient {
  const c = AgoraRTM.createInstance(appId, { serverUrl: `ws://127.0.0.1:${port}/rtm`, reconnect: { minMs: 20, maxMs: 100 } });
  clients.push(c);
  return c;
}

/** Two users exchange a peer message through the embedded server. */
async function exchange(port: number): Promise<void> {
  const alice = client(port);
  const bob = client(port);
  await alice.login({ uid: 'alice' });
  await bob.login({ uid: 'bob' });
  const got = waitForEvent<[{ text: string }, string]>(bob, 'MessageFromPeer');
  await alice.sendMessageToPeer({ text: 'hi bob' }, 'bob');
  const [msg, from] = await got;
  expect([msg.text, from]).toEqual(['hi bob', 'alice']);
}

describe('plain Node http (examples/embed-http.ts)', () => {
  test("the app's routes, sig2rtm's routes and /rtm share one port", async () => {
    const { server, close } = await startHttp(0);
    closers.push(close);
    const { port } = server.address() as AddressInfo;
    expect(await get(port, '/hello')).toMatchObject({ status: 200, body: 'hello from the app\n' });
    expect(await get(port, '/nothing-here')).toMatchObject({ status: 404 });
    expect(await get(port, '/healthz')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    expect(await get(port, '/readyz')).toMatchObject({ status: 200 });
    expect((await get(port, '/sdk/AgoraSig.js')).status).toBe(200);
    // The demo is off unless asked for.
    expect((await get(port, '/')).status).toBe(404);
    await exchange(port);
    const metrics = await get(port, '/metrics');
    expect(metrics.body).toMatch(new RegExp(`^sig2rtm_logins_total\\{app="${APP_ID}",result="ok"\\} 2$`, 'm'));
    // The registry holds: another appId is refused.
    await expect(client(port, APP_ID_2).login({ uid: 'eve' })).rejects.toMatchObject({ code: 4 });
  });

  test("a WebSocket server of the app's own on another path keeps working beside /rtm", async () => {
    const rtm = await createSig2rtm({ dev: true, store: 'memory', logLevel: 'silent' });
    const server = http.createServer((req, res) => rtm.handler(req, res));
    const theirs = new WebSocketServer({ noServer: true });
    theirs.on('connection', (ws) => ws.on('message', (d: Buffer) => ws.send(`echo ${d.toString()}`)));
    server.on('upgrade', (req, socket, head) => {
      if (req.url === '/chat') theirs.handleUpgrade(req, socket, head, (ws) => theirs.emit('connection', ws, req));
    });
    rtm.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      await rtm.shutdown();
      theirs.close();
      await new Promise((resolve) => server.close(resolve));
    });
    const { port } = server.address() as AddressInfo;
    // Without a next(), an unknown route is sig2rtm's 404.
    expect((await get(port, '/hello')).status).toBe(404);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat`);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('ping');
    const echo = await new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
    expect(echo).toBe('echo ping');
    ws.close();
    await exchange(port);
  });
});

describe('Express (examples/embed-express.ts)', () => {
  test('routes under a prefix, admin behind its token, /rtm on the server Express listens with', async () => {
    const { server, close } = await startExpress(0);
    closers.push(close);
    const { port } = server.address() as AddressInfo;
    expect(await get(port, '/hello')).toMatchObject({ status: 200, body: 'hello from the app\n' });
    expect(await get(port, '/rtm-ops/healthz')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    expect((await get(port, '/rtm-ops/metrics')).body).toContain('# TYPE sig2rtm_connections gauge');
    const sdk = await get(port, '/rtm-ops/sdk/AgoraSig.js', { 'accept-encoding': 'gzip' });
    expect([sdk.status, sdk.headers['content-encoding'], sdk.headers.etag]).toEqual([200, 'gzip', expect.stringMatching(/^".+"$/)]);
    expect((await get(port, '/rtm-ops/sdk/AgoraSig.js', { 'if-none-match': sdk.headers.etag! })).status).toBe(304);
    // Express's own 404 for what neither answers.
    expect((await get(port, '/rtm-ops/nothing')).status).toBe(404);
    await exchange(port);
    expect((await get(port, '/rtm-ops/admin/users')).status).toBe(401);
    const users = await get(port, `/rtm-ops/admin/users?appId=${APP_ID}`, { authorization: 'Bearer change-me-admin-token' });
    expect((JSON.parse(users.body) as { users: { uid: string }[] }).users.map((u) => u.uid).sort()).toEqual(['alice', 'bob']);
  });

  test('shutdown tells connected clients to reconnect and /readyz turns 503 first', async () => {
    const { server, rtm, close } = await startExpress(0);
    const { port } = server.address() as AddressInfo;
    const alice = client(port);
    await alice.login({ uid: 'alice' });
    const states: string[] = [];
    alice.on('ConnectionStateChanged', (s: string) => states.push(s));
    const stopping = rtm.shutdown();
    expect((await get(port, '/rtm-ops/readyz')).status).toBe(503);
    await until(() => states.includes('RECONNECTING'), 3000, 'RECONNECTING');
    await stopping;
    await close();
  });
});

describe('options are checked like a configuration file', () => {
  test.each([
    ['an app given as a string', { apps: { [APP_ID]: 'certificate' } }, /^createSig2rtm options: apps: /],
    ['dev as a string', { dev: 'yes' }, /^createSig2rtm options: dev: must be true or false/],
    ['an unknown option', { dev: true, prot: 1 }, /unknown option prot/],
    ['a port (the app listens)', { dev: true, port: 8080 }, /port: not used when sig2rtm is embedded/],
    ['no app and no dev', {}, /no app configured/],
  ])('%s', async (_what, options, message) => {
    const err = await createSig2rtm(options as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('the demo: only in development mode or with demo: true', () => {
  async function serve(options: Parameters<typeof createSig2rtm>[0]): Promise<number> {
    const rtm = await createSig2rtm({ store: 'memory', logLevel: 'silent', ...options });
    const server = http.createServer((req, res) => rtm.handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      await rtm.shutdown();
      await new Promise((resolve) => server.close(resolve));
    });
    return (server.address() as AddressInfo).port;
  }

  test.each([
    ['dev', { dev: true }, 200],
    ['dev, demo off', { dev: true, demo: false }, 404],
    ['apps only', { apps: { [APP_ID]: {} } }, 404],
    ['apps and demo on', { apps: { [APP_ID]: {} }, demo: true }, 200],
  ] as const)('%s: / answers %i, and /favicon.ico with it', async (_what, options, status) => {
    const port = await serve(options);
    const page = await get(port, '/');
    expect(page.status).toBe(status);
    const icon = await get(port, '/favicon.ico');
    expect(icon.status).toBe(status);
    if (status === 200) {
      expect(page.body).toContain('<html');
      expect(icon.headers['content-type']).toBe('image/svg+xml');
    }
    // The SDK is served either way.
    expect((await get(port, '/sdk/agora-rtm-sdk.js')).status).toBe(200);
  });
});

test('createServer({ server }) says how to attach to an existing server instead of ignoring it', async () => {
  const existing = http.createServer();
  await expect(createServer({ server: existing } as never)).rejects.toThrow(/createSig2rtm\(options\); rtm\.attach\(server\)/);
});
