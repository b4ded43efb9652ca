/**
 * A flagged-on user (the app's legacy code through createSignaling, routed to sig2rtm) and a user
 * on the RTM API (RtmClient) on the same server: peer and channel messages both ways, and call
 * invitations both ways. The original SDK (a recording double) is never involved.
 */

import { createSignaling, type RoutedSignaling } from '../../src/legacy';
import type { LocalInvitation, RemoteInvitation, RtmClient, RtmMessage } from '../../src/rtm';
import { APP_ID, waitForEvent } from '../helpers/harness';
import { LegacyHarness, Recorder, stableUid } from '../legacy/helpers/legacy-harness';
import { RecordingLegacySdk } from './helpers/recording-legacy-sdk';

const lh = new LegacyHarness();
let original: RecordingLegacySdk;
let alice: RoutedSignaling; // flagged on
let rec: Recorder; // alice's callbacks
let rita: RtmClient; // on the RTM API
const RITA = stableUid('rita');

beforeEach(async () => {
  await lh.h.start();
  original = new RecordingLegacySdk();
  rec = new Recorder();
  alice = createSignaling({
    appId: APP_ID,
    flag: ({ account }) => Promise.resolve(account === 'alice'),
    legacy: original,
    sig2rtm: { serverUrl: lh.h.server.url },
    log: () => undefined,
  });
  alice.callbackSet(rec.cb);
  alice.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
  await rec.waitFor('onLoginSuccess');
  expect(alice.current).toBe('sig2rtm');
  rec.clear();
  rita = await lh.h.login('rita');
});

afterEach(async () => {
  const reached = original.actions;
  await alice.getRtmClient()?.logout().catch(() => undefined);
  alice.destroy();
  await lh.stop();
  // The original SDK never saw anything but the callbacks.
  expect(reached).toEqual([['callbackSet', rec.cb]]);
});

it('peer messages both ways', async () => {
  const atRita = waitForEvent<[RtmMessage, string]>(rita, 'MessageFromPeer');
  alice.messageInstantSend('rita', 0, 'hi rita', 'm1');
  const [message, peerId] = await atRita;
  expect([message.text, peerId]).toEqual(['hi rita', 'alice']);
  expect(await rec.waitFor('onMessageSendSuccess')).toEqual(['m1']);

  expect(await rita.sendMessageToPeer({ text: 'hi alice' }, 'alice')).toEqual({ hasPeerReceived: true });
  expect(await rec.waitFor('onMessageInstantReceive')).toEqual(['rita', 0, 'hi alice']);
});

it('channel messages both ways', async () => {
  const ch = rita.createChannel('room');
  await ch.join();
  const joined = waitForEvent<[string]>(ch, 'MemberJoined');
  alice.channelJoin('room');
  const [accounts] = await rec.waitFor('onChannelUserList');
  expect([...(accounts as string[])].sort()).toEqual(['alice', 'rita']);
  expect(await joined).toEqual(['alice']);

  const atRita = waitForEvent<[RtmMessage, string]>(ch, 'ChannelMessage');
  alice.messageChannelSend('room', 'from the flagged app', 'c1');
  const [message, memberId] = await atRita;
  expect([message.text, memberId]).toEqual(['from the flagged app', 'alice']);
  expect(await rec.waitFor('onMessageSendSuccess')).toEqual(['c1']);

  await ch.sendMessage({ text: 'from rtm' });
  expect(await rec.waitFor('onMessageChannelReceive', (a) => a[1] === 'rita')).toEqual(['room', 'rita', RITA, 'from rtm']);

  const left = waitForEvent<[string]>(ch, 'MemberLeft');
  alice.channelLeave('room');
  expect(await left).toEqual(['alice']);
  expect(await rec.waitFor('onChannelLeaved')).toEqual(['room', 0]);
});

it('a call: channelInviteUser2 → RemoteInvitation, accepted → onInviteAcceptedByPeer; and RTM LocalInvitation → onInviteReceived, channelInviteAccept → accepted', async () => {
  const got = waitForEvent<[RemoteInvitation]>(rita, 'RemoteInvitationReceived');
  alice.channelInviteUser2('call-1', 'rita', '{"video":true}');
  const [remote] = await got;
  expect([remote.callerId, remote.channelId, remote.content]).toEqual(['alice', 'call-1', '{"video":true}']);
  expect(await rec.waitFor('onInviteReceivedByPeer')).toEqual(['call-1', 'rita', RITA]);
  remote.response = 'on my way';
  const accepted = waitForEvent(remote, 'RemoteInvitationAccepted');
  remote.accept();
  await accepted;
  expect(await rec.waitFor('onInviteAcceptedByPeer')).toEqual(['call-1', 'rita', RITA, 'on my way']);

  const local: LocalInvitation = rita.createLocalInvitation('alice');
  local.channelId = 'call-2';
  local.content = 'join me';
  const received = waitForEvent(local, 'LocalInvitationReceivedByPeer');
  local.send();
  expect(await rec.waitFor('onInviteReceived')).toEqual(['call-2', 'rita', RITA, 'join me']);
  await received;
  const localAccepted = waitForEvent<[string]>(local, 'LocalInvitationAccepted');
  alice.channelInviteAccept('call-2', 'rita', 0, 'coming');
  expect(await localAccepted).toEqual(['coming']);
  expect(local.state).toBe('ACCEPTED_BY_REMOTE');
  expect(rec.of('onInviteFailed')).toEqual([]);
});
