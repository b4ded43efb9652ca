/**
 * The Java legacy SDK (dist/java/sig2rtm-signaling.jar) on a real JVM against a real server on port 0:
 * each Java user is a JVM running test/java/fixtures/Agent.java, which calls the io.agora API and
 * reports every callback. The C++ SDK's scenario list: messages both ways with JS legacy and RTM
 * users, channels, user list, counts, attributes, status, invoke, invitations with every outcome,
 * logout, a cut and resume through the TCP proxy, bad arguments.
 */

import path from 'node:path';
import { attachGateway, type Gateway, type GatewayOptions } from '../../src/server';
import type { RtmClient, RtmMessage } from '../../src/rtm';
import { APP_ID, until, waitForEvent } from '../helpers/harness';
import { CutProxy } from '../helpers/cut-proxy';
import { LegacyHarness, settle, stableUid, type Legacy } from '../legacy/helpers/legacy-harness';
import { compile, ensureJar, JavaAgent, ROOT } from './helpers/java';

jest.setTimeout(60000);

const lh = new LegacyHarness();
let gateway: Gateway;
let classes: string;
const agents: JavaAgent[] = [];
let proxy: CutProxy | undefined;

/** A uid as the Java SDK gives it: the jar's int (the uint32's bits). */
const jUid = (account: string): number => stableUid(account) | 0;

beforeAll(() => {
  ensureJar();
  classes = compile([path.join(ROOT, 'test/java/fixtures/Agent.java')]);
}, 120000);

async function start(options: GatewayOptions = {}): Promise<void> {
  await lh.h.start();
  gateway = attachGateway(lh.h.server, options);
}

/** A Java user: a JVM with the SDK pointed at the gateway by dbg("lbss", url), logged in when `account` is given. */
async function java(account?: string, url = gateway.url): Promise<JavaAgent> {
  const a = new JavaAgent(classes, APP_ID);
  agents.push(a);
  await a.started();
  await a.call('dbg', 'lbss', url);
  if (account !== undefined) await a.login(APP_ID, account);
  return a;
}

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
  gateway?.close();
  await proxy?.stop();
  proxy = undefined;
  await lh.stop();
});

describe('messages and status', () => {
  let rita: RtmClient;
  let bob: Legacy;
  beforeEach(async () => {
    await start();
    rita = await lh.h.login('rita');
    bob = await lh.login('bob');
  });

  it('login2: onLoginSuccess with the stable uid on the SDK thread; getStatus/isOnline follow', async () => {
    const j = await java();
    expect(await j.call('getStatus')).toBe(0);
    expect(await j.call('isOnline')).toBe(0);
    await j.call('login2', APP_ID, 'jane', '_no_need_token', 0, null, 30, 3);
    expect(await j.call('getStatus')).toBe(1);
    const [uid, fd] = await j.waitFor('onLoginSuccess');
    expect([uid, fd]).toEqual([stableUid('jane') | 0, 0]);
    const cb = j.cbs.find((c) => c.name === 'onLoginSuccess')!;
    expect(cb.thread).toBe('AgoraSDKLoop');
    expect(cb.st).toBe(2);
    expect(await j.call('getStatus')).toBe(2);
    expect(await j.call('isOnline')).toBe(1);
    expect(await j.call('getSdkVersion')).toBe(1010400000);
  });

  it('messageInstantSend both ways with an RTM user and a JS legacy user', async () => {
    const j = await java('jane');
    const fromJane = waitForEvent<[RtmMessage, string]>(rita, 'MessageFromPeer');
    await j.call('messageInstantSend', 'rita', 0, 'hello rita ✓', 'm1');
    const [msg, peer] = await fromJane;
    expect([msg.text, peer]).toEqual(['hello rita ✓', 'jane']);
    expect(await j.waitFor('onMessageSendSuccess')).toEqual(['m1']);

    await j.call('messageInstantSend', 'bob', 0, 'hello bob', 'm2');
    expect(await bob.rec.waitFor('onMessageInstantReceive')).toEqual(['jane', 0, 'hello bob']);

    await rita.sendMessageToPeer({ text: 'from rita' }, 'jane');
    expect(await j.waitFor('onMessageInstantReceive', (a) => a[0] === 'rita')).toEqual(['rita', 0, 'from rita']);
    bob.api.messageInstantSend('jane', 0, 'from bob', 'b1');
    expect(await j.waitFor('onMessageInstantReceive', (a) => a[0] === 'bob')).toEqual(['bob', 0, 'from bob']);
    expect(new Set(j.cbs.map((c) => c.thread))).toEqual(new Set(['AgoraSDKLoop']));
  });

  it('an exception thrown by the app in a callback is caught: the SDK thread carries on', async () => {
    const j = await java('jane');
    await j.call('throwOn', 'onMessageInstantReceive');
    await rita.sendMessageToPeer({ text: 'one' }, 'jane');
    await rita.sendMessageToPeer({ text: 'two' }, 'jane');
    await until(() => j.callbacks('onMessageInstantReceive').length === 2, 5000, 'both messages');
    expect(j.stderr.join('\n')).toContain('app bug in onMessageInstantReceive');
    await j.call('queryUserStatus', 'rita');
    expect(await j.waitFor('onQueryUserStatusResult')).toEqual(['rita', '1']);
  });

  it('createAgoraSDKInstance: a second, independent instance has its own session and its own SDK thread', async () => {
    const j = await java('jane');
    await j.call('second', gateway.url, APP_ID, 'jim');
    await until(() => j.callbacks('onLoginSuccess').length === 2, 10000, 'the second login');
    const second = j.cbs.filter((c) => c.name === 'onLoginSuccess')[1]!;
    expect(second.args).toEqual([jUid('jim'), 0]);
    expect(second.thread).toMatch(/^AgoraSDKLoop-\d+$/);
    const status = await rita.queryPeersOnlineStatus(['jane', 'jim']);
    expect(status).toEqual({ jane: true, jim: true });
    expect(gateway.sessionCount).toBe(2);
  });
});

describe('channels', () => {
  let rita: RtmClient;
  let bob: Legacy;
  beforeEach(async () => {
    await start();
    rita = await lh.h.login('rita');
    bob = await lh.login('bob');
  });

  it('channelJoin: onChannelJoined then onChannelUserList (arrays); joins, leaves, messages and counts with RTM and JS legacy users', async () => {
    const ch = rita.createChannel('room');
    await ch.join();
    const j = await java('jane');
    await j.call('channelJoin', 'room');
    const [accounts, uids] = await j.waitFor('onChannelUserList');
    expect([...(accounts as string[])].sort()).toEqual(['jane', 'rita']);
    expect([...(uids as number[])].sort()).toEqual([jUid('jane'), jUid('rita')].sort());
    const names = j.callbacks().map((c) => c[0]);
    expect(names.indexOf('onChannelJoined')).toBeLessThan(names.indexOf('onChannelUserList'));
    expect(await j.waitFor('onChannelJoined')).toEqual(['room']);

    bob.api.channelJoin('room');
    expect(await j.waitFor('onChannelUserJoined', (a) => a[0] === 'bob')).toEqual(['bob', jUid('bob')]);

    const got = waitForEvent<[RtmMessage, string]>(ch, 'ChannelMessage');
    await j.call('messageChannelSend', 'room', 'hi room', 'c1');
    expect((await got)[0].text).toBe('hi room');
    expect(await bob.rec.waitFor('onMessageChannelReceive')).toEqual(['room', 'jane', stableUid('jane'), 'hi room']);
    expect(await j.waitFor('onMessageSendSuccess', (a) => a[0] === 'c1')).toEqual(['c1']);
    await ch.sendMessage({ text: 'from rita' });
    expect(await j.waitFor('onMessageChannelReceive', (a) => a[1] === 'rita')).toEqual(['room', 'rita', jUid('rita'), 'from rita']);

    await j.call('channelQueryUserNum', 'room');
    expect(await j.waitFor('onChannelQueryUserNumResult')).toEqual(['room', 0, 3]);
    await j.call('channelQueryUserIsIn', 'room', 'bob');
    expect(await j.waitFor('onChannelQueryUserIsIn')).toEqual(['room', 'bob', 1]);

    await ch.leave();
    expect(await j.waitFor('onChannelUserLeaved', (a) => a[0] === 'rita')).toEqual(['rita', jUid('rita')]);
    await j.call('channelLeave', 'room');
    expect(await j.waitFor('onChannelLeaved')).toEqual(['room', 0]);
    expect(await bob.rec.waitFor('onChannelUserLeaved', (a) => a[0] === 'jane')).toEqual(['jane', stableUid('jane')]);
  });

  it('channel and user attributes: set, delete, clear; get one, get all, another user\'s', async () => {
    const j = await java('jane');
    await j.call('channelJoin', 'room');
    await j.waitFor('onChannelUserList');
    bob.api.channelJoin('room');
    await bob.rec.waitFor('onChannelUserList');
    await j.call('channelSetAttr', 'room', 'topic', 'weekly');
    expect(await j.waitFor('onChannelAttrUpdated')).toEqual(['room', 'topic', 'weekly', 'update']);
    expect(await bob.rec.waitFor('onChannelAttrUpdated')).toEqual(['room', 'topic', 'weekly', 'update']);
    await j.call('channelDelAttr', 'room', 'topic');
    expect(await j.waitFor('onChannelAttrUpdated', (a) => a[3] === 'del')).toEqual(['room', 'topic', '', 'del']);
    await j.call('channelSetAttr', 'room', 'a', '1');
    await j.call('channelSetAttr', 'room', 'b', '2');
    await j.waitFor('onChannelAttrUpdated', (a) => a[1] === 'b');
    await j.call('channelClearAttr', 'room');
    expect(await j.waitFor('onChannelAttrUpdated', (a) => a[3] === 'clear')).toEqual(['room', '', '', 'clear']);

    await j.call('setAttr', 'mood', 'calm');
    await j.call('getAttr', 'mood');
    expect(await j.waitFor('onUserAttrResult')).toEqual(['jane', 'mood', 'calm']);
    await j.call('getAttrAll');
    expect(await j.waitFor('onUserAttrAllResult')).toEqual(['jane', '{"mood":"calm"}']);
    bob.api.setAttr('color', 'red');
    bob.api.getAttr('color');
    await bob.rec.waitFor('onUserAttrResult');
    await j.call('getUserAttr', 'bob', 'color');
    expect(await j.waitFor('onUserAttrResult', (a) => a[0] === 'bob')).toEqual(['bob', 'color', 'red']);
    await j.call('getUserAttrAll', 'bob');
    expect(await j.waitFor('onUserAttrAllResult', (a) => a[0] === 'bob')).toEqual(['bob', '{"color":"red"}']);
  });
});

describe('status, invoke, logout', () => {
  beforeEach(async () => {
    await start();
    await lh.h.login('rita');
  });

  it('queryUserStatus: onQueryUserStatusResult(name, "1" | "0")', async () => {
    const j = await java('jane');
    await j.call('queryUserStatus', 'rita');
    expect(await j.waitFor('onQueryUserStatusResult')).toEqual(['rita', '1']);
    await j.call('queryUserStatus', 'nobody');
    expect(await j.waitFor('onQueryUserStatusResult', (a) => a[0] === 'nobody')).toEqual(['nobody', '0']);
  });

  it('invoke: onInvokeRet(callID, "", resp); an unknown function gets its error', async () => {
    const j = await java('jane');
    await j.call('invoke', 'io.agora.signal.user_query_user_status', '{"account":"rita"}', 'q1');
    const [id, err, resp] = await j.waitFor('onInvokeRet', (a) => a[0] === 'q1');
    expect([id, err, JSON.parse(resp as string)]).toEqual(['q1', '', { result: 'ok', status: 1 }]);
    await j.call('channelJoin', 'room');
    await j.waitFor('onChannelUserList');
    await j.call('invoke', 'io.agora.signal.channel_query_userlist', '{"name":"room"}', 'q2');
    const [, err2, resp2] = await j.waitFor('onInvokeRet', (a) => a[0] === 'q2');
    expect([err2, JSON.parse(resp2 as string)]).toEqual(['', { result: 'ok', num: 1, list: [['jane', stableUid('jane')]] }]);
    await j.call('invoke', 'io.agora.signal.fly', '{}', 'q3');
    const [, err3] = await j.waitFor('onInvokeRet', (a) => a[0] === 'q3');
    expect(err3).not.toBe('');
  });

  it('logout: onLogout(101), status 0, others see the user go; login again works', async () => {
    const rita = await lh.h.login('rita2');
    const j = await java('jane');
    await j.call('logout');
    expect(await j.waitFor('onLogout')).toEqual([101]);
    expect(await j.call('getStatus')).toBe(0);
    expect((await rita.queryPeersOnlineStatus(['jane'])).jane).toBe(false);
    await j.call('logout');
    await until(() => j.callbacks('onLogout').length === 2);
    expect(j.callbacks('onLogout')).toEqual([['onLogout', 101], ['onLogout', 108]]);
    expect(await j.login(APP_ID, 'jane')).toBe(jUid('jane'));
    expect((await rita.queryPeersOnlineStatus(['jane'])).jane).toBe(true);
  });

  it('destroy (and the jar\'s spelling destory): the user logs out on the server and the JVM can exit', async () => {
    const rita = await lh.h.login('rita2');
    const j = await java('jane');
    await j.call('destory');
    await waitUntilOffline(rita, 'jane');
    await until(() => gateway.sessionCount === 0, 5000, 'the session to end');
    // No thread of the SDK (its loop, OkHttp's) keeps the JVM alive after destroy.
    expect(await j.endInput()).toBe(0);
  });
});

describe('invitations', () => {
  let bob: Legacy;
  beforeEach(async () => {
    await start();
    bob = await lh.login('bob');
  });

  it('Java calls, the JS legacy user accepts, Java ends: every callback on both sides', async () => {
    const j = await java('jane');
    await j.call('channelInviteUser2', 'call-1', 'bob', '{"x":1}');
    expect(await bob.rec.waitFor('onInviteReceived')).toEqual(['call-1', 'jane', stableUid('jane'), '{"x":1}']);
    expect(await j.waitFor('onInviteReceivedByPeer')).toEqual(['call-1', 'bob', jUid('bob')]);
    bob.api.channelInviteAccept('call-1', 'jane', 0, 'sure');
    expect(await j.waitFor('onInviteAcceptedByPeer')).toEqual(['call-1', 'bob', jUid('bob'), 'sure']);
    await j.call('channelInviteEnd', 'call-1', 'bob', 0);
    expect(await j.waitFor('onInviteEndByMyself')).toEqual(['call-1', 'bob', jUid('bob')]);
    expect(await bob.rec.waitFor('onInviteEndByPeer')).toEqual(['call-1', 'jane', stableUid('jane'), '']);
    expect(j.callbacks().map((c) => c[0])).toEqual(['onLoginSuccess', 'onInviteReceivedByPeer', 'onInviteAcceptedByPeer', 'onInviteEndByMyself']);
  });

  it('Java is called: accepts with the 1.2 jar\'s three arguments, refuses with extra, ends after accepting (4 arguments, null extra)', async () => {
    const j = await java('jane');
    bob.api.channelInviteUser('call-2', 'jane', 0);
    expect(await j.waitFor('onInviteReceived')).toEqual(['call-2', 'bob', jUid('bob'), '']);
    await j.call('channelInviteAccept', 'call-2', 'bob', 0);
    expect(await bob.rec.waitFor('onInviteAcceptedByPeer')).toEqual(['call-2', 'jane', stableUid('jane'), '']);
    await j.call('channelInviteEnd', 'call-2', 'bob', 0);
    expect(await bob.rec.waitFor('onInviteEndByPeer')).toEqual(['call-2', 'jane', stableUid('jane'), '']);

    bob.api.channelInviteUser2('call-3', 'jane', '');
    await j.waitFor('onInviteReceived', (a) => a[0] === 'call-3');
    await j.call('channelInviteRefuse', 'call-3', 'bob', 0, '{"status":1}');
    expect(await bob.rec.waitFor('onInviteRefusedByPeer')).toEqual(['call-3', 'jane', stableUid('jane'), '{"status":1}']);

    bob.api.channelInviteUser2('call-4', 'jane', '');
    await j.waitFor('onInviteReceived', (a) => a[0] === 'call-4');
    await j.call('channelInviteAccept', 'call-4', 'bob', 0, null);
    expect(await bob.rec.waitFor('onInviteAcceptedByPeer', (a) => a[0] === 'call-4')).toEqual(['call-4', 'jane', stableUid('jane'), '']);
    bob.api.channelInviteEnd('call-4', 'jane', 0);
    expect(await j.waitFor('onInviteEndByPeer')).toEqual(['call-4', 'bob', jUid('bob'), '']);
  });

  it('refused, cancelled before an answer, failed (peer offline, timeout), DTMF', async () => {
    const j = await java('jane');
    await j.call('channelInviteUser2', 'call-5', 'bob', '');
    await bob.rec.waitFor('onInviteReceived');
    bob.api.channelInviteRefuse('call-5', 'jane', 0, '{"status":0}');
    expect(await j.waitFor('onInviteRefusedByPeer')).toEqual(['call-5', 'bob', jUid('bob'), '{"status":0}']);

    await j.call('channelInviteUser2', 'call-6', 'bob', '');
    await j.waitFor('onInviteReceivedByPeer', (a) => a[0] === 'call-6');
    await j.call('channelInviteEnd', 'call-6', 'bob', 0);
    expect(await j.waitFor('onInviteEndByMyself', (a) => a[0] === 'call-6')).toEqual(['call-6', 'bob', jUid('bob')]);
    expect(await bob.rec.waitFor('onInviteEndByPeer', (a) => a[0] === 'call-6')).toEqual(['call-6', 'jane', stableUid('jane'), '']);

    await j.call('channelInviteUser2', 'call-7', 'ghost', '{"_require_peer_online":1}');
    expect(await j.waitFor('onInviteFailed')).toEqual(['call-7', 'ghost', jUid('ghost'), 703, '{"reason":"PEER_OFFLINE"}']);

    await j.call('channelInviteUser2', 'call-8', 'bob', '{"_timeout":1}');
    expect(await j.waitFor('onInviteFailed', (a) => a[0] === 'call-8')).toEqual(['call-8', 'bob', jUid('bob'), 704, '{"reason":"TIMEOUT"}']);

    await j.call('channelInviteDTMF', 'call-9', 'bob', '12*#');
    expect(await bob.rec.waitFor('onInviteMsg')).toEqual(['call-9', 'jane', stableUid('jane'), 'dtmf', '12*#', JSON.stringify({ msgtype: 'dtmf', msgdata: '12*#' })]);
  });

  it('an RTM user\'s call invitation reaches Java as onInviteReceived, and the answer goes back', async () => {
    const rita = await lh.h.login('rita');
    const j = await java('jane');
    const inv = rita.createLocalInvitation('jane');
    inv.channelId = 'call-10';
    inv.content = 'ring';
    const accepted = waitForEvent<[string]>(inv, 'LocalInvitationAccepted');
    inv.send();
    expect(await j.waitFor('onInviteReceived')).toEqual(['call-10', 'rita', jUid('rita'), 'ring']);
    await j.call('channelInviteAccept', 'call-10', 'rita', 0, 'ok');
    expect((await accepted)[0]).toBe('ok');
  });
});

describe('a network cut, and resume', () => {
  let rita: RtmClient;

  it('onReconnecting(1) and onReconnected(0); what was sent meanwhile arrives once, in order; calls made meanwhile run once', async () => {
    await start();
    rita = await lh.h.login('rita');
    proxy = await new CutProxy(lh.h.server.port).start();
    const j = await java('jane', proxy.url('/gateway'));
    const got: string[] = [];
    rita.on('MessageFromPeer', (m: RtmMessage) => got.push(m.text ?? ''));
    proxy.down = true;
    proxy.cut();
    expect(await j.waitFor('onReconnecting')).toEqual([1]);
    expect(j.cbs.find((c) => c.name === 'onReconnecting')!.st).toBe(3);
    expect(await j.call('getStatus')).toBe(3);
    for (const text of ['one', 'two', 'three']) await rita.sendMessageToPeer({ text }, 'jane', { enableOfflineMessaging: false });
    await j.call('messageInstantSend', 'rita', 0, 'while away', 'w1');
    proxy.down = false;
    expect(await j.waitFor('onReconnected')).toEqual([0]);
    await j.waitFor('onMessageSendSuccess', (a) => a[0] === 'w1');
    await until(() => j.callbacks('onMessageInstantReceive').length === 3, 5000, 'three messages');
    expect(j.callbacks('onMessageInstantReceive').map((c) => c[3])).toEqual(['one', 'two', 'three']);
    expect(await j.call('getStatus')).toBe(2);
    await settle();
    expect(got).toEqual(['while away']);
    expect(j.callbacks('onReconnected')).toHaveLength(1);
    expect(j.callbacks('onLogout')).toEqual([]);
    expect(new Set(j.cbs.map((c) => c.thread))).toEqual(new Set(['AgoraSDKLoop']));
  });

  it('a silent link (no close) is noticed by the pings and resumed', async () => {
    await start();
    rita = await lh.h.login('rita');
    proxy = await new CutProxy(lh.h.server.port).start();
    const j = new JavaAgent(classes, APP_ID);
    agents.push(j);
    await j.started();
    await j.call('dbg', 'lbss', proxy.url('/gateway'));
    await j.call('dbg', 'sig2rtm_ping_ms', '300');
    await j.login(APP_ID, 'jane');
    proxy.stall();
    expect(await j.waitFor('onReconnecting', () => true, 5000)).toEqual([1]);
    expect(await j.waitFor('onReconnected', () => true, 5000)).toEqual([0]);
    await rita.sendMessageToPeer({ text: 'after' }, 'jane');
    expect(await j.waitFor('onMessageInstantReceive')).toEqual(['rita', 0, 'after']);
  });

  it('a session not resumed within resumeMs: onLogout(102), status 0; the next login opens a new session', async () => {
    await start({ resumeMs: 1000 });
    rita = await lh.h.login('rita');
    proxy = await new CutProxy(lh.h.server.port).start();
    const j = await java('jane', proxy.url('/gateway'));
    proxy.down = true;
    proxy.cut();
    await j.waitFor('onReconnecting');
    expect(await j.waitFor('onLogout', () => true, 8000)).toEqual([102]);
    expect(await j.call('getStatus')).toBe(0);
    await waitUntilOffline(rita, 'jane');
    proxy.down = false;
    expect(await j.login(APP_ID, 'jane')).toBe(jUid('jane'));
    expect((await rita.queryPeersOnlineStatus(['jane'])).jane).toBe(true);
  });

  it('no server at all: a login fails with onLoginFailed(201)', async () => {
    await start();
    proxy = await new CutProxy(lh.h.server.port).start();
    proxy.down = true;
    const j = await java(undefined, proxy.url('/gateway'));
    await j.call('login2', APP_ID, 'jane', '_no_need_token', 0, '', 30, 3);
    expect(await j.waitFor('onLoginFailed')).toEqual([201]);
    expect(await j.call('getStatus')).toBe(0);
  });
});

describe('bad arguments', () => {
  let rita: RtmClient;
  beforeEach(async () => {
    await start();
    rita = await lh.h.login('rita');
  });

  it('null strings travel as "", uids as unsigned; engine checks answer as the legacy SDK did', async () => {
    const j = await java();
    await j.call('login', APP_ID, 'x'.repeat(129), null, -1, null);
    expect(await j.waitFor('onLoginFailed')).toEqual([209]);
    await j.call('messageInstantSend', 'rita', 0, 'before login', 'm0');
    expect(await j.waitFor('onError')).toEqual(['send_instant_msg', 1003, expect.any(String)]);
    await j.login(APP_ID, 'jane');
    await j.call('channelJoin', null);
    expect(await j.waitFor('onChannelJoinFailed')).toEqual(['', 300]);
    const got = waitForEvent<[RtmMessage]>(rita, 'MessageFromPeer');
    await j.call('messageInstantSend', 'rita', -1, 'uid -1 is 4294967295 on the wire', null);
    expect((await got)[0].text).toBe('uid -1 is 4294967295 on the wire');
  });

  it('an argument larger than the server takes: onError(method, 1005) at once, and the session carries on', async () => {
    const j = await java('jane');
    await j.call('messageInstantSend', 'rita', 0, 'x'.repeat(300 * 1024), 'big');
    expect(await j.waitFor('onError')).toEqual(['messageInstantSend', 1005, expect.stringContaining('too large')]);
    const got = waitForEvent<[RtmMessage]>(rita, 'MessageFromPeer');
    await j.call('messageInstantSend', 'rita', 0, 'still here', 'm1');
    expect((await got)[0].text).toBe('still here');
    expect(j.callbacks('onLogout')).toEqual([]);
  });

  it('a bad server address: onLog says so and the login fails with 201', async () => {
    const j = await java(undefined, 'ws://exa mple:1/gateway');
    await j.call('login2', APP_ID, 'jane', '_no_need_token', 0, '', 30, 3);
    expect(await j.waitFor('onLoginFailed')).toEqual([201]);
    expect(j.callbacks('onLog').map((c) => c[1])).toEqual(expect.arrayContaining([expect.stringContaining('bad server address')]));
  });
});

async function waitUntilOffline(client: RtmClient, peer: string): Promise<void> {
  for (let k = 0; k < 100; k++) {
    if (!(await client.queryPeersOnlineStatus([peer]))[peer]) return;
    await settle(20);
  }
  throw new Error(`${peer} still online`);
}
