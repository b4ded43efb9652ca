/**
 * The admin console (/admin/, served only with an admin token configured) in Chromium: a wrong
 * token is refused, the right one shows online users, channels with members and the message rate,
 * and Kick ends a user's session (its client goes ABORTED). Screenshots in test-artifacts/browser/.
 */

import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import AgoraRTM, { type RtmClient } from '../../src/rtm';
import { until } from '../helpers/harness';
import { APP_ID, consoleErrors, launchBrowser, openTab, screenshot, startServer, type TestServer } from './helpers';

const TOKEN = 'admin-console-token-0123';
let server: TestServer;
let browser: Browser;
const clients: RtmClient[] = [];

beforeAll(async () => {
  server = await startServer({ 'admin-token': TOKEN });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of clients) {
    c.removeAllListeners();
    await c.logout().catch(() => undefined);
  }
  await browser?.close();
  await server?.close();
});

async function login(uid: string): Promise<RtmClient> {
  const c = AgoraRTM.createInstance(APP_ID, { serverUrl: server.service.url });
  clients.push(c);
  await c.login({ uid });
  return c;
}

test('no console without an admin token', async () => {
  const bare = await startServer();
  try {
    expect((await fetch(`${bare.origin}/admin/`)).status).toBe(404);
  } finally {
    await bare.close();
  }
});

test('users, channels, message rate and kick', async () => {
  const alice = await login('alice');
  const bob = await login('bob');
  await alice.createChannel('lobby').join();
  await bob.createChannel('lobby').join();
  await bob.createChannel('quiet').join();

  const tab = await openTab(browser, `${server.origin}/admin/`);
  const page = tab.page;
  await page.fill('#token', 'not-the-token');
  await page.click('#connect');
  await page.locator('#error', { hasText: 'wrong admin token' }).waitFor();

  await page.fill('#token', TOKEN);
  await page.click('#connect');
  await page.locator('#users-count', { hasText: /^2$/ }).waitFor();
  expect(await page.locator('#error').textContent()).toBe('');
  expect(await page.locator('#channels-count').textContent()).toBe('2');
  const rows = await page.locator('#channels tr').allTextContents();
  expect(rows.sort()).toEqual([`${APP_ID}lobby2`, `${APP_ID}quiet1`]);
  expect((await page.locator('#users tr td:nth-child(2)').allTextContents()).sort()).toEqual(['alice', 'bob']);

  // Messages flow: the rate (from the counter's growth between two refreshes) goes above zero.
  const sending = setInterval(() => void alice.sendMessageToPeer({ text: 'tick' }, 'bob').catch(() => undefined), 50);
  try {
    await page.waitForFunction(() => Number(document.getElementById('rate')?.textContent) > 0, undefined, { timeout: 8000 });
  } finally {
    clearInterval(sending);
  }
  const shot = await screenshot(page, 'admin-console-users');

  // Kick bob from the console.
  const states: string[] = [];
  bob.on('ConnectionStateChanged', (s: string, why: string) => states.push(`${s} ${why}`));
  await page.click('#users button.kick[data-uid="bob"]');
  await until(() => states.includes('ABORTED BANNED_BY_SERVER'), 3000, 'bob ABORTED');
  await page.locator('#users-count', { hasText: /^1$/ }).waitFor();
  expect(await page.locator('#users tr td:nth-child(2)').allTextContents()).toEqual(['alice']);
  const after = await screenshot(page, 'admin-console-after-kick');

  for (const file of [shot, after]) expect(fs.statSync(file).size).toBeGreaterThan(1000);
  expect(tab.errors).toEqual([]);
  expect(consoleErrors(tab).filter((e) => !e.includes('401'))).toEqual([]);
});
