/**
 * Legacy built-in channel attributes and special channels (issue 13 item 5), through the legacy API
 * (native and web flavours) against a real server whose clock only moves when the test says so:
 * `_member_num` / `_auto_update_num`, `_total_member_num` / `_auto_update_total_num`,
 * `_userNotification`, `_sendmsg_limit`, `_setattr_limit`, the user attribute `_conn_timeout`,
 * `__agora_user_online`, `__agora_channel_event`.
 */

import type { Channel, Session } from '../../src/legacy';
import { ManualClock } from '../../src/rtm-core/clock';
import { APP_ID, sleep, until } from '../helpers/harness';
import { CutProxy } from '../helpers/cut-proxy';
import { LegacyHarness, loginLegacy, settle, stableUid, type Legacy } from './helpers/legacy-harness';
import { eventually } from './helpers/seed-scene';
import { webLoginTo } from './helpers/web-log';

const lh = new LegacyHarness();
const sessions: Session[] = [];
let clock: ManualClock;

afterEach(async () => {
  for (const s of sessions.splice(0)) if (s.getStatus() !== 0) s.logout();
  await sleep(20);
  await lh.stop();
});

/** A server on a manual clock; presence timings far away so that advancing it never times anyone out. */
async function start(): Promise<void> {
  clock = new ManualClock(Date.now());
  await lh.h.start({ clock, timings: { unreachableAfterMs: 3_600_000, offlineAfterMs: 7_200_000 } });
}

async function joined(account: string, channel: string): Promise<Legacy> {
  const l = await lh.login(account);
  l.api.channelJoin(channel);
  await l.rec.waitFor('onChannelUserList');
  await settle(50);
  l.rec.clear();
  return l;
}

/** The server has the channel's member count at `n` (joins answered, counts stored). */
async function membersAre(channel: string, n: number): Promise<void> {
  await eventually(async () => expect((await lh.h.server.core.store.channelCounts(APP_ID, [channel]))[channel]).toBe(n));
}

const attrUpdates = (l: Legacy, name: string) => l.rec.of('onChannelAttrUpdated').filter((e) => e[1] === name);

const webLogin = (account: string): Promise<Session> => webLoginTo(lh.h.server.url, sessions, account);

/** The web Channel after onChannelJoined, with every handler call recorded in `log`. */
async function webJoin(s: Session, name: string, log: unknown[][]): Promise<Channel> {
  const ch = s.channelJoin(name)!;
  for (const h of ['onChannelJoined', 'onChannelAttrUpdated', 'onChannelUserJoined', 'onChannelUserLeaved', 'onMessageChannelReceive'] as const) {
    (ch as unknown as Record<string, unknown>)[h] = (...args: unknown[]) => log.push([h, ...args]);
  }
  await until(() => log.some((e) => e[0] === 'onChannelJoined'), 3000, `${name} joined`);
  await settle(50);
  log.length = 0;
  return ch;
}

describe('_member_num / _auto_update_num (server on a ManualClock)', () => {
  beforeEach(start);

  it('refreshed once per period however many joined, not a millisecond early; none when nobody came or went', async () => {
    const a = await joined('alice', 'room');
    a.api.channelSetAttr('room', '_auto_update_num', '2');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_auto_update_num');
    // Turning it on schedules the first value.
    clock.advance(1999);
    await settle(80);
    expect(attrUpdates(a, '_member_num')).toEqual([]);
    clock.advance(1);
    expect(await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_member_num')).toEqual(['room', '_member_num', '1', 'update']);

    const b = await joined('bob', 'room');
    await joined('carol', 'room');
    await membersAre('room', 3);
    a.rec.clear();
    clock.advance(1999);
    await settle(80);
    expect(attrUpdates(a, '_member_num')).toEqual([]);
    clock.advance(1);
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_member_num');
    await b.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_member_num');
    await settle(80);
    expect(attrUpdates(a, '_member_num')).toEqual([['room', '_member_num', '3', 'update']]);
    expect(attrUpdates(b, '_member_num')).toEqual([['room', '_member_num', '3', 'update']]);

    // A quiet period: nothing.
    a.rec.clear();
    clock.advance(2000);
    await settle(80);
    expect(attrUpdates(a, '_member_num')).toEqual([]);

    // A join and a leave within one period: the count is back where it was, so no update either.
    const d = await joined('dave', 'room');
    d.api.channelLeave('room');
    await d.rec.waitFor('onChannelLeaved');
    await membersAre('room', 3);
    a.rec.clear();
    clock.advance(2000);
    await settle(80);
    expect(attrUpdates(a, '_member_num')).toEqual([]);

    // Stored like any attribute.
    const attrs = await lh.h.server.core.store.getChannelAttributes(APP_ID, 'room');
    expect(attrs._member_num?.value).toBe('3');
  });

  it('off by default and with 0: _member_num is never written', async () => {
    const a = await joined('alice', 'room');
    await joined('bob', 'room');
    a.api.channelSetAttr('room', '_auto_update_num', '0');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_auto_update_num');
    await joined('carol', 'room');
    clock.advance(60_000);
    await settle(100);
    expect(attrUpdates(a, '_member_num')).toEqual([]);
    expect(await lh.h.server.core.store.getChannelAttributes(APP_ID, 'room')).not.toHaveProperty('_member_num');
  });

  it('web flavour: Channel.onChannelAttrUpdated(name, value, type) with the count after each period of leaves', async () => {
    const s = await webLogin('alice');
    const log: unknown[][] = [];
    const ch = await webJoin(s, 'room', log);
    ch.channelSetAttr('_auto_update_num', '1');
    await until(() => log.some((e) => e[1] === '_auto_update_num'), 3000, 'set');
    const b = await joined('bob', 'room');
    const c = await joined('carol', 'room');
    await membersAre('room', 3);
    clock.advance(1000);
    await until(() => log.some((e) => e[1] === '_member_num'), 3000, '_member_num');
    b.api.channelLeave('room');
    c.api.logout();
    await membersAre('room', 1);
    clock.advance(999);
    await settle(80);
    expect(log.filter((e) => e[1] === '_member_num')).toEqual([['onChannelAttrUpdated', '_member_num', '3', 'update']]);
    clock.advance(1);
    await until(() => log.filter((e) => e[1] === '_member_num').length === 2, 3000, 'second _member_num');
    expect(log.filter((e) => e[1] === '_member_num')[1]).toEqual(['onChannelAttrUpdated', '_member_num', '1', 'update']);
  });
});

describe('_total_member_num / _auto_update_total_num (server on a ManualClock)', () => {
  beforeEach(start);

  it('counts every join since it was turned on (starting from the members present), and needs _auto_update_num too', async () => {
    const a = await joined('alice', 'room');
    a.api.channelSetAttr('room', '_auto_update_total_num', '1');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_auto_update_total_num');
    const b = await joined('bob', 'room');
    clock.advance(5000);
    await settle(100);
    expect(attrUpdates(a, '_total_member_num')).toEqual([]); // _auto_update_num is still 0

    a.api.channelSetAttr('room', '_auto_update_num', '1');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_auto_update_num');
    clock.advance(1000);
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_total_member_num');
    expect(attrUpdates(a, '_total_member_num')).toEqual([['room', '_total_member_num', '2', 'update']]);

    // bob leaves, carol joins, bob joins again: 3 members, 4 joins in all.
    a.rec.clear();
    b.api.channelLeave('room');
    await b.rec.waitFor('onChannelLeaved');
    await joined('carol', 'room');
    b.api.channelJoin('room');
    await b.rec.waitFor('onChannelUserList');
    await membersAre('room', 3);
    clock.advance(999);
    await settle(80);
    expect(attrUpdates(a, '_total_member_num')).toEqual([]);
    clock.advance(1);
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_total_member_num');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_member_num');
    expect(attrUpdates(a, '_total_member_num')).toEqual([['room', '_total_member_num', '4', 'update']]);
    expect(attrUpdates(a, '_member_num')).toEqual([['room', '_member_num', '3', 'update']]);
  });
});

describe('_userNotification', () => {
  beforeEach(() => lh.h.start());

  it('0 silences onChannelUserJoined / onChannelUserLeaved for the channel; 1 brings them back; counts stay right', async () => {
    const a = await joined('alice', 'room');
    a.api.channelSetAttr('room', '_userNotification', '0');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_userNotification');
    const b = await joined('bob', 'room');
    b.api.channelLeave('room');
    await b.rec.waitFor('onChannelLeaved');
    await membersAre('room', 1);
    a.api.channelQueryUserNum('room');
    expect(await a.rec.waitFor('onChannelQueryUserNumResult')).toEqual(['room', 0, 1]);
    await settle();
    expect(a.rec.of('onChannelUserJoined')).toEqual([]);
    expect(a.rec.of('onChannelUserLeaved')).toEqual([]);

    a.api.channelSetAttr('room', '_userNotification', '1');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_userNotification' && e[2] === '1');
    await joined('carol', 'room');
    expect(await a.rec.waitFor('onChannelUserJoined')).toEqual(['carol', stableUid('carol')]);
  });
});

describe('special channels', () => {
  beforeEach(() => lh.h.start());

  it('__agora_user_online: every login of the app is a member joining it, every logout one leaving (native)', async () => {
    const m = await joined('monitor', '__agora_user_online');
    const b = await lh.login('bob');
    expect(await m.rec.waitFor('onChannelUserJoined')).toEqual(['bob', stableUid('bob')]);
    b.api.logout();
    expect(await m.rec.waitFor('onChannelUserLeaved')).toEqual(['bob', stableUid('bob')]);
    // A channel join is not a login.
    m.rec.clear();
    await joined('carol', 'elsewhere');
    await settle();
    expect(m.rec.of('onChannelUserJoined')).toEqual([['carol', stableUid('carol')]]);
  });

  it('__agora_channel_event: every join and leave of every channel, as a channel message from the user (web)', async () => {
    const s = await webLogin('monitor');
    const log: unknown[][] = [];
    await webJoin(s, '__agora_channel_event', log);
    const b = await joined('bob', 'room');
    b.api.channelJoin('频道'); // leaves room first (one channel at a time)
    await b.rec.waitFor('onChannelUserList');
    b.api.logout();
    await until(() => log.length >= 4, 3000, `4 events (got ${JSON.stringify(log)})`);
    const uid = stableUid('bob');
    expect(log).toEqual([
      ['onMessageChannelReceive', 'bob', uid, JSON.stringify({ event: 'join', channel: 'room', account: 'bob' })],
      ['onMessageChannelReceive', 'bob', uid, JSON.stringify({ event: 'leave', channel: 'room', account: 'bob' })],
      ['onMessageChannelReceive', 'bob', uid, JSON.stringify({ event: 'join', channel: '频道', account: 'bob' })],
      ['onMessageChannelReceive', 'bob', uid, JSON.stringify({ event: 'leave', channel: '频道', account: 'bob' })],
    ]);
  });
});

describe('_sendmsg_limit / _setattr_limit (server on a ManualClock)', () => {
  beforeEach(start);

  it('_sendmsg_limit: messages per second of the whole channel, all senders together; the excess gets onMessageSendError', async () => {
    const a = await joined('alice', 'room');
    const b = await joined('bob', 'room');
    a.api.channelSetAttr('room', '_sendmsg_limit', '3');
    await b.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_sendmsg_limit');
    a.api.messageChannelSend('room', 'a1', 'a1');
    a.api.messageChannelSend('room', 'a2', 'a2');
    b.api.messageChannelSend('room', 'b1', 'b1');
    await b.rec.waitCount('onMessageSendSuccess', 1);
    await a.rec.waitCount('onMessageSendSuccess', 2);
    b.api.messageChannelSend('room', 'b2', 'b2');
    expect(await b.rec.waitFor('onMessageSendError')).toEqual(['b2', 400]);
    clock.advance(999);
    a.api.messageChannelSend('room', 'a3', 'a3');
    expect(await a.rec.waitFor('onMessageSendError')).toEqual(['a3', 400]);
    clock.advance(1);
    a.api.messageChannelSend('room', 'a4', 'a4');
    await a.rec.waitFor('onMessageSendSuccess', (e) => e[0] === 'a4');
    await settle(80);
    expect(b.rec.of('onMessageChannelReceive').map((e) => e[3])).toEqual(['a1', 'a2', 'b1', 'a4']);
  });

  it('_setattr_limit: updates per second of each attribute; another attribute is not held back', async () => {
    const a = await joined('alice', 'room');
    a.api.channelSetAttr('room', '_setattr_limit', '2');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === '_setattr_limit');
    a.rec.clear();
    a.api.channelSetAttr('room', 'score', '1');
    a.api.channelSetAttr('room', 'score', '2');
    a.api.channelSetAttr('room', 'score', '3');
    a.api.channelSetAttr('room', 'topic', 'x');
    await a.rec.waitFor('onError');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[1] === 'topic');
    expect(a.rec.of('onError').map((e) => e.slice(0, 2))).toEqual([['channel_set_attr', 1001]]); // GENERAL_E_FAILED: legacy documented no code for it
    expect(a.rec.of('onChannelAttrUpdated').map((e) => `${String(e[1])}=${String(e[2])}`)).toEqual(['score=1', 'score=2', 'topic=x']);
    clock.advance(999);
    a.api.channelSetAttr('room', 'score', '4');
    await a.rec.waitCount('onError', 2);
    clock.advance(1);
    a.api.channelSetAttr('room', 'score', '5');
    await a.rec.waitFor('onChannelAttrUpdated', (e) => e[2] === '5');
  });
});

describe('user attribute _conn_timeout (server on a ManualClock)', () => {
  let proxy: CutProxy | undefined;
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });

  /** alice, through a proxy that the test cuts; bob, who watches her status through queryUserStatus. */
  async function dropAfterSetting(value: string | undefined): Promise<{ isOnline: () => Promise<string> }> {
    clock = new ManualClock(Date.now());
    await lh.h.start({ clock, timings: { unreachableAfterMs: 6000, offlineAfterMs: 30_000 } });
    proxy = await new CutProxy(lh.h.server.port).start();
    const a = lh.make({ serverUrl: proxy.url() });
    await loginLegacy(a, 'alice');
    if (value !== undefined) {
      a.api.setAttr('_conn_timeout', value);
      a.api.getAttr('_conn_timeout');
      expect(await a.rec.waitFor('onUserAttrResult')).toEqual(['alice', '_conn_timeout', value]);
    }
    const b = await lh.login('bob');
    proxy.down = true;
    proxy.cut();
    await eventually(() => expect(lh.h.server.core.bus.localSession(APP_ID, 'alice')?.attached).toBe(false));
    return { isOnline: () => statusOf(b) };
  }

  /** alice's status as `b` reads it: '1' online, '0' offline. */
  async function statusOf(b: Legacy): Promise<string> {
    b.rec.clear();
    b.api.queryUserStatus('alice');
    return String((await b.rec.waitFor('onQueryUserStatusResult'))[1]);
  }

  /** Online until `ms` after the drop, not a millisecond less; offline at `ms`. */
  async function onlineFor(isOnline: () => Promise<string>, ms: number): Promise<void> {
    clock.advance(ms - 1);
    expect(await isOnline()).toBe('1');
    clock.advance(1);
    expect(await isOnline()).toBe('0');
  }

  it('a dropped user stays online _conn_timeout seconds, not a millisecond less', async () => {
    await onlineFor((await dropAfterSetting('60')).isOnline, 60_000);
  });

  it('clamped to 20–120 s: 5 counts as 20', async () => {
    await onlineFor((await dropAfterSetting('5')).isOnline, 20_000);
  });

  it("set at an earlier login, it applies at the next one; unset, the server's offlineAfterMs applies", async () => {
    await onlineFor((await dropAfterSetting(undefined)).isOnline, 30_000);

    // The attribute belongs to the account: set now, it governs the next login's drop.
    const again = lh.make();
    await loginLegacy(again, 'alice');
    again.api.setAttr('_conn_timeout', '300');
    again.api.getAttr('_conn_timeout');
    await again.rec.waitFor('onUserAttrResult');
    again.api.logout();
    await again.rec.waitFor('onLogout');
    proxy!.down = false;
    const c = lh.make({ serverUrl: proxy!.url() });
    await loginLegacy(c, 'alice');
    await settle(80); // the server reads the account's attributes after the login
    const bob = await lh.login('bob2');
    proxy!.down = true;
    proxy!.cut();
    await eventually(() => expect(lh.h.server.core.bus.localSession(APP_ID, 'alice')?.attached).toBe(false));
    // 300 is clamped to 120.
    await onlineFor(() => statusOf(bob), 120_000);
  });
});
