/**
 * The legacy web SDK bundle, /sdk/AgoraSig.js, alone on a plain page of another origin, in
 * Chromium: a scripted legacy web program with two sessions (alice and bob) in one page. Every
 * handler call is recorded in the page with its arguments, and each session's calls are checked in
 * their exact order (legacy-signaling.md §4: Signal, Session, Channel, Call).
 */

import type { Browser, Page } from 'playwright-core';
import { crc32 } from 'node:zlib';
import type { Call, Channel, Session, SignalInstance } from '../../src/legacy';
import {
  APP_ID, consoleErrors, launchBrowser, openTab, startAppServer, startServer, type AppServer, type Tab, type TestServer,
} from './helpers';

/** What the test installs in the page (window.T). */
interface PageState {
  /** Every handler call: [who, name, ...args]. */
  log: unknown[][];
  rec(who: string, name: string): (...args: unknown[]) => void;
  attach(who: string, host: object, names: readonly string[], prefix?: string): void;
  s: Record<string, Session>;
  ch: Record<string, Channel>;
  calls: Record<string, Call>;
}
type SignalFn = (appId?: string) => SignalInstance;
// Globals of the page, for the functions that run there (page.evaluate).
declare const T: PageState;
declare const Signal: SignalFn;

const SESSION_HANDLERS = ['onLoginSuccess', 'onLoginFailed', 'onLogout', 'onMessageInstantReceive', 'onInviteReceived', 'onError'];
const CHANNEL_HANDLERS = [
  'onChannelJoined', 'onChannelJoinFailed', 'onChannelLeaved', 'onChannelUserList', 'onChannelUserJoined',
  'onChannelUserLeaved', 'onChannelAttrUpdated', 'onMessageChannelReceive',
];
const CALL_HANDLERS = [
  'onInviteReceivedByPeer', 'onInviteAcceptedByPeer', 'onInviteRefusedByPeer', 'onInviteFailed',
  'onInviteEndByPeer', 'onInviteEndByMyself', 'onInviteMsg',
];
const uidOf = (account: string): number => crc32(account) >>> 0;

let server: TestServer;
let app: AppServer;
let browser: Browser;
let tab: Tab;
let page: Page;

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

beforeEach(async () => {
  tab = await openTab(browser, app.pageFor(`${server.origin}/sdk/AgoraSig.js`));
  page = tab.page;
  await page.evaluate(() => {
    const log: unknown[][] = [];
    const state: PageState = {
      log,
      rec: (who, name) => (...args) => void log.push([who, name, ...args]),
      attach(who, host, names, prefix = '') {
        for (const n of names) (host as Record<string, unknown>)[n] = state.rec(who, prefix + n);
      },
      s: {},
      ch: {},
      calls: {},
    };
    (window as unknown as { T: PageState }).T = state;
  });
});

afterEach(async () => {
  if (!page) return; // set-up failed: that failure is the one to read
  // Log every session out (the server then ends them at once), and check the page stayed healthy.
  await page.evaluate(() => {
    // A handler first: without one, logout() while logged in does nothing (the 1.3/1.4 quirk, compat logoutWithoutHandler).
    for (const s of Object.values(T.s)) {
      if (s.getStatus() === 0) continue;
      s.onLogout ||= () => undefined;
      s.logout();
    }
  });
  await page.waitForFunction(() => Object.values(T.s).every((s) => s.getStatus() === 0));
  await page.waitForTimeout(50);
  await page.close();
  expect(tab.errors).toEqual([]);
  expect(tab.httpErrors).toEqual([]);
});

/** The handler calls of `who` so far: [name, ...args]. */
const entries = (who: string): Promise<unknown[][]> => page.evaluate((w) => T.log.filter((e) => e[0] === w).map((e) => e.slice(1)), who);
const clear = () => page.evaluate(() => void (T.log.length = 0));

/** Waits until `who` has had `name` (`count` times); fails with the page's log. */
async function waitFor(who: string, name: string, count = 1): Promise<void> {
  try {
    await page.waitForFunction(([w, n, c]) => T.log.filter((e) => e[0] === w && e[1] === n).length >= c, [who, name, count] as const);
  } catch {
    throw new Error(`${who}: no ${count} × ${name}; page log: ${JSON.stringify(await page.evaluate(() => T.log))}`);
  }
}

/** Logs `who` in; its Session handlers are set after login() returned. */
async function login(who: string): Promise<void> {
  await page.evaluate(
    ([w, appId, names]) => {
      const s = Signal(appId).login(w, '_no_need_token');
      T.s[w] = s;
      T.attach(w, s, names);
    },
    [who, APP_ID, SESSION_HANDLERS.filter((n) => n !== 'onInviteReceived')] as const,
  );
  await waitFor(who, 'onLoginSuccess');
}

test('Signal with and without new, getSDKVersion with no appId, channelJoin before login, handlers start as \'\'', async () => {
  const r = await page.evaluate(
    ([appId, names]) => {
      const w = window as unknown as Record<string, unknown>;
      const New = Signal as unknown as new (appId?: string) => SignalInstance;
      const plain = Signal(appId);
      const withNew = new New(appId);
      const s = plain.login('carol', '_no_need_token');
      T.s.carol = s;
      const status = s.getStatus();
      const handlers = names.map((n) => (s as unknown as Record<string, unknown>)[n]);
      const joined = s.channelJoin('room');
      // A login the server cannot accept: the handler set after login() returned still hears it.
      const bad = Signal(appId).login('bad account', '_no_need_token');
      T.s.bad = bad;
      T.attach('bad', bad, ['onLoginSuccess', 'onLoginFailed']);
      return {
        globals: [typeof w.Signal, typeof w.AgoraRTM],
        plain: [plain.appid, plain.getSDKVersion(), plain.getSDKVersion_int()],
        withNew: [withNew.appid, withNew.getSDKVersion(), withNew.getSDKVersion_int()],
        noAppId: new New().getSDKVersion(),
        status,
        handlers,
        joined: joined === undefined ? 'undefined' : typeof joined,
      };
    },
    [APP_ID, SESSION_HANDLERS] as const,
  );
  expect(r).toEqual({
    globals: ['function', 'undefined'],
    plain: [APP_ID, '1.4.0', 1010400000],
    withNew: [APP_ID, '1.4.0', 1010400000],
    noAppId: '1.4.0',
    status: 1,
    handlers: SESSION_HANDLERS.map(() => ''),
    joined: 'undefined',
  });
  expect(tab.console).toContain('log: You should log in first.');
  await waitFor('bad', 'onLoginFailed');
  expect(await entries('bad')).toEqual([['onLoginFailed', 209]]);
});

test('getStatus 1 → 2 → 0 around login and logout; onLoginSuccess(uid), onLogout(101)', async () => {
  await page.evaluate((appId) => {
    const s = Signal(appId).login('alice', '_no_need_token');
    T.s.alice = s;
    const statuses = [s.getStatus()];
    (window as unknown as { statuses: number[] }).statuses = statuses;
    s.onLoginSuccess = (uid) => {
      statuses.push(s.getStatus());
      T.rec('alice', 'onLoginSuccess')(uid);
    };
    s.onLogout = (ecode) => {
      statuses.push(s.getStatus());
      T.rec('alice', 'onLogout')(ecode);
    };
  }, APP_ID);
  await waitFor('alice', 'onLoginSuccess');
  expect(await page.evaluate(() => [T.s.alice!.uid, T.s.alice!.account])).toEqual([uidOf('alice'), 'alice']);
  await page.evaluate(() => T.s.alice!.logout());
  await waitFor('alice', 'onLogout');
  expect(await entries('alice')).toEqual([['onLoginSuccess', uidOf('alice')], ['onLogout', 101]]);
  expect(await page.evaluate(() => [(window as unknown as { statuses: number[] }).statuses, T.s.alice!.getStatus()])).toEqual([[1, 2, 0], 0]);
});

test('channel and messages: join order, members, echo, attributes, invoke, peer messages, leave', async () => {
  await login('bob');
  await login('alice');
  await clear();
  const A = uidOf('alice');
  const B = uidOf('bob');

  // Bob joins and sets an attribute.
  const fresh = await page.evaluate((names) => {
    const c = T.s.bob!.channelJoin('room')!;
    T.ch.bob = c;
    const initial = names.map((n) => (c as unknown as Record<string, unknown>)[n]);
    T.attach('bob', c, names);
    return [c.name, initial];
  }, CHANNEL_HANDLERS);
  expect(fresh).toEqual(['room', CHANNEL_HANDLERS.map(() => '')]);
  await waitFor('bob', 'onChannelUserList');
  await page.evaluate(() => T.ch.bob!.channelSetAttr('topic', 't0', T.rec('bob', 'setAttr.cb')));
  await waitFor('bob', 'setAttr.cb');
  expect(await entries('bob')).toEqual([
    ['onChannelJoined'],
    ['onChannelUserList', [['bob', B]]],
    ['onChannelAttrUpdated', 'topic', 't0', 'update'],
    ['setAttr.cb'],
  ]);
  await clear();

  // Alice joins a channel with a member and an attribute. Only onChannelJoined is set now; it sets
  // the others when it runs: handlers are read when they fire.
  await page.evaluate((names) => {
    const c = T.s.alice!.channelJoin('room')!;
    T.ch.alice = c;
    c.onChannelJoined = () => {
      T.rec('alice', 'onChannelJoined')();
      T.attach('alice', c, names.filter((n) => n !== 'onChannelJoined'));
    };
  }, CHANNEL_HANDLERS);
  await waitFor('alice', 'onChannelAttrUpdated');
  await waitFor('bob', 'onChannelUserJoined');
  expect(await entries('alice')).toEqual([
    ['onChannelJoined'],
    ['onChannelUserList', [['bob', B], ['alice', A]]],
    ['onChannelAttrUpdated', 'topic', 't0', 'update'],
  ]);
  expect(await entries('bob')).toEqual([['onChannelUserJoined', 'alice', A]]);
  expect(await page.evaluate(() => [T.ch.alice!.state, T.ch.bob!.state])).toEqual(['joined', 'joined']);
  await clear();

  // A channel message reaches its sender too.
  await page.evaluate(() => T.ch.alice!.messageChannelSend('hello room', T.rec('alice', 'send.cb')));
  await waitFor('alice', 'onMessageChannelReceive');
  await waitFor('bob', 'onMessageChannelReceive');
  expect(await entries('alice')).toEqual([['send.cb'], ['onMessageChannelReceive', 'alice', A, 'hello room']]);
  expect(await entries('bob')).toEqual([['onMessageChannelReceive', 'alice', A, 'hello room']]);
  await clear();

  // Attributes: cb() for the member who changed them, and every member hears the change.
  const steps: [string, unknown[]][] = [
    ['set', ['onChannelAttrUpdated', 'color', 'red', 'update']],
    ['del', ['onChannelAttrUpdated', 'color', '', 'del']],
    ['set2', ['onChannelAttrUpdated', 'size', 'L', 'update']],
    ['clear', ['onChannelAttrUpdated', '', '', 'clear']],
  ];
  for (const [step, expected] of steps) {
    await page.evaluate((st) => {
      const c = T.ch.bob!;
      const done = T.rec('bob', `${st}.cb`);
      if (st === 'set') c.channelSetAttr('color', 'red', done);
      else if (st === 'del') c.channelDelAttr('color', done);
      else if (st === 'set2') c.channelSetAttr('size', 'L', done);
      else c.channelClearAttr(done);
    }, step);
    await waitFor('bob', `${step}.cb`);
    await waitFor('alice', 'onChannelAttrUpdated');
    expect(await entries('alice')).toEqual([expected]);
    expect(await entries('bob')).toEqual([expected, [`${step}.cb`]]);
    await clear();
  }

  // invoke: io.agora.signal.* names only; anything else never calls back.
  await page.evaluate(() => {
    T.s.alice!.invoke('other.thing', { name: 'room' }, T.rec('alice', 'other.cb'));
    T.s.alice!.invoke('io.agora.signal.channel_query_num', { name: 'room' }, T.rec('alice', 'num.cb'));
  });
  await waitFor('alice', 'num.cb');
  expect(await entries('alice')).toEqual([['num.cb', '', { result: 'ok', num: 2 }]]);
  await clear();

  // Peer messages: cb(false) when sent, cb(true) to an invalid account; the peer gets uid 0. A
  // handler that throws is caught (console.error) and the next message still arrives.
  await page.evaluate(() => {
    T.s.bob!.onMessageInstantReceive = (account, uid, msg) => {
      T.rec('bob', 'onMessageInstantReceive')(account, uid, msg);
      if (msg === 'boom') throw new Error('app bug');
    };
    T.s.alice!.messageInstantSend('bob', 'boom', T.rec('alice', 'send1.cb'));
    T.s.alice!.messageInstantSend('bob', 'after boom', T.rec('alice', 'send2.cb'));
    T.s.alice!.messageInstantSend('x'.repeat(129), 'x', T.rec('alice', 'send3.cb')); // over the 128 characters of a legacy name
  });
  await waitFor('bob', 'onMessageInstantReceive', 2);
  await waitFor('alice', 'send2.cb');
  await waitFor('alice', 'send3.cb');
  expect(await entries('bob')).toEqual([['onMessageInstantReceive', 'alice', 0, 'boom'], ['onMessageInstantReceive', 'alice', 0, 'after boom']]);
  expect((await entries('alice')).sort()).toEqual([['send1.cb', false], ['send2.cb', false], ['send3.cb', true]]);
  expect(consoleErrors(tab).some((l) => l.includes('exception in onMessageInstantReceive') && l.includes('app bug'))).toBe(true);
  await page.evaluate(() => T.s.bob!.messageInstantSend('alice', 'back', T.rec('bob', 'send.cb')));
  await waitFor('alice', 'onMessageInstantReceive');
  await waitFor('bob', 'send.cb');
  expect((await entries('alice')).pop()).toEqual(['onMessageInstantReceive', 'bob', 0, 'back']);
  await clear();

  // channelLeave(cb): cb() and no onChannelLeaved; channelLeave(): onChannelLeaved(0).
  await page.evaluate(() => T.ch.bob!.channelLeave(T.rec('bob', 'leave.cb')));
  await waitFor('bob', 'leave.cb');
  await waitFor('alice', 'onChannelUserLeaved');
  expect(await page.evaluate(() => T.ch.bob!.state)).toBe('leaved');
  await page.evaluate(() => T.ch.alice!.channelLeave());
  await waitFor('alice', 'onChannelLeaved');
  expect(await entries('alice')).toEqual([['onChannelUserLeaved', 'bob', B], ['onChannelLeaved', 0]]);
  expect(await entries('bob')).toEqual([['leave.cb']]);
});

test('calls: every Call method and handler, in order', async () => {
  await login('alice');
  await login('bob');
  await clear();
  await page.evaluate((names) => {
    T.s.bob!.onInviteReceived = (call) => {
      const initial = names.filter((n) => (call as unknown as Record<string, unknown>)[n] !== '');
      T.rec('bob', 'onInviteReceived')({ channelName: call.channelName, peer: call.peer, extra: call.extra, setHandlers: initial });
      T.calls[`bob:${call.channelName}`] = call;
      T.attach('bob', call, names, `${call.channelName}.`);
    };
  }, CALL_HANDLERS);
  /** Alice calls; her Call's handlers are set after channelInviteUser2 returned (`throwing`: one that throws). */
  const invite = (channel: string, peer: string, extra: string, throwing = false) =>
    page.evaluate(
      ([ch, p, x, names, th]) => {
        const call = T.s.alice!.channelInviteUser2(ch, p, x);
        T.calls[`alice:${ch}`] = call;
        const initial = names.filter((n) => (call as unknown as Record<string, unknown>)[n] !== '');
        T.attach('alice', call, names, `${ch}.`);
        if (th) {
          call.onInviteReceivedByPeer = (e) => {
            T.rec('alice', `${ch}.onInviteReceivedByPeer`)(e);
            throw new Error('app bug in a call handler');
          };
        }
        return [call.channelName, call.peer, call.extra, initial];
      },
      [channel, peer, extra, CALL_HANDLERS, throwing] as const,
    );

  // 1. Accepted; a DTMF message; ended by the callee (onInviteEndByMyself once channelInviteEnd
  //    has returned, like every web callback). Alice's onInviteReceivedByPeer throws: caught, and the later handlers still fire.
  expect(await invite('c1', 'bob', '{"k":1}', true)).toEqual(['c1', 'bob', '{"k":1}', []]);
  await waitFor('bob', 'onInviteReceived');
  await waitFor('alice', 'c1.onInviteReceivedByPeer');
  await page.evaluate(() => T.calls['bob:c1']!.channelInviteAccept('{"ok":1}'));
  await waitFor('alice', 'c1.onInviteAcceptedByPeer');
  await page.evaluate(() => T.calls['bob:c1']!.channelInviteDTMF('12#'));
  await waitFor('alice', 'c1.onInviteMsg');
  await page.evaluate(() => {
    T.calls['bob:c1']!.channelInviteEnd('bye');
    T.rec('bob', 'channelInviteEnd returned')();
  });
  await waitFor('alice', 'c1.onInviteEndByPeer');
  await waitFor('bob', 'c1.onInviteEndByMyself');
  expect(await entries('alice')).toEqual([
    ['c1.onInviteReceivedByPeer', ''],
    ['c1.onInviteAcceptedByPeer', '{"ok":1}'],
    ['c1.onInviteMsg', '{"msgtype":"dtmf","msgdata":"12#"}'],
    ['c1.onInviteEndByPeer', 'bye'],
  ]);
  expect(await entries('bob')).toEqual([
    ['onInviteReceived', { channelName: 'c1', peer: 'alice', extra: '{"k":1}', setHandlers: [] }],
    ['channelInviteEnd returned'],
    ['c1.onInviteEndByMyself', ''],
  ]);
  expect(consoleErrors(tab).some((l) => l.includes('exception in onInviteReceivedByPeer') && l.includes('app bug in a call handler'))).toBe(true);
  await clear();

  // 2. Refused, with the refuse extra.
  await invite('c2', 'bob', 'x');
  await waitFor('bob', 'onInviteReceived');
  await page.evaluate(() => T.calls['bob:c2']!.channelInviteRefuse('{"status":0}'));
  await waitFor('alice', 'c2.onInviteRefusedByPeer');
  expect(await entries('alice')).toEqual([['c2.onInviteReceivedByPeer', ''], ['c2.onInviteRefusedByPeer', '{"status":0}']]);
  await clear();

  // 3. Ended by the caller while it rings.
  await invite('c3', 'bob', 'y');
  await waitFor('alice', 'c3.onInviteReceivedByPeer');
  await page.evaluate(() => {
    T.calls['alice:c3']!.channelInviteEnd('stop');
    T.rec('alice', 'channelInviteEnd returned')();
  });
  await waitFor('bob', 'c3.onInviteEndByPeer');
  await waitFor('alice', 'c3.onInviteEndByMyself');
  expect(await entries('alice')).toEqual([['c3.onInviteReceivedByPeer', ''], ['channelInviteEnd returned'], ['c3.onInviteEndByMyself', '']]);
  expect(await entries('bob')).toEqual([
    ['onInviteReceived', { channelName: 'c3', peer: 'alice', extra: 'y', setHandlers: [] }],
    ['c3.onInviteEndByPeer', 'stop'],
  ]);
  await clear();

  // 4. Accepted, then ended by the caller.
  await invite('c4', 'bob', 'z');
  await waitFor('bob', 'onInviteReceived');
  await page.evaluate(() => T.calls['bob:c4']!.channelInviteAccept(''));
  await waitFor('alice', 'c4.onInviteAcceptedByPeer');
  await page.evaluate(() => T.calls['alice:c4']!.channelInviteEnd('done'));
  await waitFor('bob', 'c4.onInviteEndByPeer');
  await waitFor('alice', 'c4.onInviteEndByMyself');
  expect(await entries('alice')).toEqual([['c4.onInviteReceivedByPeer', ''], ['c4.onInviteAcceptedByPeer', ''], ['c4.onInviteEndByMyself', '']]);
  expect((await entries('bob')).pop()).toEqual(['c4.onInviteEndByPeer', 'done']);
  await clear();

  // 5. Failed: the peer is offline and the extra asks for an online peer.
  await invite('c5', 'nobody', '{"_require_peer_online":1}');
  await waitFor('alice', 'c5.onInviteFailed');
  expect(await entries('alice')).toEqual([['c5.onInviteFailed', '{"reason":"PEER_OFFLINE"}']]);
  expect(await entries('bob')).toEqual([]);
});
