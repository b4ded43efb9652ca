/**
 * Console logging as the official Web SDK: `RTM:INFO` / `RTM:WARN` / `RTM:ERROR` lines, each level
 * only when `logFilter` lets it through; `updateConfig({ logFilter })` changes it at once. In Node
 * the default is silence (browser builds default to INFO: test/browser/drop-in.test.ts).
 */

import AgoraRTM from '../../src/rtm';
import { APP_ID, Harness } from '../helpers/harness';

const h = new Harness();
let lines: string[];
let spies: jest.SpyInstance[];
beforeEach(() => {
  lines = [];
  spies = (['log', 'warn', 'error'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...a: unknown[]) => void lines.push(`${level}: ${a.map(String).join(' ')}`)));
});
afterEach(async () => {
  for (const s of spies) s.mockRestore();
  await h.stop();
});

const rtmLines = () => lines.filter((l) => l.includes('RTM:'));

test('LOG_FILTER_INFO: the client, the login and each state change, as RTM:INFO lines on console.log', async () => {
  await h.start();
  const c = h.client({ logFilter: AgoraRTM.LOG_FILTER_INFO });
  await c.login({ uid: 'alice' });
  await c.logout();
  expect(rtmLines()).toEqual([
    expect.stringMatching(/^log: RTM:INFO sig2rtm client .* created for appId 012345…, server ws:\/\//),
    'log: RTM:INFO login as alice',
    'log: RTM:INFO connection state changed to CONNECTING, reason: LOGIN',
    'log: RTM:INFO connection state changed to CONNECTED, reason: LOGIN_SUCCESS',
    'log: RTM:INFO logout',
    'log: RTM:INFO connection state changed to DISCONNECTED, reason: LOGOUT',
  ]);
});

test('LOG_FILTER_ERROR shows a failed login as RTM:ERROR on console.error and nothing else; updateConfig turns INFO on', async () => {
  // A certificate, so that a bad token fails the login.
  await h.start({ apps: { [APP_ID]: { certificate: '0123456789abcdef0123456789abcdef' } } });
  const c = h.client({ logFilter: AgoraRTM.LOG_FILTER_ERROR });
  await expect(c.login({ uid: 'alice', token: '006-not-a-token' })).rejects.toHaveProperty('code', 5);
  expect(rtmLines()).toEqual([expect.stringMatching(/^error: RTM:ERROR connection state changed to DISCONNECTED, reason: LOGIN_FAILURE/)]);
  lines.length = 0;
  const later = h.client({ logFilter: AgoraRTM.LOG_FILTER_ERROR });
  later.updateConfig({ logFilter: AgoraRTM.LOG_FILTER_INFO });
  await expect(later.login({ uid: 'bob', token: '006-still-not-a-token' })).rejects.toHaveProperty('code', 5);
  expect(rtmLines()).toEqual([
    'log: RTM:INFO login as bob',
    'log: RTM:INFO connection state changed to CONNECTING, reason: LOGIN',
    expect.stringMatching(/^error: RTM:ERROR connection state changed to DISCONNECTED, reason: LOGIN_FAILURE/),
  ]);
});

test('the Node default and LOG_FILTER_OFF print nothing', async () => {
  await h.start();
  const quiet = h.client();
  const off = h.client({ logFilter: AgoraRTM.LOG_FILTER_OFF });
  await quiet.login({ uid: 'a' });
  await off.login({ uid: 'b' });
  expect(rtmLines()).toEqual([]);
});
