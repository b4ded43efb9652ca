/**
 * The drop-in packages in real builds: two fixture apps written against the official packages
 * (`import AgoraRTM from 'agora-rtm-sdk'`, `import Signal from 'agora-signaling-sdk'`), with the
 * packed drop-ins installed under those names, built by webpack 4, webpack 5, esbuild and vite
 * (all from the npm registry, devDependencies), then run in Chromium against a sig2rtm server:
 * the RTM app and the legacy app log in and exchange peer messages.
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { consoleErrors, launchBrowser, openTab, startServer, type TestServer } from '../browser/helpers';
import { ROOT, requireBuild } from './packed';

const run = promisify(execFile);
const BUNDLERS = ['esbuild', 'webpack4', 'webpack5', 'vite'] as const;
const BASE = path.join(ROOT, 'test-artifacts', 'bundlers');

/** `npm pack` of a built drop-in package, unpacked as `as` into each app's node_modules (what `npm install <tarball>` does). */
async function packDropIn(name: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', path.join(ROOT, 'dist', 'packages', name), '--json', '--pack-destination', BASE], { cwd: BASE });
  return path.join(BASE, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
}

async function makeApp(bundler: string, tarballs: Record<string, string>): Promise<string> {
  const app = path.join(BASE, bundler);
  fs.rmSync(app, { recursive: true, force: true });
  fs.mkdirSync(path.join(app, 'src'), { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: `fixture-${bundler}`, private: true, version: '1.0.0' }));
  for (const f of fs.readdirSync(path.join(__dirname, 'fixtures', 'src'))) {
    fs.copyFileSync(path.join(__dirname, 'fixtures', 'src', f), path.join(app, 'src', f));
  }
  for (const [as, tarball] of Object.entries(tarballs)) {
    const dir = path.join(app, 'node_modules', as);
    fs.mkdirSync(dir, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  }
  return app;
}

let server: TestServer;
let statics: http.Server;
let staticOrigin: string;
let browser: Browser;
const builds = new Map<string, Promise<void>>();

beforeAll(async () => {
  requireBuild();
  fs.mkdirSync(BASE, { recursive: true });
  const tarballs = { 'agora-rtm-sdk': await packDropIn('agora-rtm-sdk'), 'agora-signaling-sdk': await packDropIn('agora-signaling-sdk') };
  // Two builds at a time (two cores); each test waits for its own.
  let chain: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
  BUNDLERS.forEach((bundler, i) => {
    const env = { ...process.env, ...(bundler === 'webpack4' ? { NODE_OPTIONS: '--openssl-legacy-provider' } : {}) };
    const build = chain[i % 2]!.then(async () => {
      const app = await makeApp(bundler, tarballs);
      await run(process.execPath, [path.join(__dirname, 'build-fixture.mjs'), bundler, app], { env, cwd: app });
    });
    chain[i % 2] = build.catch(() => undefined);
    builds.set(bundler, build);
    build.catch(() => undefined); // reported by the bundler's own test
  });
  chain = [];
  server = await startServer();
  statics = http.createServer((req, res) => {
    const file = path.normalize(path.join(BASE, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!file.startsWith(BASE) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end();
    const type = file.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8';
    res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => statics.listen(0, '127.0.0.1', resolve));
  staticOrigin = `http://127.0.0.1:${(statics.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => statics?.close(() => resolve()));
  await server?.close();
});

async function until(p: Page, fn: string, what: string): Promise<void> {
  try {
    await p.waitForFunction(fn, undefined, { timeout: 5000, polling: 20 });
  } catch {
    throw new Error(`${what}: ${fn} never became true; log: ${JSON.stringify(await p.evaluate('window.log'))}`);
  }
}

test.each(BUNDLERS)('%s: the RTM app and the legacy app, built against the official packages, talk through sig2rtm', async (bundler) => {
  await builds.get(bundler);
  const pageUrl = (name: string, uid: string) => `${staticOrigin}/${bundler}/out/${name}.html?uid=${uid}&server=${encodeURIComponent(server.service.url)}`;
  const legacy = await openTab(browser, pageUrl('sig-app', `bob-${bundler}`));
  const rtm = await openTab(browser, pageUrl('rtm-app', `alice-${bundler}`));
  await until(legacy.page, "log.some((e) => e[0] === 'onChannelJoined')", 'the legacy app logs in and joins');
  await until(rtm.page, "log.some((e) => e[0] === 'loggedIn')", 'the RTM app logs in');
  await rtm.page.evaluate(`sendTo('bob-${bundler}', 'hi')`);
  await until(rtm.page, "log.some((e) => e[0] === 'MessageFromPeer') && log.some((e) => e[0] === 'sent')", 'the RTM app hears the echo');
  const log = await rtm.page.evaluate<unknown[][]>('log');
  expect(log.slice(0, 3)).toEqual([
    ['ConnectionStateChanged', 'CONNECTING', 'LOGIN'],
    ['ConnectionStateChanged', 'CONNECTED', 'LOGIN_SUCCESS'],
    ['loggedIn', '1.5.1'],
  ]);
  // The echo may arrive before the send's own result: either order.
  expect(log.slice(3)).toHaveLength(2);
  expect(log.slice(3)).toEqual(expect.arrayContaining([['sent', true], ['MessageFromPeer', 'echo hi', `bob-${bundler}`]]));
  expect(await legacy.page.evaluate('log')).toEqual([
    ['onLoginSuccess', 'number'],
    ['onChannelJoined'],
    ['onMessageInstantReceive', `alice-${bundler}`, 'hi'],
    ['replied', false],
  ]);
  for (const t of [legacy, rtm]) expect([...consoleErrors(t), ...t.errors, ...t.httpErrors]).toEqual([]);
  await Promise.all([legacy.page.close(), rtm.page.close()]);
}, 120_000);
