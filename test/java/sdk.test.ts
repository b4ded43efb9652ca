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
    await until(async () => !(await rita.queryPeersOnlineStatus(['jane'])).jane, 5000, 'jane offline');
    await until(() => gateway.sessionCount === 0, 5000, 'the session to end');
    // No thread of the SDK (its loop, OkHttp's) keeps the JVM alive after destroy.
    expect(await j.endInput()).toBe(0);
  });
});
