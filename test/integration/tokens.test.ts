/**
 * Tokens end to end: logins against an App Certificate with 006, 007 and legacy Signaling tokens
 * minted by the official `agora-token` package, the failure codes of rtm-1x.md §9.4, and the token
 * lifetime (TokenPrivilegeWillExpire, TokenExpired, renewToken) driven exactly by a ManualClock on
 * the server. Expiry rule (src/rtm-core/auth/verdict.ts): `expiresAt` is the first second the token
 * is no longer valid.
 */

import { RtmTokenBuilder as RtmTokenBuilder007 } from 'agora-token';
import { AccessToken2, ServiceRtm } from 'agora-token/src/AccessToken2';
import { RtmTokenBuilder as RtmTokenBuilder006 } from 'agora-token/src/RtmTokenBuilder';
import SignalingToken from 'agora-token/src/SignalingToken';
import { ManualClock } from '../../src/rtm-core/clock';
import { CutProxy } from '../helpers/cut-proxy';
import { APP_ID, APP_ID_2, Harness, record, sleep, until, waitForEvent } from '../helpers/harness';
import { failure, nameAndCode, states, type Failure, type StateLog } from '../helpers/failures';

const CERT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const OTHER_CERT = '1f1e2d3c4b5a69788796a5b4c3d2e1f0';
/** Server timings that keep presence silence out of the way while the clock jumps minutes ahead. */
const QUIET = { unreachableAfterMs: 1e8, offlineAfterMs: 1e8, loginWithinMs: 1e8 };

const h = new Harness();
let proxy: CutProxy | undefined;
afterEach(async () => {
  await h.stop();
  await proxy?.stop();
  proxy = undefined;
});

const nowSec = () => Math.floor(Date.now() / 1000);

/** 006 whose login privilege expires at `expSec` (absolute); the 24 h `ts` is later, so `expSec` rules. */
const t006 = (uid: string, expSec: number, appId = APP_ID, cert = CERT) => RtmTokenBuilder006.buildToken(appId, cert, uid, 1, expSec);
/** 007 issued now, valid for `seconds`. */
const t007 = (uid: string, seconds = 3600, appId = APP_ID, cert = CERT) => RtmTokenBuilder007.buildToken(appId, cert, uid, seconds);
/** 007 with an explicit issue time: valid until issueTs + seconds. */
function t007At(uid: string, issueTs: number, seconds: number, appId = APP_ID, cert = CERT): string {
  const token = new AccessToken2(appId, cert, issueTs, seconds);
  const rtm = new ServiceRtm(uid);
  rtm.add_privilege(ServiceRtm.kPrivilegeLogin, seconds);
  token.add_service(rtm);
  return token.build();
}
/** Legacy Signaling token valid for `seconds` from now (negative: already expired). */
const tLegacy = (uid: string, seconds = 3600, appId = APP_ID, cert = CERT) => SignalingToken.get(appId, cert, uid, seconds);

const FAILED_LOGIN: StateLog = [
  ['CONNECTING', 'LOGIN'],
  ['DISCONNECTED', 'LOGIN_FAILURE'],
];

/** Logs `uid` in with `token` on a fresh client and returns the failure and the state changes. */
async function failedLogin(uid: string, token: string | undefined, appId = APP_ID): Promise<{ f: Failure; log: StateLog }> {
  const c = h.client({}, appId);
  const log = states(c);
  const f = await failure(() => c.login(token === undefined ? { uid } : { uid, token }));
  return { f, log };
}

describe('login against an App Certificate', () => {
  beforeEach(() => h.start({ apps: { [APP_ID]: { certificate: CERT } } }));

  it.each([
    ['006', () => t006('alice', nowSec() + 3600)],
    ['007', () => t007('alice')],
    ['legacy', () => tLegacy('alice')],
  ])('a valid %s token logs in', async (_kind, mint) => {
    const c = h.client();
    const log = states(c);
    await c.login({ uid: 'alice', token: mint() });
    expect(log).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
    const bob = await h.login('bob', {}, APP_ID, t007('bob'));
    expect(await bob.sendMessageToPeer({ text: 'hi' }, 'alice')).toEqual({ hasPeerReceived: true });
  });

  it('no token: RtmUnauthenticatedError 5, DISCONNECTED/LOGIN_FAILURE', async () => {
    for (const token of [undefined, '']) {
      const { f, log } = await failedLogin('alice', token);
      expect(nameAndCode(f)).toEqual({ name: 'RtmUnauthenticatedError', code: 5 });
      expect(log).toEqual(FAILED_LOGIN);
    }
  });

  it.each([
    ['006', () => t006('alice', nowSec() + 3600, APP_ID, OTHER_CERT)],
    ['007', () => t007('alice', 3600, APP_ID, OTHER_CERT)],
    ['legacy', () => tLegacy('alice', 3600, APP_ID, OTHER_CERT)],
    ['garbage', () => 'not-a-token'],
  ])('a %s token signed with another certificate: RtmUnauthenticatedError 5', async (_kind, mint) => {
    const { f, log } = await failedLogin('alice', mint());
    expect(nameAndCode(f)).toEqual({ name: 'RtmUnauthenticatedError', code: 5 });
    expect(f.message).toMatch(/^Error Code 5, server Code 5 - /);
    expect(log).toEqual(FAILED_LOGIN);
  });

  it.each([
    ['006', () => t006('bob', nowSec() + 3600)],
    ['007', () => t007('bob')],
  ])('a %s token for another user: Unauthenticated 3 (LOGIN_ERR_INVALID_ARGUMENT, §9.4)', async (_kind, mint) => {
    const { f, log } = await failedLogin('alice', mint());
    expect(nameAndCode(f)).toEqual({ name: 'RtmUnauthenticatedError', code: 3 });
    expect(log).toEqual(FAILED_LOGIN);
  });

  it('a legacy token for another user cannot be told from a forged one: 5', async () => {
    const { f, log } = await failedLogin('alice', tLegacy('bob'));
    expect(nameAndCode(f)).toEqual({ name: 'RtmUnauthenticatedError', code: 5 });
    expect(log).toEqual(FAILED_LOGIN);
  });

  it.each([
    ['006', () => t006('alice', nowSec() + 3600, APP_ID_2)],
    ['007', () => t007('alice', 3600, APP_ID_2)],
    ['legacy', () => tLegacy('alice', 3600, APP_ID_2)],
  ])('a %s token of another appId: RtmUnauthenticatedError 4', async (_kind, mint) => {
    const { f, log } = await failedLogin('alice', mint());
    expect(nameAndCode(f)).toEqual({ name: 'RtmUnauthenticatedError', code: 4 });
    expect(log).toEqual(FAILED_LOGIN);
  });

  it.each([
    ['006', () => t006('alice', nowSec() - 1)],
    ['007', () => t007At('alice', nowSec() - 100, 50)],
    ['legacy', () => tLegacy('alice', -1)],
  ])('an expired %s token: RtmUnauthenticatedError 6', async (_kind, mint) => {
    const { f, log } = await failedLogin('alice', mint());
    expect(nameAndCode(f)).toEqual({ name: 'RtmUnauthenticatedError', code: 6 });
    expect(log).toEqual(FAILED_LOGIN);
  });

  it('an appId missing from the registry: RtmUnauthenticatedError 4, whatever the token', async () => {
    for (const token of [undefined, t007('alice', 3600, APP_ID_2)]) {
      const { f, log } = await failedLogin('alice', token, APP_ID_2);
      expect(nameAndCode(f)).toEqual({ name: 'RtmUnauthenticatedError', code: 4 });
      expect(log).toEqual(FAILED_LOGIN);
    }
  });

  it('a failed login leaves no session behind and the client can log in afterwards', async () => {
    const c = h.client();
    await failure(() => c.login({ uid: 'alice', token: 'nope' }));
    const bob = await h.login('bob', {}, APP_ID, t007('bob'));
    expect(await bob.queryPeersOnlineStatus(['alice'])).toEqual({ alice: false });
    await sleep(500); // the login interval
    await c.login({ uid: 'alice', token: t007('alice') });
    expect(await bob.queryPeersOnlineStatus(['alice'])).toEqual({ alice: true });
  });
});

describe('token lifetime (server on a ManualClock)', () => {
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    await h.start({ clock, apps: { [APP_ID]: { certificate: CERT } }, timings: QUIET });
  });

  /** Moves the server clock to the absolute time `ms`. */
  const advanceTo = (ms: number) => clock.advance(ms - clock.now());
  /** Lets anything the server pushed reach the clients. */
  const settle = () => sleep(60);

  it('TokenPrivilegeWillExpire at expiry - 30 s; at expiry TokenExpired and ABORTED/TOKEN_EXPIRED; APIs then fail with 102', async () => {
    const exp = Math.floor(clock.now() / 1000) + 100;
    const alice = await h.login('alice', {}, APP_ID, t006('alice', exp));
    const bob = await h.login('bob', {}, APP_ID, t007('bob'));
    const aliceCh = alice.createChannel('room');
    const bobCh = bob.createChannel('room');
    await aliceCh.join();
    await bobCh.join();
    const log = states(alice);
    const events = record(alice, ['TokenPrivilegeWillExpire', 'TokenExpired']);

    advanceTo(exp * 1000 - 30_000 - 1);
    await settle();
    expect(events).toEqual([]);
    clock.advance(1);
    await until(() => events.length > 0, 2000, 'TokenPrivilegeWillExpire');
    expect(events.map((e) => e.name)).toEqual(['TokenPrivilegeWillExpire']);

    const left = waitForEvent(bobCh, 'MemberLeft');
    advanceTo(exp * 1000 - 1);
    await settle();
    expect(events.map((e) => e.name)).toEqual(['TokenPrivilegeWillExpire']);
    expect(log).toEqual([]);
    clock.advance(1);
    await until(() => log.length > 0, 2000, 'ABORTED');
    await settle();
    expect(log).toEqual([['ABORTED', 'TOKEN_EXPIRED']]);
    expect(events.map((e) => e.name)).toEqual(['TokenPrivilegeWillExpire', 'TokenExpired']);
    expect(await left).toEqual(['alice']);
    expect(await bob.queryPeersOnlineStatus(['alice'])).toEqual({ alice: false });

    const notLoggedIn = { name: 'RtmInvalidStatusError', code: 102 };
    expect(nameAndCode(await failure(() => alice.sendMessageToPeer({ text: 'x' }, 'bob')))).toEqual(notLoggedIn);
    expect(nameAndCode(await failure(() => aliceCh.sendMessage({ text: 'x' })))).toEqual(notLoggedIn);
    expect(nameAndCode(await failure(() => alice.queryPeersOnlineStatus(['bob'])))).toEqual(notLoggedIn);
    expect(nameAndCode(await failure(() => alice.createChannel('other').join()))).toEqual(notLoggedIn);
    expect(nameAndCode(await failure(() => alice.getChannelMemberCount(['room'])))).toEqual(notLoggedIn);
  });

  it('a 007 token expires at issueTs + expire exactly', async () => {
    const issue = Math.floor(clock.now() / 1000);
    const alice = await h.login('alice', {}, APP_ID, t007At('alice', issue, 60));
    const log = states(alice);
    advanceTo((issue + 60) * 1000 - 1);
    await settle();
    expect(log).toEqual([]);
    clock.advance(1);
    await until(() => log.length > 0, 2000, 'ABORTED');
    expect(log).toEqual([['ABORTED', 'TOKEN_EXPIRED']]);
  });

  it('renewToken with a later token moves both timers', async () => {
    const exp1 = Math.floor(clock.now() / 1000) + 100;
    const exp2 = exp1 + 100;
    const alice = await h.login('alice', {}, APP_ID, t006('alice', exp1));
    const log = states(alice);
    const events = record(alice, ['TokenPrivilegeWillExpire', 'TokenExpired']);
    await alice.renewToken(t006('alice', exp2));

    advanceTo(exp1 * 1000); // the old warning time and the old expiry pass by
    await settle();
    expect(events).toEqual([]);
    expect(log).toEqual([]);

    advanceTo(exp2 * 1000 - 30_000 - 1);
    await settle();
    expect(events).toEqual([]);
    clock.advance(1);
    await until(() => events.length > 0, 2000, 'TokenPrivilegeWillExpire');

    advanceTo(exp2 * 1000 - 1);
    await settle();
    expect(log).toEqual([]);
    clock.advance(1);
    await until(() => log.length > 0, 2000, 'ABORTED');
    await settle();
    expect(log).toEqual([['ABORTED', 'TOKEN_EXPIRED']]);
    expect(events.map((e) => e.name)).toEqual(['TokenPrivilegeWillExpire', 'TokenExpired']);
  });

  it('renewToken failures: garbage → 6, expired → 5, empty → 2; the old expiry still holds', async () => {
    const exp = Math.floor(clock.now() / 1000) + 100;
    const alice = await h.login('alice', {}, APP_ID, t006('alice', exp));
    const log = states(alice);

    expect(nameAndCode(await failure(() => alice.renewToken('garbage')))).toEqual({ name: 'RtmUnauthenticatedError', code: 6 });
    clock.advance(1000); // renewToken is rate limited to 2/s on the server
    expect(nameAndCode(await failure(() => alice.renewToken(t006('alice', Math.floor(clock.now() / 1000) - 1))))).toEqual({
      name: 'RtmUnauthenticatedError',
      code: 5,
    });
    expect(nameAndCode(await failure(() => alice.renewToken('')))).toEqual({ name: 'RtmInvalidArgumentError', code: 2 });
    expect(nameAndCode(await failure(() => alice.renewToken(42 as unknown as string)))).toEqual({ name: 'RtmInvalidArgumentError', code: 2 });
    expect(log).toEqual([]);

    advanceTo(exp * 1000 - 1);
    await settle();
    expect(log).toEqual([]);
    clock.advance(1);
    await until(() => log.length > 0, 2000, 'ABORTED');
    expect(log).toEqual([['ABORTED', 'TOKEN_EXPIRED']]);
  });

  it('renewToken when DISCONNECTED: RtmInvalidStatusError 102', async () => {
    const alice = h.client();
    expect(nameAndCode(await failure(() => alice.renewToken(t007('alice'))))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });
    await alice.login({ uid: 'alice', token: t007('alice') });
    await alice.logout();
    expect(nameAndCode(await failure(() => alice.renewToken(t007('alice'))))).toEqual({ name: 'RtmInvalidStatusError', code: 102 });
  });

  it('expiry while away: TokenExpired on reconnect, RECONNECTING until renewToken, then CONNECTED in the same session', async () => {
    proxy = await new CutProxy(h.server.port).start();
    const exp = Math.floor(clock.now() / 1000) + 100;
    const alice = h.client({ serverUrl: proxy.url() });
    await alice.login({ uid: 'alice', token: t006('alice', exp) });
    const bob = await h.login('bob', {}, APP_ID, t007('bob', 86_400));
    const aliceCh = alice.createChannel('room');
    const bobCh = bob.createChannel('room');
    await aliceCh.join();
    await bobCh.join();
    const session = h.server.core.bus.localSession(APP_ID, 'alice');
    expect(session).toBeDefined();

    // the warning arrives while connected
    const warned = waitForEvent(alice, 'TokenPrivilegeWillExpire');
    advanceTo(exp * 1000 - 30_000);
    await warned;

    const log = states(alice);
    const events = record(alice, ['TokenPrivilegeWillExpire', 'TokenExpired']);
    const bobSaw = record(bobCh, ['MemberLeft', 'MemberJoined']);
    proxy.down = true;
    proxy.cut();
    await until(() => log.length > 0 && session?.attached === false, 2000, 'alice away');
    expect(log).toEqual([['RECONNECTING', 'INTERRUPTED']]);

    advanceTo(exp * 1000); // expires while away: the session lives on
    expect(session?.ended).toBe(false);
    proxy.down = false;
    await until(() => events.length > 0, 3000, 'TokenExpired');
    await sleep(200); // several backoff periods: no retry without a new token
    expect(events.map((e) => e.name)).toEqual(['TokenExpired']);
    expect(log).toEqual([['RECONNECTING', 'INTERRUPTED']]);

    await alice.renewToken(t006('alice', exp + 3600));
    expect(log).toEqual([
      ['RECONNECTING', 'INTERRUPTED'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
    expect(h.server.core.bus.localSession(APP_ID, 'alice')).toBe(session);
    const got = waitForEvent(aliceCh, 'ChannelMessage');
    await bobCh.sendMessage({ text: 'still here' });
    expect((await got).slice(0, 2)).toEqual([{ text: 'still here', messageType: 'TEXT' }, 'bob']);
    expect((await bobCh.getMembers()).sort()).toEqual(['alice', 'bob']);
    expect(bobSaw).toEqual([]);

    // and the renewed token is the one that counts now
    const after = states(alice);
    advanceTo((exp + 3600) * 1000 - 1);
    await settle();
    expect(after).toEqual([]);
    clock.advance(1);
    await until(() => after.length > 0, 2000, 'ABORTED');
    expect(after).toEqual([['ABORTED', 'TOKEN_EXPIRED']]);
  });
});
