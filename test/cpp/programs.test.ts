/**
 * Real C++ programs against libagorasig: a 2018-style app overriding all 37 callbacks and using
 * both header generations (linked statically), the example chat app (examples/cpp/chat.cpp) built
 * with the README's compile line and run against `sig2rtm serve` with a JS legacy user and an RTM
 * user, and wss:// with the server's own certificate.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AgoraRTM, { type RtmMessage } from '../../src/rtm';
import { AgoraAPI } from '../../src/legacy';
import { attachGateway } from '../../src/server';
import { APP_ID, Harness, until, waitForEvent } from '../helpers/harness';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';
import { Recorder } from '../legacy/helpers/legacy-harness';
import { buildLibrary, compile, CppAgent, ROOT } from './helpers/cpp';

beforeAll(() => buildLibrary(), 600_000);

const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

/** Runs a program to its end; resolves with its stdout lines and exit code. */
function runToEnd(bin: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const p = spawn(bin, args, { env: { ...process.env, ...env } });
  procs.push(p);
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => p.on('exit', (code) => resolve({ code, lines: out.split('\n').filter(Boolean), stderr: err })));
}

test('a 2018-style app (all 37 callbacks with override, both header generations, two instances, one start()) compiles with -std=c++11, links libagorasig.a and runs', async () => {
  const bin = compile('generations-static', [path.join(ROOT, 'test/cpp/compat/generations.cpp')], { static: true });
  const h = new Harness();
  await h.start();
  const gateway = attachGateway(h.server);
  try {
    const { code, lines, stderr } = await runToEnd(bin, [APP_ID], { SIG2RTM_GATEWAY_URL: gateway.url });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^alpha logged in uid=\d+ fd=0$/),
        expect.stringMatching(/^beta logged in uid=\d+ fd=0$/),
        'beta invited to call by alpha extra=',
        'alpha call accepted by beta extra=',
        'invalid user refused: 1',
        'done',
      ]),
    );
  } finally {
    gateway.close();
    await h.stop();
  }
});

describe('the example chat app against sig2rtm serve', () => {
  let server: ServeProcess | undefined;
  afterEach(() => server?.child.kill('SIGTERM'));

  async function serve(): Promise<string> {
    server = await startServeProcess(['--dev', '--store', 'memory', '--port', '0', '--log-level', 'warn']);
    return server.url;
  }

  it('is built with the README line and chats with a JS legacy user and an RTM user', async () => {
    const out = path.join(ROOT, 'dist/cpp/test/release/chat');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // The README's compile and link line.
    execFileSync('g++', ['-std=c++11', path.join(ROOT, 'examples/cpp/chat.cpp'), '-I', path.join(ROOT, 'dist/cpp/include'), '-L', path.join(ROOT, 'dist/cpp/lib'), '-lagorasig', '-lpthread', `-Wl,-rpath,${path.join(ROOT, 'dist/cpp/lib')}`, '-o', out], { stdio: 'inherit' });
    const rtmUrl = await serve();
    const port = new URL(rtmUrl).port;

    const bob = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: rtmUrl });
    const rec = new Recorder();
    bob.callbackSet(rec.cb);
    bob.login2(APP_ID, 'bob', '_no_need_token', 0, '', 5, 1);
    await rec.waitFor('onLoginSuccess');
    const rita = AgoraRTM.createInstance(APP_ID, { serverUrl: rtmUrl });
    await rita.login({ uid: 'rita' });
    const room = rita.createChannel('lobby');
    await room.join();

    const chat = spawn(out, [APP_ID, 'carol', `127.0.0.1:${port}`]);
    procs.push(chat);
    const lines: string[] = [];
    let buf = '';
    chat.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
    });
    const saw = (l: string | RegExp) => until(() => lines.some((x) => (typeof l === 'string' ? x === l : l.test(x))), 8000, `chat printed ${String(l)} (got ${JSON.stringify(lines)})`);
    try {
      await saw(/^logged in \(uid \d+\)$/);
      bob.messageInstantSend('carol', 0, 'hi carol', 'b1');
      await saw('bob: hi carol');
      const got = waitForEvent<[RtmMessage, string]>(rita, 'MessageFromPeer');
      chat.stdin.write('/msg rita hello rita\n');
      expect((await got)[0].text).toBe('hello rita');
      chat.stdin.write('/join lobby\n');
      await saw('joined lobby');
      await saw(/^in the channel: (rita, carol|carol, rita)$/);
      await room.sendMessage({ text: 'welcome' });
      await saw('[lobby] rita: welcome');
      chat.stdin.write('/count\n');
      await saw('2 in lobby');
      bob.channelInviteUser2('bob-carol', 'carol', '{"v":1}');
      await saw('bob is calling ({"v":1}): /accept');
      chat.stdin.write('/accept\n');
      await rec.waitFor('onInviteAcceptedByPeer');
      chat.stdin.write('/quit\n');
      await saw('logged out (101)');
      const [code] = await waitForEvent<[number]>(chat, 'exit', 8000);
      expect(code).toBe(0);
      expect(lines.at(-1)).toBe('bye');
    } finally {
      bob.destroy();
      await rita.logout();
    }
  });
});

test('wss://: the SDK verifies the server certificate (SIG2RTM_CA_FILE) and logs in over TLS', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
  const agentBinary = compile('agent', [path.join(ROOT, 'test/cpp/agent.cpp')], { std: 'c++17', includes: [path.join(ROOT, 'test/cpp/generated')] });
  const h = new Harness();
  await h.start({ tls: { key: fs.readFileSync(key), cert: fs.readFileSync(cert) } });
  const gateway = attachGateway(h.server);
  const url = gateway.url.replace('127.0.0.1', 'localhost');
  expect(url).toMatch(/^wss:\/\/localhost:\d+\/gateway$/);
  const trusted = new CppAgent(agentBinary, '--start', { SIG2RTM_GATEWAY_URL: url, SIG2RTM_CA_FILE: cert });
  const untrusted = new CppAgent(agentBinary, '--start', { SIG2RTM_GATEWAY_URL: url, SIG2RTM_CA_FILE: '' });
  try {
    expect((await trusted.login(APP_ID, 'tls-user'))[1]).toBe(0);
    untrusted.send('login2', APP_ID, 'nobody', '_no_need_token', 0, '', 30, 3);
    expect(await untrusted.waitFor('onLoginFailed')).toEqual([201]);
  } finally {
    trusted.kill();
    untrusted.kill();
    gateway.close();
    await h.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
