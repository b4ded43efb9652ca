/**
 * The legacy native API's callbacks: for each ICallBack callback the engine produces, the exact
 * arguments and ecodes in a realistic flow on a real server (legacy-signaling.md §3.3, §6, §7, §9;
 * src/mapping/callbacks.ts for the documented choices). The last test checks that the flows above
 * produced every callback that src/mapping/callbacks.ts does not document as "never fired".
 */

import net from 'node:net';
import type { AddressInfo } from 'node:net';
import SignalingToken from 'agora-token/src/SignalingToken';
import { AgoraAPI, AgoraECode, LEGACY_SDK_VERSION, type CallbackName } from '../../src/legacy';
import { CALLBACKS } from '../../src/mapping/callbacks';
import { ManualClock } from '../../src/rtm-core/clock';
import { createServer } from '../../src/server';
import { CutProxy } from '../helpers/cut-proxy';
import { APP_ID, sleep, until } from '../helpers/harness';
import { LegacyHarness, loginLegacy, settle, stableUid, type Legacy, type Recorder } from './helpers/legacy-harness';

const CERT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
/** Generous server rates so that a flow may call the 1-per-second APIs (member counts) several times. */
const RELAXED = {
  counts: { limit: 100, windowMs: 1000 },
  cattr: { limit: 100, windowMs: 1000 },
  cattrGet: { limit: 100, windowMs: 1000 },
  members: { limit: 100, windowMs: 1000 },
  query: { limit: 100, windowMs: 1000 },
  uattr: { limit: 100, windowMs: 1000 },
  uattrGet: { limit: 100, windowMs: 1000 },
};

const lh = new LegacyHarness();
let proxy: CutProxy | undefined;
afterEach(async () => {
  await lh.stop();
  await proxy?.stop();
  proxy = undefined;
});

const make = (...args: Parameters<LegacyHarness['make']>) => lh.make(...args);
async function login(account: string, options: Parameters<LegacyHarness['make']>[0] = {}): Promise<Legacy> {
  const l = make(options);
  await loginLegacy(l, account);
  return l;
}

/** A ws:// URL on which nothing listens. */
async function closedPortUrl(): Promise<string> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return `ws://127.0.0.1:${port}/rtm`;
}

const attempts = (rec: Recorder) => rec.lines.filter((l) => /login attempt \d+ failed/.test(l)).length;

// ---- login and logout -------------------------------------------------------------------------------

describe('login, login2 and logout', () => {
  beforeEach(() => lh.h.start());

  it('login: getStatus 1 at once, then onLoginSuccess(stable uid, 0) and getStatus 2', async () => {
    const a = make();
    expect(a.api.getStatus()).toBe(0);
    expect(a.api.isOnline()).toBe(false);
    a.api.login(APP_ID, 'alice', '_no_need_token', 0, '');
    expect(a.api.getStatus()).toBe(1);
    await a.rec.waitFor('onLoginSuccess');
    expect(a.rec.log).toEqual([['onLoginSuccess', stableUid('alice'), 0]]);
    expect(stableUid('alice')).not.toBe(0);
    expect(a.api.getStatus()).toBe(2);
    expect(a.api.isOnline()).toBe(true);
  });

  it('login2 against a closed port: exactly retry_count attempts, then onLoginFailed(201)', async () => {
    const a = make({ serverUrl: await closedPortUrl(), rtm: { loginTimeoutMs: 150 } });
    a.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 30, 3);
    expect(a.api.getStatus()).toBe(1);
    await a.rec.waitFor('onLoginFailed', () => true, 8000);
    expect(a.rec.log).toEqual([['onLoginFailed', AgoraECode.LOGIN_E_NET]]);
    expect(attempts(a.rec)).toBe(3);
    expect(a.api.getStatus()).toBe(0);
    await settle();
    expect(a.rec.log).toHaveLength(1);
    expect(attempts(a.rec)).toBe(3);
  });

  it('login2 against a closed port: the time limit stops the retries before retry_count', async () => {
    const a = make({ serverUrl: await closedPortUrl(), rtm: { loginTimeoutMs: 300 } });
    const t0 = Date.now();
    a.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 1, 10);
    await a.rec.waitFor('onLoginFailed', () => true, 8000);
    const took = Date.now() - t0;
    expect(a.rec.log).toEqual([['onLoginFailed', AgoraECode.LOGIN_E_NET]]);
    // 0–300 ms the first attempt, a pause up to the 1 s limit, 1000–1300 ms the second; then the limit is past.
    expect(attempts(a.rec)).toBe(2);
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(2500);
  });

  it('logout: onLogout(101) and getStatus 0; logout again (or before any login): onLogout(108)', async () => {
    const b = make();
    b.api.logout();
    await b.rec.waitFor('onLogout');
    expect(b.rec.log).toEqual([['onLogout', AgoraECode.LOGOUT_E_ALREADY_LOGOUT]]);

    const a = await login('alice');
    a.api.logout();
    expect(a.api.getStatus()).toBe(0);
    await a.rec.waitFor('onLogout');
    expect(a.rec.log).toEqual([['onLogout', AgoraECode.LOGOUT_E_USER]]);
    a.api.logout();
    await a.rec.waitCount('onLogout', 2);
    expect(a.rec.log).toEqual([
      ['onLogout', 101],
      ['onLogout', 108],
    ]);
  });

  it('the same account logs in on another instance: the first gets onLogout(103)', async () => {
    const first = await login('alice');
    const second = make();
    second.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
    await second.rec.waitFor('onLoginSuccess');
    await first.rec.waitFor('onLogout');
    expect(first.rec.log).toEqual([['onLogout', AgoraECode.LOGOUT_E_KICKED]]);
    expect(first.api.getStatus()).toBe(0);
    expect(second.rec.log).toEqual([['onLoginSuccess', stableUid('alice'), 0]]);
    expect(second.api.getStatus()).toBe(2);
  });

  it('the connection is lost for good (the server came back without the app): onReconnecting(1), then onLogout(102)', async () => {
    const a = await login('alice');
    const port = lh.h.server.port;
    await lh.h.server.close();
    await a.rec.waitFor('onReconnecting');
    expect(a.api.getStatus()).toBe(3);
    // A server on the same address that no longer serves this appId: the session cannot resume.
    lh.h.server = await createServer({ port, apps: {} });
    await a.rec.waitFor('onLogout', () => true, 5000);
    expect(a.rec.log).toEqual([
      ['onReconnecting', 1],
      ['onLogout', AgoraECode.LOGOUT_E_NET],
    ]);
    expect(a.api.getStatus()).toBe(0);
  });

  it('onReconnecting(1) / onReconnected(0) with getStatus 3 then 2 across a network cut; the count restarts after each return', async () => {
    proxy = await new CutProxy(lh.h.server.port).start();
    const a = await login('alice', { serverUrl: proxy.url() });
    const b = await login('bob');
    for (let round = 1; round <= 2; round++) {
      a.rec.clear();
      proxy.down = true;
      proxy.cut();
      await a.rec.waitFor('onReconnecting');
      expect(a.api.getStatus()).toBe(3);
      expect(a.api.isOnline()).toBe(false);
      proxy.down = false;
      await a.rec.waitFor('onReconnected');
      expect(a.rec.log).toEqual([
        ['onReconnecting', 1],
        ['onReconnected', 0],
      ]);
      expect(a.api.getStatus()).toBe(2);
    }
    // Still the same session: messages flow.
    b.api.messageInstantSend('alice', 0, 'back?', 'm1');
    expect(await a.rec.waitFor('onMessageInstantReceive')).toEqual(['bob', 0, 'back?']);
  });
});

describe('login against an App Certificate', () => {
  beforeEach(() => lh.h.start({ apps: { [APP_ID]: { certificate: CERT } } }));

  it('a bad token (another certificate, garbage, or _no_need_token, refused with a certificate by §11.3): onLoginFailed(206) at once, no retries', async () => {
    const tokens = [SignalingToken.get(APP_ID, '1f1e2d3c4b5a69788796a5b4c3d2e1f0', 'alice', 3600), 'not-a-token', '_no_need_token'];
    const all = tokens.map(() => make());
    const t0 = Date.now();
    all.forEach((l, i) => l.api.login2(APP_ID, `user${i}`, tokens[i]!, 0, '', 30, 5));
    for (const l of all) await l.rec.waitFor('onLoginFailed');
    expect(Date.now() - t0).toBeLessThan(900);
    await sleep(1100); // longer than the pause between retries
    for (const l of all) {
      expect(l.rec.log).toEqual([['onLoginFailed', AgoraECode.LOGIN_E_TOKENWRONG]]);
      expect(attempts(l.rec)).toBe(1);
      expect(l.api.getStatus()).toBe(0);
    }
  });

  it('an expired legacy token: onLoginFailed(204); a valid one logs in', async () => {
    const a = make();
    a.api.login2(APP_ID, 'alice', SignalingToken.get(APP_ID, CERT, 'alice', -60), 0, '', 30, 5);
    await a.rec.waitFor('onLoginFailed');
    expect(a.rec.log).toEqual([['onLoginFailed', AgoraECode.LOGIN_E_TOKENEXPIRED]]);
    a.rec.clear();
    a.api.login(APP_ID, 'alice', SignalingToken.get(APP_ID, CERT, 'alice', 3600));
    await a.rec.waitFor('onLoginSuccess');
    expect(a.rec.log).toEqual([['onLoginSuccess', stableUid('alice'), 0]]);
  });
});

describe('token expiry during the session (server on a ManualClock)', () => {
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    await lh.h.start({
      clock,
      apps: { [APP_ID]: { certificate: CERT } },
      timings: { unreachableAfterMs: 1e8, offlineAfterMs: 1e8, loginWithinMs: 1e8 },
    });
  });

  it('onLogout(105) when the token expires, and nothing before', async () => {
    const a = make();
    await loginLegacy(a, 'alice', SignalingToken.get(APP_ID, CERT, 'alice', 100));
    clock.advance(60_000);
    await settle(100);
    expect(a.rec.log).toEqual([]);
    clock.advance(41_000);
    await a.rec.waitFor('onLogout');
    expect(a.rec.log).toEqual([['onLogout', AgoraECode.LOGOUT_E_TOKENEXPIRED]]);
    expect(a.api.getStatus()).toBe(0);
  });
});

// ---- channels ---------------------------------------------------------------------------------------

describe('channels', () => {
  beforeEach(() => lh.h.start({ rates: RELAXED }));

  const pairs = (args: unknown[]) => {
    const [accounts, uids] = args as [string[], number[]];
    expect(uids).toHaveLength(accounts.length);
    return accounts.map((a, i) => [a, uids[i]]).sort();
  };

  it('onChannelJoined then onChannelUserList after every join; others get onChannelUserJoined / onChannelUserLeaved', async () => {
    const a = await login('alice');
    const b = await login('bob');
    a.api.channelJoin('no space');
    expect(await a.rec.waitFor('onChannelJoinFailed')).toEqual(['no space', AgoraECode.JOINCHANNEL_E_OTHER]);
    a.rec.clear();
    a.api.channelJoin('room');
    await a.rec.waitFor('onChannelUserList');
    expect(a.rec.log).toEqual([
      ['onChannelJoined', 'room'],
      ['onChannelUserList', ['alice'], [stableUid('alice')]],
    ]);

    b.api.channelJoin('room');
    await b.rec.waitFor('onChannelUserList');
    expect(b.rec.names()).toEqual(['onChannelJoined', 'onChannelUserList']);
    expect(b.rec.log[0]).toEqual(['onChannelJoined', 'room']);
    expect(pairs(b.rec.of('onChannelUserList')[0]!)).toEqual([
      ['alice', stableUid('alice')],
      ['bob', stableUid('bob')],
    ]);
    expect(await a.rec.waitFor('onChannelUserJoined')).toEqual(['bob', stableUid('bob')]);

    // Joining a second channel with the default compat (maxChannels 1) leaves the first.
    b.rec.clear();
    b.api.channelJoin('lobby');
    await b.rec.waitFor('onChannelUserList');
    expect(b.rec.log).toEqual([
      ['onChannelLeaved', 'room', 0],
      ['onChannelJoined', 'lobby'],
      ['onChannelUserList', ['bob'], [stableUid('bob')]],
    ]);
    expect(await a.rec.waitFor('onChannelUserLeaved')).toEqual(['bob', stableUid('bob')]);

    b.rec.clear();
    b.api.channelLeave('lobby');
    await b.rec.waitFor('onChannelLeaved');
    expect(b.rec.log).toEqual([['onChannelLeaved', 'lobby', 0]]);
  });

  it("onChannelAttrUpdated for update, del and clear (to every member, the writer too), and existing attributes replayed as 'update' after a join", async () => {
    const a = await login('alice');
    const b = await login('bob');
    for (const l of [a, b]) {
      l.api.channelJoin('room');
      await l.rec.waitFor('onChannelUserList');
    }
    a.rec.clear();
    b.rec.clear();
    const updates = (l: Legacy) => l.rec.of('onChannelAttrUpdated');

    a.api.channelSetAttr('room', 'topic', 'news');
    await b.rec.waitCount('onChannelAttrUpdated', 1);
    a.api.channelSetAttr('room', 'mood', 'calm');
    await b.rec.waitCount('onChannelAttrUpdated', 2);
    b.api.channelSetAttr('room', 'topic', 'sport');
    await b.rec.waitCount('onChannelAttrUpdated', 3);
    a.api.channelDelAttr('room', 'topic');
    await b.rec.waitCount('onChannelAttrUpdated', 4);
    a.api.channelSetAttr('room', 'size', 'L');
    await b.rec.waitCount('onChannelAttrUpdated', 5);
    a.api.channelClearAttr('room');
    await b.rec.waitCount('onChannelAttrUpdated', 6);
    const expected = [
      ['room', 'topic', 'news', 'update'],
      ['room', 'mood', 'calm', 'update'],
      ['room', 'topic', 'sport', 'update'],
      ['room', 'topic', '', 'del'],
      ['room', 'size', 'L', 'update'],
      ['room', '', '', 'clear'],
    ];
    expect(updates(b)).toEqual(expected);
    await a.rec.waitCount('onChannelAttrUpdated', 6);
    expect(updates(a)).toEqual(expected);
    expect(a.rec.names().every((n) => n === 'onChannelAttrUpdated')).toBe(true);

    // Replay on join: after onChannelJoined and onChannelUserList, one 'update' per existing attribute.
    a.api.channelSetAttr('room', 'k1', 'v1');
    await b.rec.waitCount('onChannelAttrUpdated', 7);
    a.api.channelSetAttr('room', 'k2', 'v2');
    await b.rec.waitCount('onChannelAttrUpdated', 8);
    const c = await login('carol');
    c.api.channelJoin('room');
    await c.rec.waitCount('onChannelAttrUpdated', 2);
    expect(c.rec.log.slice(0, 2).map((e) => e[0])).toEqual(['onChannelJoined', 'onChannelUserList']);
    expect(updates(c).sort()).toEqual([
      ['room', 'k1', 'v1', 'update'],
      ['room', 'k2', 'v2', 'update'],
    ]);
    await settle();
    expect(c.rec.log).toHaveLength(4);
  });

  it('onChannelQueryUserIsIn(ch, account, 1|0), also for a channel the caller has not joined; onChannelQueryUserNumResult(ch, 0, n)', async () => {
    const a = await login('alice');
    const b = await login('bob');
    a.api.channelJoin('room');
    await a.rec.waitFor('onChannelUserList');
    b.api.channelQueryUserIsIn('room', 'alice');
    await b.rec.waitCount('onChannelQueryUserIsIn', 1);
    b.api.channelQueryUserIsIn('room', 'zed');
    await b.rec.waitCount('onChannelQueryUserIsIn', 2);
    b.api.channelQueryUserIsIn('empty', 'alice');
    await b.rec.waitCount('onChannelQueryUserIsIn', 3);
    a.api.channelQueryUserIsIn('room', 'alice');
    await a.rec.waitFor('onChannelQueryUserIsIn');
    b.api.channelQueryUserNum('room');
    await b.rec.waitFor('onChannelQueryUserNumResult');
    b.api.channelQueryUserNum('empty');
    await b.rec.waitCount('onChannelQueryUserNumResult', 2);
    expect(b.rec.log).toEqual([
      ['onChannelQueryUserIsIn', 'room', 'alice', 1],
      ['onChannelQueryUserIsIn', 'room', 'zed', 0],
      ['onChannelQueryUserIsIn', 'empty', 'alice', 0],
      ['onChannelQueryUserNumResult', 'room', 0, 1],
      ['onChannelQueryUserNumResult', 'empty', 0, 0],
    ]);
    expect(a.rec.of('onChannelQueryUserIsIn')).toEqual([['room', 'alice', 1]]);
  });
});

// ---- messages, user state, invoke --------------------------------------------------------------------

describe('messages and user state', () => {
  beforeEach(() => lh.h.start({ rates: RELAXED }));

  it('peer and channel messages: onMessageSendSuccess(msgID), onMessageInstantReceive(account, 0, msg), onMessageChannelReceive(ch, account, uid, msg)', async () => {
    const a = await login('alice');
    const b = await login('bob');
    a.api.messageInstantSend('bob', 0, 'hello bob', 'p-1');
    expect(await b.rec.waitFor('onMessageInstantReceive')).toEqual(['alice', 0, 'hello bob']);
    await a.rec.waitFor('onMessageSendSuccess');
    expect(a.rec.log).toEqual([['onMessageSendSuccess', 'p-1']]);

    for (const l of [a, b]) {
      l.api.channelJoin('room');
      await l.rec.waitFor('onChannelUserList');
    }
    a.rec.clear();
    b.rec.clear();
    a.api.messageChannelSend('room', 'hello room', 'c-1');
    expect(await b.rec.waitFor('onMessageChannelReceive')).toEqual(['room', 'alice', stableUid('alice'), 'hello room']);
    await a.rec.waitFor('onMessageChannelReceive');
    expect(a.rec.log).toEqual([
      ['onMessageSendSuccess', 'c-1'],
      ['onMessageChannelReceive', 'room', 'alice', stableUid('alice'), 'hello room'],
    ]);
    expect(b.rec.log).toEqual([['onMessageChannelReceive', 'room', 'alice', stableUid('alice'), 'hello room']]);

    // Force: from outside the channel; the members see the message and no join or leave.
    const c = await login('carol');
    c.api.messageChannelSendForce('room', 'from outside', 'f-1');
    await c.rec.waitFor('onMessageSendSuccess');
    expect(c.rec.log).toEqual([['onMessageSendSuccess', 'f-1']]);
    await b.rec.waitCount('onMessageChannelReceive', 2);
    await settle();
    expect(b.rec.log.slice(1)).toEqual([['onMessageChannelReceive', 'room', 'carol', stableUid('carol'), 'from outside']]);
  });

  it("msgID '' gets a generated, unique, non-empty id, echoed in onMessageSendSuccess", async () => {
    const a = await login('alice');
    await login('bob');
    a.api.channelJoin('room');
    await a.rec.waitFor('onChannelUserList');
    a.rec.clear();
    a.api.messageInstantSend('bob', 0, 'one', '');
    a.api.messageInstantSend('bob', 0, 'two', '');
    a.api.messageChannelSend('room', 'three', '');
    const ids = (await a.rec.waitCount('onMessageSendSuccess', 3)).map((args) => args[0]);
    for (const id of ids) {
      expect(typeof id).toBe('string');
      expect(id).not.toBe('');
    }
    expect(new Set(ids).size).toBe(3);
  });

  it('queryUserStatus → onQueryUserStatusResult(account, "1"|"0"); attributes → onUserAttrResult / onUserAttrAllResult', async () => {
    const a = await login('alice');
    const b = await login('bob');
    a.api.queryUserStatus('bob');
    await a.rec.waitCount('onQueryUserStatusResult', 1);
    a.api.queryUserStatus('nobody');
    await a.rec.waitCount('onQueryUserStatusResult', 2);
    expect(a.rec.of('onQueryUserStatusResult')).toEqual([
      ['bob', '1'],
      ['nobody', '0'],
    ]);

    a.rec.clear();
    a.api.setAttr('color', 'red');
    a.api.setAttr('size', 'L');
    a.api.getAttr('color');
    await a.rec.waitFor('onUserAttrResult');
    a.api.getAttr('missing');
    await a.rec.waitCount('onUserAttrResult', 2);
    a.api.getAttrAll();
    await a.rec.waitFor('onUserAttrAllResult');
    // An empty value deletes.
    a.api.setAttr('size', '');
    a.api.getAttrAll();
    await a.rec.waitCount('onUserAttrAllResult', 2);
    expect(a.rec.log.map((e): unknown[] => (e[0] === 'onUserAttrAllResult' ? [e[0], e[1], JSON.parse(e[2] as string) as unknown] : e))).toEqual([
      ['onUserAttrResult', 'alice', 'color', 'red'],
      ['onUserAttrResult', 'alice', 'missing', ''],
      ['onUserAttrAllResult', 'alice', { color: 'red', size: 'L' }],
      ['onUserAttrAllResult', 'alice', { color: 'red' }],
    ]);

    b.api.getUserAttr('alice', 'color');
    await b.rec.waitFor('onUserAttrResult');
    b.api.getUserAttrAll('alice');
    await b.rec.waitFor('onUserAttrAllResult');
    b.api.getUserAttrAll('nobody');
    await b.rec.waitCount('onUserAttrAllResult', 2);
    expect(b.rec.log).toEqual([
      ['onUserAttrResult', 'alice', 'color', 'red'],
      ['onUserAttrAllResult', 'alice', '{"color":"red"}'],
      ['onUserAttrAllResult', 'nobody', '{}'],
    ]);
  });

  it('invoke: every io.agora.signal.* name → onInvokeRet(callID, "", resp) with result "ok" and its fields; an unknown name → err "unknown function"', async () => {
    const a = await login('alice');
    const b = await login('bob');
    for (const l of [a, b]) {
      l.api.channelJoin('room');
      await l.rec.waitFor('onChannelUserList');
    }
    b.api.setAttr('color', 'red');
    b.api.getAttr('color');
    await b.rec.waitFor('onUserAttrResult');
    a.rec.clear();
    b.rec.clear();

    let n = 0;
    const invoke = async (name: string, req: object): Promise<[string, unknown]> => {
      const callID = `call-${++n}`;
      a.api.invoke(`io.agora.signal.${name}`, JSON.stringify(req), callID);
      const [id, err, resp] = await a.rec.waitFor('onInvokeRet', (args) => args[0] === callID);
      expect(id).toBe(callID);
      return [err as string, JSON.parse(resp as string)];
    };
    const ok = (fields: object = {}) => ['', { result: 'ok', ...fields }];

    expect(await invoke('user_query_user_status', { account: 'bob' })).toEqual(ok({ status: 1 }));
    expect(await invoke('user_query_user_status', { account: 'nobody' })).toEqual(ok({ status: 0 }));
    expect(await invoke('user_set_attr', { name: 'mood', value: 'happy' })).toEqual(ok());
    expect(await invoke('user_get_attr', { account: 'alice', name: 'mood' })).toEqual(ok({ value: 'happy' }));
    expect(await invoke('user_get_attr', { account: 'bob', name: 'color' })).toEqual(ok({ value: 'red' }));
    expect(await invoke('user_get_attr_all', { account: 'bob' })).toEqual(ok({ json: '{"color":"red"}' }));
    expect(await invoke('channel_query_num', { name: 'room' })).toEqual(ok({ num: 2 }));
    expect(await invoke('channel_query_user_isin', { name: 'room', account: 'bob' })).toEqual(ok({ isin: 1 }));
    expect(await invoke('channel_query_user_isin', { name: 'room', account: 'zed' })).toEqual(ok({ isin: 0 }));
    const [err, list] = await invoke('channel_query_userlist', { name: 'room' });
    expect(err).toBe('');
    const l = list as { result: string; num: number; list: [string, number][] };
    expect(Object.keys(l).sort()).toEqual(['list', 'num', 'result']);
    expect({ result: l.result, num: l.num, list: [...l.list].sort() }).toEqual({
      result: 'ok',
      num: 2,
      list: [
        ['alice', stableUid('alice')],
        ['bob', stableUid('bob')],
      ],
    });
    const [err2, all] = await invoke('channel_query_userlist_all', { name: 'room', num: 1 });
    expect(err2).toBe('');
    expect(all).toEqual({ result: 'ok', num: 2, list: [expect.any(Array)] });

    expect(await invoke('channel_set_attr', { channel: 'room', name: 'topic', value: 'x' })).toEqual(ok());
    expect(await b.rec.waitFor('onChannelAttrUpdated')).toEqual(['room', 'topic', 'x', 'update']);
    expect(await invoke('channel_set_attr', { channel: 'room', name: 'other', value: 'y' })).toEqual(ok());
    await b.rec.waitCount('onChannelAttrUpdated', 2);
    expect(await invoke('channel_del_attr', { channel: 'room', name: 'topic' })).toEqual(ok());
    expect((await b.rec.waitCount('onChannelAttrUpdated', 3))[2]).toEqual(['room', 'topic', '', 'del']);
    expect(await invoke('channel_set_attr', { channel: 'room', name: 'third', value: 'z' })).toEqual(ok());
    await b.rec.waitCount('onChannelAttrUpdated', 4);
    expect(await invoke('channel_clear_attr', { channel: 'room' })).toEqual(ok());
    expect((await b.rec.waitCount('onChannelAttrUpdated', 5))[4]).toEqual(['room', '', '', 'clear']);

    // The user attribute set through invoke is the user's own: others read it.
    b.api.getUserAttr('alice', 'mood');
    expect(await b.rec.waitFor('onUserAttrResult')).toEqual(['alice', 'mood', 'happy']);

    for (const name of ['io.agora.signal.no_such_call', 'user_query_user_status', 'something.else']) {
      a.api.invoke(name, '{}', 'unknown-1');
      const [id, e, resp] = await a.rec.waitFor('onInvokeRet', (args) => args[0] === 'unknown-1');
      expect([id, e]).toEqual(['unknown-1', 'unknown function']);
      expect((JSON.parse(resp as string) as { result: string }).result).not.toBe('ok');
      a.rec.log.splice(a.rec.log.findIndex((x) => x[0] === 'onInvokeRet' && x[1] === 'unknown-1'), 1);
    }
    expect(a.rec.of('onError')).toEqual([]);
  });
});

// ---- calls --------------------------------------------------------------------------------------------

describe('calls', () => {
  beforeEach(() => lh.h.start({ rates: RELAXED }));

  it('invite, accept, and the caller ends: every callback with its arguments, on both sides', async () => {
    const a = await login('alice');
    const b = await login('bob');
    a.api.channelInviteUser2('call-1', 'bob', '{"x":1}');
    expect(await b.rec.waitFor('onInviteReceived')).toEqual(['call-1', 'alice', stableUid('alice'), '{"x":1}']);
    expect(await a.rec.waitFor('onInviteReceivedByPeer')).toEqual(['call-1', 'bob', stableUid('bob')]);
    b.api.channelInviteAccept('call-1', 'alice', 0, 'sure');
    expect(await a.rec.waitFor('onInviteAcceptedByPeer')).toEqual(['call-1', 'bob', stableUid('bob'), 'sure']);
    a.api.channelInviteEnd('call-1', 'bob', 0);
    expect(await b.rec.waitFor('onInviteEndByPeer')).toEqual(['call-1', 'alice', stableUid('alice'), '']);
    await settle();
    expect(a.rec.log).toEqual([
      ['onInviteReceivedByPeer', 'call-1', 'bob', stableUid('bob')],
      ['onInviteAcceptedByPeer', 'call-1', 'bob', stableUid('bob'), 'sure'],
      ['onInviteEndByMyself', 'call-1', 'bob', stableUid('bob')],
    ]);
    expect(b.rec.log).toEqual([
      ['onInviteReceived', 'call-1', 'alice', stableUid('alice'), '{"x":1}'],
      ['onInviteEndByPeer', 'call-1', 'alice', stableUid('alice'), ''],
    ]);
  });

  it('after accept the callee ends: onInviteEndByMyself at the callee, onInviteEndByPeer at the caller', async () => {
    const a = await login('alice');
    const b = await login('bob');
    a.api.channelInviteUser('call-2', 'bob', 0);
    expect(await b.rec.waitFor('onInviteReceived')).toEqual(['call-2', 'alice', stableUid('alice'), '']);
    b.api.channelInviteAccept('call-2', 'alice', 0, '');
    await a.rec.waitFor('onInviteAcceptedByPeer');
    b.api.channelInviteEnd('call-2', 'alice', 0);
    expect(await a.rec.waitFor('onInviteEndByPeer')).toEqual(['call-2', 'bob', stableUid('bob'), '']);
    await settle();
    expect(b.rec.log).toEqual([
      ['onInviteReceived', 'call-2', 'alice', stableUid('alice'), ''],
      ['onInviteEndByMyself', 'call-2', 'alice', stableUid('alice')],
    ]);
    expect(a.rec.names()).toEqual(['onInviteReceivedByPeer', 'onInviteAcceptedByPeer', 'onInviteEndByPeer']);
  });

  it('refuse: onInviteRefusedByPeer(…, extra); cancel before an answer: onInviteEndByMyself / onInviteEndByPeer', async () => {
    const a = await login('alice');
    const b = await login('bob');
    a.api.channelInviteUser2('call-3', 'bob', '');
    await b.rec.waitFor('onInviteReceived');
    b.api.channelInviteRefuse('call-3', 'alice', 0, '{"status":1}');
    expect(await a.rec.waitFor('onInviteRefusedByPeer')).toEqual(['call-3', 'bob', stableUid('bob'), '{"status":1}']);

    a.rec.clear();
    b.rec.clear();
    a.api.channelInviteUser2('call-4', 'bob', '');
    await b.rec.waitFor('onInviteReceived');
    await a.rec.waitFor('onInviteReceivedByPeer');
    a.api.channelInviteEnd('call-4', 'bob', 0);
    expect(await a.rec.waitFor('onInviteEndByMyself')).toEqual(['call-4', 'bob', stableUid('bob')]);
    expect(await b.rec.waitFor('onInviteEndByPeer')).toEqual(['call-4', 'alice', stableUid('alice'), '']);
    // The call is over: it can no longer be accepted.
    b.api.channelInviteAccept('call-4', 'alice', 0, '');
    expect(await b.rec.waitFor('onError')).toEqual(['invite_accept', AgoraECode.GENERAL_E_WRONG_PARAM, expect.any(String)]);
    await settle();
    expect(a.rec.names()).toEqual(['onInviteReceivedByPeer', 'onInviteEndByMyself']);
  });

  it('channelInviteDTMF → the peer gets onInviteMsg(ch, account, uid, "dtmf", digits, extra)', async () => {
    const a = await login('alice');
    const b = await login('bob');
    a.api.channelInviteDTMF('call-5', 'bob', '12*#');
    expect(await b.rec.waitFor('onInviteMsg')).toEqual(['call-5', 'alice', stableUid('alice'), 'dtmf', '12*#', JSON.stringify({ msgtype: 'dtmf', msgdata: '12*#' })]);
    await settle();
    expect(b.rec.names()).toEqual(['onInviteMsg']);
    expect(a.rec.log).toEqual([]);
  });

  it('onInviteFailed(…, 703, {"reason":"PEER_OFFLINE"}) when the callee stays offline past the delivery deadline', async () => {
    const a = await login('alice', { rtm: { invitation: { deliveryDeadlineMs: 300 } } });
    a.api.channelInviteUser2('call-6', 'ghost', '{"a":1}');
    const [, , , ecode] = await a.rec.waitFor('onInviteFailed', () => true, 2000);
    expect(ecode).toBe(AgoraECode.INVITE_E_PEEROFFLINE);
    expect(a.rec.log).toEqual([['onInviteFailed', 'call-6', 'ghost', stableUid('ghost'), 703, '{"reason":"PEER_OFFLINE"}']]);
  });

  it('onInviteFailed(…, 704) from the extra key _timeout; the invitation is withdrawn from the callee', async () => {
    const a = await login('alice');
    const b = await login('bob');
    const t0 = Date.now();
    a.api.channelInviteUser2('call-7', 'bob', '{"_timeout":1}');
    await b.rec.waitFor('onInviteReceived');
    await a.rec.waitFor('onInviteFailed', () => true, 3000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(a.rec.log).toEqual([
      ['onInviteReceivedByPeer', 'call-7', 'bob', stableUid('bob')],
      ['onInviteFailed', 'call-7', 'bob', stableUid('bob'), AgoraECode.INVITE_E_TIMEOUT, '{"reason":"TIMEOUT"}'],
    ]);
    expect(await b.rec.waitFor('onInviteEndByPeer')).toEqual(['call-7', 'alice', stableUid('alice'), '{"_timeout":1}']);
    b.api.channelInviteAccept('call-7', 'alice', 0, '');
    expect(await b.rec.waitFor('onError')).toEqual(['invite_accept', 1004, expect.any(String)]);
    await settle();
    expect(a.rec.log).toHaveLength(2);
  });

  it('onInviteFailed(…, 703) at once with {"_require_peer_online":1} and the callee offline; an online callee still gets the call', async () => {
    const a = await login('alice');
    const t0 = Date.now();
    a.api.channelInviteUser2('call-8', 'ghost', '{"_require_peer_online":1}');
    await a.rec.waitFor('onInviteFailed');
    expect(Date.now() - t0).toBeLessThan(1000); // the legacy delivery deadline is 20 s
    expect(a.rec.log).toEqual([['onInviteFailed', 'call-8', 'ghost', stableUid('ghost'), 703, '{"reason":"PEER_OFFLINE"}']]);

    const b = await login('bob');
    a.rec.clear();
    a.api.channelInviteUser2('call-9', 'bob', '{"_require_peer_online":1}');
    expect(await b.rec.waitFor('onInviteReceived')).toEqual(['call-9', 'alice', stableUid('alice'), '{"_require_peer_online":1}']);
    await a.rec.waitFor('onInviteReceivedByPeer');
    expect(a.rec.of('onInviteFailed')).toEqual([]);
  });
});

// ---- unsupported and internal calls ---------------------------------------------------------------

describe('unsupported and internal calls', () => {
  beforeEach(() => lh.h.start());

  it('channelInvitePhone, 2, 3: onError(name, 1001) and onInviteFailed(ch, phone, 0, 700, {"reason":"PSTN_NOT_SUPPORTED"})', async () => {
    const a = await login('alice');
    a.api.channelInvitePhone('pstn', '+15550100', 0);
    a.api.channelInvitePhone2('pstn', '+15550101', '+15550999');
    a.api.channelInvitePhone3('pstn', '+15550102', '+15550999', '{}');
    const failed = (phone: string) => ['onInviteFailed', 'pstn', phone, 0, AgoraECode.INVITE_E_OTHER, '{"reason":"PSTN_NOT_SUPPORTED"}'];
    expect(a.rec.log).toEqual([
      ['onError', 'invite_phone', 1001, expect.stringContaining('PSTN')],
      failed('+15550100'),
      ['onError', 'invite_phone', 1001, expect.stringContaining('PSTN')],
      failed('+15550101'),
      ['onError', 'invite_phone', 1001, expect.stringContaining('PSTN')],
      failed('+15550102'),
    ]);
  });

  it('messageAppSend / messagePushSend / messageChatSend / messageDTMFSend: onError(name, 1001) and onMessageSendError(msgID, 400)', async () => {
    const a = await login('alice');
    a.api.messageAppSend('x', 'm1');
    a.api.messagePushSend('bob', 0, 'x', 'm2');
    a.api.messageChatSend('bob', 0, 'x', 'm3');
    a.api.messageDTMFSend(0, '1', 'm4');
    expect(a.rec.log).toEqual([
      ['onError', 'send_app_msg', 1001, expect.any(String)],
      ['onMessageSendError', 'm1', 400],
      ['onError', 'send_push_msg', 1001, expect.any(String)],
      ['onMessageSendError', 'm2', 400],
      ['onError', 'send_chat_msg', 1001, expect.any(String)],
      ['onMessageSendError', 'm3', 400],
      ['onError', 'send_dtmf_msg', 1001, expect.any(String)],
      ['onMessageSendError', 'm4', 400],
    ]);
  });

  it('bc_call → onBCCall_result("not supported: <func>", "", callID); internal knobs only log; getSdkVersion and callbackGet', async () => {
    const a = await login('alice');
    a.api.bc_call('some_func', '{}', 'bc-1');
    expect(a.rec.log).toEqual([['onBCCall_result', 'not supported: some_func', '', 'bc-1']]);
    a.rec.clear();
    a.api.setBackground(1);
    a.api.setNetworkStatus(1);
    a.api.ping();
    a.api.start();
    a.api.stop();
    a.api.dbg('lbs_100', '1');
    await settle(50);
    expect(a.rec.log).toEqual([]);
    expect(a.rec.lines).toHaveLength(6);
    for (const line of a.rec.lines) expect(line).toMatch(/^\[sig2rtm\] .*ignored/);
    expect(a.api.getStatus()).toBe(2);
    expect(a.api.getSdkVersion()).toBe(LEGACY_SDK_VERSION);
    expect(LEGACY_SDK_VERSION).toBe(1010400000);
    expect(a.api.callbackGet()).toBe(a.rec.cb);
  });

  it('AgoraAPI.CallBack: a subclass gets its overrides called and the rest ignored', async () => {
    const got: unknown[][] = [];
    class App extends AgoraAPI.CallBack {
      override onLoginSuccess(uid: number, fd: number): void {
        got.push(['onLoginSuccess', uid, fd]);
      }
    }
    const a = make();
    a.api.callbackSet(new App());
    a.api.login(APP_ID, 'alice', '_no_need_token');
    await until(() => got.length > 0);
    a.api.channelJoin('room'); // callbacks the subclass does not override: no error
    await settle();
    expect(got).toEqual([['onLoginSuccess', stableUid('alice'), 0]]);
  });
});

// ---- coverage of this file -----------------------------------------------------------------------

describe('coverage', () => {
  it('the flows above produced every callback that src/mapping/callbacks.ts does not document as never fired', () => {
    const producible = (Object.entries(CALLBACKS) as [CallbackName, { difference: string }][])
      .filter(([, row]) => !/never fired/i.test(row.difference))
      .map(([name]) => name)
      .sort();
    expect(producible.length).toBeGreaterThan(30);
    expect(producible.filter((n) => !lh.seen.has(n))).toEqual([]);
  });
});
