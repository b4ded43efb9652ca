/**
 * The C++ legacy SDK (libagorasig) end to end: a C++ app written only against agora_sig.h
 * (test/cpp/agent.cpp) on a real server with the gateway, next to a JS legacy user and an RTM user.
 * Every row of the issue: login2, peer messages both ways, channels, counts, attributes, status,
 * invoke, invitations with every outcome, logout, a network cut with resume, bad arguments; both
 * threading modes (start() on the app's thread, and never calling it).
 */

import path from 'node:path';
import { attachGateway, type Gateway, type GatewayOptions } from '../../src/server';
import type { RtmChannel, RtmClient, RtmMessage } from '../../src/rtm';
import { APP_ID, sleep, until, waitForEvent } from '../helpers/harness';
import { CutProxy } from '../helpers/cut-proxy';
import { LegacyHarness, stableUid, type Legacy } from '../legacy/helpers/legacy-harness';
import { buildLibrary, compile, CppAgent, ROOT } from './helpers/cpp';

let agentBinary: string;
beforeAll(() => {
  buildLibrary();
  agentBinary = compile('agent', [path.join(ROOT, 'test/cpp/agent.cpp')], { std: 'c++17', includes: [path.join(ROOT, 'test/cpp/generated')] });
}, 600_000);

const lh = new LegacyHarness();
let gateway: Gateway;
let proxy: CutProxy | undefined;
const agents: CppAgent[] = [];

async function start(options: GatewayOptions = {}): Promise<void> {
  await lh.h.start();
  gateway = attachGateway(lh.h.server, options);
}

function app(mode: '--start' | '--no-start' = '--start', url = gateway.url): CppAgent {
  const a = new CppAgent(agentBinary, mode, { SIG2RTM_GATEWAY_URL: url });
  agents.push(a);
  return a;
}

/** Polls until `peer` is offline for `client`. */
async function offline(client: RtmClient, peer: string): Promise<void> {
  for (let k = 0; k < 200; k++) {
    if (!(await client.queryPeersOnlineStatus([peer]))[peer]) return;
    await sleep(25);
  }
  throw new Error(`${peer} is still online`);
}

afterEach(async () => {
  for (const a of agents.splice(0)) a.kill();
  gateway?.close();
  await proxy?.stop();
  proxy = undefined;
  await lh.stop();
});

describe('C++ legacy app with a JS legacy user (bob) and an RTM user (rita)', () => {
  let rita: RtmClient;
  let bob: Legacy;
  let nat: CppAgent;
  beforeEach(async () => {
    await start();
    rita = await lh.h.login('rita');
    bob = await lh.login('bob');
    nat = app();
    expect(await nat.login(APP_ID, 'nat')).toEqual([stableUid('nat'), 0]);
  });

  it('login2: onLoginSuccess(uid, 0) on the thread running start(); getStatus 2, isOnline, getSdkVersion', async () => {
    expect(nat.lineOf('onLoginSuccess')!.th).toBe('main');
    expect(await nat.query('getStatus')).toBe(2);
    expect(await nat.query('isOnline')).toBe(true);
    expect(await nat.query('getSdkVersion')).toBe(1010400000);
    expect((await rita.queryPeersOnlineStatus(['nat'])).nat).toBe(true);
  });

  it('messageInstantSend both ways, with the RTM user and with the JS legacy user', async () => {
    const toRita = waitForEvent<[RtmMessage, string]>(rita, 'MessageFromPeer');
    nat.send('messageInstantSend', 'rita', 0, 'hello rita', 'm1');
    const [msg, from] = await toRita;
    expect([msg.text, from]).toEqual(['hello rita', 'nat']);
    expect(await nat.waitFor('onMessageSendSuccess')).toEqual(['m1']);
    nat.send('messageInstantSend', 'bob', 0, 'hello bob', 'm2');
    expect(await bob.rec.waitFor('onMessageInstantReceive')).toEqual(['nat', 0, 'hello bob']);

    await rita.sendMessageToPeer({ text: 'from rita ✓' }, 'nat');
    expect(await nat.waitFor('onMessageInstantReceive', (a) => a[0] === 'rita')).toEqual(['rita', 0, 'from rita ✓']);
    bob.api.messageInstantSend('nat', 0, 'from bob', 'b1');
    expect(await nat.waitFor('onMessageInstantReceive', (a) => a[0] === 'bob')).toEqual(['bob', 0, 'from bob']);
  });

  it('channelJoin: onChannelJoined, onChannelUserList(n, accounts, uids); channel messages both ways; channelQueryUserNum', async () => {
    const ch: RtmChannel = rita.createChannel('room');
    await ch.join();
    bob.api.channelJoin('room');
    await bob.rec.waitFor('onChannelUserList');
    nat.send('channelJoin', 'room');
    expect(await nat.waitFor('onChannelJoined')).toEqual(['room']);
    const [accounts, uids] = await nat.waitFor('onChannelUserList');
    expect([...(accounts as string[])].sort()).toEqual(['bob', 'nat', 'rita']);
    expect((uids as number[]).slice().sort()).toEqual([stableUid('bob'), stableUid('nat'), stableUid('rita')].sort());
    expect(await bob.rec.waitFor('onChannelUserJoined')).toEqual(['nat', stableUid('nat')]);

    const atRita = waitForEvent<[RtmMessage, string]>(ch, 'ChannelMessage');
    nat.send('messageChannelSend', 'room', 'hi all', 'c1');
    expect((await atRita)[0].text).toBe('hi all');
    expect(await bob.rec.waitFor('onMessageChannelReceive')).toEqual(['room', 'nat', stableUid('nat'), 'hi all']);
    await ch.sendMessage({ text: 'from rita' });
    expect(await nat.waitFor('onMessageChannelReceive', (a) => a[1] === 'rita')).toEqual(['room', 'rita', stableUid('rita'), 'from rita']);

    nat.send('channelQueryUserNum', 'room');
    expect(await nat.waitFor('onChannelQueryUserNumResult')).toEqual(['room', 0, 3]);
    nat.send('channelLeave', 'room');
    expect(await nat.waitFor('onChannelLeaved')).toEqual(['room', 0]);
    expect(await bob.rec.waitFor('onChannelUserLeaved')).toEqual(['nat', stableUid('nat')]);
  });

  it('channel attributes: set, del and clear reach every member as onChannelAttrUpdated', async () => {
    bob.api.channelJoin('attrs');
    await bob.rec.waitFor('onChannelUserList');
    nat.send('channelJoin', 'attrs');
    await nat.waitFor('onChannelUserList');
    nat.send('channelSetAttr', 'attrs', 'topic', 'news');
    expect(await nat.waitFor('onChannelAttrUpdated')).toEqual(['attrs', 'topic', 'news', 'update']);
    expect(await bob.rec.waitFor('onChannelAttrUpdated')).toEqual(['attrs', 'topic', 'news', 'update']);
    nat.send('channelSetAttr', 'attrs', 'mood', 'calm');
    await nat.waitFor('onChannelAttrUpdated', (a) => a[1] === 'mood');
    nat.send('channelSetAttr', 'attrs', 'size', 'L');
    await nat.waitFor('onChannelAttrUpdated', (a) => a[1] === 'size');
    nat.send('channelDelAttr', 'attrs', 'topic');
    expect(await nat.waitFor('onChannelAttrUpdated', (a) => a[3] === 'del')).toEqual(['attrs', 'topic', '', 'del']);
    nat.send('channelClearAttr', 'attrs');
    expect(await nat.waitFor('onChannelAttrUpdated', (a) => a[3] === 'clear')).toEqual(['attrs', '', '', 'clear']);
    expect(await bob.rec.waitFor('onChannelAttrUpdated', (a) => a[3] === 'clear')).toEqual(['attrs', '', '', 'clear']);
  });

  it('user attributes, queryUserStatus and invoke', async () => {
    nat.send('setAttr', 'color', 'red');
    nat.send('getAttr', 'color');
    expect(await nat.waitFor('onUserAttrResult')).toEqual(['nat', 'color', 'red']);
    nat.send('getAttrAll');
    const [who, all] = await nat.waitFor('onUserAttrAllResult');
    expect([who, JSON.parse(all as string)]).toEqual(['nat', { color: 'red' }]);
    bob.api.getUserAttr('nat', 'color');
    expect(await bob.rec.waitFor('onUserAttrResult')).toEqual(['nat', 'color', 'red']);
    bob.api.setAttr('size', 'L');
    await sleep(50);
    nat.send('getUserAttrAll', 'bob');
    const [, bobs] = await nat.waitFor('onUserAttrAllResult', (a) => a[0] === 'bob');
    expect(JSON.parse(bobs as string)).toEqual({ size: 'L' });

    nat.send('queryUserStatus', 'rita');
    expect(await nat.waitFor('onQueryUserStatusResult')).toEqual(['rita', '1']);
    nat.send('queryUserStatus', 'nobody');
    expect(await nat.waitFor('onQueryUserStatusResult', (a) => a[0] === 'nobody')).toEqual(['nobody', '0']);

    nat.send('invoke', 'io.agora.signal.user_query_user_status', JSON.stringify({ account: 'bob' }), 'call-1');
    const [callID, err, resp] = await nat.waitFor('onInvokeRet');
    expect([callID, err, JSON.parse(resp as string)]).toEqual(['call-1', '', { result: 'ok', status: 1 }]);
  });

  it('logout: onLogout(101), status 0; the others see the user go', async () => {
    nat.send('logout');
    expect(await nat.waitFor('onLogout')).toEqual([101]);
    expect(await nat.query('getStatus')).toBe(0);
    await offline(rita, 'nat');
    nat.send('logout');
    expect((await nat.waitFor('onLogout', (a) => a[0] === 108))[0]).toBe(108);
  });
});

describe('invitations from and to a C++ app, every outcome with its extras', () => {
  let bob: Legacy;
  let nat: CppAgent;
  beforeEach(async () => {
    await start();
    bob = await lh.login('bob');
    nat = app();
    await nat.login(APP_ID, 'nat');
  });
  const NAT = stableUid('nat');
  const BOB = stableUid('bob');

  it('C++ calls, the peer accepts with extra (then ends the call)', async () => {
    nat.send('channelInviteUser2', 'c1', 'bob', '{"v":1}');
    expect(await bob.rec.waitFor('onInviteReceived')).toEqual(['c1', 'nat', NAT, '{"v":1}']);
    expect(await nat.waitFor('onInviteReceivedByPeer')).toEqual(['c1', 'bob', BOB]);
    bob.api.channelInviteAccept('c1', 'nat', 0, '{"ok":true}');
    expect(await nat.waitFor('onInviteAcceptedByPeer')).toEqual(['c1', 'bob', BOB, '{"ok":true}']);
    bob.api.channelInviteEnd('c1', 'nat', 0);
    expect(await nat.waitFor('onInviteEndByPeer')).toEqual(['c1', 'bob', BOB, expect.any(String)]);
  });

  it('C++ calls, the peer refuses with extra', async () => {
    nat.send('channelInviteUser', 'c2', 'bob'); // uid left to its default argument
    await bob.rec.waitFor('onInviteReceived');
    bob.api.channelInviteRefuse('c2', 'nat', 0, '{"status":1}');
    expect(await nat.waitFor('onInviteRefusedByPeer')).toEqual(['c2', 'bob', BOB, '{"status":1}']);
  });

  it('C++ calls and hangs up before an answer: onInviteEndByMyself; the peer hears onInviteEndByPeer', async () => {
    nat.send('channelInviteUser2', 'c3', 'bob', '');
    await bob.rec.waitFor('onInviteReceived');
    nat.send('channelInviteEnd', 'c3', 'bob', 0);
    expect(await nat.waitFor('onInviteEndByMyself')).toEqual(['c3', 'bob', BOB]);
    expect((await bob.rec.waitFor('onInviteEndByPeer')).slice(0, 3)).toEqual(['c3', 'nat', NAT]);
  });

  it('C++ calls someone offline with _require_peer_online: onInviteFailed(703) with its extra', async () => {
    nat.send('channelInviteUser2', 'c4', 'ghost', '{"_require_peer_online":1}');
    expect(await nat.waitFor('onInviteFailed')).toEqual(['c4', 'ghost', stableUid('ghost'), 703, '{"reason":"PEER_OFFLINE"}']);
  });

  it('C++ is called: onInviteReceived with extra; accepts with the 3-argument legacy form, or refuses with extra', async () => {
    bob.api.channelInviteUser2('c5', 'nat', '{"from":"bob"}');
    expect(await nat.waitFor('onInviteReceived')).toEqual(['c5', 'bob', BOB, '{"from":"bob"}']);
    nat.send('channelInviteAccept', 'c5', 'bob', 0); // extra left to its default argument
    expect(await bob.rec.waitFor('onInviteAcceptedByPeer')).toEqual(['c5', 'nat', NAT, '']);
    nat.send('channelInviteEnd', 'c5', 'bob', 0);
    expect((await bob.rec.waitFor('onInviteEndByPeer')).slice(0, 3)).toEqual(['c5', 'nat', NAT]);

    bob.api.channelInviteUser2('c6', 'nat', '');
    await nat.waitFor('onInviteReceived', (a) => a[0] === 'c6');
    nat.send('channelInviteRefuse', 'c6', 'bob', 0, '{"status":0}');
    expect(await bob.rec.waitFor('onInviteRefusedByPeer')).toEqual(['c6', 'nat', NAT, '{"status":0}']);
  });

  it('C++ is called and the caller gives up: onInviteEndByPeer with an empty extra (legacy sent none)', async () => {
    bob.api.channelInviteUser2('c7', 'nat', '{"x":2}');
    await nat.waitFor('onInviteReceived');
    bob.api.channelInviteEnd('c7', 'nat', 0);
    expect(await nat.waitFor('onInviteEndByPeer')).toEqual(['c7', 'bob', BOB, '']);
  });

  it('DTMF reaches the peer as onInviteMsg', async () => {
    nat.send('channelInviteDTMF', 'c8', 'bob', '12#');
    expect((await bob.rec.waitFor('onInviteMsg')).slice(0, 5)).toEqual(['c8', 'nat', NAT, 'dtmf', '12#']);
  });
});

describe('bad arguments give the legacy codes', () => {
  beforeEach(() => start());

  it('NULL or over-long accounts, NULL channel names, calls before login', async () => {
    const nat = app();
    nat.send('messageInstantSend', 'bob', 0, 'too early', 'm0');
    expect(await nat.waitFor('onError')).toEqual(['send_instant_msg', 1003, expect.any(String)]);
    nat.send('login2', APP_ID, null, '_no_need_token', 0, null, 30, 3);
    expect(await nat.waitFor('onLoginFailed')).toEqual([209]);
    nat.send('login2', APP_ID, 'x'.repeat(129), '_no_need_token', 0, '', 30, 3);
    await until(() => nat.callbacks('onLoginFailed').length === 2);
    expect(nat.callbacks('onLoginFailed')[1]).toEqual(['onLoginFailed', 209]);
    await nat.login(APP_ID, 'nat');
    nat.send('channelJoin', null);
    expect(await nat.waitFor('onChannelJoinFailed')).toEqual(['', 300]);
    nat.send('channelJoin', 'c'.repeat(129));
    expect(await nat.waitFor('onChannelJoinFailed', (a) => a[0] !== '')).toEqual(['c'.repeat(129), 300]);
    nat.send('login2', APP_ID, 'nat', '_no_need_token', 0, '', 30, 3); // already logged in: ignored
    nat.send('queryUserStatus', 'nobody');
    await nat.waitFor('onQueryUserStatusResult');
    expect(nat.callbacks('onLoginSuccess')).toHaveLength(1);
  });

  it('an empty appId: onLoginFailed(202); a server that is not there: onLoginFailed(201)', async () => {
    const nat = app();
    nat.send('login2', '', 'nat', '_no_need_token', 0, '', 30, 3);
    expect(await nat.waitFor('onLoginFailed')).toEqual([202]);
    const lost = app('--start', 'ws://127.0.0.1:1/gateway');
    lost.send('login2', APP_ID, 'nat', '_no_need_token', 0, '', 30, 3);
    expect(await lost.waitFor('onLoginFailed')).toEqual([201]);
    expect(await lost.query('getStatus')).toBe(0);
  });
});

describe('threading and lifecycle', () => {
  beforeEach(() => start());

  it('without start(): callbacks arrive on the SDK thread', async () => {
    const nat = app('--no-start');
    await nat.login(APP_ID, 'nat');
    nat.send('queryUserStatus', 'nat');
    await nat.waitFor('onQueryUserStatusResult');
    const threads = new Set(nat.lines.filter((l) => l.cb !== undefined).map((l) => l.th));
    expect([...threads]).toEqual(['sdk']);
    expect((await nat.stop()).code).toBe(0);
  });

  it('with start() on the main thread: every callback arrives there; stop() makes start() return', async () => {
    const nat = app('--start');
    await nat.login(APP_ID, 'nat');
    nat.send('channelJoin', 'room');
    await nat.waitFor('onChannelUserList');
    const threads = new Set(nat.lines.filter((l) => l.cb !== undefined && l.cb !== 'onLog').map((l) => l.th));
    expect([...threads]).toEqual(['main']);
    expect((await nat.stop()).code).toBe(0);
    expect(nat.lines.at(-1)).toEqual({ bye: true });
  });

  it('dbg("lbss", "host:port") points the SDK at a server (before login)', async () => {
    const port = lh.h.server.port;
    const nat = new CppAgent(agentBinary, '--start', { SIG2RTM_GATEWAY_URL: 'ws://127.0.0.1:1/gateway' });
    agents.push(nat);
    nat.send('dbg', 'lbss', `127.0.0.1:${port}`);
    expect(await nat.login(APP_ID, 'nat')).toEqual([stableUid('nat'), 0]);
  });

  it('destroy() logs the user out on the server; the app can log in again', async () => {
    const rita = await lh.h.login('rita');
    const nat = app();
    await nat.login(APP_ID, 'nat');
    nat.send('destroy');
    await offline(rita, 'nat');
    expect(await nat.query('getStatus')).toBe(0);
    await nat.login(APP_ID, 'nat');
    expect((await rita.queryPeersOnlineStatus(['nat'])).nat).toBe(true);
  });
});

describe('network cut and resume through the TCP proxy', () => {
  /** rita (RTM) on the server, nat (C++) through the proxy, logged in; then the network goes down. */
  async function cutScene(options: GatewayOptions = {}): Promise<{ rita: RtmClient; nat: CppAgent; cut: CutProxy }> {
    await start(options);
    const rita = await lh.h.login('rita');
    const cut = await new CutProxy(lh.h.server.port).start();
    proxy = cut;
    const nat = app('--start', cut.url('/gateway'));
    await nat.login(APP_ID, 'nat');
    cut.down = true;
    cut.cut();
    return { rita, nat, cut };
  }

  it('onReconnecting(1), then onReconnected(0); messages sent meanwhile arrive once, in order; calls made meanwhile run once', async () => {
    const { rita, nat, cut } = await cutScene();
    expect(await nat.waitFor('onReconnecting')).toEqual([1]);
    for (const text of ['one', 'two', 'three']) await rita.sendMessageToPeer({ text }, 'nat');
    const got: string[] = [];
    rita.on('MessageFromPeer', (m: RtmMessage) => got.push(m.text ?? ''));
    nat.send('messageInstantSend', 'rita', 0, 'while away', 'w1');
    expect(await nat.query('getStatus')).toBe(3);
    cut.down = false;
    expect(await nat.waitFor('onReconnected')).toEqual([0]);
    await nat.waitFor('onMessageSendSuccess');
    await until(() => nat.callbacks('onMessageInstantReceive').length >= 3);
    await sleep(200);
    expect(nat.callbacks('onMessageInstantReceive').map((c) => c[3])).toEqual(['one', 'two', 'three']);
    expect(got).toEqual(['while away']);
    expect(await nat.query('getStatus')).toBe(2);
    const reconnecting = nat.callbacks('onReconnecting').map((c) => c[1] as number);
    expect(reconnecting).toEqual(reconnecting.map((_, k) => k + 1));
    expect(nat.callbacks('onLogout')).toEqual([]);
  });

  it('a cut longer than the resume window: onLogout(102), and the others see the user go', async () => {
    const { rita, nat, cut } = await cutScene({ resumeMs: 800 });
    expect(await nat.waitFor('onLogout')).toEqual([102]);
    expect(await nat.query('getStatus')).toBe(0);
    await offline(rita, 'nat');
    cut.down = false;
    await nat.login(APP_ID, 'nat');
  });
});
