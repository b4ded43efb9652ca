/**
 * Multi-tenancy: one server, two appIds. A uid, a channel id or a subscription in one app has
 * nothing to do with the same id in the other: logins do not kick each other, and no message,
 * member event, presence answer or member count crosses from one app to the other.
 */

import { RtmTokenBuilder as RtmTokenBuilder007 } from 'agora-token';
import type { RtmChannel, RtmClient } from '../../src/rtm';
import { APP_ID, APP_ID_2, Harness, record, sleep, until, waitForEvent } from '../helpers/harness';

const CERT_1 = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const CERT_2 = '1f1e2d3c4b5a69788796a5b4c3d2e1f0';

const h = new Harness();
afterEach(() => h.stop());

type StateLog = [string, string][];
function states(client: RtmClient): StateLog {
  const log: StateLog = [];
  client.on('ConnectionStateChanged', (state, reason) => log.push([state, reason]));
  return log;
}

/** Logs `uid` into `appId` and joins `channel` when given. */
async function member(uid: string, appId: string, channel?: string): Promise<{ c: RtmClient; ch: RtmChannel | undefined }> {
  const c = await h.login(uid, {}, appId);
  if (channel === undefined) return { c, ch: undefined };
  const ch = c.createChannel(channel);
  await ch.join();
  return { c, ch };
}

/** Gives pushed events time to arrive (for asserting that something did not). */
const settle = () => sleep(80);

describe('two appIds on one server (development mode)', () => {
  beforeEach(() => h.start());

  it('the same uid logs into both apps without kicking the other', async () => {
    const a = h.client({}, APP_ID);
    const b = h.client({}, APP_ID_2);
    const aLog = states(a);
    const bLog = states(b);
    await a.login({ uid: 'alice' });
    await b.login({ uid: 'alice' });
    await settle();
    const ok: StateLog = [
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ];
    expect(aLog).toEqual(ok);
    expect(bLog).toEqual(ok);
    // both sessions are live
    const bobA = await h.login('bob', {}, APP_ID);
    const bobB = await h.login('bob', {}, APP_ID_2);
    expect(await bobA.sendMessageToPeer({ text: 'a' }, 'alice')).toEqual({ hasPeerReceived: true });
    expect(await bobB.sendMessageToPeer({ text: 'b' }, 'alice')).toEqual({ hasPeerReceived: true });
    expect(aLog).toEqual(ok);
    expect(bLog).toEqual(ok);
  });

  it('a remote login in one app does not touch the same uid in the other', async () => {
    const a1 = h.client({}, APP_ID);
    const b = h.client({}, APP_ID_2);
    const a1Log = states(a1);
    const bLog = states(b);
    await a1.login({ uid: 'alice' });
    await b.login({ uid: 'alice' });
    await h.login('alice', {}, APP_ID); // replaces a1 only
    await until(() => a1Log.length === 3, 2000, 'a1 aborted');
    await settle();
    expect(a1Log[2]).toEqual(['ABORTED', 'REMOTE_LOGIN']);
    expect(bLog).toEqual([
      ['CONNECTING', 'LOGIN'],
      ['CONNECTED', 'LOGIN_SUCCESS'],
    ]);
  });

  it('peer messages stay inside their app', async () => {
    const aliceA = await h.login('alice', {}, APP_ID);
    const aliceB = await h.login('alice', {}, APP_ID_2);
    const bobA = await h.login('bob', {}, APP_ID);
    const carolB = await h.login('carol', {}, APP_ID_2);
    const gotA = record(aliceA, ['MessageFromPeer']);
    const gotB = record(aliceB, ['MessageFromPeer']);

    expect(await bobA.sendMessageToPeer({ text: 'for alice in A' }, 'alice')).toEqual({ hasPeerReceived: true });
    expect(await carolB.sendMessageToPeer({ text: 'for alice in B' }, 'alice')).toEqual({ hasPeerReceived: true });
    // a uid that exists only in the other app is not reachable
    expect(await carolB.sendMessageToPeer({ text: 'to bob?' }, 'bob')).toEqual({ hasPeerReceived: false });
    expect(await bobA.sendMessageToPeer({ text: 'to carol?' }, 'carol')).toEqual({ hasPeerReceived: false });
    await settle();

    expect(gotA.map((e) => [(e.args[0] as { text: string }).text, e.args[1]])).toEqual([['for alice in A', 'bob']]);
    expect(gotB.map((e) => [(e.args[0] as { text: string }).text, e.args[1]])).toEqual([['for alice in B', 'carol']]);
  });

  it('channel messages and member events stay inside their app', async () => {
    const aliceA = await member('alice', APP_ID, 'room');
    const bobB = await member('bob', APP_ID_2, 'room');
    const seenA = record(aliceA.ch!, ['ChannelMessage', 'MemberJoined', 'MemberLeft']);
    const seenB = record(bobB.ch!, ['ChannelMessage', 'MemberJoined', 'MemberLeft']);

    // a second member in A: only A's member hears of it, and of its message
    const carolA = await member('carol', APP_ID, 'room');
    const msgA = waitForEvent(aliceA.ch!, 'ChannelMessage');
    await carolA.ch!.sendMessage({ text: 'hello A' });
    expect((await msgA).slice(0, 2)).toEqual([{ text: 'hello A', messageType: 'TEXT' }, 'carol']);
    await carolA.ch!.leave();
    await until(() => seenA.some((e) => e.name === 'MemberLeft'), 2000, 'MemberLeft in A');

    // the same in B
    const daveB = await member('dave', APP_ID_2, 'room');
    const msgB = waitForEvent(bobB.ch!, 'ChannelMessage');
    await daveB.ch!.sendMessage({ text: 'hello B' });
    expect((await msgB).slice(0, 2)).toEqual([{ text: 'hello B', messageType: 'TEXT' }, 'dave']);
    await settle();

    expect(seenA.map((e) => [e.name, e.name === 'ChannelMessage' ? (e.args[0] as { text: string }).text : e.args[0]])).toEqual([
      ['MemberJoined', 'carol'],
      ['ChannelMessage', 'hello A'],
      ['MemberLeft', 'carol'],
    ]);
    expect(seenB.map((e) => [e.name, e.name === 'ChannelMessage' ? (e.args[0] as { text: string }).text : e.args[0]])).toEqual([
      ['MemberJoined', 'dave'],
      ['ChannelMessage', 'hello B'],
    ]);
    expect((await aliceA.ch!.getMembers()).sort()).toEqual(['alice']);
    expect((await bobB.ch!.getMembers()).sort()).toEqual(['bob', 'dave']);
  });

  it('member counts are per app', async () => {
    const a = await member('alice', APP_ID, 'room');
    await member('bob', APP_ID, 'room');
    await member('carol', APP_ID, 'room');
    const b = await member('alice', APP_ID_2, 'room');
    expect(await a.c.getChannelMemberCount(['room', 'lobby'])).toEqual({ room: 3, lobby: 0 });
    expect(await b.c.getChannelMemberCount(['room', 'lobby'])).toEqual({ room: 1, lobby: 0 });
    const solo = await h.login('solo', {}, APP_ID_2);
    expect(await solo.getChannelMemberCount(['room'])).toEqual({ room: 1 });
  });

  it('presence queries and subscriptions stay inside their app', async () => {
    const watcherB = await h.login('watcher', {}, APP_ID_2);
    const watcherA = await h.login('watcher', {}, APP_ID);
    const carolA = await h.login('carol', {}, APP_ID);

    expect(await watcherB.queryPeersOnlineStatus(['carol', 'watcher'])).toEqual({ carol: false, watcher: true });
    expect(await watcherA.queryPeersOnlineStatus(['carol'])).toEqual({ carol: true });

    const initialB = waitForEvent(watcherB, 'PeersOnlineStatusChanged');
    await watcherB.subscribePeersOnlineStatus(['carol']);
    expect(await initialB).toEqual([{ carol: 'OFFLINE' }]);
    const initialA = waitForEvent(watcherA, 'PeersOnlineStatusChanged');
    await watcherA.subscribePeersOnlineStatus(['carol']);
    expect(await initialA).toEqual([{ carol: 'ONLINE' }]);

    const changesB = record(watcherB, ['PeersOnlineStatusChanged']);
    const offlineA = waitForEvent(watcherA, 'PeersOnlineStatusChanged');
    await carolA.logout();
    expect(await offlineA).toEqual([{ carol: 'OFFLINE' }]);

    // carol comes online in B: only B's watcher hears of it
    const changesA = record(watcherA, ['PeersOnlineStatusChanged']);
    const onlineB = waitForEvent(watcherB, 'PeersOnlineStatusChanged');
    await h.login('carol', {}, APP_ID_2);
    expect(await onlineB).toEqual([{ carol: 'ONLINE' }]);
    await settle();
    expect(changesB.map((e) => e.args[0])).toEqual([{ carol: 'ONLINE' }]);
    expect(changesA).toEqual([]);
    expect(await watcherA.queryPeersOnlineStatus(['carol'])).toEqual({ carol: false });
  });
});

describe('two appIds with their own certificates', () => {
  beforeEach(() => h.start({ apps: { [APP_ID]: { certificate: CERT_1 }, [APP_ID_2]: { certificate: CERT_2 } } }));

  it('each app takes only its own tokens; the same uid is independent in each', async () => {
    const tokenA = RtmTokenBuilder007.buildToken(APP_ID, CERT_1, 'alice', 3600);
    const tokenB = RtmTokenBuilder007.buildToken(APP_ID_2, CERT_2, 'alice', 3600);
    const a = await h.login('alice', {}, APP_ID, tokenA);
    const aLog = states(a);

    // A's token in B: another appId (4); B's token signed with A's certificate: bad signature (5)
    const wrongApp = await h
      .client({}, APP_ID_2)
      .login({ uid: 'alice', token: tokenA })
      .then(
        () => undefined,
        (e: Error & { code: number }) => ({ name: e.name, code: e.code }),
      );
    expect(wrongApp).toEqual({ name: 'RtmUnauthenticatedError', code: 4 });
    const wrongCert = await h
      .client({}, APP_ID_2)
      .login({ uid: 'alice', token: RtmTokenBuilder007.buildToken(APP_ID_2, CERT_1, 'alice', 3600) })
      .then(
        () => undefined,
        (e: Error & { code: number }) => ({ name: e.name, code: e.code }),
      );
    expect(wrongCert).toEqual({ name: 'RtmUnauthenticatedError', code: 5 });

    const b = await h.login('alice', {}, APP_ID_2, tokenB);
    await settle();
    expect(aLog).toEqual([]);
    const bobB = await h.login('bob', {}, APP_ID_2, RtmTokenBuilder007.buildToken(APP_ID_2, CERT_2, 'bob', 3600));
    const got = waitForEvent(b, 'MessageFromPeer');
    const notA = record(a, ['MessageFromPeer']);
    expect(await bobB.sendMessageToPeer({ text: 'B only' }, 'alice')).toEqual({ hasPeerReceived: true });
    expect((await got)[1]).toBe('bob');
    await settle();
    expect(notA).toEqual([]);
  });
});
