import type { RemoteInvitation } from '../../src/rtm';
import { Harness, waitForEvent } from '../helpers/harness';

const h = new Harness();
beforeEach(() => h.start());
afterEach(() => h.stop());

test('two clients exchange a peer message with hasPeerReceived', async () => {
  const alice = await h.login('alice');
  const bob = await h.login('bob');
  const got = waitForEvent<[unknown, string, { serverReceivedTs: number }]>(bob, 'MessageFromPeer');
  const result = await alice.sendMessageToPeer({ text: 'hi' }, 'bob');
  expect(result).toEqual({ hasPeerReceived: true });
  const [msg, from, props] = await got;
  expect(msg).toEqual({ text: 'hi', messageType: 'TEXT' });
  expect(from).toBe('alice');
  expect(typeof props.serverReceivedTs).toBe('number');
});

test('an invitation is accepted end to end and channel attributes notify members', async () => {
  const alice = await h.login('alice');
  const bob = await h.login('bob');
  const received = waitForEvent<[RemoteInvitation]>(bob, 'RemoteInvitationReceived');
  const inv = alice.createLocalInvitation('bob');
  inv.content = 'join me';
  inv.channelId = 'room';
  const byPeer = waitForEvent(inv, 'LocalInvitationReceivedByPeer');
  inv.send();
  const [remote] = await received;
  await byPeer;
  expect(remote.content).toBe('join me');
  expect(remote.channelId).toBe('room');
  const accepted = waitForEvent<[string]>(inv, 'LocalInvitationAccepted');
  const remoteAccepted = waitForEvent(remote, 'RemoteInvitationAccepted');
  remote.response = 'ok';
  remote.accept();
  expect((await accepted)[0]).toBe('ok');
  await remoteAccepted;
  expect(inv.state).toBe('ACCEPTED_BY_REMOTE');
  expect(remote.state).toBe('ACCEPTED');

  const ch = bob.createChannel('room');
  await ch.join();
  const updated = waitForEvent<[Record<string, { value: string; lastUpdateUserId: string }>]>(ch, 'AttributesUpdated');
  await alice.addOrUpdateChannelAttributes('room', { topic: 'hello' }, { enableNotificationToChannelMembers: true });
  const [attrs] = await updated;
  expect(attrs.topic?.value).toBe('hello');
  expect(attrs.topic?.lastUpdateUserId).toBe('alice');
  await alice.setLocalUserAttributes({ mood: 'happy' });
  expect(await bob.getUserAttributes('alice')).toEqual({ mood: 'happy' });
});
