/**
 * A legacy Signaling native-style program (login2, peer message, channel with user list and
 * attributes, a call invited, accepted and ended, logout), unchanged but for where AgoraAPI comes
 * from. Run against `sig2rtm serve` by test/examples/legacy-native.test.ts; shown in the README.
 */

import { AgoraAPI, CallBack } from 'sig2rtm/legacy';

export async function main(serverUrl: string, log: (line: string) => void = console.log): Promise<void> {
  const appId = '0123456789abcdef0123456789abcdef';
  const done = new Set<string>();
  const until = async (what: string) => {
    for (let i = 0; i < 500 && !done.has(what); i++) await new Promise((r) => setTimeout(r, 10));
    if (!done.has(what)) throw new Error(`timed out waiting for ${what}`);
  };

  // Two users, each with the legacy callback object an app already has.
  const alice = AgoraAPI.createAgoraSDKInstance(appId, { serverUrl });
  const bob = AgoraAPI.createAgoraSDKInstance(appId, { serverUrl });
  alice.callbackSet(
    new (class extends CallBack {
      override onLoginSuccess(uid: number) { log(`alice logged in (uid ${uid})`); done.add('alice in'); }
      override onMessageSendSuccess(messageID: string) { log(`alice's message ${messageID} sent`); }
      override onChannelUserList(accounts: string[]) { log(`alice sees ${accounts.join(', ')} in the channel`); done.add('alice list'); }
      override onChannelAttrUpdated(channelID: string, name: string, value: string, type: string) { log(`alice: ${channelID}.${name} = ${value} (${type})`); }
      override onInviteReceivedByPeer(channelID: string, account: string) { log(`${account} got the call to ${channelID}`); }
      override onInviteAcceptedByPeer(_channelID: string, account: string, _uid: number, extra: string) { log(`${account} accepted: ${extra}`); done.add('accepted'); }
      override onInviteEndByMyself(channelID: string) { log(`alice ended the call in ${channelID}`); }
      override onLogout(ecode: number) { log(`alice logged out (${ecode})`); done.add('alice out'); }
    })(),
  );
  bob.callbackSet(
    new (class extends CallBack {
      override onLoginSuccess() { done.add('bob in'); }
      override onMessageInstantReceive(account: string, _uid: number, msg: string) { log(`bob got "${msg}" from ${account}`); }
      override onChannelJoined(channelID: string) { log(`bob joined ${channelID}`); done.add('bob joined'); }
      override onChannelAttrUpdated(channelID: string, name: string, value: string, type: string) { log(`bob: ${channelID}.${name} = ${value} (${type})`); done.add('bob attr'); }
      override onInviteReceived(channelID: string, account: string, _uid: number, extra: string) {
        log(`bob is called by ${account} to ${channelID} (${extra})`);
        bob.channelInviteAccept(channelID, account, 0, '{"status":"ok"}');
      }
      override onInviteEndByPeer(channelID: string, account: string) { log(`bob heard ${account} end the call in ${channelID}`); done.add('ended'); }
      override onLogout() { done.add('bob out'); }
    })(),
  );

  alice.login2(appId, 'alice', '_no_need_token', 0, '', 30, 3);
  bob.login2(appId, 'bob', '_no_need_token', 0, '', 30, 3);
  await until('alice in');
  await until('bob in');

  alice.messageInstantSend('bob', 0, 'hello bob', '');
  bob.channelJoin('room');
  await until('bob joined');
  alice.channelJoin('room');
  await until('alice list');
  alice.channelSetAttr('room', 'topic', 'weekly sync');
  await until('bob attr');

  alice.channelInviteUser2('room', 'bob', '{"purpose":"demo"}');
  await until('accepted');
  alice.channelInviteEnd('room', 'bob', 0);
  await until('ended');

  alice.logout();
  bob.logout();
  await until('alice out');
  await until('bob out');
  alice.destroy();
  bob.destroy();
}
