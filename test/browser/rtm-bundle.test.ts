/**
 * The RTM SDK bundle, /sdk/agora-rtm-sdk.js, alone on a plain page of another origin, in Chromium:
 * `AgoraRTM.createInstance(appId)` with no serverUrl reaches the server that served the script, and
 * an RTM page and a legacy page (AgoraSig.js) talk to each other: peer messages both ways, one
 * channel. RTM errors have the SDK's names and codes.
 */

import type { Browser, Page } from 'playwright-core';
import { crc32 } from 'node:zlib';
import type { Channel, Session, SignalInstance } from '../../src/legacy';
import type { RtmChannel, RtmClient } from '../../src/rtm';
import {
  APP_ID, consoleErrors, launchBrowser, openTab, startAppServer, startServer, type AppServer, type Tab, type TestServer,
} from './helpers';

/** What the RTM page keeps (window.R). */
interface RtmPage {
  log: unknown[][];
  client: RtmClient;
  channel?: RtmChannel;
}
/** What the legacy page keeps (window.L). */
interface LegacyPage {
  log: unknown[][];
  session: Session;
  channel?: Channel;
}
interface AgoraRTMGlobal {
  VERSION: string;
  createInstance(appId: string, config?: object): RtmClient;
}
// Globals of the pages, for the functions that run there (page.evaluate).
declare const R: RtmPage;
declare const L: LegacyPage;
declare const AgoraRTM: AgoraRTMGlobal;
declare const Signal: (appId?: string) => SignalInstance;

let server: TestServer;
let app: AppServer;
let browser: Browser;
const tabs: Tab[] = [];

beforeAll(async () => {
  server = await startServer();
  app = await startAppServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await server?.close();
});

async function waitIn(page: Page, global: 'R' | 'L', name: string, what: (e: unknown[]) => boolean = () => true): Promise<unknown[]> {
  const find = (log: unknown[][]) => log.find((e) => e[0] === name && what(e));
  const found = async () => find(await page.evaluate((g) => (window as unknown as Record<string, { log: unknown[][] }>)[g]!.log, global));
  const deadline = Date.now() + 5000;
  for (;;) {
    const e = await found();
    if (e) return e.slice(1);
    if (Date.now() > deadline) {
      throw new Error(`${global}: no ${name}; log: ${JSON.stringify(await page.evaluate((g) => (window as unknown as Record<string, { log: unknown[][] }>)[g]!.log, global))}`);
    }
    await page.waitForTimeout(20);
  }
}

test('AgoraRTM from the bundle: VERSION, default server, messages and a channel with a legacy page, error names and codes', async () => {
  const sdk = `${server.origin}/sdk/agora-rtm-sdk.js`;
  const rt = await openTab(browser, app.pageFor(sdk));
  const lt = await openTab(browser, app.pageFor(`${server.origin}/sdk/AgoraSig.js`));
  tabs.push(rt, lt);
  const rp = rt.page;
  const lp = lt.page;

  // The RTM page: only agora-rtm-sdk.js, served by sig2rtm to a page of another origin.
  const info = await rp.evaluate(() => ({
    origin: location.origin,
    scripts: Array.from(document.scripts, (s) => s.src),
    version: AgoraRTM.VERSION,
    signal: typeof (window as unknown as { Signal?: unknown }).Signal,
  }));
  expect(info).toEqual({ origin: app.origin, scripts: [sdk], version: '1.5.1', signal: 'undefined' });
  expect(new URL(app.origin).host).not.toBe(new URL(server.origin).host);

  // No serverUrl: the client connects to the server that served the script.
  const loggedIn = await rp.evaluate(async (appId) => {
    const log: unknown[][] = [];
    const client = AgoraRTM.createInstance(appId);
    (window as unknown as { R: RtmPage }).R = { log, client };
    client.on('MessageFromPeer', (msg, peerId) => void log.push(['MessageFromPeer', msg.text, msg.messageType, peerId]));
    client.on('ConnectionStateChanged', (state, reason) => void log.push(['ConnectionStateChanged', state, reason]));
    await client.login({ uid: 'rtm-user' });
    return log;
  }, APP_ID);
  // The app's own origin has no /rtm: this is the script's server.
  expect(loggedIn).toEqual([['ConnectionStateChanged', 'CONNECTING', 'LOGIN'], ['ConnectionStateChanged', 'CONNECTED', 'LOGIN_SUCCESS']]);

  // The legacy page logs in (Signal, from AgoraSig.js alone).
  await lp.evaluate((appId) => {
    const log: unknown[][] = [];
    const rec = (name: string) => (...args: unknown[]) => void log.push([name, ...args]);
    const session = Signal(appId).login('legacy-user', '_no_need_token');
    (window as unknown as { L: LegacyPage }).L = { log, session };
    session.onLoginSuccess = rec('onLoginSuccess');
    session.onLoginFailed = rec('onLoginFailed');
    session.onMessageInstantReceive = rec('onMessageInstantReceive');
    session.onLogout = rec('onLogout');
  }, APP_ID);
  await waitIn(lp, 'L', 'onLoginSuccess');

  // Legacy → RTM.
  await lp.evaluate(() => L.session.messageInstantSend('rtm-user', 'from legacy', (failed) => void L.log.push(['send.cb', failed])));
  expect(await waitIn(rp, 'R', 'MessageFromPeer')).toEqual(['from legacy', 'TEXT', 'legacy-user']);
  expect(await waitIn(lp, 'L', 'send.cb')).toEqual([false]);

  // RTM → legacy (uid 0 on web).
  const sent = await rp.evaluate(() => R.client.sendMessageToPeer({ text: 'from rtm' }, 'legacy-user'));
  expect(sent).toEqual({ hasPeerReceived: true });
  expect(await waitIn(lp, 'L', 'onMessageInstantReceive')).toEqual(['rtm-user', 0, 'from rtm']);
  // Presence across the two APIs.
  expect(await rp.evaluate(() => R.client.queryPeersOnlineStatus(['legacy-user', 'nobody']))).toEqual({ 'legacy-user': true, nobody: false });

  // One channel: RTM joins first, then the legacy page.
  await rp.evaluate(async () => {
    const ch = R.client.createChannel('mixed');
    R.channel = ch;
    ch.on('MemberJoined', (id) => void R.log.push(['MemberJoined', id]));
    ch.on('MemberLeft', (id) => void R.log.push(['MemberLeft', id]));
    ch.on('ChannelMessage', (msg, from) => void R.log.push(['ChannelMessage', msg.text, from]));
    await ch.join();
  });
  await lp.evaluate(() => {
    const c = L.session.channelJoin('mixed')!;
    L.channel = c;
    const rec = (name: string) => (...args: unknown[]) => void L.log.push([name, ...args]);
    c.onChannelJoined = rec('onChannelJoined');
    c.onChannelUserList = rec('onChannelUserList');
    c.onChannelUserLeaved = rec('onChannelUserLeaved');
    c.onMessageChannelReceive = rec('onMessageChannelReceive');
  });
  const [list] = (await waitIn(lp, 'L', 'onChannelUserList')) as [[string, number][]];
  expect([...list].sort()).toEqual([['legacy-user', crc32('legacy-user') >>> 0], ['rtm-user', crc32('rtm-user') >>> 0]].sort());
  expect(await waitIn(rp, 'R', 'MemberJoined')).toEqual(['legacy-user']);
  expect((await rp.evaluate(() => R.channel!.getMembers())).sort()).toEqual(['legacy-user', 'rtm-user']);

  await rp.evaluate(() => R.channel!.sendMessage({ text: 'rtm says' }));
  expect(await waitIn(lp, 'L', 'onMessageChannelReceive', (e) => e[1] === 'rtm-user')).toEqual(['rtm-user', crc32('rtm-user') >>> 0, 'rtm says']);
  await lp.evaluate(() => L.channel!.messageChannelSend('legacy says', () => void L.log.push(['channelSend.cb'])));
  expect(await waitIn(rp, 'R', 'ChannelMessage')).toEqual(['legacy says', 'legacy-user']);
  await waitIn(lp, 'L', 'channelSend.cb');

  await rp.evaluate(() => R.channel!.leave());
  expect(await waitIn(lp, 'L', 'onChannelUserLeaved')).toEqual(['rtm-user', crc32('rtm-user') >>> 0]);

  // RTM errors: the SDK's class names and codes, as real Errors.
  const errors = await rp.evaluate(async () => {
    const caught = async (run: () => unknown) => {
      try {
        await run();
        return 'resolved';
      } catch (e) {
        const err = e as { name: string; code: number; message: string };
        return { name: err.name, code: err.code, isError: e instanceof Error, message: err.message };
      }
    };
    return {
      invalidPeer: await caught(() => R.client.sendMessageToPeer({ text: 'x' }, '')),
      badAppId: await caught(() => AgoraRTM.createInstance('not-an-app-id')),
    };
  });
  expect(errors.invalidPeer).toMatchObject({ name: 'RtmInvalidArgumentError', code: 6, isError: true });
  expect(errors.invalidPeer).toHaveProperty('message', expect.stringMatching(/^Error Code 6 - /));
  expect(errors.badAppId).toMatchObject({ name: 'RtmInvalidArgumentError', code: 1, isError: true });

  // Both log out.
  await rp.evaluate(() => R.client.logout());
  await lp.evaluate(() => L.session.logout());
  expect(await waitIn(lp, 'L', 'onLogout')).toEqual([101]);
  expect(await waitIn(rp, 'R', 'ConnectionStateChanged', (e) => e[1] === 'DISCONNECTED')).toEqual(['DISCONNECTED', 'LOGOUT']);
  for (const t of tabs) {
    expect(t.errors).toEqual([]);
    expect(t.httpErrors).toEqual([]);
    expect(consoleErrors(t)).toEqual([]);
  }
  expect(await lp.evaluate(() => L.log.filter((e) => e[0] === 'onLoginFailed'))).toEqual([]);
});
