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
import { APP_ID, waitForEvent } from '../helpers/harness';
import { LegacyHarness, stableUid, type Legacy } from '../legacy/helpers/legacy-harness';
import { compile, ensureJar, JavaAgent, ROOT } from './helpers/java';

jest.setTimeout(60000);

const lh = new LegacyHarness();
let gateway: Gateway;
let classes: string;
const agents: JavaAgent[] = [];

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
