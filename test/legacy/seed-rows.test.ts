/**
 * Every row of the two seed documents (src/mapping/seeds.ts, SEED_ROWS) has a test here, named
 * exactly after the row's id, that drives the legacy native API (AgoraAPI) against a real server and
 * asserts the exact callbacks each instance received, with their arguments and ecodes.
 *
 * The behaviour lives in SCENARIOS, keyed by what a row is about (`scenarioKey`): section plus the
 * legacy names of its Signaling cell, or section plus its text when the Signaling cell is N/A. Rows
 * of the two documents about the same thing share a scenario. After a scenario, every instance must
 * have had all its callbacks accounted for, and every legacy name the row lists must have been
 * called or received (so `login`/`login2` rows exercise both).
 *
 * N/A rows (RTM-only features) are tested the way they work through the legacy API: on the
 * RtmClient under the legacy instance (`getRtmClient()`), same login, with the effect checked on the
 * legacy side.
 */

import { RtmTokenBuilder as RtmTokenBuilder006 } from 'agora-token/src/RtmTokenBuilder';
import SignalingToken from 'agora-token/src/SignalingToken';
import { AgoraAPI, AgoraAPIOnlySignal } from '../../src/legacy';
import { SEED_ROWS, type SeedRow } from '../../src/mapping/seeds';
import { SEED_NAME_ALIASES } from '../../src/mapping/rows';
import type { RemoteInvitation } from '../../src/rtm';
import { ManualClock } from '../../src/rtm-core/clock';
import { CutProxy } from '../helpers/cut-proxy';
import { APP_ID, Harness, sleep, until, waitForEvent } from '../helpers/harness';
import { APP_ID as CERT_APP_ID, CERT, OTHER_CERT } from '../unit/auth/fixtures';
import { Scene, eventually, stableUid, unique, type Entry, type LegacyUser } from './helpers/seed-scene';

// ---- servers: one plain (development mode), one with an App Certificate on a ManualClock ----------

const dev = new Harness();
const cert = new Harness();
let clock: ManualClock;
/** Presence silence out of the way while the certificate server's clock jumps ahead. */
const QUIET = { unreachableAfterMs: 1e8, offlineAfterMs: 1e8, loginWithinMs: 1e8 };

beforeAll(async () => {
  await dev.start();
  clock = new ManualClock(Date.now());
  await cert.start({ clock, apps: { [CERT_APP_ID]: { certificate: CERT } }, timings: QUIET });
});
afterAll(async () => {
  await dev.stop();
  await cert.stop();
});

const envs = {
  dev: { appId: APP_ID, url: () => dev.server.url },
  cert: { appId: CERT_APP_ID, url: () => cert.server.url },
};

/** Seconds on the certificate server's clock. */
const serverSec = () => Math.floor(clock.now() / 1000);
/** 006 token whose login privilege ends at `expSec` (server time). */
const t006 = (account: string, expSec: number) => RtmTokenBuilder006.buildToken(CERT_APP_ID, CERT, account, 1, expSec);
/** Legacy Signaling token (`1:appId:expiry:md5`) valid for `seconds` from now (negative: expired). */
const legacyToken = (account: string, seconds = 86_400, certificate = CERT) => SignalingToken.get(CERT_APP_ID, certificate, account, seconds);
/** Moves the certificate server's clock to `ms`, then lets what it pushed arrive. */
async function advanceTo(ms: number): Promise<void> {
  clock.advance(ms - clock.now());
  await sleep(60);
}

// ---- small steps shared by scenarios -------------------------------------------------------------

/** The next callback of `u` is onChannelUserList with exactly `members`, uids matching accounts. */
async function userList(u: LegacyUser, members: LegacyUser[]): Promise<void> {
  const [e] = await u.rec.take(1);
  const [name, accounts, uids] = e as [string, string[], number[]];
  expect(name).toBe('onChannelUserList');
  expect([...accounts].sort()).toEqual(members.map((m) => m.account).sort());
  expect(uids).toEqual(accounts.map(stableUid));
}

/** `u` joins `ch` where `members` are: onChannelJoined, onChannelUserList; members get onChannelUserJoined. */
async function join(u: LegacyUser, ch: string, members: LegacyUser[] = [], api = u.raw): Promise<void> {
  api.channelJoin(ch);
  await u.expect(['onChannelJoined', ch]);
  await userList(u, [...members, u]);
  for (const m of members) await m.expect(['onChannelUserJoined', u.account, u.uid]);
}

/** `a` calls `b` on `ch`: b gets onInviteReceived, a gets onInviteReceivedByPeer. */
async function ring(a: LegacyUser, b: LegacyUser, ch: string, extra = '', api = a.raw): Promise<void> {
  api.channelInviteUser2(ch, b.account, extra);
  await b.expect(['onInviteReceived', ch, a.account, a.uid, extra]);
  await a.expect(['onInviteReceivedByPeer', ch, b.account, b.uid]);
}

/** `b` accepts `a`'s call: a gets onInviteAcceptedByPeer with the extra. */
async function accept(a: LegacyUser, b: LegacyUser, ch: string, extra = '', api = b.raw): Promise<void> {
  api.channelInviteAccept(ch, a.account, 0, extra);
  await a.expect(['onInviteAcceptedByPeer', ch, b.account, b.uid, extra]);
}

/** onUserAttrAllResult(account, json) next, with the JSON equal to `attrs`. */
async function allAttrs(u: LegacyUser, account: string, attrs: Record<string, string>): Promise<void> {
  const [e] = await u.rec.take(1);
  const [name, who, json] = e as [string, string, string];
  expect([name, who]).toEqual(['onUserAttrAllResult', account]);
  expect(JSON.parse(json)).toEqual(attrs);
}

/** Waits until the server holds exactly `attrs` as `u`'s attributes (setAttr has no result callback). */
async function stored(u: LegacyUser, attrs: Record<string, string>, where: 'account' | 'login' = 'account'): Promise<void> {
  // Legacy attributes belong to the account (protocol legacy/1); with compat userAttributes 'instance' they are the login's RTM ones.
  const read = () => (where === 'account' ? u.rtm().sig2rtm.getAccountAttributes(u.account) : u.rtm().getUserAttributes(u.account));
  await eventually(async () => expect(await read()).toEqual(attrs));
}

/** onInvokeRet(callID, err, resp) next, with resp's JSON equal to `resp`. */
async function invokeRet(u: LegacyUser, callID: string, err: string, resp: Record<string, unknown>): Promise<Record<string, unknown>> {
  const [e] = await u.rec.take(1);
  const [name, id, error, json] = e as [string, string, string, string];
  expect([name, id, error]).toEqual(['onInvokeRet', callID, err]);
  const parsed = JSON.parse(json) as Record<string, unknown>;
  expect(parsed).toEqual(resp);
  return parsed;
}

/** The code of the error `fn` throws synchronously. */
function syncErrorCode(fn: () => void): number | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: number }).code;
  }
  throw new Error('expected a synchronous error');
}

const notLoggedIn = (name: string): Entry => ['onError', name, 1003, expect.any(String)];
const wrongParam = (name: string): Entry => ['onError', name, 1004, expect.any(String)];

// ---- scenarios -------------------------------------------------------------------------------------

type Scenario = (s: Scene) => Promise<void>;

const instances: Scenario = async (s) => {
  const single = s.instance('single', { singleton: true });
  // getInstance: one per appId, whatever the options of later calls; AgoraAPIOnlySignal is the same class
  expect(AgoraAPI.getInstance(APP_ID, { serverUrl: 'ws://127.0.0.1:1/rtm' })).toBe(single.raw);
  expect(AgoraAPIOnlySignal.getInstance(APP_ID)).toBe(single.raw);
  // createAgoraSDKInstance: a new one every time
  const x = s.instance('x');
  const y = s.instance('y');
  expect(x.raw).not.toBe(y.raw);
  expect(x.raw).not.toBe(single.raw);
  // each is its own login on the same server
  for (const u of [single, x, y]) u.api.login2(u.appId, u.account, '_no_need_token', 0, '', 5, 1);
  for (const u of [single, x, y]) await u.expect(['onLoginSuccess', u.uid, 0]);
  x.api.logout();
  await x.expect(['onLogout', 101]);
  expect([single.api.getStatus(), x.api.getStatus(), y.api.getStatus()]).toEqual([2, 0, 2]);
  y.api.queryUserStatus(single.account);
  await y.expect(['onQueryUserStatusResult', single.account, '1']);
  // a destroyed singleton frees its place: the next getInstance is a new instance
  single.api.destroy();
  await single.expect(['onLogout', 101]);
  await until(() => single.raw.getRtmClient() === undefined);
  const next = s.instance('next', { singleton: true });
  expect(next.raw).not.toBe(single.raw);
  expect(next.api.getStatus()).toBe(0);
};

const callbackSet: Scenario = async (s) => {
  const peer = await s.online('peer');
  const u = s.instance('u');
  u.api.callbackSet(u.rec.cb);
  expect(u.api.callbackGet()).toBe(u.rec.cb);
  u.api.login2(u.appId, u.account, '_no_need_token', 0, '', 5, 1);
  await u.expect(['onLoginSuccess', u.uid, 0]);
  // another callback object (Android style: subclass the adapter) gets everything from now on
  const seen: Entry[] = [];
  class Mine extends AgoraAPI.CallBack {
    override onMessageInstantReceive(account: string, uid: number, msg: string): void {
      seen.push(['onMessageInstantReceive', account, uid, msg]);
    }
  }
  const mine = new Mine();
  u.api.callbackSet(mine);
  expect(u.api.callbackGet()).toBe(mine);
  peer.raw.messageInstantSend(u.account, 0, 'to mine', 'p1');
  await peer.expect(['onMessageSendSuccess', 'p1']);
  await until(() => seen.length === 1);
  expect(seen).toEqual([['onMessageInstantReceive', peer.account, 0, 'to mine']]);
  // no callback object: nothing is delivered, nothing breaks
  u.api.callbackSet(null);
  expect(u.api.callbackGet()).toBeUndefined();
  peer.raw.messageInstantSend(u.account, 0, 'to nobody', 'p2');
  await peer.expect(['onMessageSendSuccess', 'p2']);
  // and back: only what arrives from now on
  u.api.callbackSet(u.rec.cb);
  peer.raw.messageInstantSend(u.account, 0, 'back', 'p3');
  await peer.expect(['onMessageSendSuccess', 'p3']);
  await u.expect(['onMessageInstantReceive', peer.account, 0, 'back']);
  expect(seen).toHaveLength(1);
};

const login: Scenario = async (s) => {
  const a = s.instance('a');
  const b = s.instance('b');
  a.api.login(a.appId, a.account, '_no_need_token', 0, '');
  b.api.login2(b.appId, b.account, '_no_need_token', 0, '', 30, 3);
  await a.expect(['onLoginSuccess', a.uid, 0]);
  await b.expect(['onLoginSuccess', b.uid, 0]);
  b.api.queryUserStatus(a.account);
  await b.expect(['onQueryUserStatusResult', a.account, '1']);
  a.api.queryUserStatus(b.account);
  await a.expect(['onQueryUserStatusResult', b.account, '1']);
  // login while logged in is ignored: no callback, same session
  a.api.login(a.appId, unique('other'), '_no_need_token', 0, '');
  a.api.login2(a.appId, a.account, '_no_need_token', 0, '', 5, 1);
  expect(a.api.getStatus()).toBe(2);
  b.api.queryUserStatus(a.account);
  await b.expect(['onQueryUserStatusResult', a.account, '1']);
};

const logout: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  a.api.logout();
  expect(a.api.getStatus()).toBe(0);
  await a.expect(['onLogout', 101]);
  b.raw.queryUserStatus(a.account);
  await b.expect(['onQueryUserStatusResult', a.account, '0']);
  // already logged out
  a.api.logout();
  await a.expect(['onLogout', 108]);
  // cancelling a login in progress is silent
  a.raw.login2(a.appId, a.account, '_no_need_token', 0, '', 5, 1);
  a.api.logout();
  expect(a.api.getStatus()).toBe(0);
  // logout and login again at once: allowed (legacy), the login waits for RTM's login interval
  a.raw.login(a.appId, a.account, '_no_need_token', 0, '');
  await a.expect(['onLoginSuccess', a.uid, 0]);
  a.api.logout();
  a.raw.login(a.appId, a.account, '_no_need_token', 0, '');
  await a.expect(['onLogout', 101], ['onLoginSuccess', a.uid, 0]);
  b.raw.queryUserStatus(a.account);
  await b.expect(['onQueryUserStatusResult', a.account, '1']);
};

const getStatus: Scenario = async (s) => {
  const a = s.instance('a');
  expect(a.api.getStatus()).toBe(0);
  a.raw.login2(a.appId, a.account, '_no_need_token', 0, '', 5, 1);
  expect(a.api.getStatus()).toBe(1);
  await a.expect(['onLoginSuccess', a.uid, 0]);
  expect(a.api.getStatus()).toBe(2);
  expect(a.api.isOnline()).toBe(true);
  a.raw.logout();
  expect(a.api.getStatus()).toBe(0);
  await a.expect(['onLogout', 101]);
  expect(a.api.getStatus()).toBe(0);
  expect(a.api.isOnline()).toBe(false);
  // a failed login goes 1 → 0
  const f = s.instance('f', { env: 'cert' });
  f.raw.login2(f.appId, f.account, 'not-a-token', 0, '', 5, 1);
  expect(f.api.getStatus()).toBe(1);
  await f.expect(['onLoginFailed', 206]);
  expect(f.api.getStatus()).toBe(0);
};

const destroy: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  a.api.destroy();
  // destroy logs out first, then lets go of the RtmClient
  await a.expect(['onLogout', 101]);
  await until(() => a.raw.getRtmClient() === undefined);
  expect(a.api.getStatus()).toBe(0);
  b.raw.queryUserStatus(a.account);
  await b.expect(['onQueryUserStatusResult', a.account, '0']);
  // an instance that never logged in is destroyed silently
  const idle = s.instance('idle');
  idle.api.destroy();
  await sleep(20);
  expect(idle.api.getStatus()).toBe(0);
};

const loginSuccess: Scenario = async (s) => {
  const a = s.instance('a');
  a.api.login2(a.appId, a.account, '_no_need_token', 0, '', 5, 1);
  // uid: a stable number per account (compat uids 'stable'), fd 0
  await a.expect(['onLoginSuccess', stableUid(a.account), 0]);
  expect(a.uid).not.toBe(0);
  a.raw.logout();
  await a.expect(['onLogout', 101]);
  // the same account on another instance: the same number
  const again = s.instance('again', { account: a.account });
  again.raw.login(again.appId, again.account, '_no_need_token', 0, '');
  await again.expect(['onLoginSuccess', a.uid, 0]);
  // compat uids 'zero': 0, as the native docs say
  const z = s.instance('z', { compat: { uids: 'zero' } });
  z.raw.login(z.appId, z.account, '_no_need_token', 0, '');
  await z.expect(['onLoginSuccess', 0, 0]);
};

const loginFailed: Scenario = async (s) => {
  const cases: [string, (account: string) => string, number][] = [
    ['signed with another certificate', (acc) => legacyToken(acc, 3600, OTHER_CERT), 206],
    ['garbage', () => 'not-a-token', 206],
    ['_no_need_token against a certificate', () => '_no_need_token', 206],
    ['an 006 token of another account', () => t006('someoneelse', serverSec() + 3600), 206],
    ['an expired legacy token', (acc) => legacyToken(acc, -60), 204],
  ];
  const tries = cases.map(([tag, token, ecode]) => {
    const u = s.instance(tag.replace(/\W/g, ''), { env: 'cert' });
    u.api.login2(u.appId, u.account, token(u.account), 0, '', 5, 1);
    return { u, ecode };
  });
  for (const { u, ecode } of tries) {
    await u.expect(['onLoginFailed', ecode]);
    expect(u.api.getStatus()).toBe(0);
  }
  // an invalid account fails at once (209)
  const bad = s.instance('bad', { env: 'cert', account: 'has space' });
  bad.api.login(bad.appId, bad.account, legacyToken('has space'), 0, '');
  await bad.expect(['onLoginFailed', 209]);
  // while a valid legacy token logs in
  await s.online('ok', { env: 'cert', token: (acc) => legacyToken(acc) });
};

const onLogout: Scenario = async (s) => {
  const a = await s.online('a');
  a.api.logout();
  await a.expect(['onLogout', 101]);
  a.api.logout();
  await a.expect(['onLogout', 108]);
  // the same account logging in elsewhere kicks this session: 103
  const b = await s.online('b');
  await s.online('b2', { account: b.account });
  await b.expect(['onLogout', 103]);
  expect(b.api.getStatus()).toBe(0);
};

/** After onReconnecting(1): onReconnecting(2), (3), … (one per further attempt), then exactly `last`. */
async function reconnectingUntil(u: LegacyUser, last: Entry): Promise<void> {
  for (let n = 2; ; n++) {
    const [e] = await u.rec.take(1);
    if (e![0] === last[0]) {
      expect(e).toEqual(last);
      return;
    }
    expect(e).toEqual(['onReconnecting', n]);
  }
}

const connectionState: Scenario = async (s) => {
  const proxy = await new CutProxy(dev.server.port).start();
  s.defer(() => proxy.stop());
  const a = await s.online('a', { serverUrl: proxy.url() });
  const b = await s.online('b');
  const states: [string, string][] = [];
  a.rtm().on('ConnectionStateChanged', (state, reason) => states.push([state, reason]));
  proxy.down = true;
  proxy.cut();
  await until(() => a.api.getStatus() === 3, 3000, 'getStatus 3');
  await a.expect(['onReconnecting', 1]);
  expect(states).toEqual([['RECONNECTING', 'INTERRUPTED']]);
  proxy.down = false;
  // one onReconnecting per attempt (1, 2, …) until one gets through
  await reconnectingUntil(a, ['onReconnected', 0]);
  expect(a.api.getStatus()).toBe(2);
  expect(states).toEqual([
    ['RECONNECTING', 'INTERRUPTED'],
    ['CONNECTED', 'LOGIN_SUCCESS'],
  ]);
  // the same session goes on
  b.raw.messageInstantSend(a.account, 0, 'still there?', 'q1');
  await b.expect(['onMessageSendSuccess', 'q1']);
  await a.expect(['onMessageInstantReceive', b.account, 0, 'still there?']);
};

const peerCreateMessage: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const rtm = a.rtm();
  const msg = rtm.createMessage({ text: 'made with createMessage', messageType: 'TEXT' });
  expect(await rtm.sendMessageToPeer(msg, b.account)).toEqual({ hasPeerReceived: true });
  await b.expect(['onMessageInstantReceive', a.account, 0, 'made with createMessage']);
  // the legacy side of that login answers as usual
  b.raw.messageInstantSend(a.account, 0, 'reply', 'r1');
  await b.expect(['onMessageSendSuccess', 'r1']);
  await a.expect(['onMessageInstantReceive', b.account, 0, 'reply']);
};

const instantSend: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  a.api.messageInstantSend(b.account, 0, 'hello', 'm1');
  await a.expect(['onMessageSendSuccess', 'm1']);
  await b.expect(['onMessageInstantReceive', a.account, 0, 'hello']);
  // msgID "": the SDK makes one and reports it
  a.api.messageInstantSend(b.account, 0, 'second', '');
  await a.expect(['onMessageSendSuccess', expect.stringMatching(/^\d+$/)]);
  await b.expect(['onMessageInstantReceive', a.account, 0, 'second']);
};

const peerSendSuccess: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  a.api.messageInstantSend(b.account, 0, 'x', 'ok1');
  await a.expect(['onMessageSendSuccess', 'ok1']);
  await b.expect(['onMessageInstantReceive', a.account, 0, 'x']);
  // success means "the server has it" (legacy; compat sendSuccess 'server'): an offline account too
  a.api.messageInstantSend(unique('nobody'), 0, 'to nobody', 'ok2');
  await a.expect(['onMessageSendSuccess', 'ok2']);
};

const peerSendError: Scenario = async (s) => {
  const a = await s.online('a');
  // an account nobody can have (legacy names have at most 128 characters)
  a.api.messageInstantSend('x'.repeat(129), 0, 'x', 'e1');
  await a.expect(['onMessageSendError', 'e1', 400]);
  // compat sendSuccess 'peer' (RTM): a peer that did not receive it is a failure
  const p = await s.online('p', { compat: { sendSuccess: 'peer' } });
  p.api.messageInstantSend(unique('nobody'), 0, 'x', 'e2');
  await p.expect(['onMessageSendError', 'e2', 400]);
  // before login: onError, as for every call
  const off = s.instance('off');
  off.api.messageInstantSend(p.account, 0, 'x', 'e3');
  await off.expect(notLoggedIn('send_instant_msg'));
};

const instantReceive: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const texts = ['one', 'héllo 👋 — ünïcode', '{"json":[1,2,3]}'];
  texts.forEach((t, i) => a.raw.messageInstantSend(b.account, 0, t, `r${i}`));
  await a.expect(...texts.map((_t, i): Entry => ['onMessageSendSuccess', `r${i}`]));
  // in order, uid 0 (as the legacy SDKs passed)
  await b.expect(...texts.map((t): Entry => ['onMessageInstantReceive', a.account, 0, t]));
};

const queryUserStatus: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  a.api.queryUserStatus(b.account);
  await a.expect(['onQueryUserStatusResult', b.account, '1']);
  const ghost = unique('ghost');
  a.api.queryUserStatus(ghost);
  await a.expect(['onQueryUserStatusResult', ghost, '0']);
  b.raw.logout();
  await b.expect(['onLogout', 101]);
  a.api.queryUserStatus(b.account);
  await a.expect(['onQueryUserStatusResult', b.account, '0']);
};

const setAttr: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  // a set has no result callback: read it back
  a.api.setAttr('color', 'red');
  await stored(a, { color: 'red' });
  a.raw.getAttr('color');
  await a.expect(['onUserAttrResult', a.account, 'color', 'red']);
  b.raw.getUserAttr(a.account, 'color');
  await b.expect(['onUserAttrResult', a.account, 'color', 'red']);
  // an empty value deletes it
  a.api.setAttr('color', '');
  await stored(a, {});
  a.raw.getAttr('color');
  await a.expect(['onUserAttrResult', a.account, 'color', '']);
  // the instance keeps its attributes across logins (compat userAttributes 'instance')
  a.api.setAttr('size', 'L');
  await stored(a, { size: 'L' });
  a.raw.getAttrAll();
  await allAttrs(a, a.account, { size: 'L' });
  a.raw.logout();
  await a.expect(['onLogout', 101]);
  a.raw.login(a.appId, a.account, '_no_need_token', 0, '');
  await a.expect(['onLoginSuccess', a.uid, 0]);
  await stored(a, { size: 'L' });
  b.raw.getUserAttrAll(a.account);
  await allAttrs(b, a.account, { size: 'L' });
};

const getAttr: Scenario = async (s) => {
  const a = await s.online('a');
  a.raw.setAttr('a', '1');
  a.raw.setAttr('b', 'two');
  await stored(a, { a: '1', b: 'two' });
  a.api.getAttr('a');
  await a.expect(['onUserAttrResult', a.account, 'a', '1']);
  a.api.getAttr('b');
  await a.expect(['onUserAttrResult', a.account, 'b', 'two']);
  a.api.getAttr('missing');
  await a.expect(['onUserAttrResult', a.account, 'missing', '']);
};

const getAttrAll: Scenario = async (s) => {
  const a = await s.online('a');
  a.api.getAttrAll();
  await allAttrs(a, a.account, {});
  a.raw.setAttr('a', '1');
  a.raw.setAttr('b', 'two');
  await stored(a, { a: '1', b: 'two' });
  a.api.getAttrAll();
  await allAttrs(a, a.account, { a: '1', b: 'two' });
};

const getUserAttrAll: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  a.raw.setAttr('mood', 'happy');
  a.raw.setAttr('level', '7');
  await stored(a, { mood: 'happy', level: '7' });
  a.raw.getAttrAll();
  await allAttrs(a, a.account, { mood: 'happy', level: '7' });
  b.api.getUserAttrAll(a.account);
  await allAttrs(b, a.account, { mood: 'happy', level: '7' });
  // a user who is not online has none
  const ghost = unique('ghost');
  b.api.getUserAttrAll(ghost);
  await allAttrs(b, ghost, {});
};

const userAttrResult: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  a.raw.setAttr('k', 'v');
  await stored(a, { k: 'v' });
  a.raw.getAttr('k');
  await a.expect(['onUserAttrResult', a.account, 'k', 'v']);
  a.raw.getAttrAll();
  await allAttrs(a, a.account, { k: 'v' });
  b.raw.getUserAttr(a.account, 'k');
  await b.expect(['onUserAttrResult', a.account, 'k', 'v']);
  b.raw.getUserAttrAll(a.account);
  await allAttrs(b, a.account, { k: 'v' });
};

const replaceUserAttrs: Scenario = async (s) => {
  // RTM's own user-attribute calls act on the login's RTM attributes: the legacy API reads those with compat userAttributes 'instance'.
  const a = await s.online('a', { compat: { userAttributes: 'instance' } });
  const b = await s.online('b', { compat: { userAttributes: 'instance' } });
  a.raw.setAttr('old', 'x');
  await stored(a, { old: 'x' }, 'login');
  a.raw.getAttr('old');
  await a.expect(['onUserAttrResult', a.account, 'old', 'x']);
  await a.rtm().setLocalUserAttributes({ fresh: '1', other: '2' });
  a.raw.getAttrAll();
  await allAttrs(a, a.account, { fresh: '1', other: '2' });
  b.raw.getUserAttrAll(a.account);
  await allAttrs(b, a.account, { fresh: '1', other: '2' });
};

const deleteUserAttrs: Scenario = async (s) => {
  // RTM's own user-attribute calls act on the login's RTM attributes: the legacy API reads those with compat userAttributes 'instance'.
  const a = await s.online('a', { compat: { userAttributes: 'instance' } });
  a.raw.setAttr('a', '1');
  a.raw.setAttr('b', '2');
  await stored(a, { a: '1', b: '2' }, 'login');
  a.raw.getAttrAll();
  await allAttrs(a, a.account, { a: '1', b: '2' });
  await a.rtm().deleteLocalUserAttributesByKeys(['a']);
  a.raw.getAttr('a');
  await a.expect(['onUserAttrResult', a.account, 'a', '']);
  a.raw.getAttrAll();
  await allAttrs(a, a.account, { b: '2' });
};

const clearUserAttrs: Scenario = async (s) => {
  // RTM's own user-attribute calls act on the login's RTM attributes: the legacy API reads those with compat userAttributes 'instance'.
  const a = await s.online('a', { compat: { userAttributes: 'instance' } });
  const b = await s.online('b', { compat: { userAttributes: 'instance' } });
  a.raw.setAttr('a', '1');
  a.raw.setAttr('b', '2');
  await stored(a, { a: '1', b: '2' }, 'login');
  a.raw.getAttrAll();
  await allAttrs(a, a.account, { a: '1', b: '2' });
  await a.rtm().clearLocalUserAttributes();
  a.raw.getAttrAll();
  await allAttrs(a, a.account, {});
  b.raw.getUserAttrAll(a.account);
  await allAttrs(b, a.account, {});
};

const createChannel: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('room');
  await join(b, ch);
  const channel = a.rtm().createChannel(ch);
  await channel.join();
  await b.expect(['onChannelUserJoined', a.account, a.uid]);
  // both legacy sides see the membership
  b.raw.channelQueryUserIsIn(ch, a.account);
  await b.expect(['onChannelQueryUserIsIn', ch, a.account, 1]);
  a.raw.channelQueryUserIsIn(ch, a.account);
  await a.expect(['onChannelQueryUserIsIn', ch, a.account, 1]);
  await channel.sendMessage({ text: 'from the RtmChannel' });
  await b.expect(['onMessageChannelReceive', ch, a.account, a.uid, 'from the RtmChannel']);
  await channel.leave();
  await b.expect(['onChannelUserLeaved', a.account, a.uid]);
};

const channelJoin: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('room');
  a.api.channelJoin(ch);
  await a.expect(['onChannelJoined', ch], ['onChannelUserList', [a.account], [a.uid]]);
  b.api.channelJoin(ch);
  await b.expect(['onChannelJoined', ch]);
  await userList(b, [a, b]);
  await a.expect(['onChannelUserJoined', b.account, b.uid]);
  // one channel at a time (compat maxChannels 1): joining another leaves this one
  const ch2 = unique('other');
  b.api.channelJoin(ch2);
  await b.expect(['onChannelLeaved', ch, 0], ['onChannelJoined', ch2], ['onChannelUserList', [b.account], [b.uid]]);
  await a.expect(['onChannelUserLeaved', b.account, b.uid]);
};

const channelLeave: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  a.api.channelLeave(ch);
  await a.expect(['onChannelLeaved', ch, 0]);
  await b.expect(['onChannelUserLeaved', a.account, a.uid]);
  // not in it (any more)
  a.api.channelLeave(ch);
  await a.expect(['onChannelLeaved', ch, 600]);
  a.raw.messageChannelSend(ch, 'after leaving', 'l1');
  await a.expect(['onMessageSendError', 'l1', 400]);
};

const channelJoined: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('room');
  // a channel with an attribute (set from outside): after joining, it is replayed as 'update'
  b.raw.channelSetAttr(ch, 'topic', 'news');
  await eventually(async () => expect(await b.rtm().getChannelAttributes(ch)).toHaveProperty('topic'));
  a.api.channelJoin(ch);
  await a.expect(['onChannelJoined', ch], ['onChannelUserList', [a.account], [a.uid]], ['onChannelAttrUpdated', ch, 'topic', 'news', 'update']);
  // compat replayAttributesOnJoin false: no replay
  const c = await s.online('c', { compat: { replayAttributesOnJoin: false } });
  c.api.channelJoin(ch);
  await c.expect(['onChannelJoined', ch]);
  await userList(c, [a, c]);
  await a.expect(['onChannelUserJoined', c.account, c.uid]);
  // an attribute set while the join is still being reported (here by the joiner, as soon as it has
  // the user list): each change is reported once
  const d = await s.online('d');
  const ch2 = unique('room');
  d.rec.once('onChannelUserList', () => d.raw.channelSetAttr(ch2, 'k', 'v'));
  d.api.channelJoin(ch2);
  await d.expect(['onChannelJoined', ch2], ['onChannelUserList', [d.account], [d.uid]], ['onChannelAttrUpdated', ch2, 'k', 'v', 'update']);
  d.raw.channelSetAttr(ch2, 'k2', 'v2');
  await d.expect(['onChannelAttrUpdated', ch2, 'k2', 'v2', 'update']);
};

const channelJoinFailed: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  // a name RTM refuses ('/' is outside its ID characters)
  a.api.channelJoin('bad channel');
  await a.expect(['onChannelJoinFailed', 'bad channel', 300]);
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  // joining the same channel again fails, and the membership stays
  a.api.channelJoin(ch);
  await a.expect(['onChannelJoinFailed', ch, 300]);
  b.raw.messageChannelSend(ch, 'still here', 'j1');
  await b.expect(['onMessageSendSuccess', 'j1'], ['onMessageChannelReceive', ch, b.account, b.uid, 'still here']);
  await a.expect(['onMessageChannelReceive', ch, b.account, b.uid, 'still here']);
  // before login: onError
  const off = s.instance('off');
  off.api.channelJoin(ch);
  await off.expect(notLoggedIn('channel_join'));
};

const channelUserJoined: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const c = await s.online('c');
  const ch = unique('room');
  await join(a, ch);
  b.raw.channelJoin(ch);
  await b.expect(['onChannelJoined', ch]);
  await userList(b, [a, b]);
  await a.expect(['onChannelUserJoined', b.account, b.uid]);
  c.raw.channelJoin(ch);
  await c.expect(['onChannelJoined', ch]);
  await userList(c, [a, b, c]);
  await a.expect(['onChannelUserJoined', c.account, c.uid]);
  await b.expect(['onChannelUserJoined', c.account, c.uid]);
};

const channelUserLeaved: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const c = await s.online('c');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  await join(c, ch, [a, b]);
  b.raw.channelLeave(ch);
  await b.expect(['onChannelLeaved', ch, 0]);
  await a.expect(['onChannelUserLeaved', b.account, b.uid]);
  await c.expect(['onChannelUserLeaved', b.account, b.uid]);
  // a member who logs out leaves too
  c.raw.logout();
  await c.expect(['onLogout', 101]);
  await a.expect(['onChannelUserLeaved', c.account, c.uid]);
};

const channelUserList: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const c = await s.online('c');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  c.raw.channelJoin(ch);
  await c.expect(['onChannelJoined', ch]);
  await userList(c, [a, b, c]);
  await a.expect(['onChannelUserJoined', c.account, c.uid]);
  await b.expect(['onChannelUserJoined', c.account, c.uid]);
  // compat userListLimit: at most that many
  const d = await s.online('d', { compat: { userListLimit: 2 } });
  d.raw.channelJoin(ch);
  await d.expect(['onChannelJoined', ch]);
  const [e] = await d.rec.take(1);
  const [name, accounts, uids] = e as [string, string[], number[]];
  expect(name).toBe('onChannelUserList');
  expect(accounts).toHaveLength(2);
  expect([a, b, c, d].map((u) => u.account)).toEqual(expect.arrayContaining(accounts));
  expect(uids).toEqual(accounts.map(stableUid));
  for (const u of [a, b, c]) await u.expect(['onChannelUserJoined', d.account, d.uid]);
};

const channelCreateMessage: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('room');
  await join(b, ch);
  const rtm = a.rtm();
  const channel = rtm.createChannel(ch);
  await channel.join();
  await b.expect(['onChannelUserJoined', a.account, a.uid]);
  await channel.sendMessage(rtm.createMessage({ text: 'made with createMessage', messageType: 'TEXT' }));
  await b.expect(['onMessageChannelReceive', ch, a.account, a.uid, 'made with createMessage']);
  await channel.leave();
  await b.expect(['onChannelUserLeaved', a.account, a.uid]);
};

const channelSend: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  a.api.messageChannelSend(ch, 'hi all', 'c1');
  // success, then the sender's own copy (legacy; compat echoChannelMessages)
  await a.expect(['onMessageSendSuccess', 'c1'], ['onMessageChannelReceive', ch, a.account, a.uid, 'hi all']);
  await b.expect(['onMessageChannelReceive', ch, a.account, a.uid, 'hi all']);
  // compat echoChannelMessages false (RTM): no copy to the sender
  const c = await s.online('c', { compat: { echoChannelMessages: false } });
  await join(c, ch, [a, b]);
  c.api.messageChannelSend(ch, 'no echo', 'c2');
  await c.expect(['onMessageSendSuccess', 'c2']);
  await a.expect(['onMessageChannelReceive', ch, c.account, c.uid, 'no echo']);
  await b.expect(['onMessageChannelReceive', ch, c.account, c.uid, 'no echo']);
};

const channelSendForce: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const c = await s.online('c');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  // from outside: members get it; nobody sees c join or leave
  c.api.messageChannelSendForce(ch, 'from outside', 'f1');
  await c.expect(['onMessageSendSuccess', 'f1']);
  await a.expect(['onMessageChannelReceive', ch, c.account, c.uid, 'from outside']);
  await b.expect(['onMessageChannelReceive', ch, c.account, c.uid, 'from outside']);
  // the ordinary send needs membership
  c.raw.messageChannelSend(ch, 'not a member', 'f2');
  await c.expect(['onMessageSendError', 'f2', 400]);
  await sleep(50); // time for a wrong MemberJoined / MemberLeft to show
};

const channelSendSuccess: Scenario = async (s) => {
  const a = await s.online('a');
  const ch = unique('room');
  await join(a, ch);
  a.api.messageChannelSend(ch, 'm', 'id-1');
  await a.expect(['onMessageSendSuccess', 'id-1'], ['onMessageChannelReceive', ch, a.account, a.uid, 'm']);
  a.api.messageChannelSend(ch, 'n', '');
  await a.expect(['onMessageSendSuccess', expect.stringMatching(/^\d+$/)]);
  await a.expect(['onMessageChannelReceive', ch, a.account, a.uid, 'n']);
};

const channelSendError: Scenario = async (s) => {
  const a = await s.online('a');
  const ch = unique('room');
  a.api.messageChannelSend(ch, 'not joined', 'x1');
  await a.expect(['onMessageSendError', 'x1', 400]);
  await join(a, ch);
  a.raw.channelLeave(ch);
  await a.expect(['onChannelLeaved', ch, 0]);
  a.api.messageChannelSend(ch, 'left', 'x2');
  await a.expect(['onMessageSendError', 'x2', 400]);
};

const channelReceive: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  const texts = ['first', 'ünïcode ✓', 'third'];
  texts.forEach((t, i) => b.raw.messageChannelSend(ch, t, `k${i}`));
  await a.expect(...texts.map((t): Entry => ['onMessageChannelReceive', ch, b.account, b.uid, t]));
  const own = await b.rec.take(texts.length * 2);
  expect(own.filter((e) => e[0] === 'onMessageSendSuccess')).toEqual(texts.map((_t, i) => ['onMessageSendSuccess', `k${i}`]));
  expect(own.filter((e) => e[0] === 'onMessageChannelReceive')).toEqual(texts.map((t) => ['onMessageChannelReceive', ch, b.account, b.uid, t]));
};

const attrUpdate = (ch: string, name: string, value: string, type: string): Entry => ['onChannelAttrUpdated', ch, name, value, type];

const channelSetAttr: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const c = await s.online('c');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  a.api.channelSetAttr(ch, 'topic', 'hi');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'topic', 'hi', 'update'));
  a.api.channelSetAttr(ch, 'topic', 'bye');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'topic', 'bye', 'update'));
  // a later member finds it
  c.raw.channelJoin(ch);
  await c.expect(['onChannelJoined', ch]);
  await userList(c, [a, b, c]);
  await c.expect(attrUpdate(ch, 'topic', 'bye', 'update'));
  for (const u of [a, b]) await u.expect(['onChannelUserJoined', c.account, c.uid]);
};

const channelDelAttr: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  a.raw.channelSetAttr(ch, 'k1', 'v1');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'k1', 'v1', 'update'));
  a.raw.channelSetAttr(ch, 'k2', 'v2');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'k2', 'v2', 'update'));
  b.api.channelDelAttr(ch, 'k1');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'k1', '', 'del'));
};

const channelClearAttr: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  a.raw.channelSetAttr(ch, 'k1', 'v1');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'k1', 'v1', 'update'));
  a.raw.channelSetAttr(ch, 'k2', 'v2');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'k2', 'v2', 'update'));
  a.api.channelClearAttr(ch);
  for (const u of [a, b]) await u.expect(attrUpdate(ch, '', '', 'clear'));
  expect(await a.rtm().getChannelAttributes(ch)).toEqual({});
};

const channelAttrUpdated: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const outsider = await s.online('out');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  // all members hear every change, whoever makes it (here someone outside the channel)
  outsider.raw.channelSetAttr(ch, 'x', '1');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'x', '1', 'update'));
  outsider.raw.channelSetAttr(ch, 'y', '2');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'y', '2', 'update'));
  outsider.raw.channelDelAttr(ch, 'x');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'x', '', 'del'));
  outsider.raw.channelSetAttr(ch, 'z', '3');
  for (const u of [a, b]) await u.expect(attrUpdate(ch, 'z', '3', 'update'));
  outsider.raw.channelClearAttr(ch);
  for (const u of [a, b]) await u.expect(attrUpdate(ch, '', '', 'clear'));
};

/** a and b in a fresh channel; c outside it asks for the list. */
async function listedRoom(s: Scene): Promise<{ a: LegacyUser; b: LegacyUser; c: LegacyUser; ch: string }> {
  const a = await s.online('a');
  const b = await s.online('b');
  const c = await s.online('c');
  const ch = unique('room');
  await join(a, ch);
  await join(b, ch, [a]);
  return { a, b, c, ch };
}

const sortedList = (users: LegacyUser[]) => users.map((u) => [u.account, u.uid]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));

async function queryUserlist(c: LegacyUser, ch: string, callID: string, members: LegacyUser[]): Promise<void> {
  c.api.invoke('io.agora.signal.channel_query_userlist', JSON.stringify({ name: ch }), callID);
  const [e] = await c.rec.take(1);
  const [name, id, err, json] = e as [string, string, string, string];
  expect([name, id, err]).toEqual(['onInvokeRet', callID, '']);
  const resp = JSON.parse(json) as { result: string; num: number; list: [string, number][] };
  expect({ ...resp, list: [...resp.list].sort((x, y) => x[0].localeCompare(y[0])) }).toEqual({ result: 'ok', num: members.length, list: sortedList(members) });
}

const invoke: Scenario = async (s) => {
  const { a, b, c, ch } = await listedRoom(s);
  await queryUserlist(c, ch, 'c1', [a, b]);
  c.api.invoke('io.agora.signal.channel_query_num', JSON.stringify({ name: ch }), 'c2');
  await invokeRet(c, 'c2', '', { result: 'ok', num: 2 });
  c.api.invoke('io.agora.signal.user_query_user_status', JSON.stringify({ account: a.account }), 'c3');
  await invokeRet(c, 'c3', '', { result: 'ok', status: 1 });
};

const invokeRetScenario: Scenario = async (s) => {
  const { a, b, c, ch } = await listedRoom(s);
  await queryUserlist(c, ch, 'ok', [a, b]);
  a.raw.setAttr('k', 'v');
  await stored(a, { k: 'v' });
  a.raw.getAttr('k');
  await a.expect(['onUserAttrResult', a.account, 'k', 'v']);
  c.api.invoke('io.agora.signal.user_get_attr_all', JSON.stringify({ account: a.account }), 'attrs');
  await invokeRet(c, 'attrs', '', { result: 'ok', json: JSON.stringify({ k: 'v' }) });
  // failures: err is a reason, resp says result "failed"
  c.api.invoke('io.agora.signal.no_such_rpc', '{}', 'bad1');
  await invokeRet(c, 'bad1', 'unknown function', { result: 'failed', reason: 'unknown function io.agora.signal.no_such_rpc' });
  c.api.invoke('io.agora.signal.channel_query_userlist', '{not json', 'bad2');
  const resp = await invokeRet(c, 'bad2', 'invalid request', { result: 'failed', reason: expect.any(String) });
  expect(resp.reason).not.toBe('');
  c.api.invoke('io.agora.signal.channel_query_userlist', '{}', 'bad3');
  await invokeRet(c, 'bad3', 'missing name', { result: 'failed', reason: 'missing name' });
};

const invokeAndUserList: Scenario = async (s) => {
  const { a, b, c, ch } = await listedRoom(s);
  // the list a joiner gets and the one invoke answers agree
  await queryUserlist(c, ch, 'before', [a, b]);
  c.raw.channelJoin(ch);
  await c.expect(['onChannelJoined', ch]);
  await userList(c, [a, b, c]);
  for (const u of [a, b]) await u.expect(['onChannelUserJoined', c.account, c.uid]);
  await queryUserlist(c, ch, 'after', [a, b, c]);
};

const queryUserNum: Scenario = async (s) => {
  const { a, b, c, ch } = await listedRoom(s);
  c.api.channelQueryUserNum(ch);
  await c.expect(['onChannelQueryUserNumResult', ch, 0, 2]);
  const empty = unique('empty');
  b.api.channelQueryUserNum(empty);
  await b.expect(['onChannelQueryUserNumResult', empty, 0, 0]);
  a.api.channelQueryUserNum(ch);
  await a.expect(['onChannelQueryUserNumResult', ch, 0, 2]);
};

const queryUserNumResult: Scenario = async (s) => {
  const { a, b, c, ch } = await listedRoom(s);
  c.raw.channelJoin(ch);
  await c.expect(['onChannelJoined', ch]);
  await userList(c, [a, b, c]);
  for (const u of [a, b]) await u.expect(['onChannelUserJoined', c.account, c.uid]);
  a.raw.channelQueryUserNum(ch);
  await a.expect(['onChannelQueryUserNumResult', ch, 0, 3]);
  // Legacy had no one-per-second limit (RTM's): a second query at once is answered too.
  a.raw.channelQueryUserNum(ch);
  await a.expect(['onChannelQueryUserNumResult', ch, 0, 3]);
};

/** The RemoteInvitation the RtmClient under `u` hands out for the next invitation. */
function nextRemoteInvitation(u: LegacyUser): Promise<[RemoteInvitation]> {
  return waitForEvent<[RemoteInvitation]>(u.rtm(), 'RemoteInvitationReceived');
}

const callManager: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  // the RtmClient is RTM's call manager: the legacy call is the same call there
  expect(typeof a.rtm().createLocalInvitation).toBe('function');
  const got = nextRemoteInvitation(b);
  await ring(a, b, ch, '{"k":1}');
  const [inv] = await got;
  expect([inv.callerId, inv.channelId, inv.content, inv.state]).toEqual([a.account, ch, '{"k":1}', 'INVITATION_RECEIVED']);
  const accepted = waitForEvent(inv, 'RemoteInvitationAccepted');
  await accept(a, b, ch, 'ok');
  await accepted;
  expect(inv.state).toBe('ACCEPTED');
  expect(inv.response).toBe('ok');
};

const localInvitation: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  const inv = a.rtm().createLocalInvitation(b.account);
  inv.content = 'made with createLocalInvitation';
  inv.channelId = ch;
  const received = waitForEvent(inv, 'LocalInvitationReceivedByPeer');
  inv.send();
  await received;
  await b.expect(['onInviteReceived', ch, a.account, a.uid, 'made with createLocalInvitation']);
  const acceptedP = waitForEvent<[string]>(inv, 'LocalInvitationAccepted');
  b.raw.channelInviteAccept(ch, a.account, 0, 'yes');
  expect(await acceptedP).toEqual(['yes']);
  expect(inv.state).toBe('ACCEPTED_BY_REMOTE');
  // the legacy side of a's login was not part of that call: it heard nothing
};

const inviteUser: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch1 = unique('call');
  const ch2 = unique('call');
  a.api.channelInviteUser(ch1, b.account, 0);
  await b.expect(['onInviteReceived', ch1, a.account, a.uid, '']);
  await a.expect(['onInviteReceivedByPeer', ch1, b.account, b.uid]);
  const extra = JSON.stringify({ destMediaUid: 7, note: 'héllo' });
  a.api.channelInviteUser2(ch2, b.account, extra);
  await b.expect(['onInviteReceived', ch2, a.account, a.uid, extra]);
  await a.expect(['onInviteReceivedByPeer', ch2, b.account, b.uid]);
  // two calls, each its own (channel, peer)
  a.raw.channelInviteEnd(ch1, b.account, 0);
  await a.expect(['onInviteEndByMyself', ch1, b.account, b.uid]);
  await b.expect(['onInviteEndByPeer', ch1, a.account, a.uid, '']);
  await accept(a, b, ch2, 'yes');
};

const inviteDTMF: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  await ring(a, b, ch);
  await accept(a, b, ch);
  a.api.channelInviteDTMF(ch, b.account, '12#');
  await b.expect(['onInviteMsg', ch, a.account, a.uid, 'dtmf', '12#', JSON.stringify({ msgtype: 'dtmf', msgdata: '12#' })]);
  b.api.channelInviteDTMF(ch, a.account, '*0');
  await a.expect(['onInviteMsg', ch, b.account, b.uid, 'dtmf', '*0', JSON.stringify({ msgtype: 'dtmf', msgdata: '*0' })]);
  // DTMF digits only
  a.api.channelInviteDTMF(ch, b.account, '12x');
  await a.expect(wrongParam('invite_dtmf'));
};

const inviteEnd: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  // the caller ends a call still ringing
  const ch1 = unique('call');
  await ring(a, b, ch1);
  a.api.channelInviteEnd(ch1, b.account, 0);
  await a.expect(['onInviteEndByMyself', ch1, b.account, b.uid]);
  await b.expect(['onInviteEndByPeer', ch1, a.account, a.uid, '']);
  // the callee ends an accepted call
  const ch2 = unique('call');
  await ring(a, b, ch2);
  await accept(a, b, ch2);
  b.api.channelInviteEnd(ch2, a.account, 0);
  await b.expect(['onInviteEndByMyself', ch2, a.account, a.uid]);
  await a.expect(['onInviteEndByPeer', ch2, b.account, b.uid, '']);
  // the caller ends an accepted call
  const ch3 = unique('call');
  await ring(a, b, ch3);
  await accept(a, b, ch3);
  a.api.channelInviteEnd(ch3, b.account, 0);
  await a.expect(['onInviteEndByMyself', ch3, b.account, b.uid]);
  await b.expect(['onInviteEndByPeer', ch3, a.account, a.uid, '']);
};

const inviteAccept: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  await ring(a, b, ch);
  b.api.channelInviteAccept(ch, a.account, 0, '{"media":"ok"}');
  await a.expect(['onInviteAcceptedByPeer', ch, b.account, b.uid, '{"media":"ok"}']);
  // nothing (more) to accept
  b.api.channelInviteAccept(ch, a.account, 0, '');
  await b.expect(wrongParam('invite_accept'));
  b.api.channelInviteAccept(unique('none'), a.account, 0, '');
  await b.expect(wrongParam('invite_accept'));
};

const inviteRefuse: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  await ring(a, b, ch);
  b.api.channelInviteRefuse(ch, a.account, 0, '{"status":1}');
  await a.expect(['onInviteRefusedByPeer', ch, b.account, b.uid, '{"status":1}']);
  // the call is over
  b.api.channelInviteRefuse(ch, a.account, 0, '');
  await b.expect(wrongParam('invite_refuse'));
};

const inviteReceivedByPeer: Scenario = async (s) => {
  const a = await s.online('a', { rtm: { invitation: { resendMs: 50 } } });
  const b = await s.online('b');
  const ch = unique('call');
  await ring(a, b, ch, '', a.api);
  // a callee that comes online while the invitation is pending still gets it (legacy: 20 s)
  const late = s.instance('late');
  const ch2 = unique('call');
  a.raw.channelInviteUser2(ch2, late.account, 'late');
  await sleep(100);
  late.raw.login2(late.appId, late.account, '_no_need_token', 0, '', 5, 1);
  await late.expect(['onLoginSuccess', late.uid, 0], ['onInviteReceived', ch2, a.account, a.uid, 'late']);
  await a.expect(['onInviteReceivedByPeer', ch2, late.account, late.uid]);
};

const inviteEndByMyself: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  await ring(a, b, ch, '{"x":1}');
  a.raw.channelInviteEnd(ch, b.account, 0);
  await a.expect(['onInviteEndByMyself', ch, b.account, b.uid]);
  // Native channelInviteEnd has no extra: the peer gets "", not the invitation's extra again.
  await b.expect(['onInviteEndByPeer', ch, a.account, a.uid, '']);
  // and after the call was accepted
  const ch2 = unique('call');
  await ring(a, b, ch2);
  await accept(a, b, ch2);
  a.raw.channelInviteEnd(ch2, b.account, 0);
  await a.expect(['onInviteEndByMyself', ch2, b.account, b.uid]);
  await b.expect(['onInviteEndByPeer', ch2, a.account, a.uid, '']);
};

const inviteAcceptedByPeer: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  await ring(a, b, ch, 'offer');
  b.raw.channelInviteAccept(ch, a.account, 0, 'answer ✓');
  await a.expect(['onInviteAcceptedByPeer', ch, b.account, b.uid, 'answer ✓']);
  // accepted: the call goes on until someone ends it
  a.raw.channelInviteDTMF(ch, b.account, '5');
  await b.expect(['onInviteMsg', ch, a.account, a.uid, 'dtmf', '5', JSON.stringify({ msgtype: 'dtmf', msgdata: '5' })]);
};

const inviteRefusedByPeer: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  await ring(a, b, ch);
  b.raw.channelInviteRefuse(ch, a.account, 0, '{"status":0}');
  await a.expect(['onInviteRefusedByPeer', ch, b.account, b.uid, '{"status":0}']);
  // refusing with no extra
  const ch2 = unique('call');
  await ring(a, b, ch2);
  b.raw.channelInviteRefuse(ch2, a.account, 0, '');
  await a.expect(['onInviteRefusedByPeer', ch2, b.account, b.uid, '']);
};

const inviteFailed: Scenario = async (s) => {
  const a = await s.online('a', { rtm: { invitation: { deliveryDeadlineMs: 300 } } });
  const b = await s.online('b');
  const ghost = unique('ghost');
  const ch1 = unique('call');
  const ch2 = unique('call');
  // an offline callee: failure once the delivery deadline passes (703, PEER_OFFLINE)
  a.raw.channelInviteUser2(ch1, ghost, '');
  // _require_peer_online: 1 fails at once
  a.raw.channelInviteUser2(ch2, ghost, '{"_require_peer_online":1}');
  await a.expect(['onInviteFailed', ch2, ghost, stableUid(ghost), 703, '{"reason":"PEER_OFFLINE"}']);
  await a.expect(['onInviteFailed', ch1, ghost, stableUid(ghost), 703, '{"reason":"PEER_OFFLINE"}']);
  // _timeout: unanswered by then, 704, and the invitation is withdrawn
  const ch3 = unique('call');
  const extra = '{"_timeout":0.2}';
  await ring(a, b, ch3, extra);
  await a.expect(['onInviteFailed', ch3, b.account, b.uid, 704, '{"reason":"TIMEOUT"}']);
  await b.expect(['onInviteEndByPeer', ch3, a.account, a.uid, extra]);
};

const inviteReceived: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const c = await s.online('c');
  const ch = unique('call');
  const extra = JSON.stringify({ destMediaUid: 42, note: 'héllo ☎', list: [1, 2] });
  await ring(a, c, ch, extra);
  // two callers on the same channel: two calls
  await ring(b, c, ch, 'second');
  await accept(b, c, ch, 'b first');
  c.raw.channelInviteRefuse(ch, a.account, 0, 'busy');
  await a.expect(['onInviteRefusedByPeer', ch, c.account, c.uid, 'busy']);
};

const inviteEndByPeer: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch1 = unique('call');
  await ring(a, b, ch1);
  a.raw.channelInviteEnd(ch1, b.account, 0);
  await a.expect(['onInviteEndByMyself', ch1, b.account, b.uid]);
  await b.expect(['onInviteEndByPeer', ch1, a.account, a.uid, '']);
  const ch2 = unique('call');
  await ring(a, b, ch2);
  await accept(a, b, ch2);
  a.raw.channelInviteEnd(ch2, b.account, 0);
  await a.expect(['onInviteEndByMyself', ch2, b.account, b.uid]);
  await b.expect(['onInviteEndByPeer', ch2, a.account, a.uid, '']);
};

const calleeAccepted: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  const got = nextRemoteInvitation(b);
  await ring(a, b, ch);
  const [inv] = await got;
  // accepted on the RTM side of b's login
  const confirmed = waitForEvent(inv, 'RemoteInvitationAccepted');
  inv.response = 'via rtm';
  inv.accept();
  await a.expect(['onInviteAcceptedByPeer', ch, b.account, b.uid, 'via rtm']);
  await confirmed;
  // the legacy side has the call as accepted: nothing to accept, but it can end it
  b.raw.channelInviteAccept(ch, a.account, 0, '');
  await b.expect(wrongParam('invite_accept'));
  b.raw.channelInviteEnd(ch, a.account, 0);
  await b.expect(['onInviteEndByMyself', ch, a.account, a.uid]);
  await a.expect(['onInviteEndByPeer', ch, b.account, b.uid, '']);
};

const calleeRefused: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  const got = nextRemoteInvitation(b);
  await ring(a, b, ch);
  const [inv] = await got;
  const refused = waitForEvent(inv, 'RemoteInvitationRefused');
  inv.response = '{"status":0}';
  inv.refuse();
  await refused;
  await a.expect(['onInviteRefusedByPeer', ch, b.account, b.uid, '{"status":0}']);
  // the legacy side has no call any more
  b.raw.channelInviteRefuse(ch, a.account, 0, '');
  await b.expect(wrongParam('invite_refuse'));
};

const calleeFailure: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b', { rtm: { invitation: { expireMs: 300 } } });
  const ch = unique('call');
  const got = nextRemoteInvitation(b);
  await ring(a, b, ch);
  const [inv] = await got;
  // unanswered, it expires on the callee: RemoteInvitationFailure; the legacy side ends it quietly
  expect(await waitForEvent(inv, 'RemoteInvitationFailure')).toEqual(['INVITATION_EXPIRE']);
  b.raw.channelInviteAccept(ch, a.account, 0, '');
  await b.expect(wrongParam('invite_accept'));
};

const renewToken: Scenario = async (s) => {
  const exp = serverSec() + 100;
  const a = await s.online('a', { env: 'cert', token: (acc) => t006(acc, exp) });
  const b = await s.online('b', { env: 'cert', token: (acc) => legacyToken(acc) });
  await a.rtm().renewToken(t006(a.account, exp + 3600));
  await advanceTo(exp * 1000 + 1000);
  // past the first token's expiry: the legacy session lives on
  expect(a.api.getStatus()).toBe(2);
  b.raw.messageInstantSend(a.account, 0, 'still on', 'n1');
  await b.expect(['onMessageSendSuccess', 'n1']);
  await a.expect(['onMessageInstantReceive', b.account, 0, 'still on']);
};

const renewResult: Scenario = async (s) => {
  const exp = serverSec() + 100;
  const a = await s.online('a', { env: 'cert', token: (acc) => t006(acc, exp) });
  await expect(a.rtm().renewToken(t006(a.account, exp + 3600))).resolves.toBeUndefined();
  await expect(a.rtm().renewToken('garbage')).rejects.toMatchObject({ code: 6 });
  // neither result is a legacy event; the session is untouched
  expect(a.api.getStatus()).toBe(2);
  a.raw.queryUserStatus(a.account);
  await a.expect(['onQueryUserStatusResult', a.account, '1']);
};

const tokenExpired: Scenario = async (s) => {
  // expiry while connected: onLogout(105)
  const exp = serverSec() + 100;
  const a = await s.online('a', { env: 'cert', token: (acc) => t006(acc, exp) });
  const expired = waitForEvent(a.rtm(), 'TokenExpired');
  await advanceTo(exp * 1000);
  await expired;
  await a.expect(['onLogout', 105]);
  expect(a.api.getStatus()).toBe(0);
  // expiry while reconnecting: RTM reports it on return; legacy cannot renew, so onLogout(105)
  const proxy = await new CutProxy(cert.server.port).start();
  s.defer(() => proxy.stop());
  const exp2 = serverSec() + 100;
  const b = await s.online('b', { env: 'cert', serverUrl: proxy.url(), token: (acc) => t006(acc, exp2) });
  proxy.down = true;
  proxy.cut();
  await b.expect(['onReconnecting', 1]);
  expect(b.api.getStatus()).toBe(3);
  await advanceTo(exp2 * 1000);
  proxy.down = false;
  // one onReconnecting per attempt while the network is down, then the end
  await reconnectingUntil(b, ['onLogout', 105]);
  expect(b.api.getStatus()).toBe(0);
};

const syncSuccess: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  const inv = a.rtm().createLocalInvitation(b.account);
  inv.channelId = ch;
  inv.content = 'c';
  const received = waitForEvent(inv, 'LocalInvitationReceivedByPeer');
  expect(() => inv.send()).not.toThrow();
  await received;
  await b.expect(['onInviteReceived', ch, a.account, a.uid, 'c']);
  expect(() => inv.cancel()).not.toThrow();
  expect(inv.state).toBe('CANCELED');
  await b.expect(['onInviteEndByPeer', ch, a.account, a.uid, 'c']);
};

const syncFailure: Scenario = async (s) => {
  const a = await s.online('a');
  const b = await s.online('b');
  const ch = unique('call');
  const inv = a.rtm().createLocalInvitation(b.account);
  inv.channelId = ch;
  // InvitationApiCallError: NOT_STARTED 2, ALREADY_SENT 5, ALREADY_END 3
  expect(syncErrorCode(() => inv.cancel())).toBe(2);
  const refused = waitForEvent<[string]>(inv, 'LocalInvitationRefused');
  inv.send();
  expect(syncErrorCode(() => inv.send())).toBe(5);
  await b.expect(['onInviteReceived', ch, a.account, a.uid, '']);
  b.raw.channelInviteRefuse(ch, a.account, 0, 'no');
  expect(await refused).toEqual(['no']);
  expect(syncErrorCode(() => inv.cancel())).toBe(3);
  // the legacy API has no synchronous errors: a call that cannot be made is onError
  b.api.channelInviteRefuse(ch, a.account, 0, '');
  await b.expect(wrongParam('invite_refuse'));
};

/** What a row is about: its section and the legacy names of its Signaling cell, or its text where that cell is N/A. */
function scenarioKey(row: SeedRow): string {
  return row.signaling.startsWith('N/A') ? `${row.section} / ${row.what}` : `${row.section} / ${row.legacy.join('/')}`;
}

const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'Login & Logout / getInstance/createAgoraSDKInstance': instances,
  'Login & Logout / callbackSet': callbackSet,
  'Login & Logout / login/login2': login,
  'Login & Logout / logout': logout,
  'Login & Logout / getStatus': getStatus,
  'Login & Logout / destroy': destroy,
  'Login & Logout / onLoginSuccess': loginSuccess,
  'Login & Logout / onLoginFailed': loginFailed,
  'Login & Logout / onLogout': onLogout,
  'Login & Logout / Connection state changes.': connectionState,

  'Sending a peer-to-peer message / Creates a message instance.': peerCreateMessage,
  'Sending a peer-to-peer message / messageInstantSend': instantSend,
  'Sending a peer-to-peer message / onMessageSendSuccess': peerSendSuccess,
  'Sending a peer-to-peer message / onMessageSendError': peerSendError,
  'Sending a peer-to-peer message / onMessageInstantReceive': instantReceive,

  'Querying the online status of specified user(s) / queryuserStatus': queryUserStatus,
  'Querying the online status of specified user(s) / messageInstantSend': instantSend,
  'Querying the online status of specified user(s) / OnQueryUserStatusResult': queryUserStatus,

  'user-Attribute Operations / setAttr': setAttr,
  'user-Attribute Operations / getAttr': getAttr,
  'user-Attribute Operations / getAttrAll': getAttrAll,
  'user-Attribute Operations / getUserAttrAll': getUserAttrAll,
  "user-Attribute Operations / Replaces the local user's attributes with new ones.": replaceUserAttrs,
  'user-Attribute Operations / Deletes the specified attributes of the local user.': deleteUserAttrs,
  "user-Attribute Operations / Clears the local user's attributes": clearUserAttrs,
  'user-Attribute Operations / onUserAttributeResult': userAttrResult,

  'Joining or Leaving a Channel / Creates a channel instance.': createChannel,
  'Joining or Leaving a Channel / channelJoin': channelJoin,
  'Joining or Leaving a Channel / channelLeave': channelLeave,
  'Joining or Leaving a Channel / onChannelJoined': channelJoined,
  'Joining or Leaving a Channel / onChannelJoinFailed': channelJoinFailed,
  'Joining or Leaving a Channel / onChannelUserJoined': channelUserJoined,
  'Joining or Leaving a Channel / onChannelLeaved': channelLeave,
  'Joining or Leaving a Channel / onChannelUserLeaved': channelUserLeaved,
  'Joining or Leaving a Channel / onChannelUserList': channelUserList,

  'Sending a channel message / Creates a message instance.': channelCreateMessage,
  'Sending a channel message / messageChannelSend': channelSend,
  'Sending a channel message / messageChannelSendForce': channelSendForce,
  'Sending a channel message / onMessageSendSuccess': channelSendSuccess,
  'Sending a channel message / onMessageSendError': channelSendError,
  'Sending a channel message / onMessageChannelReceive': channelReceive,

  'CHANNEL-ATTRIBUTE OPERATIONS / channelSetAttr': channelSetAttr,
  'CHANNEL-ATTRIBUTE OPERATIONS / channelDelAttr': channelDelAttr,
  'CHANNEL-ATTRIBUTE OPERATIONS / channelClearAttr': channelClearAttr,
  'CHANNEL-ATTRIBUTE OPERATIONS / onChannelAttrUpdated': channelAttrUpdated,

  'Retrieving a member list of the current channel / invoke': invoke,
  'Retrieving a member list of the current channel / onInvokeRet': invokeRetScenario,
  'Retrieving a member list of the current channel / onInvokeRet/onChannelUserList': invokeAndUserList,

  'Retrieving the Number of Users in a Specified Channel / channelQueryUserNum': queryUserNum,
  'Retrieving the Number of Users in a Specified Channel / onChannelQueryUserNumResult': queryUserNumResult,

  'Call Invitation / Gets an RTM call manager.': callManager,
  'Call Invitation / Allows the caller to create and manage a `LocalInvitation.`': localInvitation,
  'Call Invitation / channelInviteUser/channelInviteUser2': inviteUser,
  'Call Invitation / channelInviteDTMF': inviteDTMF,
  'Call Invitation / channelInviteEnd': inviteEnd,
  'Call Invitation / channelInviteAccept': inviteAccept,
  'Call Invitation / channelInviteRefuse': inviteRefuse,
  'Call Invitation / The method call succeeds.': syncSuccess,
  'Call Invitation / The method call fails.': syncFailure,
  'Call Invitation / oninviteReceivedByPeer': inviteReceivedByPeer,
  'Call Invitation / onInviteEndByMyself': inviteEndByMyself,
  'Call Invitation / onInviteAcceptedByPeer': inviteAcceptedByPeer,
  'Call Invitation / onInviteRefusedByPeer': inviteRefusedByPeer,
  'Call Invitation / onInviteFailed': inviteFailed,
  'Call Invitation / onInviteMsg': inviteDTMF,
  'Call Invitation / oninviteReceived': inviteReceived,
  'Call Invitation / onInviteEndByPeer': inviteEndByPeer,
  'Call Invitation / Returns to the callee: call invite accepted.': calleeAccepted,
  'Call Invitation / Returns to the callee: call invite declined.': calleeRefused,
  'Call Invitation / Returns to the callee: the call invite ends in failure.': calleeFailure,

  'Renewing a Token / Renews the current Token.': renewToken,
  'Renewing a Token / Returns the result of the method call.': renewResult,
  'Renewing a Token / The token has expired.': tokenExpired,
};

// ---- the tests -------------------------------------------------------------------------------------

test('every seed row has a scenario, and every scenario a row', () => {
  expect(SEED_ROWS).toHaveLength(140);
  expect(new Set(SEED_ROWS.map((r) => r.id)).size).toBe(SEED_ROWS.length);
  expect(SEED_ROWS.filter((r) => !Object.prototype.hasOwnProperty.call(SCENARIOS, scenarioKey(r))).map((r) => r.id)).toEqual([]);
  const keys = new Set(SEED_ROWS.map(scenarioKey));
  expect(Object.keys(SCENARIOS).filter((k) => !keys.has(k))).toEqual([]);
});

let scene: Scene | undefined;
afterEach(async () => {
  await scene?.cleanup();
  scene = undefined;
});

for (const row of SEED_ROWS) {
  test(row.id, async () => {
    const key = scenarioKey(row);
    const run = Object.prototype.hasOwnProperty.call(SCENARIOS, key) ? SCENARIOS[key] : undefined;
    if (!run) throw new Error(`no scenario for "${key}"`);
    const s = new Scene(envs);
    scene = s;
    await run(s);
    // exactly the callbacks the scenario expected: nothing else arrived
    await s.nothingElse();
    // every legacy name of the row was called or received (under the SDK's spelling if the seed misspells it)
    const unexercised = row.legacy.filter((n) => ![n, ...(SEED_NAME_ALIASES[n] ?? [])].some((x) => s.used.has(x)));
    expect(unexercised).toEqual([]);
  });
}
