/**
 * Presence after a closed tab: a close the client begins with 1001 (browsers send it when the page
 * is closed or navigated away; test/browser/closed-tab.test.ts shows Chromium doing so) ends the
 * session at once: subscribers see OFFLINE, channel members see MemberLeft, status queries say
 * offline. A network drop (1006) keeps today's behaviour: the session waits for a resume.
 */

import { APP_ID, Harness, type RawSocket, until, waitForEvent } from '../helpers/harness';

const h = new Harness();
afterEach(() => h.stop());

async function rawLogin(uid: string, channel: string): Promise<RawSocket> {
  const s = await h.raw();
  s.send({ t: 'login', rid: 1, v: 1, appId: APP_ID, uid });
  expect(await s.next((f) => f.t === 'res' && f.rid === 1)).toMatchObject({ ok: true });
  s.send({ t: 'join', rid: 2, ch: channel });
  expect(await s.next((f) => f.t === 'res' && f.rid === 2)).toMatchObject({ ok: true });
  return s;
}

test('a close with 1001 ends the session at once: OFFLINE, MemberLeft, and status queries say offline', async () => {
  await h.start();
  const watcher = await h.login('watcher');
  await watcher.subscribePeersOnlineStatus(['tab']);
  const room = watcher.createChannel('room');
  await room.join();
  const joined = waitForEvent(room, 'MemberJoined');
  const tab = await rawLogin('tab', 'room');
  await joined;
  const offline = waitForEvent<[Record<string, string>]>(watcher, 'PeersOnlineStatusChanged');
  const left = waitForEvent<[string]>(room, 'MemberLeft');
  tab.ws.close(1001, 'page closed');
  expect(await left).toEqual(['tab']);
  expect(await offline).toEqual([{ tab: 'OFFLINE' }]);
  expect(await watcher.queryPeersOnlineStatus(['tab'])).toEqual({ tab: false });
});

test('a network drop (1006) keeps the session for a resume: still online, no MemberLeft', async () => {
  await h.start();
  const watcher = await h.login('watcher');
  const room = watcher.createChannel('room');
  await room.join();
  const joined = waitForEvent(room, 'MemberJoined');
  const tab = await rawLogin('tab', 'room');
  await joined;
  let leftEvents = 0;
  room.on('MemberLeft', () => void leftEvents++);
  tab.ws.terminate();
  // Once the server has seen the drop (the watcher's socket alone is left), the member is still there.
  await until(() => h.server.core.connectionCount === 1, 3000, 'the server sees the drop');
  expect(await watcher.queryPeersOnlineStatus(['tab'])).toEqual({ tab: true });
  expect(await room.getMembers()).toEqual(expect.arrayContaining(['tab', 'watcher']));
  expect(leftEvents).toBe(0);
});
