/**
 * Legacy built-in channel attributes and special channels across nodes (issue 13 item 5): two
 * `sig2rtm serve --redis` processes and one real redis-server. Counts come from the shared store,
 * settings changed on one node hold on the other, and the special channels hear events of users on
 * any node.
 */

import { AgoraAPI, type ICallBack } from '../../src/legacy';
import { APP_ID, sleep, until } from '../helpers/harness';
import { Node, RedisServer, uniq } from './helpers';

const redis = new RedisServer();
const nodes: Node[] = [];
let A: string, B: string;

beforeAll(async () => {
  await redis.start();
  nodes.push(...(await Promise.all([0, 1].map(() => Node.start(redis.url)))));
  [A, B] = nodes.map((n) => n.url) as [string, string];
}, 30_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.stop();
});

type Entry = [string, ...unknown[]];
const made: AgoraAPI[] = [];
afterEach(async () => {
  for (const api of made.splice(0)) {
    await api.getRtmClient()?.logout().catch(() => undefined);
    api.destroy();
  }
});

/** A legacy native instance on `url`, logged in as `account`, every callback recorded. */
async function legacy(url: string, account: string): Promise<{ api: AgoraAPI; log: Entry[]; of: (name: string) => unknown[][] }> {
  const api = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: url });
  made.push(api);
  const log: Entry[] = [];
  api.callbackSet(new Proxy<ICallBack>({}, {
    get: (_t, name: string) => (name === 'onLog' ? undefined : (...args: unknown[]) => log.push([name, ...args])),
  }));
  api.login2(APP_ID, account, '_no_need_token', 0, '', 5, 1);
  await until(() => api.getStatus() === 2, 5000, `${account} logged in`);
  return { api, log, of: (name) => log.filter((e) => e[0] === name).map((e) => e.slice(1)) };
}

async function joined(url: string, account: string, channel: string): ReturnType<typeof legacy> {
  const l = await legacy(url, account);
  l.api.channelJoin(channel);
  await until(() => l.of('onChannelUserList').length === 1, 3000, `${account} in ${channel}`);
  return l;
}

/** The channel an `__agora_channel_event` message is about. */
const about = (e: unknown[]): string => (JSON.parse(String(e[3])) as { channel: string }).channel;

const lastMemberNum = (l: Awaited<ReturnType<typeof legacy>>) => l.of('onChannelAttrUpdated').filter((e) => e[1] === '_member_num').at(-1)?.[2];

test('_member_num counts the members of both nodes, and every member hears it', async () => {
  const ch = uniq('num');
  const x = await joined(A, uniq('x'), ch);
  x.api.channelSetAttr(ch, '_auto_update_num', '1');
  await until(() => x.of('onChannelAttrUpdated').length === 1, 3000, 'set');
  const y = await joined(B, uniq('y'), ch);
  await joined(B, uniq('z'), ch);
  await until(() => lastMemberNum(x) === '3' && lastMemberNum(y) === '3', 5000, `_member_num 3 on both nodes (${JSON.stringify(x.log)})`);
  y.api.channelLeave(ch);
  await until(() => lastMemberNum(x) === '2', 5000, '_member_num 2 after a leave on the other node');
});

test('_userNotification set through one node silences joins on the other', async () => {
  const ch = uniq('quiet');
  const y = await joined(B, uniq('y'), ch); // node B has read the channel's settings (defaults)
  const xa = uniq('x');
  const x = await joined(A, xa, ch);
  await until(() => y.of('onChannelUserJoined').length === 1, 3000, 'y hears x');
  x.api.channelSetAttr(ch, '_userNotification', '0');
  await until(() => y.of('onChannelAttrUpdated').length === 1, 3000, 'y hears the setting');
  const w = uniq('w');
  await joined(B, w, ch);
  x.api.channelQueryUserNum(ch);
  await until(() => x.of('onChannelQueryUserNumResult').length === 1, 3000, 'count');
  expect(x.of('onChannelQueryUserNumResult')[0]).toEqual([ch, 0, 3]);
  await sleep(200);
  expect(x.of('onChannelUserJoined')).toEqual([]);
  expect(y.of('onChannelUserJoined').map((e) => e[0])).toEqual([xa]);
});

test('__agora_user_online and __agora_channel_event hear users of the other node', async () => {
  const online = await joined(A, uniq('mon'), '__agora_user_online');
  const events = await joined(B, uniq('mon'), '__agora_channel_event');
  const u = uniq('u');
  const user = await legacy(B, u);
  await until(() => online.of('onChannelUserJoined').some((e) => e[0] === u), 3000, 'login heard on the other node');
  const ch = uniq('room');
  const other = await legacy(A, uniq('v'));
  other.api.channelJoin(ch);
  user.api.channelJoin(ch);
  await until(() => events.of('onMessageChannelReceive').filter((e) => about(e) === ch).length === 2, 3000, 'joins heard');
  user.api.logout();
  await until(() => online.of('onChannelUserLeaved').some((e) => e[0] === u), 3000, 'logout heard on the other node');
  await until(() => events.of('onMessageChannelReceive').filter((e) => about(e) === ch).length === 3, 3000, 'leave heard');
  const texts = events.of('onMessageChannelReceive').filter((e) => e[0] === '__agora_channel_event' && about(e) === ch).map((e) => JSON.parse(String(e[3])) as unknown);
  expect(texts).toEqual(expect.arrayContaining([{ event: 'join', channel: ch, account: u }, { event: 'leave', channel: ch, account: u }]));
});
