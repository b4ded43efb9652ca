/**
 * createInstance, login, logout, the connection state machine and remote-login kicks, over real
 * sockets. Every failure is checked by error class name and code (rtm-1x.md §3.2, §5.2), and every
 * state change by its (state, reason) (§8.1).
 */

import net from 'node:net';
import type { AddressInfo } from 'node:net';
import AgoraRTM from '../../src/rtm';
import { ManualClock } from '../../src/rtm-core/clock';
import { nodeTransport } from '../../src/rtm-core/client/transports/node';
import type { TransportFactory } from '../../src/rtm-core/client/transports/transport';
import { CutProxy } from '../helpers/cut-proxy';
import { APP_ID, Harness, record, sleep, until, waitForEvent } from '../helpers/harness';
import { failure, nameAndCode, states, type Failure, type StateLog } from '../helpers/failures';

const CERT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

const h = new Harness();
let proxy: CutProxy | undefined;
afterEach(async () => {
  await h.stop();
  await proxy?.stop();
  proxy = undefined;
});

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** The default Node transport, recording every frame the client sends. */
function recordingTransport(sent: Record<string, unknown>[]): TransportFactory {
  return (url, handlers) => {
    const t = nodeTransport(url, handlers);
    return {
      send(data) {
        if (typeof data === 'string') sent.push(JSON.parse(data) as Record<string, unknown>);
        t.send(data);
      },
      close: (code, reason) => t.close(code, reason),
    };
  };
}

describe('createInstance', () => {
  beforeEach(() => h.start());

  it.each([
    ['empty', ''],
    ['31 characters', 'a'.repeat(31)],
    ['33 characters', 'a'.repeat(33)],
    ['a character outside [0-9A-Za-z]', `${'a'.repeat(31)}-`],
    ['a number', 1234567890],
    ['undefined', undefined],
  ])('rejects an appId that is %s: RtmInvalidArgumentError 1', async (_label, appId) => {
    const f = await failure(() => AgoraRTM.createInstance(appId as string));
    expect(nameAndCode(f)).toEqual({ name: 'RtmInvalidArgumentError', code: 1 });
    expect(f.message).toMatch(/^Error Code 1 - /);
  });

  it('accepts 32 characters of mixed case and the SDK config keys', () => {
    const c = AgoraRTM.createInstance('AbCdEfGhIjKlMnOpQrStUvWxYz012345', {
      enableLogUpload: false,
      logFilter: AgoraRTM.LOG_FILTER_OFF,
      enableCloudProxy: false,
      serverUrl: h.server.url,
    });
    expect(c.appId).toBe('AbCdEfGhIjKlMnOpQrStUvWxYz012345');
  });

  it('throws "Invalid RTM config" for an unknown config key', async () => {
    const f = await failure(() => AgoraRTM.createInstance(APP_ID, { serverUrl: h.server.url, logLevel: 'debug' } as never));
    expect(nameAndCode(f)).toEqual({ name: 'RtmInvalidArgumentError', code: 1 });
    expect(f.message).toContain('Invalid RTM config');
  });
});

describe('login', () => {
  beforeEach(() => h.start());

  it('goes DISCONNECTED → CONNECTING/LOGIN → CONNECTED/LOGIN_SUCCESS and resolves once connected', async () => {
    const alice = h.client();
    const log = states(alice);
    let stateAtResolve: StateLog = [];
    await alice.login({ uid: 'alice' }).then(() => {
      stateAtResolve = [...log];
    });
    expect(log).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
    expect(stateAtResolve).toEqual(log);
    // and the session is real: another client reaches it
    const bob = await h.login('bob');
    expect(await bob.queryPeersOnlineStatus(['alice'])).toEqual({ alice: true });
  });

  it.each([
    ['empty', ''],
    ['65 characters', 'u'.repeat(65)],
    ['"null"', 'null'],
    ['a number', 42],
    ['with a forbidden character', 'a/b'],
    ['missing', undefined],
  ])('rejects a uid that is %s: RtmInvalidArgumentError 3, no state change', async (_label, uid) => {
    const c = h.client();
    const log = states(c);
    const f = await failure(() => c.login({ uid: uid as string }));
    expect(nameAndCode(f)).toEqual({ name: 'RtmInvalidArgumentError', code: 3 });
    await sleep(20);
    expect(log).toEqual([]);
  });

  it('accepts a uid of exactly 64 characters and one with the allowed punctuation', async () => {
    await h.login('u'.repeat(64));
    await h.login('a b_c!#$%&()+,-.:;<=>?@[]^{|}~');
    const probe = await h.login('probe');
    expect(await probe.queryPeersOnlineStatus(['u'.repeat(64), 'a b_c!#$%&()+,-.:;<=>?@[]^{|}~'])).toEqual({
      ['u'.repeat(64)]: true,
      'a b_c!#$%&()+,-.:;<=>?@[]^{|}~': true,
    });
  });

  it.each([
    ['a number', 123],
    ['an object', {}],
    ['a boolean', true],
  ])('rejects a token that is %s: RtmInvalidArgumentError 3', async (_label, token) => {
    const c = h.client();
    const log = states(c);
    const f = await failure(() => c.login({ uid: 'alice', token: token as unknown as string }));
    expect(nameAndCode(f)).toEqual({ name: 'RtmInvalidArgumentError', code: 3 });
    expect(log).toEqual([]);
  });

  it('accepts a null token as no token', async () => {
    const c = h.client();
    const log = states(c);
    await c.login({ uid: 'alice', token: null as unknown as string });
    expect(log).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
  });

  it('rejects a second login within 500 ms with RtmInvokeTooOftenError 10; at 500 ms it is allowed', async () => {
    const clock = new ManualClock(Date.now());
    const c = h.client({ clock });
    const log = states(c);
    await c.login({ uid: 'alice' });
    await c.logout();
    clock.advance(499);
    const f = await failure(() => c.login({ uid: 'alice' }));
    expect(nameAndCode(f)).toEqual({ name: 'RtmInvokeTooOftenError', code: 10 });
    clock.advance(1);
    await c.login({ uid: 'alice' });
    expect(log).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
      ['DISCONNECTED', 'LOGOUT'],
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
  });

  it('rejects a second login while the first is still pending as too often; the first still succeeds', async () => {
    const c = h.client();
    const log = states(c);
    const first = c.login({ uid: 'alice' });
    const f = await failure(() => c.login({ uid: 'alice' }));
    expect(nameAndCode(f)).toEqual({ name: 'RtmInvokeTooOftenError', code: 10 });
    await first;
    expect(log).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
  });

  it('rejects login while CONNECTED with RtmInvalidStatusError 8 and stays connected', async () => {
    const clock = new ManualClock(Date.now());
    const c = h.client({ clock });
    await c.login({ uid: 'alice' });
    const log = states(c);
    clock.advance(500);
    const f = await failure(() => c.login({ uid: 'alice' }));
    expect(nameAndCode(f)).toEqual({ name: 'RtmInvalidStatusError', code: 8 });
    expect(log).toEqual([]);
    const bob = await h.login('bob');
    expect(await bob.sendMessageToPeer({ text: 'still there?' }, 'alice')).toEqual({ hasPeerReceived: true });
  });

  it('times out against an unreachable server: DISCONNECTED/LOGIN_TIMEOUT, RtmTimeoutError 9', async () => {
    const c = h.client({ serverUrl: `ws://127.0.0.1:${await closedPort()}/rtm`, loginTimeoutMs: 300 });
    const log = states(c);
    const started = Date.now();
    const f = await failure(() => c.login({ uid: 'alice' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(nameAndCode(f)).toEqual({ name: 'RtmTimeoutError', code: 9 });
    expect(log).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['DISCONNECTED', 'LOGIN_TIMEOUT'],
    ]);
    // no retries after giving up
    await sleep(150);
    expect(log).toHaveLength(2);
  });

  it('login timeout boundary: still CONNECTING at loginTimeoutMs - 1, timed out at loginTimeoutMs', async () => {
    const clock = new ManualClock(Date.now());
    const c = h.client({ serverUrl: `ws://127.0.0.1:${await closedPort()}/rtm`, loginTimeoutMs: 1000, clock });
    const log = states(c);
    let settled: Failure | 'resolved' | undefined;
    c.login({ uid: 'alice' }).then(
      () => (settled = 'resolved'),
      (e: Error & { code: number }) => (settled = { name: e.name, code: e.code, message: e.message }),
    );
    await sleep(30); // let the connection attempt fail for real
    clock.advance(999);
    await sleep(30);
    expect(settled).toBeUndefined();
    expect(log).toEqual([['CONNECTING', 'LOGIN']]);
    clock.advance(1);
    await until(() => settled !== undefined, 1000, 'login settled');
    expect(nameAndCode(settled as unknown as Failure)).toEqual({ name: 'RtmTimeoutError', code: 9 });
    expect(log).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['DISCONNECTED', 'LOGIN_TIMEOUT'],
    ]);
  });
});

describe('a token equal to the appId', () => {
  it('is sent as no token at all', async () => {
    await h.start();
    const sent: Record<string, unknown>[] = [];
    const c = h.client({ transport: recordingTransport(sent) });
    await c.login({ uid: 'alice', token: APP_ID });
    const login = sent.find((f) => f.t === 'login');
    expect(login).toBeDefined();
    expect(login).not.toHaveProperty('token');
  });

  it('fails against a certificate exactly as a login without a token does (code 5)', async () => {
    await h.start({ apps: { [APP_ID]: { certificate: CERT } } });
    const none = await failure(() => h.client().login({ uid: 'alice' }));
    const asAppId = await failure(() => h.client().login({ uid: 'alice', token: APP_ID }));
    const garbage = await failure(() => h.client().login({ uid: 'alice', token: 'garbage' }));
    expect(nameAndCode(none)).toEqual({ name: 'RtmUnauthenticatedError', code: 5 });
    expect(asAppId).toEqual(none);
    expect(garbage.code).toBe(5);
    // One generic message either way: what the verifier found stays in the server log (issue 11).
    expect(garbage.message).toEqual(none.message);
  });
});

describe('logout', () => {
  beforeEach(() => h.start());

  it('goes to DISCONNECTED/LOGOUT', async () => {
    const alice = h.client();
    const log = states(alice);
    await alice.login({ uid: 'alice' });
    await alice.logout();
    expect(log).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
      ['DISCONNECTED', 'LOGOUT'],
    ]);
  });

  it('fails with RtmInvalidStatusError 102 when DISCONNECTED, before and after a session', async () => {
    const alice = h.client();
    const log = states(alice);
    expect(nameAndCode(await failure(() => alice.logout()))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });
    await alice.login({ uid: 'alice' });
    await alice.logout();
    expect(nameAndCode(await failure(() => alice.logout()))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });
    expect(log).toHaveLength(3);
  });

  it('tells the others: members get MemberLeft, subscribers get OFFLINE, queries say offline', async () => {
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const aliceCh = alice.createChannel('room');
    const bobCh = bob.createChannel('room');
    await aliceCh.join();
    await bobCh.join();
    const firstStatus = waitForEvent(bob, 'PeersOnlineStatusChanged');
    await bob.subscribePeersOnlineStatus(['alice']);
    expect(await firstStatus).toEqual([{ alice: 'ONLINE' }]);

    const left = waitForEvent(bobCh, 'MemberLeft');
    const offline = waitForEvent(bob, 'PeersOnlineStatusChanged');
    await alice.logout();
    expect(await left).toEqual(['alice']);
    expect(await offline).toEqual([{ alice: 'OFFLINE' }]);
    expect(await bob.queryPeersOnlineStatus(['alice'])).toEqual({ alice: false });
    expect(await bob.sendMessageToPeer({ text: 'anyone?' }, 'alice')).toEqual({ hasPeerReceived: false });
    expect(await bobCh.getMembers()).toEqual(['bob']);
  });

  it('after logout, APIs that need a login fail with 102', async () => {
    const alice = await h.login('alice');
    await h.login('bob');
    await alice.logout();
    expect(nameAndCode(await failure(() => alice.sendMessageToPeer({ text: 'x' }, 'bob')))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });
    expect(nameAndCode(await failure(() => alice.queryPeersOnlineStatus(['bob'])))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });
    expect(nameAndCode(await failure(() => alice.createChannel('room').join()))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });
    expect(nameAndCode(await failure(() => alice.renewToken('whatever')))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });
  });

  it('while RECONNECTING goes straight to DISCONNECTED/LOGOUT', async () => {
    proxy = await new CutProxy(h.server.port).start();
    const alice = h.client({ serverUrl: proxy.url() });
    await alice.login({ uid: 'alice' });
    const log = states(alice);
    proxy.down = true;
    proxy.cut();
    await until(() => log.length > 0, 2000, 'RECONNECTING');
    await alice.logout();
    expect(log).toEqual([
      ['RECONNECTING', 'INTERRUPTED'],
      ['DISCONNECTED', 'LOGOUT'],
    ]);
    proxy.down = false;
    await sleep(150);
    expect(log).toHaveLength(2); // no reconnect after logout
  });
});

describe('network loss', () => {
  beforeEach(() => h.start());

  it('CONNECTED → RECONNECTING/INTERRUPTED → CONNECTED/LOGIN_SUCCESS, with the session kept', async () => {
    proxy = await new CutProxy(h.server.port).start();
    const alice = h.client({ serverUrl: proxy.url() });
    await alice.login({ uid: 'alice' });
    const bob = await h.login('bob');
    const aliceCh = alice.createChannel('room');
    const bobCh = bob.createChannel('room');
    await aliceCh.join();
    await bobCh.join();
    const bobSaw = record(bobCh, ['MemberLeft', 'MemberJoined']);
    const log = states(alice);
    proxy.down = true;
    proxy.cut();
    await until(() => log.length === 1, 2000, 'RECONNECTING');
    await sleep(100);
    expect(log).toEqual([['RECONNECTING', 'INTERRUPTED']]);
    proxy.down = false;
    await until(() => log.length === 2, 3000, 'CONNECTED again');
    expect(log).toEqual([
      ['RECONNECTING', 'INTERRUPTED'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
    const got = waitForEvent(aliceCh, 'ChannelMessage');
    await bobCh.sendMessage({ text: 'welcome back' });
    expect((await got).slice(0, 2)).toEqual([{ text: 'welcome back', messageType: 'TEXT' }, 'bob']);
    expect(bobSaw).toEqual([]);
  });
});

describe('remote login', () => {
  beforeEach(() => h.start());

  it('the newest login wins: the old client is ABORTED/REMOTE_LOGIN and leaves its channels; the new one gets the messages', async () => {
    const old = await h.login('alice');
    const bob = await h.login('bob');
    const oldCh = old.createChannel('room');
    const bobCh = bob.createChannel('room');
    await oldCh.join();
    await bobCh.join();
    const oldLog = states(old);
    const oldGot = record(old, ['MessageFromPeer', 'TokenExpired']);
    const left = waitForEvent(bobCh, 'MemberLeft');

    const fresh = h.client();
    const freshLog = states(fresh);
    await fresh.login({ uid: 'alice' });
    await until(() => oldLog.length > 0, 2000, 'old client aborted');
    expect(oldLog).toEqual([['ABORTED', 'REMOTE_LOGIN']]);
    expect(freshLog).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
    expect(await left).toEqual(['alice']);
    expect(await bobCh.getMembers()).toEqual(['bob']);

    const freshGot = waitForEvent(fresh, 'MessageFromPeer');
    expect(await bob.sendMessageToPeer({ text: 'which alice?' }, 'alice')).toEqual({ hasPeerReceived: true });
    expect((await freshGot).slice(0, 2)).toEqual([{ text: 'which alice?', messageType: 'TEXT' }, 'bob']);
    await sleep(50);
    expect(oldGot).toEqual([]);

    // the aborted client can do nothing that needs a login
    expect(nameAndCode(await failure(() => old.sendMessageToPeer({ text: 'x' }, 'bob')))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });
    expect(nameAndCode(await failure(() => oldCh.sendMessage({ text: 'x' })))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });
    expect(nameAndCode(await failure(() => old.queryPeersOnlineStatus(['bob'])))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });

    // and the new one is a full member when it joins
    const joined = waitForEvent(bobCh, 'MemberJoined');
    await fresh.createChannel('room').join();
    expect(await joined).toEqual(['alice']);
  });

  it('from ABORTED, logout goes to DISCONNECTED/LOGOUT and a new login works (and kicks the other one)', async () => {
    const clock = new ManualClock(Date.now());
    const first = h.client({ clock });
    await first.login({ uid: 'alice' });
    const firstLog = states(first);
    const second = await h.login('alice');
    await until(() => firstLog.length > 0, 2000, 'first aborted');
    await first.logout();
    expect(firstLog).toEqual([
      ['ABORTED', 'REMOTE_LOGIN'],
      ['DISCONNECTED', 'LOGOUT'],
    ]);
    const secondLog = states(second);
    clock.advance(500);
    await first.login({ uid: 'alice' });
    expect(firstLog.slice(2)).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
    await until(() => secondLog.length > 0, 2000, 'second aborted');
    expect(secondLog).toEqual([['ABORTED', 'REMOTE_LOGIN']]);
    const bob = await h.login('bob');
    const got = waitForEvent(first, 'MessageFromPeer');
    expect(await bob.sendMessageToPeer({ text: 'back' }, 'alice')).toEqual({ hasPeerReceived: true });
    expect((await got)[1]).toBe('bob');
  });

  it('a kicked client does not reconnect by itself', async () => {
    const old = await h.login('alice');
    const oldLog = states(old);
    const fresh = await h.login('alice');
    const freshLog = states(fresh);
    await until(() => oldLog.length > 0, 2000, 'old aborted');
    await sleep(200); // several backoff periods
    expect(oldLog).toEqual([['ABORTED', 'REMOTE_LOGIN']]);
    expect(freshLog).toEqual([]);
  });
});
