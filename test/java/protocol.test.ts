/**
 * The Java SDK's side of docs/gateway-protocol.md, against a scripted gateway (a bare `ws` server on
 * port 0) that can send what the real one never does: the exact hello, call and ack frames; uint32
 * values at their edges both ways; callbacks repeated after a resume dropped; frames that are not
 * JSON, of unknown type, or whose callback does not fit the table, each reported on onLog without
 * disturbing the callbacks around them.
 */

import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { APP_ID, until } from '../helpers/harness';
import { compile, ensureJar, JavaAgent, ROOT } from './helpers/java';

jest.setTimeout(60000);

type Frame = Record<string, unknown>;
let classes: string;
let wss: WebSocketServer;
let url: string;
const frames: Frame[] = [];
const sockets: WebSocket[] = [];
const agents: JavaAgent[] = [];
const limits = { maxFrameBytes: 262144, maxPendingCallbacks: 10000, maxPendingBytes: 8388608, resumeMs: 30000 };

beforeAll(() => {
  ensureJar();
  classes = compile([path.join(ROOT, 'test/java/fixtures/Agent.java')]);
}, 120000);

beforeEach(async () => {
  frames.length = 0;
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/gateway`;
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (d) => frames.push(JSON.parse((d as Buffer).toString('utf8')) as Frame));
  });
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
  for (const s of sockets.splice(0)) s.terminate();
  await new Promise((resolve) => wss.close(resolve));
});

async function agent(): Promise<JavaAgent> {
  const a = new JavaAgent(classes, APP_ID);
  agents.push(a);
  await a.started();
  await a.call('dbg', 'lbss', url);
  return a;
}

const sent = (t: string) => frames.filter((f) => f.t === t);

test('hello, numbered calls with unsigned uids and null as "", welcome; callbacks typed by the table, bad ones reported and skipped, repeats dropped, one ack per batch', async () => {
  const j = await agent();
  await j.call('login2', APP_ID, 'jane', null, -1, null, 30, 3);
  await until(() => sent('hello').length === 1, 10000, 'hello');
  expect(sent('hello')).toEqual([{ t: 'hello', v: 1, sdk: 'java/0.1.0' }]);
  const ws = sockets[0]!;
  ws.send(JSON.stringify({ t: 'welcome', v: 1, session: 'a'.repeat(32), resumed: false, ack: 0, st: 0, limits }));
  await until(() => sent('call').length === 1, 5000, 'the call');
  expect(sent('call')).toEqual([{ t: 'call', seq: 1, m: 'login2', a: [APP_ID, 'jane', '', 4294967295, '', 30, 3] }]);
  ws.send(JSON.stringify({ t: 'ack', seq: 1 }));

  ws.send('not json');
  ws.send(JSON.stringify({ t: 'mystery' }));
  ws.send(JSON.stringify({ t: 'cb', seq: 1, n: 'onLoginSuccess', a: ['x', 0], st: 2 }));
  ws.send(JSON.stringify({ t: 'cb', seq: 2, n: 'onTeleport', a: [], st: 2 }));
  ws.send(JSON.stringify({ t: 'cb', seq: 3, n: 'onLoginSuccess', a: [4294967295, 0], st: 2 }));
  ws.send(JSON.stringify({ t: 'cb', seq: 3, n: 'onLoginSuccess', a: [4294967295, 0], st: 2 })); // a repeat: dropped
  ws.send(JSON.stringify({ t: 'cb', seq: 4, n: 'onChannelUserList', a: [['a', 'b'], [1, 4294967294]], st: 2 }));
  ws.send(JSON.stringify({ t: 'cb', seq: 5, n: 'onDbg', a: ['k', 'bytes ✓'], st: 2 }));
  await until(() => sent('ack').some((f) => f.seq === 5), 5000, `ack 5 (got ${JSON.stringify(frames)})`);
  expect(j.callbacks()).toEqual([
    ['onLoginSuccess', -1, 0],
    ['onChannelUserList', ['a', 'b'], [1, -2]],
    ['onDbg', 'k', 'bytes ✓'],
  ]);
  const logs = j.callbacks('onLog').map((c) => c[1] as string);
  expect(logs).toEqual([
    expect.stringContaining('gateway frame not understood'),
    expect.stringContaining('callback not understood: onLoginSuccess'),
    expect.stringContaining('callback not understood: onTeleport'),
  ]);
  // Acks are cumulative and never go backwards; fewer acks than callbacks when they come in a batch.
  const acks = sent('ack').map((f) => f.seq as number);
  expect(acks).toEqual([...acks].sort((a, b) => a - b));
  expect(await j.call('getStatus')).toBe(2);

  await j.call('messageInstantSend', 'bob', -2, 'hi', null);
  await until(() => sent('call').length === 2, 5000, 'the second call');
  expect(sent('call')[1]).toEqual({ t: 'call', seq: 2, m: 'messageInstantSend', a: ['bob', 4294967294, 'hi', ''] });
});

test('after a drop: hello resumes with the last callback processed; calls the server had not taken are resent, in order, once', async () => {
  const j = await agent();
  await j.call('login2', APP_ID, 'jane', '_no_need_token', 0, '', 30, 3);
  await until(() => sent('hello').length === 1, 10000, 'hello');
  const first = sockets[0]!;
  first.send(JSON.stringify({ t: 'welcome', v: 1, session: 'b'.repeat(32), resumed: false, ack: 0, st: 0, limits }));
  await until(() => sent('call').length === 1, 5000, 'login2');
  first.send(JSON.stringify({ t: 'ack', seq: 1 }));
  first.send(JSON.stringify({ t: 'cb', seq: 1, n: 'onLoginSuccess', a: [7, 0], st: 2 }));
  await j.waitFor('onLoginSuccess');
  await until(() => sent('ack').some((f) => f.seq === 1), 5000, 'ack 1');
  await j.call('channelJoin', 'one');
  await j.call('channelJoin', 'two');
  await until(() => sent('call').length === 3, 5000, 'the joins');
  first.send(JSON.stringify({ t: 'ack', seq: 2 })); // took "one", not "two"
  frames.length = 0;
  first.terminate();

  expect(await j.waitFor('onReconnecting')).toEqual([1]);
  await until(() => sent('hello').length === 1, 10000, 'the resume hello');
  expect(sent('hello')).toEqual([{ t: 'hello', v: 1, sdk: 'java/0.1.0', resume: { session: 'b'.repeat(32), ack: 1 } }]);
  const second = sockets[1]!;
  second.send(JSON.stringify({ t: 'welcome', v: 1, session: 'b'.repeat(32), resumed: true, ack: 2, st: 2, limits }));
  second.send(JSON.stringify({ t: 'cb', seq: 1, n: 'onLoginSuccess', a: [7, 0], st: 2 })); // already processed
  second.send(JSON.stringify({ t: 'cb', seq: 2, n: 'onChannelJoined', a: ['one'], st: 2 }));
  expect(await j.waitFor('onReconnected')).toEqual([0]);
  await j.waitFor('onChannelJoined');
  await until(() => sent('ack').some((f) => f.seq === 2), 5000, 'ack 2');
  expect(sent('call')).toEqual([{ t: 'call', seq: 3, m: 'channelJoin', a: ['two'] }]);
  expect(j.callbacks()).toEqual([['onLoginSuccess', 7, 0], ['onReconnecting', 1], ['onReconnected', 0], ['onChannelJoined', 'one']]);
  expect(await j.call('getStatus')).toBe(2);
});
