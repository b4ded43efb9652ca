/**
 * The demo app served at / (demo/index.html + demo.js, a legacy Signaling web app on
 * /sdk/AgoraSig.js) in Chromium: two pages, alice and bob, go through every flow of the demo.
 * Screenshots of both pages at key points go to test-artifacts/browser/.
 */

import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { consoleErrors, launchBrowser, openTab, screenshot, startServer, type TestServer } from './helpers';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const text = (page: Page, sel: string) => page.locator(sel).textContent();
const shots: string[] = [];
const snap = async (a: Page, b: Page, step: string) => {
  shots.push(await screenshot(a, `demo-${step}-alice`), await screenshot(b, `demo-${step}-bob`));
};

test('demo: login, peer chat and presence, channel chat, members, topic, calls, logout', async () => {
  const ta = await openTab(browser, `${server.origin}/`);
  const tb = await openTab(browser, `${server.origin}/`);
  const a = ta.page;
  const b = tb.page;
  expect(await text(a, '#log')).toContain('AgoraSig 1.4.0 (sig2rtm)');

  // A refused login reaches the app's onLoginFailed (set after login() returned), then a good one.
  await a.fill('#account', 'bad account');
  await a.click('#login');
  // The code comes with its meaning.
  await a.locator('#status', { hasText: 'login failed 209 (LOGIN_E_INVALID_USER: invalid account' }).waitFor();
  expect(await a.isDisabled('#login')).toBe(false);

  // Login (Enter in the account field logs in).
  await a.fill('#account', 'alice');
  await a.press('#account', 'Enter');
  await b.fill('#account', 'bob');
  await b.click('#login');
  await a.locator('#status', { hasText: 'logged in as alice (uid ' }).waitFor();
  await b.locator('#status', { hasText: 'logged in as bob (uid ' }).waitFor();
  expect(await a.isDisabled('#login')).toBe(true);
  await snap(a, b, '1-logged-in');

  // Peer chat with online status.
  await a.fill('#peer', 'bob');
  await a.click('#check-peer');
  await a.locator('#peer-online', { hasText: /^online$/ }).waitFor();
  // The answer was about bob: changing the peer forgets it.
  await a.fill('#peer', 'bo');
  expect(await text(a, '#peer-online')).toBe('?');
  await a.fill('#peer', 'bob');
  // Enter sends, and the field is cleared.
  await a.fill('#peer-msg', 'hi bob');
  await a.press('#peer-msg', 'Enter');
  await b.locator('#messages li', { hasText: 'alice → me: hi bob' }).waitFor();
  await a.locator('#messages li', { hasText: 'me → bob: hi bob' }).waitFor();
  expect(await a.inputValue('#peer-msg')).toBe('');
  expect(await a.locator('#messages li', { hasText: '(failed)' }).count()).toBe(0);
  await b.fill('#peer', 'alice');
  await b.fill('#peer-msg', 'hi alice');
  await b.click('#send-peer');
  await a.locator('#messages li', { hasText: 'bob → me: hi alice' }).waitFor();

  // Channel chat, member list and count, a channel attribute.
  expect(await a.isDisabled('#leave')).toBe(true);
  expect(await a.isDisabled('#send-channel')).toBe(true);
  await a.click('#join');
  await a.locator('#channel-state', { hasText: 'joined lobby' }).waitFor();
  // One channel at a time: a second Join cannot hang at "joining…", it is off until Leave.
  expect(await a.isDisabled('#join')).toBe(true);
  expect(await a.isDisabled('#leave')).toBe(false);
  await b.click('#join');
  await b.locator('#channel-state', { hasText: 'joined lobby' }).waitFor();
  for (const p of [a, b]) {
    await p.locator('#member-count', { hasText: /^2$/ }).waitFor();
    await p.locator('#members li', { hasText: 'bob' }).waitFor();
    expect((await p.locator('#members li').allTextContents()).sort()).toEqual(['alice', 'bob']);
  }
  await a.fill('#channel-msg', 'room msg');
  await a.press('#channel-msg', 'Enter');
  await b.locator('#messages li', { hasText: '[lobby] alice: room msg' }).waitFor();
  await a.locator('#messages li', { hasText: '[lobby] alice: room msg' }).waitFor(); // the sender gets it too
  expect(await a.inputValue('#channel-msg')).toBe('');
  await a.fill('#topic', 'hello');
  await a.click('#set-topic');
  await b.locator('#topic-value', { hasText: /^hello$/ }).waitFor();
  await a.locator('#log', { hasText: 'topic set' }).waitFor();
  await b.fill('#topic', 'bye');
  await b.click('#set-topic');
  await a.locator('#topic-value', { hasText: /^bye$/ }).waitFor();
  await snap(a, b, '2-channel');

  // A call accepted, then ended by the callee.
  await a.click('#call');
  await b.locator('#incoming').waitFor({ state: 'visible' });
  expect(await text(b, '#caller')).toBe('alice');
  expect(await text(b, '#incoming-extra')).toBe('{"from":"demo"}');
  await a.locator('#call-state', { hasText: 'ringing bob' }).waitFor();
  await snap(a, b, '3-incoming-call');
  await b.click('#accept');
  await a.locator('#call-state', { hasText: 'in call with bob (ok)' }).waitFor();
  await b.click('#end-call');
  await a.locator('#call-state', { hasText: 'ended by bob' }).waitFor();
  await b.locator('#call-state', { hasText: /^ended$/ }).waitFor();
  expect(await a.isDisabled('#end-call')).toBe(true);

  // A call refused: the caller sees the refuse extra.
  await a.click('#call');
  await b.locator('#incoming').waitFor({ state: 'visible' });
  await b.click('#refuse');
  await a.locator('#call-state', { hasText: 'refused by bob ({"status":0})' }).waitFor();
  expect(await b.isHidden('#incoming')).toBe(true);

  // A call ended by the caller while it rings.
  await a.click('#call');
  await b.locator('#incoming').waitFor({ state: 'visible' });
  await a.locator('#call-state', { hasText: 'ringing bob' }).waitFor();
  await a.click('#end-call');
  await a.locator('#call-state', { hasText: /^ended$/ }).waitFor();
  await b.locator('#call-state', { hasText: 'ended by alice' }).waitFor();
  await b.locator('#incoming').waitFor({ state: 'hidden' });

  // A call accepted, then ended by the caller.
  await a.click('#call');
  await b.locator('#incoming').waitFor({ state: 'visible' });
  await b.click('#accept');
  await a.locator('#call-state', { hasText: 'in call with bob (ok)' }).waitFor();
  await a.click('#end-call');
  await b.locator('#call-state', { hasText: 'ended by alice' }).waitFor();
  await snap(a, b, '4-calls-done');

  // Bob leaves the channel: alice sees one member.
  await b.click('#leave');
  await b.locator('#channel-state', { hasText: /^left$/ }).waitFor();
  expect(await b.isDisabled('#join')).toBe(false);
  expect(await b.isDisabled('#leave')).toBe(true);
  await a.locator('#member-count', { hasText: /^1$/ }).waitFor();
  expect(await a.locator('#members li').allTextContents()).toEqual(['alice']);
  expect(await text(b, '#member-count')).toBe('0');

  // Bob logs out: 101, and alice sees him offline.
  await b.click('#logout');
  await b.locator('#status', { hasText: 'logged out (101 (LOGOUT_E_USER: you logged out))' }).waitFor();
  expect(await b.isDisabled('#send-peer')).toBe(true);
  await a.click('#check-peer');
  await a.locator('#peer-online', { hasText: /^offline$/ }).waitFor();
  // Alice logs out while in the channel and just after a call: nothing stays enabled that would throw.
  await a.click('#logout');
  await a.locator('#status', { hasText: 'logged out (101' }).waitFor();
  for (const id of ['#leave', '#end-call', '#join', '#send-channel', '#set-topic', '#send-peer', '#logout']) expect([id, await a.isDisabled(id)]).toEqual([id, true]);
  expect(await a.isDisabled('#login')).toBe(false);
  expect(await text(a, '#call-state')).toBe('idle');
  await snap(a, b, '5-logged-out');

  expect(await text(a, '#log')).toMatch(/onLoginSuccess \d+\n(.|\n)*onLogout 101/);
  for (const t of [ta, tb]) {
    expect(t.errors).toEqual([]);
    expect(t.httpErrors).toEqual([]);
    expect(consoleErrors(t)).toEqual([]);
  }

  // The favicon is served (no 404 in the tab's requests above).
  const icon = await fetch(`${server.origin}/favicon.ico`);
  expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);

  // The screenshots.
  expect(shots).toHaveLength(10);
  for (const file of shots) {
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
  }
});
