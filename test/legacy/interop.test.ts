/**
 * A legacy-API user and a native RTM user (RtmClient) on the same server, both directions: peer and
 * channel messages, call invitations (invite, accept, refuse, cancel, end after accept with the
 * legacy end-call message of rtm-1x.md §8.7), and channel and user attributes.
 */

import AgoraRTM from '../../src/rtm';
import type { LocalInvitation, RemoteInvitation, RtmChannel, RtmClient, RtmMessage } from '../../src/rtm';
import { record, until, waitForEvent } from '../helpers/harness';
import { LegacyHarness, settle, stableUid, type Legacy } from './helpers/legacy-harness';

const lh = new LegacyHarness();
let alice: Legacy; // the legacy user
let rita: RtmClient; // the RTM user
const RITA = stableUid('rita');

beforeEach(async () => {
  await lh.h.start();
  alice = await lh.login('alice');
  rita = await lh.h.login('rita');
});
afterEach(() => lh.stop());

async function bothInRoom(): Promise<RtmChannel> {
  const ch = rita.createChannel('room');
  await ch.join();
  alice.api.channelJoin('room');
  await alice.rec.waitFor('onChannelUserList');
  alice.rec.clear();
  return ch;
}

describe('peer messages', () => {
  it('legacy → RTM: MessageFromPeer with the text; the legacy sender gets onMessageSendSuccess', async () => {
    const got = waitForEvent<[RtmMessage, string]>(rita, 'MessageFromPeer');
    alice.api.messageInstantSend('rita', 0, 'hi rita', 'm1');
    const [message, peerId] = await got;
    expect([message.text, message.messageType, peerId]).toEqual(['hi rita', 'TEXT', 'alice']);
    expect(await alice.rec.waitFor('onMessageSendSuccess')).toEqual(['m1']);
  });

  it('RTM → legacy: onMessageInstantReceive(account, 0, text), also for a RAW message (as UTF-8 text)', async () => {
    expect(await rita.sendMessageToPeer({ text: 'hi alice' }, 'alice')).toEqual({ hasPeerReceived: true });
    expect(await alice.rec.waitFor('onMessageInstantReceive')).toEqual(['rita', 0, 'hi alice']);
    await rita.sendMessageToPeer({ rawMessage: new TextEncoder().encode('raw é'), description: 'bytes' }, 'alice');
    await alice.rec.waitCount('onMessageInstantReceive', 2);
    expect(alice.rec.of('onMessageInstantReceive')[1]).toEqual(['rita', 0, 'raw é']);
  });
});

describe('channels', () => {
  it('members see each other join and leave; channel messages go both ways', async () => {
    const ch = rita.createChannel('room');
    await ch.join();
    const joined = waitForEvent<[string]>(ch, 'MemberJoined');
    alice.api.channelJoin('room');
    const [accounts] = await alice.rec.waitFor('onChannelUserList');
    expect([...(accounts as string[])].sort()).toEqual(['alice', 'rita']);
    expect(await joined).toEqual(['alice']);

    const atRita = waitForEvent<[RtmMessage, string]>(ch, 'ChannelMessage');
    alice.api.messageChannelSend('room', 'from legacy', 'c1');
    const [message, memberId] = await atRita;
    expect([message.text, memberId]).toEqual(['from legacy', 'alice']);

    await ch.sendMessage({ text: 'from rtm' });
    expect(await alice.rec.waitFor('onMessageChannelReceive', (a) => a[1] === 'rita')).toEqual(['room', 'rita', RITA, 'from rtm']);

    // From outside the channel (messageChannelSendForce): RTM members get a normal ChannelMessage.
    const forced = waitForEvent<[RtmMessage, string]>(ch, 'ChannelMessage');
    const bob = await lh.login('bob');
    bob.api.messageChannelSendForce('room', 'forced', 'f1');
    const [m2, from2] = await forced;
    expect([m2.text, from2]).toEqual(['forced', 'bob']);

    const left = waitForEvent<[string]>(ch, 'MemberLeft');
    alice.api.channelLeave('room');
    expect(await left).toEqual(['alice']);
    await ch.leave();
  });

  it('legacy queryUserStatus / channelQueryUserIsIn see the RTM user, and RTM sees the legacy user online', async () => {
    const ch = rita.createChannel('lobby');
    await ch.join();
    alice.api.queryUserStatus('rita');
    expect(await alice.rec.waitFor('onQueryUserStatusResult')).toEqual(['rita', '1']);
    alice.api.channelQueryUserIsIn('lobby', 'rita');
    expect(await alice.rec.waitFor('onChannelQueryUserIsIn')).toEqual(['lobby', 'rita', 1]);
    expect(await rita.queryPeersOnlineStatus(['alice'])).toEqual({ alice: true });
  });
});

describe('invitations', () => {
  /** rita invites alice on `channelId` with `content`; resolves once alice has onInviteReceived. */
  async function ritaInvites(channelId: string, content: string): Promise<LocalInvitation> {
    const inv = rita.createLocalInvitation('alice');
    inv.channelId = channelId;
    inv.content = content;
    const received = waitForEvent(inv, 'LocalInvitationReceivedByPeer');
    inv.send();
    expect(await alice.rec.waitFor('onInviteReceived')).toEqual([channelId, 'rita', RITA, content]);
    await received;
    alice.rec.clear();
    return inv;
  }

  /** alice invites rita; resolves with rita's RemoteInvitation. */
  async function aliceInvites(channelId: string, extra: string): Promise<RemoteInvitation> {
    const got = waitForEvent<[RemoteInvitation]>(rita, 'RemoteInvitationReceived');
    alice.api.channelInviteUser2(channelId, 'rita', extra);
    const [inv] = await got;
    expect(await alice.rec.waitFor('onInviteReceivedByPeer')).toEqual([channelId, 'rita', RITA]);
    alice.rec.clear();
    return inv;
  }

  it('legacy channelInviteUser2 → RTM RemoteInvitationReceived (channelId, content); RTM accept with a response → onInviteAcceptedByPeer(…, response)', async () => {
    const got = waitForEvent<[RemoteInvitation]>(rita, 'RemoteInvitationReceived');
    alice.api.channelInviteUser2('call-1', 'rita', '{"video":true}');
    const [inv] = await got;
    expect([inv.callerId, inv.channelId, inv.content]).toEqual(['alice', 'call-1', '{"video":true}']);
    inv.response = 'on my way';
    const accepted = waitForEvent(inv, 'RemoteInvitationAccepted');
    inv.accept();
    expect(await alice.rec.waitFor('onInviteAcceptedByPeer')).toEqual(['call-1', 'rita', RITA, 'on my way']);
    await accepted;
    expect(alice.rec.log).toEqual([
      ['onInviteReceivedByPeer', 'call-1', 'rita', RITA],
      ['onInviteAcceptedByPeer', 'call-1', 'rita', RITA, 'on my way'],
    ]);
  });

  it('RTM createLocalInvitation (channelId, content) → onInviteReceived(ch, account, uid, content); legacy accept with extra → LocalInvitationAccepted(extra)', async () => {
    const inv = await ritaInvites('call-2', 'join me');
    const accepted = waitForEvent<[string]>(inv, 'LocalInvitationAccepted');
    alice.api.channelInviteAccept('call-2', 'rita', 0, 'coming');
    expect(await accepted).toEqual(['coming']);
    expect(inv.state).toBe('ACCEPTED_BY_REMOTE');
  });

  it('refuse, both ways: RTM refuse → onInviteRefusedByPeer(…, response); legacy refuse → LocalInvitationRefused(extra)', async () => {
    const remote = await aliceInvites('call-3', '');
    remote.response = '{"status":1}';
    remote.refuse();
    expect(await alice.rec.waitFor('onInviteRefusedByPeer')).toEqual(['call-3', 'rita', RITA, '{"status":1}']);

    const local = await ritaInvites('call-4', '');
    const refused = waitForEvent<[string]>(local, 'LocalInvitationRefused');
    alice.api.channelInviteRefuse('call-4', 'rita', 0, 'busy');
    expect(await refused).toEqual(['busy']);
  });

  it('RTM cancels a pending invitation → onInviteEndByPeer(ch, account, uid, content); legacy cancels → RemoteInvitationCanceled', async () => {
    const local = await ritaInvites('call-5', 'ring ring');
    local.cancel();
    expect(await alice.rec.waitFor('onInviteEndByPeer')).toEqual(['call-5', 'rita', RITA, 'ring ring']);
    alice.api.channelInviteAccept('call-5', 'rita', 0, '');
    expect((await alice.rec.waitFor('onError'))[0]).toBe('invite_accept');

    const remote = await aliceInvites('call-6', 'hello?');
    const canceled = waitForEvent<[string]>(remote, 'RemoteInvitationCanceled');
    alice.api.channelInviteEnd('call-6', 'rita', 0);
    expect(await canceled).toEqual(['']); // native channelInviteEnd has no extra: the cancel carries ""

    expect(await alice.rec.waitFor('onInviteEndByMyself')).toEqual(['call-6', 'rita', RITA]);
  });

  it(`after accept, the RTM user sends \`\${END_CALL_PREFIX}_\${ch}_bye\` → onInviteEndByPeer(ch, account, uid, 'bye'), callee or caller`, async () => {
    const inv = await ritaInvites('call-7', '');
    const accepted = waitForEvent(inv, 'LocalInvitationAccepted');
    alice.api.channelInviteAccept('call-7', 'rita', 0, '');
    await accepted;
    await rita.sendMessageToPeer({ text: `${AgoraRTM.END_CALL_PREFIX}_call-7_bye` }, 'alice');
    expect(await alice.rec.waitFor('onInviteEndByPeer')).toEqual(['call-7', 'rita', RITA, 'bye']);

    const remote = await aliceInvites('call-8', '');
    const done = waitForEvent(remote, 'RemoteInvitationAccepted');
    remote.accept();
    await alice.rec.waitFor('onInviteAcceptedByPeer');
    await done;
    await rita.sendMessageToPeer({ text: `${AgoraRTM.END_CALL_PREFIX}_call-8_bye` }, 'alice');
    expect(await alice.rec.waitFor('onInviteEndByPeer')).toEqual(['call-8', 'rita', RITA, 'bye']);
    await settle();
    // The end-call is a signal, not a message.
    expect(alice.rec.of('onMessageInstantReceive')).toEqual([]);
  });

  it("after accept, legacy channelInviteEnd → the RTM client's CallEndedByPeer(peerId, channelId, extra), callee or caller", async () => {
    const ended = record(rita, ['CallEndedByPeer']);
    const remote = await aliceInvites('call-9', '');
    const done = waitForEvent(remote, 'RemoteInvitationAccepted');
    remote.accept();
    await alice.rec.waitFor('onInviteAcceptedByPeer');
    await done;
    alice.api.channelInviteEnd('call-9', 'rita', 0);
    expect(await alice.rec.waitFor('onInviteEndByMyself')).toEqual(['call-9', 'rita', RITA]);
    await until(() => ended.length === 1, 3000, 'CallEndedByPeer');

    const inv = await ritaInvites('call-10', '');
    const accepted = waitForEvent(inv, 'LocalInvitationAccepted');
    alice.api.channelInviteAccept('call-10', 'rita', 0, '');
    await accepted;
    alice.api.channelInviteEnd('call-10', 'rita', 0);
    await until(() => ended.length === 2, 3000, 'CallEndedByPeer');
    expect(ended).toEqual([
      { name: 'CallEndedByPeer', args: ['alice', 'call-9', ''] },
      { name: 'CallEndedByPeer', args: ['alice', 'call-10', ''] },
    ]);
  });
});

describe('attributes', () => {
  it('legacy channelSetAttr → RTM getChannelAttributes and AttributesUpdated; RTM set with notify → onChannelAttrUpdated', async () => {
    const ch = await bothInRoom();
    const updated = waitForEvent<[Record<string, { value: string; lastUpdateUserId: string }>]>(ch, 'AttributesUpdated');
    alice.api.channelSetAttr('room', 'topic', 'news');
    const [map] = await updated;
    expect(map.topic).toMatchObject({ value: 'news', lastUpdateUserId: 'alice' });
    const attrs = await rita.getChannelAttributes('room');
    expect(Object.keys(attrs)).toEqual(['topic']);
    expect(attrs.topic).toMatchObject({ value: 'news', lastUpdateUserId: 'alice' });
    await alice.rec.waitFor('onChannelAttrUpdated');
    alice.rec.clear();

    await rita.addOrUpdateChannelAttributes('room', { mood: 'calm' }, { enableNotificationToChannelMembers: true });
    expect(await alice.rec.waitFor('onChannelAttrUpdated')).toEqual(['room', 'mood', 'calm', 'update']);
    await rita.deleteChannelAttributesByKeys('room', ['topic'], { enableNotificationToChannelMembers: true });
    await alice.rec.waitCount('onChannelAttrUpdated', 2);
    await rita.clearChannelAttributes('room', { enableNotificationToChannelMembers: true });
    await alice.rec.waitCount('onChannelAttrUpdated', 3);
    expect(alice.rec.of('onChannelAttrUpdated')).toEqual([
      ['room', 'mood', 'calm', 'update'],
      ['room', 'topic', '', 'del'],
      ['room', '', '', 'clear'], // the server names the operation (protocol legacy/1): a clear of one key is a clear
    ]);
  });

  it('legacy setAttr → RTM getUserAttributes(account); RTM user attributes → legacy getUserAttr / getUserAttrAll', async () => {
    alice.api.setAttr('color', 'red');
    alice.api.getAttr('color');
    await alice.rec.waitFor('onUserAttrResult');
    expect(await rita.getUserAttributes('alice')).toEqual({ color: 'red' });

    await rita.setLocalUserAttributes({ mood: 'ok', lang: 'fr' });
    alice.rec.clear();
    alice.api.getUserAttr('rita', 'mood');
    expect(await alice.rec.waitFor('onUserAttrResult')).toEqual(['rita', 'mood', 'ok']);
    alice.api.getUserAttrAll('rita');
    const [account, json] = await alice.rec.waitFor('onUserAttrAllResult');
    expect([account, JSON.parse(json as string)]).toEqual(['rita', { mood: 'ok', lang: 'fr' }]);
  });
});
