/**
 * Gradual migration, step two: legacy-API code and code rewritten to the RTM API on ONE login
 * (`api.getRtmClient()`). A channel joined by both is one membership on the server (the
 * `sharedChannels` extension of the legacy engine's client): both get its events, the others see
 * one member, and the membership ends when the last of the two leaves. A plain RTM client keeps the
 * official rule (a second instance of a joined id fails with 202). User attributes are shared, and
 * compat options are per instance.
 */

import type { RtmChannel, RtmClient, RtmMessage } from '../../src/rtm';
import { record, until, waitForEvent } from '../helpers/harness';
import { LegacyHarness, settle, stableUid, type Legacy } from '../legacy/helpers/legacy-harness';

const lh = new LegacyHarness();
let alice: Legacy; // legacy code and RTM code, one login
let bob: RtmClient; // a third user, on the RTM API

beforeEach(async () => {
  // Member counts are asked several times a test (the default allows one per second).
  await lh.h.start({ rates: { counts: { limit: 100, windowMs: 1000 } } });
  alice = await lh.login('alice');
  bob = await lh.h.login('bob');
});
afterEach(() => lh.stop());

/** alice's RtmClient under the legacy API. */
const rtmOf = (l: Legacy): RtmClient => {
  const c = l.api.getRtmClient();
  if (!c) throw new Error('no RtmClient under the legacy API');
  return c;
};

const memberCount = async (channel: string): Promise<number> => (await bob.getChannelMemberCount([channel]))[channel] ?? -1;

/** bob in 'room', recording who joins and leaves. */
async function bobInRoom(): Promise<{ ch: RtmChannel; events: { name: string; args: unknown[] }[] }> {
  const ch = bob.createChannel('room');
  await ch.join();
  return { ch, events: record(ch, ['MemberJoined', 'MemberLeft']) };
}

describe('one channel, legacy and RTM code on one login', () => {
  it('legacy channelJoin, then the RTM channel joins too (no 202); both hear bob; the server counts alice once', async () => {
    const room = await bobInRoom();
    alice.api.channelJoin('room');
    expect(await alice.rec.waitFor('onChannelUserList')).toEqual([
      expect.arrayContaining(['alice', 'bob']) as unknown,
      expect.any(Array) as unknown,
    ]);
    const mine = rtmOf(alice).createChannel('room');
    await expect(mine.join()).resolves.toBeUndefined();

    const atRtm = waitForEvent<[RtmMessage, string]>(mine, 'ChannelMessage');
    await room.ch.sendMessage({ text: 'hello both' });
    const [message, from] = await atRtm;
    expect([message.text, from]).toEqual(['hello both', 'bob']);
    expect(await alice.rec.waitFor('onMessageChannelReceive')).toEqual(['room', 'bob', stableUid('bob'), 'hello both']);

    // One member for alice: the count is 2 (alice, bob) and bob saw alice join once.
    expect(await memberCount('room')).toBe(2);
    expect(lh.h.server.core.channelCounts().find((c) => c.channel === 'room')?.members).toBe(2);
    expect((await room.ch.getMembers()).sort()).toEqual(['alice', 'bob']);
    await settle();
    expect(room.events).toEqual([{ name: 'MemberJoined', args: ['alice'] }]);

    // The RTM module sends: bob gets it once; the legacy code of the same login does not (RTM skips the sender).
    const atBob = waitForEvent<[RtmMessage, string]>(room.ch, 'ChannelMessage');
    await mine.sendMessage({ text: 'from the RTM module' });
    expect((await atBob).map((x) => (typeof x === 'string' ? x : x.text))).toEqual(['from the RTM module', 'alice']);
    await settle();
    expect(alice.rec.of('onMessageChannelReceive')).toHaveLength(1);
  });

  it('the legacy channelLeave leaves the RTM instance in the channel; the membership ends when the RTM instance leaves too', async () => {
    const room = await bobInRoom();
    alice.api.channelJoin('room');
    await alice.rec.waitFor('onChannelUserList');
    const mine = rtmOf(alice).createChannel('room');
    await mine.join();
    const heard = record(mine, ['ChannelMessage', 'MemberLeft']);

    alice.api.channelLeave('room');
    expect(await alice.rec.waitFor('onChannelLeaved')).toEqual(['room', 0]);
    alice.rec.clear();
    await room.ch.sendMessage({ text: 'still there?' });
    await until(() => heard.length === 1, 3000, 'the RTM instance still receives');
    expect((heard[0]!.args[0] as RtmMessage).text).toBe('still there?');
    await settle();
    expect(alice.rec.of('onMessageChannelReceive')).toEqual([]); // the legacy code has left
    expect(room.events).toEqual([{ name: 'MemberJoined', args: ['alice'] }]); // bob saw no MemberLeft
    expect(await memberCount('room')).toBe(2);

    await mine.leave();
    await until(() => room.events.length === 2, 3000, 'MemberLeft at bob');
    expect(room.events[1]).toEqual({ name: 'MemberLeft', args: ['alice'] });
    expect(await memberCount('room')).toBe(1);
    await settle();
    expect(room.events).toHaveLength(2);
  });

  it('the reverse order: the RTM channel joins first, then the legacy channelJoin; either leaving first keeps the membership', async () => {
    const room = await bobInRoom();
    const mine = rtmOf(alice).createChannel('room');
    await mine.join();
    const rtmHeard = record(mine, ['ChannelMessage']);
    await until(() => room.events.length === 1, 3000, 'MemberJoined at bob');

    alice.api.channelJoin('room');
    expect(await alice.rec.waitFor('onChannelJoined')).toEqual(['room']);
    const [accounts, uids] = await alice.rec.waitFor('onChannelUserList');
    expect([...(accounts as string[])].sort()).toEqual(['alice', 'bob']);
    expect(uids).toHaveLength(2);
    expect(alice.rec.of('onChannelJoinFailed')).toEqual([]);

    const atRtm = waitForEvent<[RtmMessage, string]>(mine, 'ChannelMessage');
    await room.ch.sendMessage({ text: 'hi alice' });
    expect((await atRtm)[1]).toBe('bob');
    expect(await alice.rec.waitFor('onMessageChannelReceive')).toEqual(['room', 'bob', stableUid('bob'), 'hi alice']);
    // The legacy code sends: bob gets it; the legacy echo (compat default) reaches the legacy code only, not the RTM listener.
    const atBob = waitForEvent<[RtmMessage, string]>(room.ch, 'ChannelMessage');
    alice.api.messageChannelSend('room', 'legacy says hi', 'c1');
    expect((await atBob)[1]).toBe('alice');
    expect(await alice.rec.waitFor('onMessageChannelReceive', (a) => a[1] === 'alice')).toEqual(['room', 'alice', stableUid('alice'), 'legacy says hi']);

    expect(await memberCount('room')).toBe(2);
    await settle();
    expect(room.events).toEqual([{ name: 'MemberJoined', args: ['alice'] }]);
    expect(rtmHeard.map((e) => e.args[1])).toEqual(['bob']);

    // The RTM instance leaves first: the legacy code is still in.
    await mine.leave();
    alice.rec.clear();
    await room.ch.sendMessage({ text: 'legacy only now' });
    expect(await alice.rec.waitFor('onMessageChannelReceive')).toEqual(['room', 'bob', stableUid('bob'), 'legacy only now']);
    expect(room.events).toHaveLength(1);
    alice.api.channelLeave('room');
    await until(() => room.events.length === 2, 3000, 'MemberLeft at bob');
    expect(room.events[1]).toEqual({ name: 'MemberLeft', args: ['alice'] });
    expect(await memberCount('room')).toBe(1);
  });

  it('a plain AgoraRTM client (no legacy API) keeps the official rule: a second instance of a joined id fails with 202', async () => {
    const rita = await lh.h.login('rita');
    await rita.createChannel('room').join();
    const second = rita.createChannel('room');
    await expect(second.join()).rejects.toMatchObject({ code: 202 });
    expect(second.listenerCount('ChannelMessage')).toBe(0);
  });
});

describe('user attributes', () => {
  it('set through the RTM API, read by legacy getAttrAll; set by legacy setAttr, read through the RTM API', async () => {
    const rtm = rtmOf(alice);
    await rtm.addOrUpdateLocalUserAttributes({ mood: 'happy' });
    alice.api.getAttrAll();
    const [account, json] = await alice.rec.waitFor('onUserAttrAllResult');
    expect([account, JSON.parse(json as string)]).toEqual(['alice', { mood: 'happy' }]);

    alice.api.setAttr('city', 'Paris');
    // setAttr reports nothing on success: poll the RTM API.
    let seen: Record<string, string> = {};
    for (const deadline = Date.now() + 3000; seen.city !== 'Paris' && Date.now() < deadline; await settle(20)) seen = await rtm.getUserAttributes('alice');
    expect(seen).toEqual({ mood: 'happy', city: 'Paris' });
    expect(await bob.getUserAttributes('alice')).toEqual({ mood: 'happy', city: 'Paris' });
    alice.api.getAttr('mood');
    expect(await alice.rec.waitFor('onUserAttrResult')).toEqual(['alice', 'mood', 'happy']);
    expect(alice.rec.of('onError')).toEqual([]);
  });
});

describe('compat options are per instance', () => {
  it('two instances with different compat on one server behave differently at the same time', async () => {
    const carol = await lh.login('carol', { compat: { echoChannelMessages: false, uids: 'zero' } });
    alice.api.channelJoin('room');
    await alice.rec.waitFor('onChannelUserList');
    carol.api.channelJoin('room');
    await carol.rec.waitFor('onChannelUserList');
    alice.rec.clear();
    carol.rec.clear();

    alice.api.messageChannelSend('room', 'from alice', 'a1');
    carol.api.messageChannelSend('room', 'from carol', 'c1');
    await alice.rec.waitFor('onMessageChannelReceive', (a) => a[1] === 'carol');
    await carol.rec.waitFor('onMessageChannelReceive', (a) => a[1] === 'alice');
    await settle();
    // alice (legacy defaults): her own message echoed, stable uids. carol (RTM behaviour): no echo, uid 0.
    expect(alice.rec.of('onMessageChannelReceive')).toEqual(
      expect.arrayContaining([
        ['room', 'alice', stableUid('alice'), 'from alice'],
        ['room', 'carol', stableUid('carol'), 'from carol'],
      ]),
    );
    expect(alice.rec.of('onMessageChannelReceive')).toHaveLength(2);
    expect(carol.rec.of('onMessageChannelReceive')).toEqual([['room', 'alice', 0, 'from alice']]);
  });
});
