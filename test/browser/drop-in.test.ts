/**
 * The served bundles dropped into real pages, in Chromium:
 * - on plain http from a host that is not localhost (an insecure context: no crypto.randomUUID),
 *   call invitations work, through AgoraRTM and through the legacy Signal;
 * - the legacy file's globals (LOGIN_STATE_*, SIGNALING_SDK_VERSION, Signal_) and
 *   `regeneratorRuntime` are defined, as the official files left them;
 * - under an AMD loader the bundles are UMD: `define` gets the export and no global is set; a
 *   bundle loaded that way has no script address to guess from, so without SIG2RTM_SERVER_URL
 *   createInstance fails at once with a console message saying what to set.
 * - a closed tab (Chromium closes its sockets with 1001) is offline at once for everyone.
 * Chromium maps *.sig2rtm.test to 127.0.0.1 (--host-resolver-rules).
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import AgoraRTM from '../../src/rtm';
import { Signal } from '../../src/legacy';
import { APP_ID, consoleErrors, launchBrowser, openTab, startServer, type Tab, type TestServer } from './helpers';

let server: TestServer;
let pages: http.Server;
let pageOrigin: string;
let sdkOrigin: string;
let browser: Browser;
const html = new Map<string, string>();

beforeAll(async () => {
  server = await startServer();
  pages = http.createServer((req, res) => {
    const body = html.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://app.sig2rtm.test:${(pages.address() as AddressInfo).port}`;
  sdkOrigin = `http://sdk.sig2rtm.test:${new URL(server.origin).port}`;
  browser = await launchBrowser(['--host-resolver-rules=MAP *.sig2rtm.test 127.0.0.1']);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => pages?.close(() => resolve()));
  await server?.close();
});

function page(path: string, head: string): string {
  html.set(path, `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>${path}</body></html>`);
  return `${pageOrigin}${path}`;
}

async function until(p: Page, fn: string, what: string): Promise<void> {
  try {
    await p.waitForFunction(fn, undefined, { timeout: 5000, polling: 20 });
  } catch {
    throw new Error(`${what}: ${fn} never became true; log: ${JSON.stringify(await p.evaluate('window.log'))}`);
  }
}

test('RTM invitations on a plain-http page of another host: no secure context needed; regeneratorRuntime is there', async () => {
  const url = page('/rtm', `<script src="${sdkOrigin}/sdk/agora-rtm-sdk.js"></script>`);
  const tabs: Tab[] = [await openTab(browser, url), await openTab(browser, url)];
  const [a, b] = tabs.map((t) => t.page) as [Page, Page];
  const env = await a.evaluate(() => ({
    secure: window.isSecureContext,
    randomUUID: typeof (crypto as { randomUUID?: unknown }).randomUUID,
    regenerator: typeof (window as unknown as { regeneratorRuntime?: { mark?: unknown } }).regeneratorRuntime?.mark,
  }));
  expect(env).toEqual({ secure: false, randomUUID: 'undefined', regenerator: 'function' });
  const login = (p: Page, uid: string) => p.evaluate(async ([appId, uid]) => {
    const w = window as unknown as Record<string, unknown> & { log: unknown[][] };
    w.log = [];
    const client = (w.AgoraRTM as { createInstance(a: string): { login(o: object): Promise<void>; on(e: string, f: (...a: never[]) => void): void } }).createInstance(appId);
    w.client = client;
    await client.login({ uid });
  }, [APP_ID, uid] as const);
  await login(a, 'alice');
  await login(b, 'bob');
  await b.evaluate(() => {
    const w = window as unknown as { client: { on(e: string, f: (inv: { accept(): void; callerId: string }) => void): void }; log: unknown[][] };
    w.client.on('RemoteInvitationReceived', (inv) => {
      w.log.push(['received', inv.callerId]);
      inv.accept();
    });
  });
  await a.evaluate(() => {
    const w = window as unknown as { client: { createLocalInvitation(p: string): { on(e: string, f: (r: string) => void): void; send(): void } }; log: unknown[][] };
    const inv = w.client.createLocalInvitation('bob');
    inv.on('LocalInvitationAccepted', (response) => w.log.push(['accepted', response]));
    inv.on('LocalInvitationFailure', (reason) => w.log.push(['failure', reason]));
    inv.send();
  });
  await until(a, "window.log.some((e) => e[0] === 'accepted')", 'alice hears the accept');
  expect(await b.evaluate('window.log')).toEqual([['received', 'alice']]);
  // Browser builds log as the official SDK does by default: RTM:INFO lines.
  expect(tabs[0]!.console).toContain('log: RTM:INFO connection state changed to CONNECTED, reason: LOGIN_SUCCESS');
  for (const t of tabs) expect([...consoleErrors(t), ...t.errors]).toEqual([]);
  await Promise.all(tabs.map((t) => t.page.close()));
});

test('legacy AgoraSig.js on a plain-http page of another host: its globals, and a call between two sessions', async () => {
  const url = page('/legacy', `<script src="${sdkOrigin}/sdk/AgoraSig.js"></script>`);
  const tabs: Tab[] = [await openTab(browser, url), await openTab(browser, url)];
  const [a, b] = tabs.map((t) => t.page) as [Page, Page];
  expect(await a.evaluate(`({
    states: [LOGIN_STATE_NOT_LOGIN, LOGIN_STATE_LOGINING, LOGIN_STATE_LOGINED, LOGIN_STATE_RECONNECTING],
    version: SIGNALING_SDK_VERSION, ctor: new Signal_('${APP_ID}').getSDKVersion(), signal: typeof Signal,
  })`)).toEqual({ states: [0, 1, 2, 3], version: '1.4.0', ctor: '1.4.0', signal: 'function' });
  // The app code of the legacy tutorials: handlers assigned after each call.
  const login = (p: Page, account: string) => p.evaluate(`(() => {
    window.log = [];
    const session = window.session = Signal('${APP_ID}').login('${account}', '_no_need_token');
    session.onLoginSuccess = () => log.push(['onLoginSuccess']);
    session.onInviteReceived = (call) => {
      log.push(['onInviteReceived', call.peer]);
      call.channelInviteAccept('');
    };
  })()`);
  await login(a, 'alice');
  await login(b, 'bob');
  await until(a, "log.some((e) => e[0] === 'onLoginSuccess')", 'alice logs in');
  await until(b, "log.some((e) => e[0] === 'onLoginSuccess')", 'bob logs in');
  await a.evaluate(`(() => {
    const call = session.channelInviteUser2('room', 'bob', '');
    call.onInviteAcceptedByPeer = () => log.push(['onInviteAcceptedByPeer']);
    call.onInviteFailed = (extra) => log.push(['onInviteFailed', extra]);
  })()`);
  await until(a, "log.some((e) => e[0] === 'onInviteAcceptedByPeer')", 'alice hears the accept');
  expect(await b.evaluate('log')).toEqual([['onLoginSuccess'], ['onInviteReceived', 'alice']]);
  for (const t of tabs) expect([...consoleErrors(t), ...t.errors]).toEqual([]);
  await Promise.all(tabs.map((t) => t.page.close()));
});

test('UMD under AMD: define gets AgoraRTM and Signal, no globals; without SIG2RTM_SERVER_URL createInstance fails at once', async () => {
  // A minimal AMD loader, as require.js provides: define(deps, factory) with define.amd set.
  const amd = `<script>window.amd = []; window.define = function (deps, factory) { amd.push(factory()); }; define.amd = {};</script>`;
  const url = page('/amd', `${amd}<script src="${sdkOrigin}/sdk/agora-rtm-sdk.js"></script><script src="${sdkOrigin}/sdk/AgoraSig.js"></script>`);
  const tab = await openTab(browser, url);
  const p = tab.page;
  expect(await p.evaluate(`({
    rtm: typeof amd[0].createInstance, version: amd[0].VERSION, signal: typeof amd[1],
    globals: [typeof window.AgoraRTM, typeof window.Signal, typeof window.LOGIN_STATE_LOGINED],
  })`)).toEqual({ rtm: 'function', version: '1.5.1', signal: 'function', globals: ['undefined', 'undefined', 'undefined'] });
  const failure = await p.evaluate(`(() => {
    try { amd[0].createInstance('${APP_ID}'); return 'created'; } catch (e) { return e.message; }
  })()`);
  expect(failure).toContain('SIG2RTM_SERVER_URL');
  expect(consoleErrors(tab).some((l) => l.includes('SIG2RTM_SERVER_URL'))).toBe(true);
  // The legacy web flavour never threw from login(): the app hears onLoginFailed(201).
  const loginFailed = await p.evaluate(`new Promise((resolve) => {
    const session = amd[1]('${APP_ID}').login('nobody', '_no_need_token');
    session.onLoginFailed = resolve;
  })`);
  expect(loginFailed).toBe(201);
  // With the address set, the same client logs in.
  const state = await p.evaluate(`(async () => {
    window.SIG2RTM_SERVER_URL = '${server.service.url}';
    const client = amd[0].createInstance('${APP_ID}');
    const states = [];
    client.on('ConnectionStateChanged', (s) => states.push(s));
    await client.login({ uid: 'amd-user' });
    return states;
  })()`);
  expect(state).toEqual(['CONNECTING', 'CONNECTED']);
  expect(tab.httpErrors).toEqual([]);
  await p.close();
});

test('a closed tab is offline at once: its user leaves the channel, and a _require_peer_online call fails with PEER_OFFLINE', async () => {
  const url = page('/closing', `<script src="${sdkOrigin}/sdk/AgoraSig.js"></script>`);
  const tab = await openTab(browser, url);
  await tab.page.evaluate(`(() => {
    window.log = [];
    const session = Signal('${APP_ID}').login('closer', '_no_need_token');
    session.onLoginSuccess = () => { window.channel = session.channelJoin('closing-room'); channel.onChannelJoined = () => log.push(['joined']); };
  })()`);
  await until(tab.page, "log.some((e) => e[0] === 'joined')", 'the tab joins');
  const watcher = AgoraRTM.createInstance(APP_ID, { serverUrl: server.service.url });
  await watcher.login({ uid: 'watcher' });
  const room = watcher.createChannel('closing-room');
  await room.join();
  const left = new Promise<string>((resolve) => room.on('MemberLeft', resolve));
  await tab.page.close();
  // The session waited 30 s for a resume before; now the member leaves at once.
  expect(await left).toBe('closer');
  const caller = Signal(APP_ID, { serverUrl: server.service.url }).login('caller', '_no_need_token');
  await new Promise<void>((resolve) => void (caller.onLoginSuccess = () => resolve()));
  const call = caller.channelInviteUser2('closing-room', 'closer', '{"_require_peer_online":1}');
  expect(await new Promise<string>((resolve) => void (call.onInviteFailed = resolve))).toBe('{"reason":"PEER_OFFLINE"}');
  caller.logout();
  await watcher.logout();
});
