/**
 * Gradual migration, step one: `createSignaling` decides at each login whether sig2rtm (a real
 * server here) or the app's original SDK (a recording double: the real one cannot run here) serves
 * it. Flag sources (OpenFeature, boolean, env, percentage rollout, any function), the fallback for
 * flags that fail, the decision log and counts, the queue of calls made while the flag decides, and
 * the untouched pass-through to the original SDK.
 */

import { InMemoryProvider, OpenFeature, type EvaluationContext } from '@openfeature/server-sdk';
import { createSignaling, evaluateFlag, rolloutBucket, type CreateSignalingOptions, type FlagFunction, type FlagSource, type LegacySignalingApi, type Route, type RoutedSignaling, type RoutingDecision } from '../../src/legacy';
import { AgoraECode } from '../../src/mapping/legacy-codes';
import { APP_ID, sleep, until } from '../helpers/harness';
import { LegacyHarness, Recorder } from '../legacy/helpers/legacy-harness';
import { ORIGINAL_SDK_VERSION, RecordingLegacySdk } from './helpers/recording-legacy-sdk';

const lh = new LegacyHarness();
const routers: RoutedSignaling[] = [];

beforeEach(() => lh.h.start());
afterEach(async () => {
  for (const r of routers.splice(0)) {
    await r.getRtmClient()?.logout().catch(() => undefined);
    r.destroy();
  }
  await lh.stop();
});
afterAll(() => OpenFeature.close());

interface Routed {
  r: RoutedSignaling;
  /** The app's original SDK. */
  legacy: RecordingLegacySdk;
  /** The app's callback object (given to callbackSet before any login). */
  rec: Recorder;
  /** What the `log` option received. */
  logged: RoutingDecision[];
}

function routed(options: Omit<CreateSignalingOptions, 'appId' | 'legacy'>): Routed {
  const legacy = new RecordingLegacySdk();
  const rec = new Recorder();
  const logged: RoutingDecision[] = [];
  const r = createSignaling({
    appId: APP_ID,
    legacy,
    sig2rtm: { serverUrl: lh.h.server.url, rtm: { reconnect: { minMs: 20, maxMs: 100 } } },
    log: (d) => logged.push(d),
    ...options,
  });
  routers.push(r);
  r.callbackSet(rec.cb);
  return { r, legacy, rec, logged };
}

/** Waits for the router's n-th decision and returns it. */
async function decided({ r }: Routed, n = 1): Promise<RoutingDecision> {
  await until(() => r.decisions.length >= n, 3000, `decision ${n}`);
  return r.decisions[n - 1]!;
}

/** login2 as the app writes it (short retry budget). */
const login2 = ({ r }: Routed, account: string, token = '_no_need_token') => r.login2(APP_ID, account, token, 0, '', 5, 1);

/** Who the sig2rtm server has online. */
const online = () =>
  lh.h.server.core
    .onlineUsers(APP_ID)
    .map((u) => u.uid)
    .sort();

describe('OpenFeature (server SDK, InMemoryProvider)', () => {
  const FLAG = 'use-sig2rtm';
  const flagsFor = (accounts: string[]) => ({
    [FLAG]: {
      variants: { on: true, off: false },
      defaultVariant: 'off',
      disabled: false,
      contextEvaluator: (ctx: EvaluationContext): 'on' | 'off' => (accounts.includes(String(ctx.targetingKey)) ? 'on' : 'off'),
    },
  });

  it('targets by account (targetingKey); a flag change takes effect at the next login, not during the current one', async () => {
    const provider = new InMemoryProvider(flagsFor(['alice']));
    await OpenFeature.setProviderAndWait(provider);
    const client = OpenFeature.getClient();
    const flag: FlagFunction = ({ account }) => client.getBooleanValue(FLAG, false, { targetingKey: account });

    const a = routed({ flag });
    login2(a, 'alice');
    await a.rec.waitFor('onLoginSuccess');
    expect(a.r.current).toBe('sig2rtm');
    expect(a.logged).toEqual([{ account: 'alice', route: 'sig2rtm', reason: 'flag function answered true', ms: expect.any(Number) as number }]);
    expect(online()).toEqual(['alice']);

    const b = routed({ flag });
    login2(b, 'bob', 'bobs-legacy-token');
    expect(await decided(b)).toMatchObject({ account: 'bob', route: 'legacy', reason: 'flag function answered false' });
    expect(b.legacy.of('login2')).toEqual([[APP_ID, 'bob', 'bobs-legacy-token', 0, '', 5, 1]]);

    // The flag flips: alice's current session stays where it is (calls still go to sig2rtm)...
    provider.putConfiguration(flagsFor(['bob']));
    a.r.queryUserStatus('bob');
    expect(await a.rec.waitFor('onQueryUserStatusResult')).toEqual(['bob', '0']); // bob is on the original SDK, not on the server
    expect(a.legacy.actions).toEqual([['callbackSet', a.rec.cb]]);

    // ...and her next login is decided again, with the new flag.
    a.r.logout();
    expect(await a.rec.waitFor('onLogout')).toEqual([AgoraECode.LOGOUT_E_USER]);
    login2(a, 'alice');
    expect(await decided(a, 2)).toMatchObject({ account: 'alice', route: 'legacy', reason: 'flag function answered false' });
    expect(a.r.current).toBe('legacy');
    expect(a.r.getRtmClient()).toBeUndefined();
    expect(a.legacy.actions).toEqual([['callbackSet', a.rec.cb], ['login2', APP_ID, 'alice', '_no_need_token', 0, '', 5, 1]]);
    await until(() => online().length === 0, 3000, 'alice off the server');

    // bob logs out of the original SDK and in again: now on sig2rtm.
    b.r.logout();
    b.legacy.simulate('onLogout', AgoraECode.LOGOUT_E_USER);
    login2(b, 'bob');
    await b.rec.waitFor('onLoginSuccess');
    expect(b.logged.map((d) => d.route)).toEqual(['legacy', 'sig2rtm']);
    expect(online()).toEqual(['bob']);
    expect(b.legacy.actions.map((c) => c[0])).toEqual(['callbackSet', 'login2', 'logout']);
  });
});

describe('boolean and environment flags', () => {
  it('true: everyone on sig2rtm; false: everyone on the original SDK', async () => {
    const on = routed({ flag: true });
    login2(on, 'alice');
    await on.rec.waitFor('onLoginSuccess');
    expect(on.logged).toEqual([{ account: 'alice', route: 'sig2rtm', reason: 'flag is true', ms: expect.any(Number) as number }]);

    const off = routed({ flag: false });
    login2(off, 'bob');
    expect(await decided(off)).toMatchObject({ account: 'bob', route: 'legacy', reason: 'flag is false' });
    expect(off.legacy.of('login2')).toHaveLength(1);
    expect(online()).toEqual(['alice']);
    expect(on.legacy.actions).toEqual([['callbackSet', on.rec.cb]]);
  });

  it('{ env }: reads the `env` option (1, true, yes, on mean sig2rtm; unset means legacy), else process.env', async () => {
    const flag = { env: 'USE_SIG2RTM' };
    const yes = routed({ flag, env: { USE_SIG2RTM: 'yes' } });
    login2(yes, 'alice');
    await yes.rec.waitFor('onLoginSuccess');
    expect(yes.logged[0]).toMatchObject({ route: 'sig2rtm', reason: 'USE_SIG2RTM=yes' });

    const no = routed({ flag, env: { USE_SIG2RTM: 'off' } });
    login2(no, 'bob');
    expect(await decided(no)).toMatchObject({ route: 'legacy', reason: 'USE_SIG2RTM=off' });
    const unset = routed({ flag, env: {} });
    login2(unset, 'carol');
    expect(await decided(unset)).toMatchObject({ route: 'legacy', reason: 'USE_SIG2RTM is unset' });
    expect([no.r.counts, unset.r.counts]).toEqual([
      { sig2rtm: 0, legacy: 1, fallback: 0 },
      { sig2rtm: 0, legacy: 1, fallback: 0 },
    ]);

    const env = (v: string | undefined) => evaluateFlag(flag, { account: 'x', appId: APP_ID }, { env: v === undefined ? {} : { USE_SIG2RTM: v }, timeoutMs: 100, fallback: 'legacy' });
    for (const v of ['1', 'true', 'TRUE', 'yes', 'on', ' On ']) expect([v, (await env(v)).route]).toEqual([v, 'sig2rtm']);
    for (const v of ['0', 'false', 'no', 'off', '', 'maybe', undefined]) expect([v, (await env(v)).route]).toEqual([v, 'legacy']);

    // Without the option: process.env.
    process.env.SIG2RTM_ROUTING_TEST = 'no';
    try {
      const fromProcess = routed({ flag: { env: 'SIG2RTM_ROUTING_TEST' } });
      login2(fromProcess, 'dave');
      expect(await decided(fromProcess)).toMatchObject({ route: 'legacy', reason: 'SIG2RTM_ROUTING_TEST=no' });
    } finally {
      delete process.env.SIG2RTM_ROUTING_TEST;
    }
  });
});

describe('percentage rollout', () => {
  const route = async (flag: FlagSource, account: string): Promise<Route> => (await evaluateFlag(flag, { account, appId: APP_ID }, { env: {}, timeoutMs: 100, fallback: 'legacy' })).route;

  it('is stable: the same account gets the same side at every evaluation and in every instance with the same salt; another salt reshuffles', async () => {
    const s1 = { percentage: 50, salt: 'checkout-2024' };
    const s2 = { percentage: 50, salt: 'another-salt' };
    for (let i = 0; i < 100; i++) {
      const account = `user-${i}`;
      const first = await route(s1, account);
      for (let k = 0; k < 20; k++) expect([account, await route(s1, account)]).toEqual([account, first]);
    }

    // Through RoutedSignaling: two instances with the same salt agree account by account; a third with another salt does not.
    const accounts = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
    const sides = async (flag: FlagSource): Promise<Route[]> => {
      const out: Route[] = [];
      for (const account of accounts) {
        const x = routed({ flag });
        login2(x, account);
        const d = await decided(x);
        if (d.route === 'sig2rtm') {
          await x.rec.waitFor('onLoginSuccess');
          x.r.logout();
          await x.rec.waitFor('onLogout');
        } else {
          expect(x.legacy.of('login2')).toEqual([[APP_ID, account, '_no_need_token', 0, '', 5, 1]]);
        }
        expect(d.reason).toMatch(/^rollout bucket \d+\.\d\d (<|>=) 50%$/);
        out.push(d.route);
      }
      return out;
    };
    const first = await sides(s1);
    expect(new Set(first)).toEqual(new Set(['sig2rtm', 'legacy'])); // both sides occur: the comparison means something
    expect(await sides({ ...s1 })).toEqual(first);
    const other = await sides(s2);
    expect(other).not.toEqual(first);

    // Over many accounts, a new salt moves about half of them (50% rollouts, independent buckets).
    let moved = 0;
    for (let i = 0; i < 2000; i++) if ((await route(s1, `user-${i}`)) !== (await route(s2, `user-${i}`))) moved++;
    expect(moved / 2000).toBeGreaterThan(0.4);
    expect(moved / 2000).toBeLessThan(0.6);
  });

  it('is spread: over 10 000 accounts 25% gives 25% ± 2%; 0% gives none and 100% all', async () => {
    const count = async (percentage: number) => {
      let n = 0;
      for (let i = 0; i < 10_000; i++) if ((await route({ percentage, salt: 'spread' }, `account-${i}`)) === 'sig2rtm') n++;
      return n;
    };
    const quarter = await count(25);
    expect(quarter).toBeGreaterThanOrEqual(2300);
    expect(quarter).toBeLessThanOrEqual(2700);
    expect(await count(0)).toBe(0);
    expect(await count(100)).toBe(10_000);
    for (let i = 0; i < 1000; i++) {
      const b = rolloutBucket('spread', `account-${i}`);
      expect(b >= 0 && b < 100).toBe(true);
    }
  });

  it('a percentage out of range is a fallback', async () => {
    const x = routed({ flag: { percentage: 150, salt: 's' } });
    login2(x, 'carol');
    expect(await decided(x)).toMatchObject({ route: 'legacy', reason: 'percentage 150 out of range: fallback' });
    expect(x.r.counts).toEqual({ sig2rtm: 0, legacy: 1, fallback: 1 });
  });
});

describe('flags that fail go to the fallback', () => {
  it("a flag that throws, rejects, never answers or answers a non-boolean: 'legacy' by default, counted as fallback, and the reason says why", async () => {
    const cases: [FlagFunction, RegExp][] = [
      [
        () => {
          throw new Error('flag service down');
        },
        /^flag failed \(flag service down\): fallback$/,
      ],
      [() => Promise.reject(new Error('HTTP 503')), /^flag failed \(HTTP 503\): fallback$/],
      [() => new Promise<boolean>(() => undefined), /^flag timed out after 50 ms: fallback$/],
      [() => 'yes' as unknown as boolean, /^flag answered "yes", not a boolean: fallback$/],
      [() => Promise.resolve(undefined as unknown as boolean), /^flag answered undefined, not a boolean: fallback$/],
    ];
    for (const [flag, reason] of cases) {
      const x = routed({ flag, flagTimeoutMs: 50 });
      login2(x, 'carol', 'carol-token');
      const d = await decided(x);
      expect(d.route).toBe('legacy');
      expect(d.reason).toMatch(reason);
      expect(x.logged).toEqual([d]);
      expect(x.r.counts).toEqual({ sig2rtm: 0, legacy: 1, fallback: 1 });
      expect(x.legacy.of('login2')).toEqual([[APP_ID, 'carol', 'carol-token', 0, '', 5, 1]]);
      expect(x.rec.lines).toEqual([`[sig2rtm] login of carol → legacy (${d.reason})`]);
    }
    // The timeout is the one given.
    const slow = routers.at(-3)!;
    expect(slow.decisions[0]!.ms).toBeGreaterThanOrEqual(45);
    expect(slow.decisions[0]!.ms).toBeLessThan(1000);
    expect(online()).toEqual([]);
  });

  it("the fallback is configurable: fallback 'sig2rtm'", async () => {
    const x = routed({ flag: () => Promise.reject(new Error('no flags today')), fallback: 'sig2rtm' });
    login2(x, 'alice');
    await x.rec.waitFor('onLoginSuccess');
    expect(x.logged).toEqual([{ account: 'alice', route: 'sig2rtm', reason: 'flag failed (no flags today): fallback', ms: expect.any(Number) as number }]);
    expect(x.r.counts).toEqual({ sig2rtm: 1, legacy: 0, fallback: 1 });
    expect(online()).toEqual(['alice']);
    expect(x.legacy.actions).toEqual([['callbackSet', x.rec.cb]]);
  });
});

describe('decisions, logout and the next login', () => {
  it('alice on sig2rtm, logout, then carol on the original SDK with the same RoutedSignaling; each decision logged and counted', async () => {
    const x = routed({ flag: ({ account }) => account === 'alice' });
    login2(x, 'alice');
    const [uid] = await x.rec.waitFor('onLoginSuccess');
    expect(typeof uid).toBe('number');
    expect(x.r.current).toBe('sig2rtm');
    expect(x.r.getStatus()).toBe(2);
    expect(x.r.isOnline()).toBe(true);
    expect(x.r.getRtmClient()?.sig2rtm).toBeDefined();
    expect(online()).toEqual(['alice']);

    x.r.logout();
    expect(await x.rec.waitFor('onLogout')).toEqual([AgoraECode.LOGOUT_E_USER]);
    expect(x.r.getStatus()).toBe(0);
    await until(() => online().length === 0, 3000, 'alice logged out of the server');

    x.r.login2(APP_ID, 'carol', 'carol-legacy-token', 0, '', 30, 3);
    expect(x.r.getStatus()).toBe(1); // deciding counts as logging in
    await decided(x, 2);
    expect(x.r.current).toBe('legacy');
    expect(x.r.getRtmClient()).toBeUndefined();
    expect(x.r.getStatus()).toBe(1); // now the original SDK's answer
    x.legacy.simulate('onLoginSuccess', 77, 0);
    expect(x.r.getStatus()).toBe(2);
    x.r.channelJoin('room'); // goes to carol's side
    expect(x.legacy.actions).toEqual([['callbackSet', x.rec.cb], ['login2', APP_ID, 'carol', 'carol-legacy-token', 0, '', 30, 3], ['channelJoin', 'room']]);
    expect(online()).toEqual([]);

    const expected = [
      { account: 'alice', route: 'sig2rtm', reason: 'flag function answered true', ms: expect.any(Number) as number },
      { account: 'carol', route: 'legacy', reason: 'flag function answered false', ms: expect.any(Number) as number },
    ];
    expect(x.logged).toEqual(expected);
    expect(x.r.decisions).toEqual(expected);
    expect(x.r.counts).toEqual({ sig2rtm: 1, legacy: 1, fallback: 0 });
    // The app's onLog hears each decision too.
    expect(x.rec.lines.filter((l) => l.includes('login of'))).toEqual([
      '[sig2rtm] login of alice → sig2rtm (flag function answered true)',
      '[sig2rtm] login of carol → legacy (flag function answered false)',
    ]);
    expect(x.rec.of('onLoginSuccess')).toEqual([[uid, 0], [77, 0]]);
  });

  it('without a `log` option, each decision is one JSON line on stdout', async () => {
    const lines: unknown[] = [];
    const spy = jest.spyOn(console, 'info').mockImplementation((line: unknown) => void lines.push(line));
    try {
      const legacy = new RecordingLegacySdk();
      const r = createSignaling({ appId: APP_ID, flag: false, legacy });
      routers.push(r);
      r.login(APP_ID, 'carol', 'tok', 0, '');
      await until(() => r.decisions.length === 1);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] as string)).toEqual({ sig2rtm: 'routing', account: 'carol', route: 'legacy', reason: 'flag is false', ms: r.decisions[0]!.ms });
      expect(legacy.of('login')).toEqual([[APP_ID, 'carol', 'tok', 0, '']]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('calls made while the flag decides', () => {
  /** A flag that answers when the test says so. */
  function heldFlag(): { flag: FlagFunction; answer: (on: boolean) => void } {
    let answer: (on: boolean) => void = () => undefined;
    return { flag: () => new Promise<boolean>((resolve) => (answer = resolve)), answer: (on) => answer(on) };
  }

  it('are queued and replayed on the original SDK, after the login and in order', async () => {
    const held = heldFlag();
    const x = routed({ flag: held.flag });
    x.r.login2(APP_ID, 'dave', 'dave-token', 0, '', 30, 3);
    expect(x.r.getStatus()).toBe(1);
    x.r.channelJoin('room');
    x.r.messageChannelSend('room', 'first', 'c1');
    x.r.setAttr('mood', 'busy');
    x.r.messageInstantSend('erin', 0, 'second', 'p1');
    x.r.logout();
    await sleep(30);
    expect(x.legacy.calls).toEqual([['callbackSet', x.rec.cb]]); // nothing yet, not even getStatus
    expect(x.r.decisions).toEqual([]);

    held.answer(false);
    await decided(x);
    expect(x.legacy.calls).toEqual([
      ['callbackSet', x.rec.cb],
      ['login2', APP_ID, 'dave', 'dave-token', 0, '', 30, 3],
      ['channelJoin', 'room'],
      ['messageChannelSend', 'room', 'first', 'c1'],
      ['setAttr', 'mood', 'busy'],
      ['messageInstantSend', 'erin', 0, 'second', 'p1'],
      ['logout'],
    ]);
    // After the decision, calls go straight through.
    x.r.channelLeave('room');
    expect(x.legacy.calls.at(-1)).toEqual(['channelLeave', 'room']);
  });

  it('are queued and replayed on sig2rtm, after the login and in order (there, as any call before onLoginSuccess, they fail with NOT_LOGIN)', async () => {
    const held = heldFlag();
    const x = routed({ flag: held.flag });
    login2(x, 'alice');
    x.r.queryUserStatus('bob');
    x.r.channelJoin('room');
    x.r.getAttrAll();
    await sleep(30);
    expect(x.rec.log).toEqual([]);
    held.answer(true);
    await x.rec.waitFor('onLoginSuccess');
    expect(x.rec.names()).toEqual(['onError', 'onError', 'onError', 'onLoginSuccess']);
    expect(x.rec.of('onError').map((e) => e.slice(0, 2))).toEqual([
      ['query_user_status', AgoraECode.GENERAL_E_NOT_LOGIN],
      ['channel_join', AgoraECode.GENERAL_E_NOT_LOGIN],
      ['get_attr_all', AgoraECode.GENERAL_E_NOT_LOGIN],
    ]);
    expect(x.legacy.actions).toEqual([['callbackSet', x.rec.cb]]);
  });
});

describe('pass-through to the original SDK', () => {
  it('every call reaches it untouched (same arguments, same order), its callbacks reach the app, and nothing goes to sig2rtm', async () => {
    const x = routed({ flag: false });
    expect(x.legacy.calls).toEqual([['callbackSet', x.rec.cb]]);
    expect(x.legacy.callbacks).toBe(x.rec.cb);
    x.r.login2(APP_ID, 'carol', 'her-legacy-token', 42, 'device-7', 10, 2);
    await decided(x);
    x.legacy.simulate('onLoginSuccess', 1234, 5);
    expect(x.rec.log).toEqual([['onLoginSuccess', 1234, 5]]);
    expect(x.r.getStatus()).toBe(2);
    expect(x.r.isOnline()).toBe(true);
    expect(x.r.getSdkVersion()).toBe(ORIGINAL_SDK_VERSION);
    expect(x.r.callbackGet()).toBe(x.rec.cb);

    x.r.messageInstantSend('bob', 0, 'hi bob', 'm1');
    x.r.messageInstantSend2('bob', 7, 'again', 'm2', '{"opt":1}');
    x.r.channelJoin('room');
    x.r.messageChannelSend('room', 'hello room', 'c1');
    x.r.messageChannelSendForce('lobby', 'forced', '');
    x.r.channelSetAttr('room', 'topic', 'news');
    x.r.channelQueryUserNum('room');
    x.r.setAttr('mood', '');
    x.r.getUserAttrAll('bob');
    x.r.queryUserStatus('bob');
    x.r.channelInviteUser2('call-1', 'bob', '{"video":true}');
    x.r.channelInviteDTMF('call-1', '+15550100', '5');
    // Calls sig2rtm does not support still reach the original SDK, which does.
    x.r.channelInvitePhone3('call-2', '+15550100', '+15550199', '{"x":1}');
    x.r.messageAppSend('app message', 'a1');
    x.r.invoke('io.agora.signal.user_query_user_status', '{"account":"bob"}', 'call-7');
    x.r.bc_call('f', '{}', 'b1');
    x.r.setBackground(1);
    x.r.setNetworkStatus(2);
    x.r.ping();
    x.r.dbg('a', 'b');
    x.r.channelLeave('room');
    x.r.logout();
    x.legacy.simulate('onMessageInstantReceive', 'bob', 0, 'yo');
    x.legacy.simulate('onLogout', AgoraECode.LOGOUT_E_USER);
    x.r.destroy();

    expect(x.legacy.actions).toEqual([
      ['callbackSet', x.rec.cb],
      ['login2', APP_ID, 'carol', 'her-legacy-token', 42, 'device-7', 10, 2],
      ['messageInstantSend', 'bob', 0, 'hi bob', 'm1'],
      ['messageInstantSend2', 'bob', 7, 'again', 'm2', '{"opt":1}'],
      ['channelJoin', 'room'],
      ['messageChannelSend', 'room', 'hello room', 'c1'],
      ['messageChannelSendForce', 'lobby', 'forced', ''],
      ['channelSetAttr', 'room', 'topic', 'news'],
      ['channelQueryUserNum', 'room'],
      ['setAttr', 'mood', ''],
      ['getUserAttrAll', 'bob'],
      ['queryUserStatus', 'bob'],
      ['channelInviteUser2', 'call-1', 'bob', '{"video":true}'],
      ['channelInviteDTMF', 'call-1', '+15550100', '5'],
      ['channelInvitePhone3', 'call-2', '+15550100', '+15550199', '{"x":1}'],
      ['messageAppSend', 'app message', 'a1'],
      ['invoke', 'io.agora.signal.user_query_user_status', '{"account":"bob"}', 'call-7'],
      ['bc_call', 'f', '{}', 'b1'],
      ['setBackground', 1],
      ['setNetworkStatus', 2],
      ['ping'],
      ['dbg', 'a', 'b'],
      ['channelLeave', 'room'],
      ['logout'],
      ['destroy'],
    ]);
    expect(x.rec.log).toEqual([
      ['onLoginSuccess', 1234, 5],
      ['onMessageInstantReceive', 'bob', 0, 'yo'],
      ['onLogout', AgoraECode.LOGOUT_E_USER],
    ]);
    // sig2rtm was never involved: no RtmClient, no connection to the server, no log line but the decision.
    expect(x.r.getRtmClient()).toBeUndefined();
    expect(lh.h.server.core.connectionCount).toBe(0);
    expect(x.rec.lines).toEqual(['[sig2rtm] login of carol → legacy (flag is false)']);
  });

  it('an original SDK without login2 gets login; a method it lacks gives onError, not a throw', async () => {
    const calls: unknown[][] = [];
    const minimal: LegacySignalingApi = {
      callbackSet: () => undefined,
      login: (...args) => void calls.push(['login', ...args]),
      logout: () => void calls.push(['logout']),
      getStatus: () => 2,
    };
    const rec = new Recorder();
    const r = createSignaling({ appId: APP_ID, flag: false, legacy: minimal, log: () => undefined });
    routers.push(r);
    r.callbackSet(rec.cb);
    r.login2(APP_ID, 'carol', 'tok', 0, 'dev', 30, 3);
    await until(() => r.decisions.length === 1);
    expect(calls).toEqual([['login', APP_ID, 'carol', 'tok', 0, 'dev']]);
    expect(() => r.channelJoin('room')).not.toThrow();
    r.queryUserStatus('bob');
    // onError names the operation, as the real SDKs did (apps branch on "query_user_status").
    expect(rec.log).toEqual([
      ['onError', 'channel_join', AgoraECode.GENERAL_E_FAILED, 'channelJoin: not available on the legacy side'],
      ['onError', 'query_user_status', AgoraECode.GENERAL_E_FAILED, 'queryUserStatus: not available on the legacy side'],
    ]);
  });
});
