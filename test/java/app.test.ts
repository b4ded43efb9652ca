/**
 * Java apps written only against the legacy jar's API compile unchanged against sig2rtm's jar (at the
 * Java 8 level, -Werror) and talk to RTM and JS legacy users through `sig2rtm serve` (the real
 * command, in its own process): test/java/fixtures/app/CallApp.java is an OpenDuo-style caller, and
 * JarSignatures.java uses every member of the jar as legacy-native-interfaces.md §4 lists it.
 * Also: wss:// with the server's own certificate (trusted through SIG2RTM_CA_FILE).
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import AgoraRTM, { type RtmClient, type RtmMessage } from '../../src/rtm';
import { AgoraAPI } from '../../src/legacy';
import { APP_ID, until } from '../helpers/harness';
import { Recorder } from '../legacy/helpers/legacy-harness';
import { classpath, compile, ensureJar, JAR, JavaAgent, ROOT } from './helpers/java';
import { startServeProcess } from '../helpers/serve-process';

jest.setTimeout(60000);

const children: ChildProcess[] = [];
const rtmClients: RtmClient[] = [];
const legacy: AgoraAPI[] = [];
const agents: JavaAgent[] = [];
let classes: string;

beforeAll(() => {
  ensureJar();
  const dir = path.join(ROOT, 'test/java/fixtures');
  classes = compile([path.join(dir, 'app/CallApp.java'), path.join(dir, 'app/JarSignatures.java'), path.join(dir, 'Agent.java')]);
}, 120000);

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
  for (const api of legacy.splice(0)) api.destroy();
  for (const c of rtmClients.splice(0)) await c.logout().catch(() => undefined);
  for (const c of children.splice(0)) c.kill('SIGTERM');
});

/** `sig2rtm serve` on a free port; resolves with its RTM URL (ws:// or wss://). */
async function serve(extra: string[] = []): Promise<string> {
  const server = await startServeProcess(['--dev', '--store', 'memory', '--port', '0', '--log-level', 'warn', ...extra]);
  children.push(server.child);
  return server.url;
}

/** Runs a Java program; collects its stdout lines. */
function runJava(main: string, args: string[], env: Record<string, string> = {}): { lines: string[]; exited: () => number | null | undefined; proc: ChildProcess } {
  const proc = spawn('java', ['-XX:TieredStopAtLevel=1', '-cp', classpath(classes), main, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(proc);
  const lines: string[] = [];
  let code: number | null | undefined;
  readline.createInterface({ input: proc.stdout }).on('line', (l) => lines.push(l));
  proc.stderr.on('data', (d: Buffer) => process.stderr.write(`[${main}] ${d.toString()}`));
  proc.on('exit', (c) => (code = c));
  return { lines, exited: () => code, proc };
}

test('an OpenDuo-style Java app calls an RTM user, meets a JS legacy user in the channel, hangs up and logs out: every callback on AgoraSDKLoop', async () => {
  const url = await serve();
  const gatewayUrl = url.replace(/\/rtm$/, '/gateway');

  // rita, on the RTM API: accepts the call and answers the message.
  const rita = AgoraRTM.createInstance(APP_ID, { serverUrl: url });
  rtmClients.push(rita);
  rita.on('RemoteInvitationReceived', (inv) => {
    inv.response = '{"status":"ok"}';
    inv.accept();
  });
  const ritaGot: string[] = [];
  rita.on('MessageFromPeer', (m: RtmMessage, from: string) => {
    ritaGot.push(`${from}: ${m.text ?? ''}`);
    void rita.sendMessageToPeer({ text: 'hi jane' }, from);
  });
  await rita.login({ uid: 'rita' });

  // bob, a JS legacy user, already in the channel.
  const bob = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: url });
  legacy.push(bob);
  const rec = new Recorder();
  bob.callbackSet(rec.cb);
  bob.login2(APP_ID, 'bob', '_no_need_token', 0, '', 30, 3);
  await rec.waitFor('onLoginSuccess');
  bob.channelJoin('room');
  await rec.waitFor('onChannelUserList');

  const app = runJava('CallApp', [gatewayUrl, APP_ID, 'jane', 'rita', 'room']);
  await until(() => app.lines.some((l) => l.startsWith('message from rita')) || app.exited() !== undefined, 30000, `the app to get rita's answer (got ${JSON.stringify(app.lines)})`);
  expect(await rec.waitFor('onChannelUserJoined')).toEqual(['jane', expect.any(Number)]);
  bob.messageChannelSend('room', 'bye', 'b1');
  await until(() => app.exited() !== undefined, 15000, `the app to exit (got ${JSON.stringify(app.lines)})`);
  expect(app.exited()).toBe(0);

  const T = ' [AgoraSDKLoop]';
  // rita answers as soon as the message reaches her: her answer and the send's success may come in either order.
  const sent = app.lines.indexOf(`sent m1${T}`);
  const answer = app.lines.indexOf(`message from rita: hi jane${T}`);
  expect(Math.min(sent, answer)).toBe(6);
  expect(Math.max(sent, answer)).toBe(7);
  expect(app.lines.filter((_, k) => k !== sent && k !== answer)).toEqual([
    expect.stringMatching(/^logged in as jane uid \d+ status 2 \[AgoraSDKLoop\]$/),
    `peer rita status 1${T}`,
    `ringing rita in room${T}`,
    `accepted by rita: {"status":"ok"}${T}`,
    `joined room${T}`,
    `members bob,jane (2 uids)${T}`,
    `channel room message from bob: bye${T}`,
    `hung up on rita${T}`,
    `logged out 101 (user) status 0${T}`,
  ]);
  expect(ritaGot).toEqual(['jane: hello rita']);
  expect(await rec.waitFor('onChannelUserLeaved')).toEqual(['jane', expect.any(Number)]);
});

test('wss://: Java users reach each other through sig2rtm serve with TLS, trusting its certificate via SIG2RTM_CA_FILE', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`openssl could not make a self-signed certificate: ${(err as Error).message}`);
  }
  const url = await serve(['--tls-key', key, '--tls-cert', cert]);
  expect(url).toMatch(/^wss:\/\//);
  const gatewayUrl = url.replace(/\/rtm$/, '/gateway');

  const [a, b] = await Promise.all(['ann', 'ben'].map(async () => {
    const j = new JavaAgent(classes, APP_ID, { env: { SIG2RTM_CA_FILE: cert } });
    agents.push(j);
    await j.started();
    await j.call('dbg', 'lbss', gatewayUrl);
    return j;
  }));
  await a!.login(APP_ID, 'ann');
  await b!.login(APP_ID, 'ben');
  await a!.call('messageInstantSend', 'ben', 0, 'over TLS', 'm1');
  expect(await b!.waitFor('onMessageInstantReceive')).toEqual(['ann', 0, 'over TLS']);

  // Without the certificate trusted, the same server is refused: the login fails as with no network.
  const c = new JavaAgent(classes, APP_ID);
  agents.push(c);
  await c.started();
  await c.call('dbg', 'lbss', gatewayUrl);
  await c.call('login2', APP_ID, 'cid', '_no_need_token', 0, '', 30, 3);
  expect(await c.waitFor('onLoginFailed')).toEqual([201]);
  expect(c.callbacks('onLog').map((l) => l[1])).toEqual(expect.arrayContaining([expect.stringContaining('cannot reach the server')]));
});

test('the jar: Java 8 class files (Android), no android.* class inside, and a sources jar with every source', () => {
  const list = (jar: string) => execFileSync('jar', ['--list', '--file', jar], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const classes = list(JAR).filter((f) => f.endsWith('.class'));
  expect(classes).toEqual(expect.arrayContaining(['io/agora/IAgoraAPI.class', 'io/agora/IAgoraAPI$ICallBack.class', 'io/agora/NativeAgoraAPI$CallBack.class', 'io/agora/AgoraAPIOnlySignal.class', 'io/agora/AgoraAPI.class']));
  expect(classes.filter((f) => f.startsWith('android/'))).toEqual([]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-jar-'));
  execFileSync('jar', ['--extract', '--file', JAR], { cwd: dir });
  for (const f of classes) expect([f, fs.readFileSync(path.join(dir, f)).readUInt16BE(6)]).toEqual([f, 52]);
  const sources = list(JAR.replace(/\.jar$/, '-sources.jar')).filter((f) => f.endsWith('.java'));
  expect(sources.sort()).toEqual(classes.filter((f) => !f.includes('$')).map((f) => f.replace(/\.class$/, '.java')).sort());
  expect(list(path.join(path.dirname(JAR), 'sig2rtm-android-stub.jar'))).toContain('android/content/Context.class');
});
