/**
 * A small app written against agora-rtm-sdk 1.5.1's own types. `npm run typecheck` compiles this
 * file twice, unchanged: once against the official declarations (tsconfig.official.json) and once
 * with 'agora-rtm-sdk' resolved to sig2rtm (tsconfig.ours.json). Both must compile.
 */

import AgoraRTM from 'agora-rtm-sdk';
import type { RtmChannel, RtmClient, RtmMessage, LocalInvitation, RemoteInvitation } from 'agora-rtm-sdk';

export async function app(appId: string, token: string): Promise<void> {
  const client: RtmClient = AgoraRTM.createInstance(appId, { logFilter: AgoraRTM.LOG_FILTER_WARNING });
  client.on('ConnectionStateChanged', (state, reason) => {
    if (state === AgoraRTM.ConnectionState.ABORTED && reason === AgoraRTM.ConnectionChangeReason.REMOTE_LOGIN) console.log('kicked');
  });
  client.on('MessageFromPeer', (message: RtmMessage, peerId: string, props) => {
    if (message.messageType === 'TEXT') console.log(peerId, message.text, props.serverReceivedTs);
  });
  client.on('PeersOnlineStatusChanged', (status) => {
    for (const [peer, state] of Object.entries(status)) console.log(peer, state === AgoraRTM.PeerOnlineState.ONLINE);
  });
  client.on('RemoteInvitationReceived', (inv: RemoteInvitation) => {
    inv.on('RemoteInvitationCanceled', (content: string) => console.log(content));
    inv.response = 'ok';
    inv.accept();
  });
  client.on('TokenPrivilegeWillExpire', () => void client.renewToken(token));
  await client.login({ uid: 'alice', token });
  const r = await client.sendMessageToPeer({ text: 'hi' }, 'bob');
  console.log(r.hasPeerReceived);
  await client.sendMessageToPeer({ rawMessage: new Uint8Array([1, 2]), description: 'raw' }, 'bob');
  const online = await client.queryPeersOnlineStatus(['bob']);
  console.log(online.bob);
  await client.subscribePeersOnlineStatus(['bob']);
  console.log(await client.queryPeersBySubscriptionOption(AgoraRTM.PeerSubscriptionOption.ONLINE_STATUS));
  const channel: RtmChannel = client.createChannel('room');
  channel.on('ChannelMessage', (message, memberId) => console.log(memberId, message));
  channel.on('MemberJoined', (id) => console.log(id));
  channel.on('MemberCountUpdated', (n) => console.log(n + 1));
  channel.on('AttributesUpdated', (attrs) => console.log(attrs.topic?.value, attrs.topic?.lastUpdateTs));
  await channel.join();
  await channel.sendMessage({ text: 'hello room' });
  console.log((await channel.getMembers()).length);
  console.log((await client.getChannelMemberCount(['room'])).room);
  await client.setLocalUserAttributes({ a: '1' });
  await client.addOrUpdateLocalUserAttributes({ b: '2' });
  await client.deleteLocalUserAttributesByKeys(['a']);
  console.log(await client.getUserAttributes('bob'), await client.getUserAttributesByKeys('bob', ['b']));
  await client.clearLocalUserAttributes();
  await client.setChannelAttributes('room', { topic: 't' }, { enableNotificationToChannelMembers: true });
  await client.addOrUpdateChannelAttributes('room', { x: 'y' });
  await client.deleteChannelAttributesByKeys('room', ['x']);
  const attrs = await client.getChannelAttributes('room');
  console.log(attrs.topic?.lastUpdateUserId, await client.getChannelAttributesByKeys('room', ['topic']));
  await client.clearChannelAttributes('room');
  const call: LocalInvitation = client.createLocalInvitation('bob');
  call.content = 'c';
  call.channelId = 'room';
  call.on('LocalInvitationAccepted', (response: string) => console.log(response, call.state));
  call.on('LocalInvitationFailure', (reason) => console.log(reason === AgoraRTM.LocalInvitationFailureReason.PEER_OFFLINE));
  call.send();
  call.cancel();
  const m = client.createMessage<RtmMessage>({ text: 'x' });
  console.log(m, AgoraRTM.VERSION, AgoraRTM.END_CALL_PREFIX);
  client.updateConfig({ logFilter: AgoraRTM.LOG_FILTER_OFF });
  await channel.leave();
  await client.unsubscribePeersOnlineStatus(['bob']);
  await client.logout();
  client.removeAllListeners();
}
