/**
 * The compat options (src/mapping/compat.ts): each one in both settings, observed through the legacy
 * callbacks on a real server, then RTM_COMPAT as a whole. The default of each is the legacy
 * behaviour; the other value is RTM's.
 */

import { COMPAT_ROWS, DEFAULT_COMPAT, RTM_COMPAT, Signal, type CompatOptions, type Session } from '../../src/legacy';
import { APP_ID, until } from '../helpers/harness';
import { eventually } from './helpers/seed-scene';
import { LegacyHarness, loginLegacy, settle, stableUid, type Legacy } from './helpers/legacy-harness';

const lh = new LegacyHarness();
beforeEach(() => lh.h.start());
afterEach(() => lh.stop());

const login = (account: string, compat: Partial<CompatOptions> = {}) => lh.login(account, { compat });

async function join(l: Legacy, ch: string): Promise<unknown[]> {
  l.rec.clear();
  l.api.channelJoin(ch);
  const list = await l.rec.waitFor('onChannelUserList');
  return list;
}

/** Logs out and in again on the same instance (the engine waits out RTM's 500 ms between logins). */
async function relogin(l: Legacy, account: string): Promise<void> {
  l.api.logout();
  await l.rec.waitFor('onLogout');
  await loginLegacy(l, account);
}

/** The options a test below exercises, checked against COMPAT_ROWS at the end. */
const tested = new Set<keyof CompatOptions>();

describe('sendSuccess', () => {
  beforeAll(() => tested.add('sendSuccess'));

  it("'server' (default): a message to an offline peer succeeds, as legacy success meant the server had it", async () => {
    expect(DEFAULT_COMPAT.sendSuccess).toBe('server');
    const a = await login('alice');
    a.api.messageInstantSend('ghost', 0, 'anyone?', 'm1');
    await a.rec.waitFor('onMessageSendSuccess');
    await settle(50);
    expect(a.rec.log).toEqual([['onMessageSendSuccess', 'm1']]);
  });

  it("'peer': a message to an offline peer → onMessageSendError(msgID, 400); to an online peer, success", async () => {
    const a = await login('alice', { sendSuccess: 'peer' });
    const b = await login('bob');
    a.api.messageInstantSend('ghost', 0, 'anyone?', 'm1');
    await a.rec.waitFor('onMessageSendError');
    a.api.messageInstantSend('bob', 0, 'hi bob', 'm2');
    await a.rec.waitFor('onMessageSendSuccess');
    expect(a.rec.log).toEqual([
      ['onMessageSendError', 'm1', 400],
      ['onMessageSendSuccess', 'm2'],
    ]);
    expect(b.rec.of('onMessageInstantReceive')).toEqual([['alice', 0, 'hi bob']]);
  });
});

describe('echoChannelMessages', () => {
  beforeAll(() => tested.add('echoChannelMessages'));

  for (const echo of [true, false]) {
    it(`${echo}${echo === DEFAULT_COMPAT.echoChannelMessages ? ' (default)' : ''}: the sender ${echo ? 'also gets' : 'does not get'} its own channel message`, async () => {
      const a = await login('alice', echo === DEFAULT_COMPAT.echoChannelMessages ? {} : { echoChannelMessages: echo });
      const b = await login('bob');
      await join(a, 'room');
      await join(b, 'room');
      a.rec.clear();
      a.api.messageChannelSend('room', 'hello', 'c1');
      expect(await b.rec.waitFor('onMessageChannelReceive')).toEqual(['room', 'alice', stableUid('alice'), 'hello']);
      await settle();
      expect(a.rec.log).toEqual([
        ['onMessageSendSuccess', 'c1'],
        ...(echo ? [['onMessageChannelReceive', 'room', 'alice', stableUid('alice'), 'hello']] : []),
      ]);
    });
  }
});

describe('maxChannels', () => {
  beforeAll(() => tested.add('maxChannels'));

  it('1 (default): joining a second channel leaves the first (onChannelLeaved(first, 0)); the first is no longer usable', async () => {
    expect(DEFAULT_COMPAT.maxChannels).toBe(1);
    const a = await login('alice');
    const b = await login('bob');
    await join(b, 'room');
    await join(a, 'room');
    await join(a, 'lobby');
    expect(a.rec.log.slice(0, 2)).toEqual([
      ['onChannelLeaved', 'room', 0],
      ['onChannelJoined', 'lobby'],
    ]);
    expect(await b.rec.waitFor('onChannelUserLeaved')).toEqual(['alice', stableUid('alice')]);
    a.rec.clear();
    a.api.messageChannelSend('room', 'still here?', 'm1');
    expect(await a.rec.waitFor('onMessageSendError')).toEqual(['m1', 400]);
  });

  it('20: a second channel is joined next to the first; both work; a 21st join fails with 300', async () => {
    const a = await login('alice', { maxChannels: 20 });
    const b = await login('bob');
    await join(b, 'room');
    await join(a, 'room');
    await join(a, 'lobby');
    expect(a.rec.of('onChannelLeaved')).toEqual([]);
    b.rec.clear();
    a.api.messageChannelSend('room', 'in room', 'm1');
    expect(await b.rec.waitFor('onMessageChannelReceive')).toEqual(['room', 'alice', stableUid('alice'), 'in room']);
    a.api.messageChannelSend('lobby', 'in lobby', 'm2');
    await a.rec.waitCount('onMessageSendSuccess', 2);
    expect(b.rec.of('onChannelUserLeaved')).toEqual([]);

    for (let i = 3; i <= 20; i++) a.api.channelJoin(`ch${i}`);
    await a.rec.waitCount('onChannelUserList', 19);
    expect(a.rec.of('onChannelJoinFailed')).toEqual([]);
    a.api.channelJoin('ch21');
    expect(await a.rec.waitFor('onChannelJoinFailed')).toEqual(['ch21', 300]);
    expect(a.rec.of('onChannelLeaved')).toEqual([]);
  });
});

describe('userAttributes', () => {
  beforeAll(() => tested.add('userAttributes'));

  it("'account' (default): they belong to the account: another device reads them after a logout, and others read them while the user is offline", async () => {
    expect(DEFAULT_COMPAT.userAttributes).toBe('account');
    const a = await login('alice');
    const b = await login('bob');
    a.api.setAttr('color', 'red');
    a.api.setAttr('名字', '张三');
    a.api.setAttr('size', 'L');
    a.api.setAttr('size', ''); // an empty value deletes
    a.api.getAttrAll();
    expect(await a.rec.waitFor('onUserAttrAllResult')).toEqual(['alice', JSON.stringify({ color: 'red', 名字: '张三' })]);
    a.api.logout();
    await a.rec.waitFor('onLogout');
    // alice is offline: bob still reads her attributes
    b.api.getUserAttr('alice', '名字');
    expect(await b.rec.waitFor('onUserAttrResult')).toEqual(['alice', '名字', '张三']);
    b.api.getUserAttrAll('alice');
    expect(await b.rec.waitFor('onUserAttrAllResult')).toEqual(['alice', JSON.stringify({ color: 'red', 名字: '张三' })]);
    // a new login on another device (a fresh instance) finds them
    const other = await login('alice');
    other.api.getAttr('color');
    expect(await other.rec.waitFor('onUserAttrResult')).toEqual(['alice', 'color', 'red']);
    // and they are in the durable store, not in the login
    expect(await lh.h.server.core.store.getAccountAttributes(APP_ID, 'alice')).toEqual({ color: 'red', 名字: '张三' });
    expect(await lh.h.server.core.store.getUserAttributes(APP_ID, 'alice')).toEqual({});
  });

  it("'instance': the instance's attributes survive logout and login again, for itself and for others", async () => {
    const a = await login('alice', { userAttributes: 'instance' });
    const b = await login('bob', { userAttributes: 'instance' });
    a.api.setAttr('color', 'red');
    a.api.setAttr('size', 'L');
    a.api.getAttrAll();
    await a.rec.waitFor('onUserAttrAllResult');
    await relogin(a, 'alice');
    a.api.getAttrAll();
    const [account, json] = await a.rec.waitFor('onUserAttrAllResult');
    expect([account, JSON.parse(json as string)]).toEqual(['alice', { color: 'red', size: 'L' }]);
    b.api.getUserAttr('alice', 'color');
    expect(await b.rec.waitFor('onUserAttrResult')).toEqual(['alice', 'color', 'red']);
  });

  it("'instance': they are back by onLoginSuccess, so an app that reads them there finds them", async () => {
    const a = await login('alice', { userAttributes: 'instance' });
    a.api.setAttr('color', 'red');
    a.api.getAttr('color');
    await a.rec.waitFor('onUserAttrResult');
    a.api.logout();
    await a.rec.waitFor('onLogout');
    a.rec.clear();
    const rec = a.rec.cb;
    let atServer: Promise<Record<string, string>> | undefined;
    a.api.callbackSet({
      onUserAttrAllResult: (account, value) => rec.onUserAttrAllResult!(account, value),
      onLoginFailed: (ecode) => rec.onLoginFailed!(ecode),
      onLoginSuccess: (uid, fd) => {
        // What the server holds at the moment the app hears of the login.
        atServer = lh.h.server.core.store.getUserAttributes(APP_ID, 'alice');
        rec.onLoginSuccess!(uid, fd);
        a.api.getAttrAll();
      },
    });
    a.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
    const [, json] = await a.rec.waitFor('onUserAttrAllResult');
    expect(await atServer).toEqual({ color: 'red' });
    expect(JSON.parse(json as string)).toEqual({ color: 'red' });
  });

  it("'login': the attributes end with the login", async () => {
    const a = await login('alice', { userAttributes: 'login' });
    const b = await login('bob');
    a.api.setAttr('color', 'red');
    a.api.getAttrAll();
    expect(await a.rec.waitFor('onUserAttrAllResult')).toEqual(['alice', '{"color":"red"}']);
    await relogin(a, 'alice');
    a.api.getAttrAll();
    expect(await a.rec.waitFor('onUserAttrAllResult')).toEqual(['alice', '{}']);
    b.api.getUserAttr('alice', 'color');
    expect(await b.rec.waitFor('onUserAttrResult')).toEqual(['alice', 'color', '']);
  });
});

describe('uids', () => {
  beforeAll(() => tested.add('uids'));

  it("'stable' (default): non-zero, the same for an account on every instance and in every callback, different between accounts", async () => {
    expect(DEFAULT_COMPAT.uids).toBe('stable');
    const first = lh.make();
    first.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
    const [uid1] = await first.rec.waitFor('onLoginSuccess');
    first.api.logout();
    await first.rec.waitFor('onLogout');
    const second = lh.make();
    second.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
    const [uid2] = await second.rec.waitFor('onLoginSuccess');
    expect(uid1).not.toBe(0);
    expect(uid2).toBe(uid1);
    expect(uid1).toBe(stableUid('alice'));

    const b = await login('bob');
    await join(b, 'room');
    const list = await join(second, 'room');
    const [accounts, uids] = list as [string[], number[]];
    const byAccount = Object.fromEntries(accounts.map((acc, i) => [acc, uids[i]]));
    expect(byAccount).toEqual({ alice: uid1, bob: stableUid('bob') });
    expect(stableUid('bob')).not.toBe(uid1);
    expect(await b.rec.waitFor('onChannelUserJoined')).toEqual(['alice', uid1]);
    second.api.messageChannelSend('room', 'hi', 'm1');
    expect(await b.rec.waitFor('onMessageChannelReceive')).toEqual(['room', 'alice', uid1, 'hi']);
    second.api.channelInviteUser2('call', 'bob', '');
    expect(await b.rec.waitFor('onInviteReceived')).toEqual(['call', 'alice', uid1, '']);
  });

  it("'zero': every uid is 0", async () => {
    const a = lh.make({ compat: { uids: 'zero' } });
    a.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
    expect(await a.rec.waitFor('onLoginSuccess')).toEqual([0, 0]);
    const b = await login('bob');
    await join(b, 'room');
    expect(await join(a, 'room')).toEqual([expect.arrayContaining(['alice', 'bob']), [0, 0]]);
    b.api.messageChannelSend('room', 'hi', 'm1');
    expect(await a.rec.waitFor('onMessageChannelReceive')).toEqual(['room', 'bob', 0, 'hi']);
    b.api.channelLeave('room');
    expect(await a.rec.waitFor('onChannelUserLeaved')).toEqual(['bob', 0]);
    b.api.channelInviteUser2('call', 'alice', '');
    expect(await a.rec.waitFor('onInviteReceived')).toEqual(['call', 'bob', 0, '']);
    a.api.channelInviteUser2('call2', 'bob', '');
    expect(await a.rec.waitFor('onInviteReceivedByPeer')).toEqual(['call2', 'bob', 0]);
  });
});

describe('replayAttributesOnJoin', () => {
  beforeAll(() => tested.add('replayAttributesOnJoin'));

  async function withAttributes(): Promise<Legacy> {
    const b = await login('bob');
    await join(b, 'room');
    b.api.channelSetAttr('room', 'k1', 'v1');
    await b.rec.waitCount('onChannelAttrUpdated', 1);
    b.api.channelSetAttr('room', 'k2', 'v2');
    await b.rec.waitCount('onChannelAttrUpdated', 2);
    return b;
  }

  it("true (default): after onChannelJoined and onChannelUserList, one 'update' per existing attribute", async () => {
    expect(DEFAULT_COMPAT.replayAttributesOnJoin).toBe(true);
    await withAttributes();
    const a = await login('alice');
    await join(a, 'room');
    await a.rec.waitCount('onChannelAttrUpdated', 2);
    await settle();
    expect(a.rec.names()).toEqual(['onChannelJoined', 'onChannelUserList', 'onChannelAttrUpdated', 'onChannelAttrUpdated']);
    expect(a.rec.of('onChannelAttrUpdated').sort()).toEqual([
      ['room', 'k1', 'v1', 'update'],
      ['room', 'k2', 'v2', 'update'],
    ]);
  });

  it('false: nothing replayed; later changes are still reported, one change each', async () => {
    const b = await withAttributes();
    const a = await login('alice', { replayAttributesOnJoin: false });
    await join(a, 'room');
    await settle();
    expect(a.rec.names()).toEqual(['onChannelJoined', 'onChannelUserList']);
    b.api.channelSetAttr('room', 'k3', 'v3');
    expect(await a.rec.waitFor('onChannelAttrUpdated')).toEqual(['room', 'k3', 'v3', 'update']);
    await settle();
    expect(a.rec.of('onChannelAttrUpdated')).toHaveLength(1);
  });
});

describe('userListLimit', () => {
  beforeAll(() => tested.add('userListLimit'));

  it('2 with 3 members: onChannelUserList carries 2 accounts and 2 uids; the default (200) carries all 3', async () => {
    expect(DEFAULT_COMPAT.userListLimit).toBe(200);
    for (const acc of ['bob', 'carol']) await join(await login(acc), 'room');
    const a = await login('alice', { userListLimit: 2 });
    const [accounts, uids] = (await join(a, 'room')) as [string[], number[]];
    expect(accounts).toHaveLength(2);
    expect(uids).toEqual(accounts.map(stableUid));
    expect(accounts.every((acc) => ['alice', 'bob', 'carol'].includes(acc))).toBe(true);
    const d = await login('dave');
    const [all] = (await join(d, 'room')) as [string[]];
    expect([...all].sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
  });
});

describe('logoutWithoutHandler (web)', () => {
  beforeAll(() => tested.add('logoutWithoutHandler'));
  const web = (compat: Partial<CompatOptions>) => Signal(APP_ID, { serverUrl: lh.h.server.url, compat });

  async function loggedIn(s: Session): Promise<void> {
    await until(() => s.getStatus() === 2, 3000, 'logged in');
  }

  it("'logout': logout() without an onLogout handler logs out", async () => {
    const s = web({ logoutWithoutHandler: 'logout' }).login('alice', '_no_need_token');
    await loggedIn(s);
    s.logout();
    expect(s.getStatus()).toBe(0);
    await eventually(async () => expect(await lh.h.server.core.store.onlineStatus(APP_ID, ['alice'])).toEqual({ alice: false }));
  });

  it("'ignore' (default, the 1.3/1.4 quirk): without a handler nothing happens; with one, onLogout(101)", async () => {
    expect(DEFAULT_COMPAT.logoutWithoutHandler).toBe('ignore');
    const s = web({}).login('alice', '_no_need_token');
    await loggedIn(s);
    s.logout();
    await settle();
    expect(s.getStatus()).toBe(2);
    expect(await lh.h.server.core.store.onlineStatus(APP_ID, ['alice'])).toEqual({ alice: true });
    const codes: number[] = [];
    s.onLogout = (ecode) => codes.push(ecode);
    s.logout();
    await until(() => codes.length === 1, 3000, 'onLogout');
    expect([codes, s.getStatus()]).toEqual([[101], 0]);
  });
});

describe('RTM_COMPAT as a whole', () => {
  it('has the RTM value of every row, and gives plain RTM behaviour', async () => {
    expect(Object.keys(RTM_COMPAT).sort()).toEqual(COMPAT_ROWS.map((r) => r.option).sort());
    expect(Object.keys(DEFAULT_COMPAT).sort()).toEqual(COMPAT_ROWS.map((r) => r.option).sort());
    for (const key of Object.keys(RTM_COMPAT) as (keyof CompatOptions)[]) expect([key, RTM_COMPAT[key]]).not.toEqual([key, DEFAULT_COMPAT[key]]);

    const b = await login('bob');
    await join(b, 'room');
    b.api.channelSetAttr('room', 'k', 'v');
    await b.rec.waitFor('onChannelAttrUpdated');
    const a = lh.make({ compat: RTM_COMPAT });
    a.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
    expect(await a.rec.waitFor('onLoginSuccess')).toEqual([0, 0]); // uids 'zero'
    a.api.setAttr('color', 'red');
    await join(a, 'lobby');
    const [accounts, uids] = (await join(a, 'room')) as [string[], number[]];
    expect([[...accounts].sort(), uids]).toEqual([['alice', 'bob'], [0, 0]]);
    await settle();
    expect(a.rec.names()).toEqual(['onChannelJoined', 'onChannelUserList']); // no leave (maxChannels 20), no replay
    a.api.messageChannelSend('room', 'hi', 'c1');
    await b.rec.waitFor('onMessageChannelReceive');
    a.api.messageChannelSend('lobby', 'hi', 'c2');
    a.api.messageInstantSend('ghost', 0, 'x', 'p1');
    await a.rec.waitFor('onMessageSendError');
    await a.rec.waitCount('onMessageSendSuccess', 2);
    expect(a.rec.of('onMessageChannelReceive')).toEqual([]); // no echo
    expect(a.rec.of('onMessageSendError')).toEqual([['p1', 400]]); // sendSuccess 'peer'
    a.rec.clear();
    await relogin(a, 'alice');
    a.api.getAttrAll();
    expect(await a.rec.waitFor('onUserAttrAllResult')).toEqual(['alice', '{}']); // userAttributes 'login'
  });
});

it('every COMPAT_ROWS option is exercised above in both settings', () => {
  expect([...tested].sort()).toEqual(COMPAT_ROWS.map((r) => r.option).sort());
});
