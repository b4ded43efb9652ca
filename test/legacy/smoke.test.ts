import { AgoraAPI, type ICallBack } from '../../src/legacy';
import { APP_ID, Harness, until } from '../helpers/harness';

const h = new Harness();
beforeEach(() => h.start());
afterEach(() => h.stop());

function recorder(): { cb: ICallBack; log: [string, ...unknown[]][] } {
  const log: [string, ...unknown[]][] = [];
  const target: ICallBack = {};
  const cb = new Proxy(target, {
    get: (_t, name: string) => (name === 'onLog' ? undefined : (...args: unknown[]) => log.push([name, ...args])),
  });
  return { cb, log };
}

test('legacy native program: login2, message, channel, attributes, call, logout', async () => {
  const a = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: h.server.url });
  const b = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: h.server.url });
  const ra = recorder();
  const rb = recorder();
  a.callbackSet(ra.cb);
  b.callbackSet(rb.cb);
  a.login2(APP_ID, 'alice', '_no_need_token', 0, '', 5, 1);
  b.login2(APP_ID, 'bob', '_no_need_token', 0, '', 5, 1);
  await until(() => a.getStatus() === 2 && b.getStatus() === 2);
  a.messageInstantSend('bob', 0, 'hello', 'm1');
  await until(() => rb.log.some((e) => e[0] === 'onMessageInstantReceive'));
  expect(rb.log.find((e) => e[0] === 'onMessageInstantReceive')).toEqual(['onMessageInstantReceive', 'alice', 0, 'hello']);
  await until(() => ra.log.some((e) => e[0] === 'onMessageSendSuccess'));
  b.channelJoin('room');
  await until(() => rb.log.some((e) => e[0] === 'onChannelUserList'));
  a.channelJoin('room');
  await until(() => ra.log.some((e) => e[0] === 'onChannelUserList'));
  a.channelSetAttr('room', 'topic', 'hi');
  await until(() => rb.log.some((e) => e[0] === 'onChannelAttrUpdated'));
  expect(rb.log.find((e) => e[0] === 'onChannelAttrUpdated')).toEqual(['onChannelAttrUpdated', 'room', 'topic', 'hi', 'update']);
  a.channelInviteUser2('room', 'bob', '{"x":1}');
  await until(() => rb.log.some((e) => e[0] === 'onInviteReceived'));
  b.channelInviteAccept('room', 'alice', 0, 'ok');
  await until(() => ra.log.some((e) => e[0] === 'onInviteAcceptedByPeer'));
  b.channelInviteEnd('room', 'alice', 0);
  await until(() => ra.log.some((e) => e[0] === 'onInviteEndByPeer'));
  a.logout();
  await until(() => ra.log.some((e) => e[0] === 'onLogout'));
  expect(ra.log.find((e) => e[0] === 'onLogout')).toEqual(['onLogout', 101]);
  b.logout();
  await until(() => rb.log.some((e) => e[0] === 'onLogout'));
  console.log(ra.log.map((e) => JSON.stringify(e)).join('\n'));
});
