/**
 * libagorasig under AddressSanitizer + UndefinedBehaviorSanitizer (its own build, dist/cpp/asan),
 * and the release build under valgrind's leak check: a C++ app runs a full session (login, peer and
 * channel messages, attributes, an invitation, a network cut and resume, logout, exit) and neither
 * tool may report anything.
 */

import path from 'node:path';
import type { RtmClient, RtmMessage } from '../../src/rtm';
import { attachGateway, type Gateway } from '../../src/server';
import { APP_ID, Harness, waitForEvent } from '../helpers/harness';
import { CutProxy } from '../helpers/cut-proxy';
import { buildLibrary, compile, CppAgent, ROOT, type Variant } from './helpers/cpp';

const h = new Harness();
let gateway: Gateway;
let proxy: CutProxy;
let rita: RtmClient;
let agent: CppAgent | undefined;

beforeEach(async () => {
  await h.start();
  gateway = attachGateway(h.server);
  proxy = await new CutProxy(h.server.port).start();
  rita = await h.login('rita');
});
afterEach(async () => {
  agent?.kill();
  gateway.close();
  await proxy.stop();
  await h.stop();
});

function agentFor(variant: Variant): string {
  buildLibrary(variant);
  return compile('agent', [path.join(ROOT, 'test/cpp/agent.cpp')], { variant, std: 'c++17', includes: [path.join(ROOT, 'test/cpp/generated')] });
}

/** A whole session; slow tools make every step slower, so waits are generous. */
async function session(a: CppAgent, withCut: boolean): Promise<void> {
  const ms = 30_000;
  a.send('login2', APP_ID, 'nat', '_no_need_token', 0, '', 30, 3);
  await a.waitFor('onLoginSuccess', () => true, ms);
  const got = waitForEvent<[RtmMessage]>(rita, 'MessageFromPeer', ms);
  a.send('messageInstantSend', 'rita', 0, 'hello', 'm1');
  expect((await got)[0].text).toBe('hello');
  await rita.sendMessageToPeer({ text: 'back' }, 'nat');
  await a.waitFor('onMessageInstantReceive', () => true, ms);
  const ch = rita.createChannel('room');
  await ch.join();
  a.send('channelJoin', 'room');
  await a.waitFor('onChannelUserList', () => true, ms);
  a.send('messageChannelSend', 'room', 'all', 'c1');
  a.send('channelSetAttr', 'room', 'k', 'v');
  await a.waitFor('onChannelAttrUpdated', () => true, ms);
  a.send('setAttr', 'color', 'red');
  a.send('getAttrAll');
  await a.waitFor('onUserAttrAllResult', () => true, ms);
  a.send('channelInviteUser2', 'call', 'ghost', '{"_require_peer_online":1}');
  await a.waitFor('onInviteFailed', () => true, ms);
  a.send('channel', 'not a method'); // the agent prints "bad"
  a.send('login2', APP_ID, null, null, 0, null, 30, 3); // NULL pointers, already logged in
  if (withCut) {
    proxy.cut();
    await a.waitFor('onReconnected', () => true, ms);
    await rita.sendMessageToPeer({ text: 'after' }, 'nat');
    await a.waitFor('onMessageInstantReceive', (x) => x[2] === 'after', ms);
  }
  a.send('logout');
  await a.waitFor('onLogout', () => true, ms);
  await ch.leave();
}

test('AddressSanitizer + UndefinedBehaviorSanitizer: a whole session, both threading modes, no report', async () => {
  const bin = agentFor('asan');
  for (const mode of ['--start', '--no-start'] as const) {
    agent = new CppAgent(bin, mode, { SIG2RTM_GATEWAY_URL: proxy.url('/gateway'), ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' });
    await session(agent, mode === '--start');
    const exit = await agent.stop(60_000);
    expect({ exit, report: agent.stderr.split('\n').filter((l) => /Sanitizer|runtime error/.test(l)) }).toEqual({ exit: { code: 0, signal: null }, report: [] });
  }
}, 900_000);

test('valgrind: no leaks and no memory errors in a whole session', async () => {
  const bin = agentFor('release');
  agent = new CppAgent(bin, '--start', { SIG2RTM_GATEWAY_URL: proxy.url('/gateway') }, [
    'valgrind', '--leak-check=full', '--show-leak-kinds=definite,indirect', '--errors-for-leak-kinds=definite,indirect', '--error-exitcode=99', '--quiet',
  ]);
  await session(agent, true);
  const exit = await agent.stop(120_000);
  expect({ exit, stderr: agent.stderr }).toEqual({ exit: { code: 0, signal: null }, stderr: '' });
}, 900_000);
