/**
 * What real legacy apps rely on (issue 13), through the legacy API, native and web flavours, against
 * a real server: onError operation names, exact attribute and call events carried by the server,
 * member counts on demand, the web 1.4 surface (Call.channelInviteUser2, login-failure codes, the
 * invoke `line`), `destory()`, any appId in development, legacy names end to end, and user
 * attributes that belong to the account (durable across a server restart).
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SignalingToken from 'agora-token/src/SignalingToken';
import { AgoraECode, Signal, type Call, type Channel, type Session } from '../../src/legacy';
import type { RemoteInvitation } from '../../src/rtm';
import { createServer, type RtmServer } from '../../src/server';
import { ManualClock } from '../../src/rtm-core/clock';
import { SqliteStore } from '../../src/rtm-core/server/state/sqlite';
import { CutProxy } from '../helpers/cut-proxy';
import { APP_ID, sleep, until, waitForEvent } from '../helpers/harness';
import { LegacyHarness, settle, stableUid, type Legacy } from './helpers/legacy-harness';
import { eventually } from './helpers/seed-scene';
import { webLoginTo } from './helpers/web-log';

const CERT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const lh = new LegacyHarness();
const sessions: Session[] = [];
let proxy: CutProxy | undefined;
afterEach(async () => {
  for (const s of sessions.splice(0)) if (s.getStatus() !== 0) s.logout();
  await sleep(20);
  await lh.stop();
  await proxy?.stop();
  proxy = undefined;
});

const login = (account: string) => lh.login(account);

const webLogin = (account: string, appId = APP_ID): Promise<Session> => webLoginTo(lh.h.server.url, sessions, account, appId);

/** The web Channel after onChannelJoined, with every handler call recorded in `log`. */
async function webJoin(s: Session, name: string, log: unknown[][]): Promise<Channel> {
  const ch = s.channelJoin(name)!;
  for (const h of ['onChannelJoined', 'onChannelAttrUpdated', 'onChannelUserJoined'] as const) {
    (ch as unknown as Record<string, unknown>)[h] = (...args: unknown[]) => log.push([h, ...args]);
  }
  await until(() => log.some((e) => e[0] === 'onChannelJoined'), 3000, `${name} joined`);
  return ch;
}

async function join(l: Legacy, ch: string): Promise<void> {
  l.api.channelJoin(ch);
  await l.rec.waitFor('onChannelUserList');
  await settle(50);
  l.rec.clear();
}

// ---- 1. onError names the operation --------------------------------------------------------------

describe('onError(name, …) names the operation as the real SDKs did', () => {
  beforeEach(() => lh.h.start());

  it('an app branching on name.equals("query_user_status") (OpenDuo) sees its error', async () => {
    const { api, rec } = lh.make();
    const shown: string[] = [];
    api.callbackSet({
      onError: (name, ecode, desc) => {
        if (name === 'query_user_status') shown.push(`${ecode}: ${desc}`);
        rec.cb.onError!(name, ecode, desc);
      },
    });
    api.queryUserStatus('bob');
    api.channelJoin('room');
    api.messageInstantSend('bob', 0, 'hi', 'm1');
    api.channelInviteUser2('room', 'bob', '{}');
    api.setAttr('k', 'v');
    await settle(50);
    expect(rec.of('onError').map((e) => e.slice(0, 2))).toEqual([
      ['query_user_status', AgoraECode.GENERAL_E_NOT_LOGIN],
      ['channel_join', 1003],
      ['send_instant_msg', 1003],
      ['invite', 1003],
      ['set_attr', 1003],
    ]);
    expect(shown).toEqual([expect.stringMatching(/^1003: query_user_status: not login$/)]);
  });
});

// ---- 2. reconnection counted and bounded ----------------------------------------------------------

describe('reconnection is counted and bounded as the legacy SDK did', () => {
  beforeEach(() => lh.h.start());

  it('native: onReconnecting(1), (2), (3) — one per attempt — then, past login2\'s retry_count, onLogout(102)', async () => {
    proxy = await new CutProxy(lh.h.server.port).start();
    const a = lh.make({ serverUrl: proxy.url() });
    a.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 60, 3);
    await a.rec.waitFor('onLoginSuccess');
    a.rec.clear();
    proxy.down = true;
    proxy.cut();
    await a.rec.waitFor('onLogout', () => true, 5000);
    expect(a.rec.log).toEqual([['onReconnecting', 1], ['onReconnecting', 2], ['onReconnecting', 3], ['onLogout', AgoraECode.LOGOUT_E_NET]]);
    expect(a.api.getStatus()).toBe(0);
    // the network is back: nothing more happens, and the app can log in again
    proxy.down = false;
    await settle();
    expect(a.rec.log).toHaveLength(4);
    a.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 60, 3);
    await a.rec.waitFor('onLoginSuccess');
  });

  it('native: the count restarts after each return', async () => {
    proxy = await new CutProxy(lh.h.server.port).start();
    const a = lh.make({ serverUrl: proxy.url() });
    a.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 60, 3);
    await a.rec.waitFor('onLoginSuccess');
    for (let round = 0; round < 3; round++) {
      a.rec.clear();
      proxy.cut(); // the network blips; the first attempt gets through
      await a.rec.waitFor('onReconnected');
      expect(a.rec.log).toEqual([['onReconnecting', 1], ['onReconnected', 0]]);
    }
  });

  it('native: retry_time_in_s bounds an outage, on the injected clock: still reconnecting at limit - 1 ms, onLogout(102) at the limit', async () => {
    proxy = await new CutProxy(lh.h.server.port).start();
    const clock = new ManualClock(Date.now());
    const a = lh.make({ serverUrl: proxy.url(), rtm: { clock, reconnect: { minMs: 20, maxMs: 100 } } });
    a.api.login2(APP_ID, 'alice', '_no_need_token', 0, '', 10, 1000);
    await a.rec.waitFor('onLoginSuccess');
    a.rec.clear();
    proxy.down = true;
    proxy.cut();
    await a.rec.waitFor('onReconnecting');
    clock.advance(10_000 - 1);
    await settle();
    expect(a.api.getStatus()).toBe(3);
    expect(a.rec.of('onLogout')).toEqual([]);
    clock.advance(1);
    expect(await a.rec.waitFor('onLogout')).toEqual([AgoraECode.LOGOUT_E_NET]);
    expect(a.api.getStatus()).toBe(0);
    const counts = a.rec.of('onReconnecting').map((e) => e[0]);
    expect(counts).toEqual(counts.map((_, i) => i + 1));
  });

  it('web: login(account, token, reconnect_count) — past the count, onLogout(102); reconnect_time (ms) likewise', async () => {
    proxy = await new CutProxy(lh.h.server.port).start();
    const s = Signal(APP_ID, { serverUrl: proxy.url(), rtm: { reconnect: { minMs: 20, maxMs: 100 } } }).login('alice', '_no_need_token', 2, 60_000);
    sessions.push(s);
    await until(() => s.getStatus() === 2, 3000, 'logged in');
    const codes: number[] = [];
    s.onLogout = (ecode) => codes.push(ecode);
    proxy.down = true;
    proxy.cut();
    await until(() => codes.length === 1, 5000, 'onLogout');
    expect([codes, s.getStatus()]).toEqual([[102], 0]);

    proxy.down = false;
    const clock = new ManualClock(Date.now());
    const t = Signal(APP_ID, { serverUrl: proxy.url(), rtm: { clock, reconnect: { minMs: 20, maxMs: 100 } } }).login('bob', '_no_need_token', 1000, 5000);
    sessions.push(t);
    await until(() => t.getStatus() === 2, 3000, 'bob logged in');
    const tcodes: number[] = [];
    t.onLogout = (ecode) => tcodes.push(ecode);
    proxy.down = true;
    proxy.cut();
    await until(() => t.getStatus() === 3, 3000, 'reconnecting');
    clock.advance(4999);
    await settle();
    expect([tcodes, t.getStatus()]).toEqual([[], 3]);
    clock.advance(1);
    await until(() => tcodes.length === 1, 3000, 'onLogout at reconnect_time');
    expect([tcodes, t.getStatus()]).toEqual([[102], 0]);
  });
});

// ---- 6. exact attribute and call events --------------------------------------------------------

describe('exact attribute and call events, carried by the server', () => {
  beforeEach(() => lh.h.start());

  it("channelClearAttr of a one-key map: every member gets (ch, '', '', 'clear'), native and web", async () => {
    const a = await login('alice');
    const b = await login('bob');
    await join(a, 'room');
    await join(b, 'room');
    const s = await webLogin('carol');
    const web: unknown[][] = [];
    await webJoin(s, 'room', web);
    a.api.channelSetAttr('room', 'topic', 'news');
    await b.rec.waitFor('onChannelAttrUpdated');
    a.api.channelClearAttr('room');
    for (const l of [a, b]) await l.rec.waitCount('onChannelAttrUpdated', 2);
    for (const l of [a, b]) {
      expect(l.rec.of('onChannelAttrUpdated')).toEqual([
        ['room', 'topic', 'news', 'update'],
        ['room', '', '', 'clear'],
      ]);
    }
    await until(() => web.filter((e) => e[0] === 'onChannelAttrUpdated').length === 2, 3000, 'web clear');
    expect(web.filter((e) => e[0] === 'onChannelAttrUpdated')).toEqual([
      ['onChannelAttrUpdated', 'topic', 'news', 'update'],
      ['onChannelAttrUpdated', '', '', 'clear'],
    ]);
    // A delete of one key stays a 'del'; setting the same value again is still an 'update'.
    a.api.channelSetAttr('room', 'k', 'v');
    a.api.channelSetAttr('room', 'k', 'v');
    a.api.channelDelAttr('room', 'k');
    await b.rec.waitCount('onChannelAttrUpdated', 5);
    expect(b.rec.of('onChannelAttrUpdated').slice(2)).toEqual([
      ['room', 'k', 'v', 'update'],
      ['room', 'k', 'v', 'update'],
      ['room', 'k', '', 'del'],
    ]);
  });

  it("channelInviteEnd after accept passes extra verbatim ('_' included), web caller → native and web callees", async () => {
    const bob = await login('bob');
    const s = await webLogin('alice');
    const call = s.channelInviteUser2('call-1', 'bob', '{"a":1}');
    await bob.rec.waitFor('onInviteReceived');
    bob.api.channelInviteAccept('call-1', 'alice', 0, 'ok');
    const accepted: string[] = [];
    call.onInviteAcceptedByPeer = (extra) => accepted.push(extra);
    await until(() => accepted.length === 1, 3000, 'accepted');
    const ended: string[] = [];
    call.onInviteEndByMyself = (extra) => ended.push(extra);
    call.channelInviteEnd('{"reason":"hang_up","at":"10_00"}');
    expect(await bob.rec.waitFor('onInviteEndByPeer')).toEqual(['call-1', 'alice', stableUid('alice'), '{"reason":"hang_up","at":"10_00"}']);
    expect(ended).toEqual(['']);

    // and web callee: the native caller ends after accept; the web Call gets the extra as sent ("" on native).
    const carol = await webLogin('carol');
    let incoming: Call | undefined;
    carol.onInviteReceived = (c) => (incoming = c);
    bob.api.channelInviteUser2('call-2', 'carol', 'x_y');
    await until(() => incoming !== undefined, 3000, 'invite at carol');
    const got: string[] = [];
    incoming!.onInviteEndByPeer = (extra) => got.push(extra);
    incoming!.channelInviteAccept('fine_thanks');
    expect(await bob.rec.waitFor('onInviteAcceptedByPeer')).toEqual(['call-2', 'carol', stableUid('carol'), 'fine_thanks']);
    bob.api.channelInviteEnd('call-2', 'carol', 0);
    await until(() => got.length === 1, 3000, 'onInviteEndByPeer at carol');
    expect(got).toEqual(['']);
  });

  it('channelInviteEnd before an answer: the peer gets "" unless an extra is given (not the invitation content)', async () => {
    const bob = await login('bob');
    const s = await webLogin('alice');
    s.channelInviteUser2('c1', 'bob', '{"video":true}').channelInviteEnd();
    const first = await bob.rec.waitFor('onInviteEndByPeer');
    const c2 = s.channelInviteUser2('c2', 'bob', '{"video":true}');
    await bob.rec.waitCount('onInviteReceived', 2);
    c2.channelInviteEnd('busy_now');
    await bob.rec.waitCount('onInviteEndByPeer', 2);
    expect([first, bob.rec.of('onInviteEndByPeer')[1]]).toEqual([
      ['c1', 'alice', stableUid('alice'), ''],
      ['c2', 'alice', stableUid('alice'), 'busy_now'],
    ]);
  });

  it('an RTM 1.x app hung up on after accept gets no invitation event (as the official SDK), only sig2rtm\'s CallEndedByPeer, extra verbatim', async () => {
    const alice = await login('alice');
    const rita = await lh.h.login('rita');
    const [remote] = await new Promise<[RemoteInvitation]>((resolve) => {
      rita.once('RemoteInvitationReceived', (inv) => resolve([inv]));
      alice.api.channelInviteUser2('call-9', 'rita', 'hi');
    });
    const events: string[] = [];
    remote.on('RemoteInvitationCanceled', () => events.push('RemoteInvitationCanceled'));
    remote.on('RemoteInvitationFailure', () => events.push('RemoteInvitationFailure'));
    remote.on('RemoteInvitationAccepted', () => events.push('RemoteInvitationAccepted'));
    const ended = waitForEvent<[string, string, string]>(rita, 'CallEndedByPeer');
    remote.accept();
    await alice.rec.waitFor('onInviteAcceptedByPeer');
    await until(() => events.includes('RemoteInvitationAccepted'), 3000, 'accept acknowledged');
    alice.api.channelInviteEnd('call-9', 'rita', 0);
    expect(await ended).toEqual(['alice', 'call-9', '']);
    await settle();
    expect(events).toEqual(['RemoteInvitationAccepted']);
  });
});

// ---- 7. member counts on demand -----------------------------------------------------------------

describe('member counts on demand (no one-per-second limit)', () => {
  beforeEach(() => lh.h.start());

  it('an app querying the count on every join, leave and message gets a current answer each time, native and web invoke', async () => {
    const a = await login('alice');
    await join(a, 'room');
    const counts: number[] = [];
    const cb = a.rec.cb;
    a.api.callbackSet({
      ...cb,
      onChannelUserJoined: () => a.api.channelQueryUserNum('room'),
      onChannelUserLeaved: () => a.api.channelQueryUserNum('room'),
      onMessageChannelReceive: () => a.api.channelQueryUserNum('room'),
      onChannelQueryUserNumResult: (ch, ecode, num) => {
        expect([ch, ecode]).toEqual(['room', 0]);
        counts.push(num);
      },
    });
    // two members join at once, then one says something and leaves
    const [b, c] = await Promise.all([login('bob'), login('carol')]);
    await Promise.all([join(b, 'room'), join(c, 'room')]);
    await until(() => counts.length === 2, 3000, 'two counts');
    expect(counts[1]).toBe(3);
    b.api.messageChannelSend('room', 'hi', 'm1');
    await until(() => counts.length === 3, 3000, 'count after the message');
    b.api.channelLeave('room');
    await until(() => counts.length === 4, 3000, 'count after the leave');
    expect(counts.slice(2)).toEqual([3, 2]);
    for (let i = 0; i < 5; i++) a.api.channelQueryUserNum('room');
    await until(() => counts.length === 9, 3000, 'five more');
    expect(counts.slice(4)).toEqual([2, 2, 2, 2, 2]);

    const s = await webLogin('dave');
    const answers: unknown[] = [];
    for (let i = 0; i < 3; i++) s.invoke('io.agora.signal.channel_query_num', { name: 'room' }, (err, resp) => answers.push([err, resp.num]));
    await until(() => answers.length === 3, 3000, 'invoke answers');
    expect(answers).toEqual([['', 2], ['', 2], ['', 2]]);
  });

});

describe('member counts: a flood is still bounded', () => {
  it('past the legacy window (option rates.legacyCounts) the answer is QUERYUSERNUM_E_OTHER (500), not a stale number', async () => {
    await lh.h.start({ rates: { legacyCounts: { limit: 3, windowMs: 60_000 } } });
    const a = await login('alice');
    for (let i = 0; i < 4; i++) a.api.channelQueryUserNum('room');
    await a.rec.waitCount('onChannelQueryUserNumResult', 4);
    // Each query is answered on its own (a refusal needs no store lookup, so it may come first).
    expect(a.rec.of('onChannelQueryUserNumResult').map((e) => e[1]).sort()).toEqual([0, 0, 0, 500]);
  });
});

// ---- 8. surface gaps ----------------------------------------------------------------------------

describe('web 1.4 surface and destory()', () => {
  it('Call.channelInviteUser2() re-sends the invitation: the callee gets it again, with no end in between', async () => {
    await lh.h.start();
    const bob = await login('bob');
    const s = await webLogin('alice');
    const call = s.channelInviteUser2('room', 'bob', '{"n":1}');
    await bob.rec.waitFor('onInviteReceived');
    call.channelInviteUser2();
    await bob.rec.waitCount('onInviteReceived', 2);
    await settle();
    expect(bob.rec.names()).toEqual(['onInviteReceived', 'onInviteReceived']);
    expect(bob.rec.of('onInviteReceived')[1]).toEqual(['room', 'alice', stableUid('alice'), '{"n":1}']);
    bob.api.channelInviteAccept('room', 'alice', 0, 'yes');
    const accepted: string[] = [];
    call.onInviteAcceptedByPeer = (extra) => accepted.push(extra);
    await until(() => accepted.length === 1, 3000, 'accepted');
    expect(accepted).toEqual(['yes']);
  });

  it('invoke adds the session line to the caller\'s args', async () => {
    await lh.h.start();
    const s = await webLogin('alice');
    const args: Record<string, unknown> = { account: 'alice' };
    const got: unknown[] = [];
    s.invoke('io.agora.signal.user_query_user_status', args, (err, resp) => got.push(err, resp.status));
    expect(args).toEqual({ account: 'alice', line: s.line });
    expect(s.line).toBe(`alice@${stableUid('alice')}`);
    await until(() => got.length === 2, 3000, 'invoke answer');
    expect(got).toEqual(['', 1]);
  });

  it('web login failures: 206 bad token, 204 expired token, 209 invalid account, 201 for the rest (server refused the appId)', async () => {
    await lh.h.start({ apps: { [APP_ID]: { certificate: CERT } } });
    const failure = async (account: string, token: string, appId = APP_ID): Promise<number> => {
      const s = Signal(appId, { serverUrl: lh.h.server.url }).login(account, token, 1, 2000);
      sessions.push(s);
      const codes: number[] = [];
      s.onLoginFailed = (ecode) => codes.push(ecode);
      await until(() => codes.length === 1, 5000, `onLoginFailed for ${account}`);
      return codes[0]!;
    };
    expect(await failure('alice', 'not-a-token')).toBe(206);
    expect(await failure('alice', SignalingToken.get(APP_ID, CERT, 'alice', -60))).toBe(204);
    expect(await failure('x'.repeat(129), '_no_need_token')).toBe(209);
    expect(await failure('alice', '_no_need_token', 'unknown-app')).toBe(201);
  });

  it('native destory() (the older SDKs\' spelling) logs out and releases the instance like destroy()', async () => {
    await lh.h.start();
    const a = await login('alice');
    a.api.destory();
    expect(await a.rec.waitFor('onLogout')).toEqual([AgoraECode.LOGOUT_E_USER]);
    await until(() => a.api.getRtmClient() === undefined, 3000, 'client released');
  });
});

// ---- 9. any appId in development ----------------------------------------------------------------

describe('any appId: the server decides', () => {
  it('a --dev server takes an appId that is not 32 letters and digits, native and web; a server with apps refuses it (202 native)', async () => {
    await lh.h.start();
    const l = lh.make({}, 'my-dev-app');
    l.api.login2('my-dev-app', 'alice', '_no_need_token', 0, '', 5, 1);
    await l.rec.waitFor('onLoginSuccess');
    const s = await webLogin('bob', 'demo');
    expect(s.uid).toBe(stableUid('bob'));
    await lh.stop();

    await lh.h.start({ apps: { [APP_ID]: {} } });
    const r = lh.make({}, 'my-dev-app');
    r.api.login2('my-dev-app', 'alice', '_no_need_token', 0, '', 5, 1);
    expect(await r.rec.waitFor('onLoginFailed')).toEqual([AgoraECode.LOGIN_E_FAILED]);
  });
});

// ---- 3. legacy names ----------------------------------------------------------------------------

describe('legacy names end to end', () => {
  beforeEach(() => lh.h.start());

  it("accounts and channels of up to 128 visible characters, any script: 张三 joins 频道, messages, calls; 129 → 209", async () => {
    const zhang = await login('张三');
    const long = await login('é'.repeat(128));
    await join(zhang, '频道');
    long.api.channelJoin('频道');
    await long.rec.waitFor('onChannelUserList');
    expect(await zhang.rec.waitFor('onChannelUserJoined')).toEqual(['é'.repeat(128), stableUid('é'.repeat(128))]);
    long.api.messageChannelSend('频道', '你好', 'm1');
    expect(await zhang.rec.waitFor('onMessageChannelReceive')).toEqual(['频道', 'é'.repeat(128), stableUid('é'.repeat(128)), '你好']);
    long.api.messageInstantSend('张三', 0, 'hi', 'p1');
    expect(await zhang.rec.waitFor('onMessageInstantReceive')).toEqual(['é'.repeat(128), 0, 'hi']);
    long.api.channelInviteUser2('频道', '张三', '{}');
    expect(await zhang.rec.waitFor('onInviteReceived')).toEqual(['频道', 'é'.repeat(128), stableUid('é'.repeat(128)), '{}']);
    zhang.api.queryUserStatus('é'.repeat(128));
    expect(await zhang.rec.waitFor('onQueryUserStatusResult')).toEqual(['é'.repeat(128), '1']);
    zhang.api.channelQueryUserNum('频道');
    expect(await zhang.rec.waitFor('onChannelQueryUserNumResult')).toEqual(['频道', 0, 2]);

    const bad = lh.make();
    bad.api.login2(APP_ID, 'é'.repeat(129), '_no_need_token', 0, '', 5, 1);
    expect(await bad.rec.waitFor('onLoginFailed')).toEqual([AgoraECode.LOGIN_E_INVALID_USER]);
  });

  it('web: 张三 joins 频道 and sees 李四 join; an RTM client gets 张三\'s message from "张三" as given', async () => {
    const s = await webLogin('张三');
    const log: unknown[][] = [];
    await webJoin(s, '频道', log);
    const li = await login('李四');
    li.api.channelJoin('频道');
    await until(() => log.some((e) => e[0] === 'onChannelUserJoined'), 3000, 'onChannelUserJoined');
    expect(log.find((e) => e[0] === 'onChannelUserJoined')).toEqual(['onChannelUserJoined', '李四', stableUid('李四')]);
    const rita = await lh.h.login('rita');
    const got = waitForEvent<[{ text: string }, string]>(rita, 'MessageFromPeer');
    s.messageInstantSend('rita', 'from a legacy name');
    const [msg, from] = await got;
    expect([msg.text, from]).toEqual(['from a legacy name', '张三']);
  });
});

// ---- 5. built-in attributes ---------------------------------------------------------------------

describe('built-in channel attribute _channel_ttl (server on a ManualClock)', () => {
  it("a channel's attributes outlive its last member by _channel_ttl seconds (not a second less); without it, the server's default", async () => {
    const clock = new ManualClock(Date.now());
    await lh.h.start({ clock, timings: { channelAttributesTtlMs: 120_000 } });
    const store = lh.h.server.core.store;
    const a = await login('alice');
    await join(a, 'room');
    a.api.channelSetAttr('room', '_channel_ttl', '300');
    a.api.channelSetAttr('room', 'topic', 'news');
    await a.rec.waitCount('onChannelAttrUpdated', 2);
    a.api.channelJoin('other'); // leaves room (one channel at a time)
    await a.rec.waitFor('onChannelUserList');
    a.api.channelSetAttr('other', 'k', 'v');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[0] === 'other');
    a.api.channelLeave('other');
    await a.rec.waitFor('onChannelLeaved', (e) => e[0] === 'other');
    await eventually(async () => expect((await store.channelCounts(APP_ID, ['room', 'other'])).other).toBe(0));
    clock.advance(120_000);
    await settle(50);
    expect(Object.keys(await store.getChannelAttributes(APP_ID, 'other'))).toEqual([]);
    expect(Object.keys(await store.getChannelAttributes(APP_ID, 'room'))).toEqual(['_channel_ttl', 'topic']);
    clock.advance(300_000 - 120_000 - 1);
    await settle(50);
    expect(Object.keys(await store.getChannelAttributes(APP_ID, 'room'))).toEqual(['_channel_ttl', 'topic']);
    clock.advance(1);
    await eventually(async () => expect(await store.getChannelAttributes(APP_ID, 'room')).toEqual({}));
  });
});

// ---- 4. attributes that belong to the account ----------------------------------------------------

describe('user attributes belong to the account, in the durable store', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('set through native, read through web invoke while the owner is offline, and after a server restart on SQLite', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-acct-'));
    await lh.h.start({ store: new SqliteStore(dir) });
    const a = await login('张三');
    a.api.setAttr('status', 'away_for_lunch');
    a.api.setAttr('名字', '三');
    a.api.getAttrAll();
    await a.rec.waitFor('onUserAttrAllResult');
    a.api.logout();
    await a.rec.waitFor('onLogout');

    const s = await webLogin('bob');
    const got: unknown[] = [];
    s.invoke('io.agora.signal.user_get_attr', { account: '张三', name: 'status' }, (err, resp) => got.push([err, resp.value]));
    s.invoke('io.agora.signal.user_get_attr_all', { account: '张三' }, (err, resp) => got.push([err, JSON.parse(resp.json as string)]));
    await until(() => got.length === 2, 3000, 'invoke answers');
    expect(got).toEqual([['', 'away_for_lunch'], ['', { status: 'away_for_lunch', 名字: '三' }]]);
    s.logout();
    await lh.stop();

    // a new server process on the same data directory
    const server: RtmServer = await createServer({ port: 0, store: new SqliteStore(dir) });
    lh.h.server = server;
    const b = await login('carol');
    b.api.getUserAttrAll('张三');
    expect(await b.rec.waitFor('onUserAttrAllResult')).toEqual(['张三', JSON.stringify({ status: 'away_for_lunch', 名字: '三' })]);
  });
});
