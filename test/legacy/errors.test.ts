/**
 * The legacy native API on bad input and in the wrong state: it never throws into the app; it answers
 * with the legacy callbacks and ecodes (legacy-signaling.md §3.3 onError, §6; src/mapping/callbacks.ts
 * onError: 1003 before login, 1004 for a bad argument, 1005 for one too large, 1001 otherwise).
 */

import { AgoraAPI, AgoraECode, type ICallBack } from '../../src/legacy';
import { APP_ID, sleep, until } from '../helpers/harness';
import { LegacyHarness, settle, stableUid, type Legacy } from './helpers/legacy-harness';

const lh = new LegacyHarness();
beforeEach(() => lh.h.start());
afterEach(() => lh.stop());

const login = (account: string) => lh.login(account);

/** Calls `fn` and checks that it returned normally. */
function call(fn: () => void): void {
  expect(fn).not.toThrow();
}

type Api = AgoraAPI;
/** [the method the app calls, the name onError carries, the call]. */
type Case = [string, string, (api: Api) => void];

/** Every legacy method that needs a login, with valid arguments. */
const NEEDS_LOGIN: Case[] = [
  ['messageInstantSend', 'send_instant_msg', (a) => a.messageInstantSend('bob', 0, 'hi', 'm1')],
  ['messageInstantSend2', 'send_instant_msg', (a) => a.messageInstantSend2('bob', 0, 'hi', 'm1', '')],
  ['messageChannelSend', 'send_channel_msg', (a) => a.messageChannelSend('room', 'hi', 'm1')],
  ['messageChannelSend2', 'send_channel_msg', (a) => a.messageChannelSend2('room', 'hi', 'm1', '')],
  ['messageChannelSendForce', 'send_channel_msg', (a) => a.messageChannelSendForce('room', 'hi', 'm1')],
  ['queryUserStatus', 'query_user_status', (a) => a.queryUserStatus('bob')],
  ['setAttr', 'set_attr', (a) => a.setAttr('k', 'v')],
  ['getAttr', 'get_attr', (a) => a.getAttr('k')],
  ['getAttrAll', 'get_attr_all', (a) => a.getAttrAll()],
  ['getUserAttr', 'get_attr', (a) => a.getUserAttr('bob', 'k')],
  ['getUserAttrAll', 'get_attr_all', (a) => a.getUserAttrAll('bob')],
  ['channelJoin', 'channel_join', (a) => a.channelJoin('room')],
  ['channelLeave', 'channel_leave', (a) => a.channelLeave('room')],
  ['channelQueryUserNum', 'channel_query_num', (a) => a.channelQueryUserNum('room')],
  ['channelQueryUserIsIn', 'channel_query_user_isin', (a) => a.channelQueryUserIsIn('room', 'bob')],
  ['channelSetAttr', 'channel_set_attr', (a) => a.channelSetAttr('room', 'k', 'v')],
  ['channelDelAttr', 'channel_del_attr', (a) => a.channelDelAttr('room', 'k')],
  ['channelClearAttr', 'channel_clear_attr', (a) => a.channelClearAttr('room')],
  ['channelInviteUser', 'invite', (a) => a.channelInviteUser('room', 'bob', 0)],
  ['channelInviteUser2', 'invite', (a) => a.channelInviteUser2('room', 'bob', '{}')],
  ['channelInviteAccept', 'invite_accept', (a) => a.channelInviteAccept('room', 'bob', 0, '')],
  ['channelInviteRefuse', 'invite_refuse', (a) => a.channelInviteRefuse('room', 'bob', 0, '')],
  ['channelInviteEnd', 'invite_end', (a) => a.channelInviteEnd('room', 'bob', 0)],
  ['channelInviteDTMF', 'invite_dtmf', (a) => a.channelInviteDTMF('room', 'bob', '1')],
  ['invoke', 'invoke', (a) => a.invoke('io.agora.signal.channel_query_num', '{"name":"room"}', 'c1')],
];

describe('before login', () => {
  it.each(NEEDS_LOGIN)('%s → onError(%s, 1003, desc) and nothing else', async (_method, name, fn) => {
    const { api, rec } = lh.make();
    call(() => fn(api));
    await settle(100);
    expect(rec.log).toEqual([['onError', name, AgoraECode.GENERAL_E_NOT_LOGIN, expect.stringMatching(/\S/)]]);
    expect(api.getStatus()).toBe(0);
  });

  it('while the login is in progress and after a logout, too', async () => {
    const l = lh.make();
    l.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
    expect(l.api.getStatus()).toBe(1);
    call(() => l.api.messageInstantSend('bob', 0, 'early', 'm0'));
    call(() => l.api.channelJoin('room'));
    expect(l.rec.log).toEqual([
      ['onError', 'send_instant_msg', 1003, expect.any(String)],
      ['onError', 'channel_join', 1003, expect.any(String)],
    ]);
    await l.rec.waitFor('onLoginSuccess');
    l.api.logout();
    await l.rec.waitFor('onLogout');
    l.rec.clear();
    for (const [, , fn] of NEEDS_LOGIN) call(() => fn(l.api));
    await settle(100);
    expect(l.rec.log).toEqual(NEEDS_LOGIN.map(([, name]): unknown[] => ['onError', name, 1003, expect.any(String)]));
  });

  it('logout → onLogout(108); the calls that need no login answer as usual', async () => {
    const { api, rec } = lh.make();
    call(() => api.logout());
    call(() => api.bc_call('f', '{}', 'b1'));
    call(() => api.ping());
    expect(api.getSdkVersion()).toBe(1010400000);
    expect(api.isOnline()).toBe(false);
    await settle(50);
    expect(rec.log).toEqual([
      ['onLogout', AgoraECode.LOGOUT_E_ALREADY_LOGOUT],
      ['onBCCall_result', 'not supported: f', '', 'b1'],
    ]);
  });

  it('no callback set: nothing throws, and a callback set later gets what follows', async () => {
    const api = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: lh.h.server.url });
    call(() => api.messageInstantSend('bob', 0, 'x', 'm'));
    call(() => api.logout());
    call(() => api.callbackSet(null));
    const l: Legacy = lh.make();
    call(() => l.api.callbackSet(undefined));
    call(() => l.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1));
    await sleep(100);
    expect(l.api.getStatus()).toBe(2);
    l.api.callbackSet(l.rec.cb);
    l.api.logout();
    await l.rec.waitFor('onLogout');
    expect(l.rec.log).toEqual([['onLogout', 101]]);
    api.destroy();
  });
});

describe('bad arguments', () => {
  /** Types an app written in JS can pass (cast here, as such an app would not be type-checked). */
  const x = <T>(v: unknown) => v as T;
  const BAD: Case[] = [
    ['messageInstantSend', 'send_instant_msg', (a) => a.messageInstantSend(x(42), 0, 'hi', 'm1')],
    ['messageInstantSend', 'send_instant_msg', (a) => a.messageInstantSend('bob', 0, 'hi', x(7))],
    ['messageChannelSend', 'send_channel_msg', (a) => a.messageChannelSend(x(undefined), 'hi', 'm1')],
    ['messageChannelSendForce', 'send_channel_msg', (a) => a.messageChannelSendForce(x(null), 'hi', 'm1')],
    ['queryUserStatus', 'query_user_status', (a) => a.queryUserStatus(x(undefined))],
    ['setAttr', 'set_attr', (a) => a.setAttr(x(1), 'v')],
    ['setAttr', 'set_attr', (a) => a.setAttr('k', x(2))],
    ['getAttr', 'get_attr', (a) => a.getAttr(x(null))],
    ['getUserAttr', 'get_attr', (a) => a.getUserAttr('bob', x(3))],
    ['getUserAttrAll', 'get_attr_all', (a) => a.getUserAttrAll(x(undefined))],
    ['channelJoin', 'channel_join', (a) => a.channelJoin(x(42))],
    ['channelLeave', 'channel_leave', (a) => a.channelLeave(x(undefined))],
    ['channelQueryUserNum', 'channel_query_num', (a) => a.channelQueryUserNum(x({}))],
    ['channelQueryUserIsIn', 'channel_query_user_isin', (a) => a.channelQueryUserIsIn('room', x(5))],
    ['channelSetAttr', 'channel_set_attr', (a) => a.channelSetAttr('room', 'k', x(5))],
    ['channelDelAttr', 'channel_del_attr', (a) => a.channelDelAttr('room', x(undefined))],
    ['channelClearAttr', 'channel_clear_attr', (a) => a.channelClearAttr(x(9))],
    ['channelInviteUser2', 'invite', (a) => a.channelInviteUser2('room', x(1), 'x')],
    ['channelInviteAccept', 'invite_accept', (a) => a.channelInviteAccept(x(1), 'bob', 0, '')],
    ['channelInviteRefuse', 'invite_refuse', (a) => a.channelInviteRefuse('room', x(undefined), 0, '')],
    ['channelInviteEnd', 'invite_end', (a) => a.channelInviteEnd(x(null), 'bob', 0)],
    ['channelInviteDTMF', 'invite_dtmf', (a) => a.channelInviteDTMF('room', 'bob', x(5))],
    ['invoke', 'invoke', (a) => a.invoke(x(5), '{}', 'c1')],
    ['invoke', 'invoke', (a) => a.invoke('io.agora.signal.channel_query_num', x({ name: 'room' }), 'c1')],
  ];

  it('logged in: a number, null, undefined or object where a string is expected → onError(name, 1004) and nothing else', async () => {
    const { api, rec } = await login('alice');
    for (const [, , fn] of BAD) call(() => fn(api));
    await settle();
    expect(rec.log).toEqual(BAD.map(([, name]): unknown[] => ['onError', name, AgoraECode.GENERAL_E_WRONG_PARAM, expect.stringMatching(/must be a string/)]));
    expect(api.getStatus()).toBe(2);
  });

  it('not logged in: the argument check comes first (1004, not 1003)', async () => {
    const { api, rec } = lh.make();
    for (const [, , fn] of BAD) call(() => fn(api));
    await settle(50);
    expect(rec.log.map((e) => e[2])).toEqual(BAD.map(() => 1004));
  });

  it('login2 with a non-string account → onError("login", 1004); status stays 0', async () => {
    const { api, rec } = lh.make();
    call(() => api.login2(APP_ID, x(12345), '_no_need_token', 0, '', 5, 1));
    call(() => api.login(APP_ID, x(undefined), '_no_need_token'));
    await settle();
    expect(rec.log).toEqual([
      ['onError', 'login', 1004, expect.any(String)],
      ['onError', 'login', 1004, expect.any(String)],
    ]);
    expect(api.getStatus()).toBe(0);
  });

  it('an invalid account (spaces, 129+ characters, empty, "null") → onLoginFailed(209); 128 characters of any script log in', async () => {
    for (const account of ['al ice', 'tab\there', 'x'.repeat(129), '', 'null']) {
      const { api, rec } = lh.make();
      call(() => api.login2(APP_ID, account, '_no_need_token', 0, '', 5, 1));
      await rec.waitFor('onLoginFailed');
      await settle(30);
      expect([account, rec.log]).toEqual([account, [['onLoginFailed', AgoraECode.LOGIN_E_INVALID_USER]]]);
      expect(api.getStatus()).toBe(0);
    }
    const ok = lh.make();
    const account = '账'.repeat(128);
    ok.api.login2(APP_ID, account, '_no_need_token', 0, '', 5, 1);
    await ok.rec.waitFor('onLoginSuccess');
    expect(ok.rec.log).toEqual([['onLoginSuccess', stableUid(account), 0]]);
  });

  it('no appId at all → onLoginFailed(202) (any other goes to the server, which decides)', async () => {
    const { api, rec } = lh.make({}, '');
    api.login2('', 'alice', '_no_need_token', 0, '', 5, 1);
    await rec.waitFor('onLoginFailed');
    expect(rec.log).toEqual([['onLoginFailed', AgoraECode.LOGIN_E_FAILED]]);
  });

  it('channel names legacy rejects → onChannelJoinFailed(ch, 300); the session goes on', async () => {
    const { api, rec } = await login('alice');
    const names = ['a space', 'tab\t', 'x'.repeat(129), '', 'null', 'bell\u0007'];
    for (const ch of names) call(() => api.channelJoin(ch));
    await rec.waitCount('onChannelJoinFailed', names.length);
    await settle(50);
    expect(rec.log).toEqual(names.map((ch) => ['onChannelJoinFailed', ch, AgoraECode.JOINCHANNEL_E_OTHER]));
    rec.clear();
    api.channelJoin('频'.repeat(128));
    await rec.waitFor('onChannelUserList');
    expect(rec.log[0]).toEqual(['onChannelJoined', '频'.repeat(128)]);
  });

  it('setAttr with a 129-character name → onError("set_attr", 1004), a value over 8096 → 1005; 128 characters are fine', async () => {
    const { api, rec } = await login('alice');
    api.setAttr('n'.repeat(129), 'v');
    await rec.waitFor('onError');
    api.setAttr('n', 'v'.repeat(8097));
    await rec.waitCount('onError', 2);
    expect(rec.log).toEqual([
      ['onError', 'set_attr', AgoraECode.GENERAL_E_WRONG_PARAM, expect.any(String)],
      ['onError', 'set_attr', AgoraECode.GENERAL_E_LARGE_PARAM, expect.any(String)],
    ]);
    rec.clear();
    api.setAttr('名'.repeat(128), 'v'.repeat(8096));
    api.getAttr('名'.repeat(128));
    await rec.waitFor('onUserAttrResult');
    expect(rec.log).toEqual([['onUserAttrResult', 'alice', '名'.repeat(128), 'v'.repeat(8096)]]);
  });

  it('channelSetAttr with a 129-character name → onError("channel_set_attr", 1005); 128 characters of any script are fine', async () => {
    const { api, rec } = await login('alice');
    api.channelSetAttr('room', 'n'.repeat(129), 'v');
    await rec.waitFor('onError');
    expect(rec.log).toEqual([['onError', 'channel_set_attr', AgoraECode.GENERAL_E_LARGE_PARAM, expect.any(String)]]);
    rec.clear();
    api.channelJoin('room');
    await rec.waitFor('onChannelUserList');
    api.channelSetAttr('room', '主'.repeat(128), 'v');
    expect(await rec.waitFor('onChannelAttrUpdated')).toEqual(['room', '主'.repeat(128), 'v', 'update']);
  });
});

describe('wrong state', () => {
  it('channelLeave of a channel not joined → onChannelLeaved(ch, 600)', async () => {
    const { api, rec } = await login('alice');
    api.channelLeave('nowhere');
    await rec.waitFor('onChannelLeaved');
    api.channelJoin('room');
    await rec.waitFor('onChannelUserList');
    api.channelLeave('other');
    await rec.waitCount('onChannelLeaved', 2);
    expect(rec.of('onChannelLeaved')).toEqual([
      ['nowhere', AgoraECode.LEAVECHANNEL_E_OTHER],
      ['other', AgoraECode.LEAVECHANNEL_E_OTHER],
    ]);
  });

  it('accept / refuse with no such call → onError(name, 1004); accepting twice → 1004', async () => {
    const a = await login('alice');
    const b = await login('bob');
    b.api.channelInviteAccept('call', 'alice', 0, '');
    b.api.channelInviteRefuse('call', 'alice', 0, '');
    await b.rec.waitCount('onError', 2);
    expect(b.rec.log).toEqual([
      ['onError', 'invite_accept', AgoraECode.GENERAL_E_WRONG_PARAM, expect.any(String)],
      ['onError', 'invite_refuse', AgoraECode.GENERAL_E_WRONG_PARAM, expect.any(String)],
    ]);
    b.rec.clear();
    a.api.channelInviteUser2('call', 'bob', '');
    await b.rec.waitFor('onInviteReceived');
    // Right call, wrong peer or channel: still no such call.
    b.api.channelInviteAccept('call', 'carol', 0, '');
    b.api.channelInviteAccept('other', 'alice', 0, '');
    b.api.channelInviteAccept('call', 'alice', 0, 'yes');
    await a.rec.waitFor('onInviteAcceptedByPeer');
    b.api.channelInviteAccept('call', 'alice', 0, 'again');
    b.api.channelInviteRefuse('call', 'alice', 0, 'no');
    await b.rec.waitCount('onError', 4);
    expect(b.rec.of('onError').map((e) => [e[0], e[1]])).toEqual([
      ['invite_accept', 1004],
      ['invite_accept', 1004],
      ['invite_accept', 1004],
      ['invite_refuse', 1004],
    ]);
    expect(a.rec.of('onInviteAcceptedByPeer')).toEqual([['call', 'bob', stableUid('bob'), 'yes']]);
  });

  it('login while logged in (or logging in) is ignored: no callback, same account, a log line', async () => {
    const l = lh.make();
    l.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
    l.api.login2(APP_ID, 'mallory', '_no_need_token', 0, '', 5, 1);
    await l.rec.waitFor('onLoginSuccess');
    l.api.login(APP_ID, 'mallory', '_no_need_token');
    const b = await login('bob');
    await settle();
    expect(l.rec.log).toEqual([['onLoginSuccess', stableUid('alice'), 0]]);
    expect(l.rec.lines.filter((s) => /login ignored/.test(s))).toHaveLength(2);
    expect(l.api.getStatus()).toBe(2);
    l.api.messageInstantSend('bob', 0, 'who am I', 'm1');
    expect(await b.rec.waitFor('onMessageInstantReceive')).toEqual(['alice', 0, 'who am I']);
    b.api.queryUserStatus('mallory');
    expect(await b.rec.waitFor('onQueryUserStatusResult')).toEqual(['mallory', '0']);
  });

  it('messageChannelSend when not in the channel → onMessageSendError(msgID, 400), no echo', async () => {
    const { api, rec } = await login('alice');
    api.messageChannelSend('room', 'hi', 'm1');
    await rec.waitFor('onMessageSendError');
    api.channelJoin('lobby');
    await rec.waitFor('onChannelUserList');
    api.messageChannelSend('room', 'hi', 'm2');
    await rec.waitCount('onMessageSendError', 2);
    await settle();
    expect(rec.of('onMessageSendError')).toEqual([
      ['m1', AgoraECode.SENDMESSAGE_E_OTHER],
      ['m2', AgoraECode.SENDMESSAGE_E_OTHER],
    ]);
    expect(rec.of('onMessageChannelReceive')).toEqual([]);
    expect(rec.of('onMessageSendSuccess')).toEqual([]);
  });

  it('a message over 32 KB → onMessageSendError(msgID, 400), peer and channel; exactly 32 KB goes through', async () => {
    const a = await login('alice');
    const b = await login('bob');
    for (const l of [a, b]) {
      l.api.channelJoin('room');
      await l.rec.waitFor('onChannelUserList');
    }
    a.rec.clear();
    b.rec.clear();
    const max = 'a'.repeat(32 * 1024);
    a.api.messageInstantSend('bob', 0, max + 'a', 'p-big');
    a.api.messageInstantSend('bob', 0, 'é'.repeat(16 * 1024 + 1), 'p-bytes'); // 16 385 characters, 32 770 bytes
    a.api.messageChannelSend('room', max + 'a', 'c-big');
    a.api.messageChannelSendForce('room', max + 'a', 'f-big');
    await a.rec.waitCount('onMessageSendError', 4);
    expect(a.rec.log).toEqual([
      ['onMessageSendError', 'p-big', 400],
      ['onMessageSendError', 'p-bytes', 400],
      ['onMessageSendError', 'c-big', 400],
      ['onMessageSendError', 'f-big', 400],
    ]);
    a.rec.clear();
    a.api.messageInstantSend('bob', 0, max, 'p-max');
    await a.rec.waitFor('onMessageSendSuccess');
    expect((await b.rec.waitFor('onMessageInstantReceive'))[2]).toBe(max);
    a.api.messageChannelSend('room', max, 'c-max');
    await a.rec.waitCount('onMessageSendSuccess', 2);
    expect(a.rec.of('onMessageSendSuccess')).toEqual([['p-max'], ['c-max']]);
    expect(b.rec.of('onMessageInstantReceive')).toHaveLength(1);
  });

  it('invoke with a request that is not a JSON object, or misses a field → onInvokeRet(callID, err ≠ "", resp not ok)', async () => {
    const { api, rec } = await login('alice');
    const reqs = ['not json', '[1,2]', '{}'];
    reqs.forEach((req, i) => api.invoke('io.agora.signal.channel_query_num', req, `c${i}`));
    await rec.waitCount('onInvokeRet', reqs.length);
    for (const [id, err, resp] of rec.of('onInvokeRet')) {
      expect(typeof id).toBe('string');
      expect(err).not.toBe('');
      expect((JSON.parse(resp as string) as { result: string }).result).toBe('failed');
    }
    expect(rec.of('onInvokeRet').map((e) => e[0]).sort()).toEqual(['c0', 'c1', 'c2']);
  });
});

describe("the app's own exceptions", () => {
  it('an exception thrown in a callback does not break the SDK: it is reported via onLog and the next callbacks arrive', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const lines: string[] = [];
      const got: unknown[][] = [];
      const cb: ICallBack = {
        onLoginSuccess(uid) {
          got.push(['onLoginSuccess', uid]);
          throw new Error('boom in onLoginSuccess');
        },
        onMessageInstantReceive(account, _uid, msg) {
          got.push(['onMessageInstantReceive', account, msg]);
          throw new TypeError('boom in onMessageInstantReceive');
        },
        onMessageSendSuccess(id) {
          got.push(['onMessageSendSuccess', id]);
        },
        onLog(txt) {
          lines.push(txt);
        },
      };
      const l = lh.make();
      l.api.callbackSet(cb);
      l.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
      const b = await login('bob');
      await until(() => got.length > 0);
      expect(l.api.getStatus()).toBe(2);
      b.api.messageInstantSend('alice', 0, 'one', 'b1');
      b.api.messageInstantSend('alice', 0, 'two', 'b2');
      l.api.messageInstantSend('bob', 0, 'reply', 'a1');
      await b.rec.waitFor('onMessageInstantReceive');
      await settle();
      expect(got).toEqual([
        ['onLoginSuccess', stableUid('alice')],
        ['onMessageInstantReceive', 'bob', 'one'],
        ['onMessageInstantReceive', 'bob', 'two'],
        ['onMessageSendSuccess', 'a1'],
      ]);
      const reported = lines.filter((s) => s.includes('exception in'));
      expect(reported).toEqual([
        expect.stringMatching(/exception in onLoginSuccess: Error: boom in onLoginSuccess/),
        expect.stringMatching(/exception in onMessageInstantReceive: TypeError: boom in onMessageInstantReceive/),
        expect.stringMatching(/exception in onMessageInstantReceive: TypeError: boom in onMessageInstantReceive/),
      ]);
      expect(errors).toHaveBeenCalledTimes(3);
    } finally {
      errors.mockRestore();
    }
  });

  it('an onLog that throws too: no loop, the SDK goes on', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      let logs = 0;
      const got: string[] = [];
      const l = lh.make();
      l.api.callbackSet({
        onLoginSuccess() {
          got.push('onLoginSuccess');
          throw new Error('first');
        },
        onLog() {
          logs++;
          throw new Error('second');
        },
        onLogout(ecode) {
          got.push(`onLogout ${ecode}`);
        },
      });
      l.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
      await until(() => got.length > 0);
      expect(l.api.getStatus()).toBe(2);
      l.api.logout();
      await until(() => got.length > 1);
      expect(got).toEqual(['onLoginSuccess', 'onLogout 101']);
      expect(logs).toBeGreaterThanOrEqual(1);
      expect(logs).toBeLessThan(5);
    } finally {
      errors.mockRestore();
    }
  });
});
