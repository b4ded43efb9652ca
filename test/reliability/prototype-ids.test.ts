/**
 * Issue 11, defect 11, over real sockets: '__proto__' and 'constructor' are ids like any other — as
 * a uid (online status, subscriptions), a channel (member counts) and an attribute key (user and
 * channel attributes). Compared as entry lists, so that an inherited property can never pass for
 * an own one.
 */

import { Harness, waitForEvent } from '../helpers/harness';

const h = new Harness();
beforeEach(() => h.start());
afterEach(() => h.stop());

const entries = (o: object) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
const ODD = ['__proto__', 'constructor'];

it('as uids: online status and subscriptions', async () => {
  const alice = await h.login('alice');
  await h.login('__proto__');
  expect(entries(await alice.queryPeersOnlineStatus([...ODD, 'hasOwnProperty']))).toEqual([['__proto__', true], ['constructor', false], ['hasOwnProperty', false]]);
  const announced = waitForEvent<[object]>(alice, 'PeersOnlineStatusChanged');
  await alice.subscribePeersOnlineStatus(ODD);
  expect(entries((await announced)[0])).toEqual([['__proto__', 'ONLINE'], ['constructor', 'OFFLINE']]);
  const online = waitForEvent<[object]>(alice, 'PeersOnlineStatusChanged');
  const ctor = await h.login('constructor');
  expect(entries((await online)[0])).toEqual([['constructor', 'ONLINE']]);
  const offline = waitForEvent<[object]>(alice, 'PeersOnlineStatusChanged');
  await ctor.logout();
  expect(entries((await offline)[0])).toEqual([['constructor', 'OFFLINE']]);
  expect(entries(await alice.queryPeersOnlineStatus(ODD))).toEqual([['__proto__', true], ['constructor', false]]);
});

it('as channels: member counts', async () => {
  const a = await h.login('a');
  const b = await h.login('b');
  await a.createChannel('__proto__').join();
  await b.createChannel('__proto__').join();
  await a.createChannel('constructor').join();
  expect(entries(await a.getChannelMemberCount([...ODD, 'toString']))).toEqual([['__proto__', 2], ['constructor', 1], ['toString', 0]]);
  expect(h.server.core.channelCounts().map((c) => [c.channel, c.members]).sort()).toEqual([['__proto__', 2], ['constructor', 1]]);
});

it('as attribute keys: user and channel attributes', async () => {
  const a = await h.login('a');
  const b = await h.login('b');
  const attrs = JSON.parse('{"__proto__":"p","constructor":"c","plain":"x"}') as Record<string, string>;
  await a.setLocalUserAttributes(attrs);
  expect(entries(await b.getUserAttributes('a'))).toEqual([['__proto__', 'p'], ['constructor', 'c'], ['plain', 'x']]);
  expect(entries(await b.getUserAttributesByKeys('a', ODD))).toEqual([['__proto__', 'p'], ['constructor', 'c']]);
  expect(entries(await b.getUserAttributesByKeys('a', ['toString']))).toEqual([]);
  await a.setChannelAttributes('room', attrs);
  const got = await b.getChannelAttributesByKeys('room', ODD);
  expect(entries(got).map(([k, v]) => [k, (v as { value: string }).value])).toEqual([['__proto__', 'p'], ['constructor', 'c']]);
  expect(entries(await b.getChannelAttributesByKeys('room', ['hasOwnProperty']))).toEqual([]);
});
