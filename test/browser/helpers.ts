/**
 * Shared set-up of the browser tests: the real `sig2rtm serve` service (development mode, memory
 * store, port 0) serving the bundles and the demo, a plain "app" origin that loads only one bundle
 * from that service, and Debian's Chromium driven by playwright-core. A missing bundle or a missing
 * Chromium is a failure with a message saying what to do, never a skipped test.
 */

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/service/config';
import { startService, type Service } from '../../src/service/service';

export const APP_ID = '0123456789abcdef0123456789abcdef';
export const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'browser');
export const BUNDLES = ['AgoraSig.js', 'agora-rtm-sdk.js'].map((f) => path.join(ROOT, 'dist', 'browser', f));

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Fails unless both browser bundles exist. */
export function requireBundles(): void {
  const missing = BUNDLES.filter((f) => !fs.existsSync(f) || fs.statSync(f).size === 0);
  if (missing.length > 0) {
    throw new Error(`browser bundle(s) missing: ${missing.map((f) => path.relative(ROOT, f)).join(', ')}. Run \`npm run build\` before the browser tests.`);
  }
}

/** Fails unless Debian's Chromium is installed. */
export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run \`bash scripts/ensure-system-deps.sh\` (npm test runs it as pretest).`);
  }
}

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  requireBundles();
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface TestServer {
  service: Service;
  /** http://127.0.0.1:<port>: where the bundles and the demo are served. */
  origin: string;
  close(): Promise<void>;
}

/** The service as `sig2rtm serve --dev --store memory --port 0 --log-level silent` runs it. */
export async function startServer(flags: Record<string, string | boolean> = {}): Promise<TestServer> {
  const service = await startService(loadConfig({ env: {}, flags: { dev: true, store: 'memory', port: '0', 'log-level': 'silent', ...flags } }));
  const u = new URL(service.url);
  const origin = `${u.protocol === 'wss:' ? 'https' : 'http'}://${u.host}`;
  return { service, origin, close: () => service.shutdown() };
}

export interface AppServer {
  /** http://localhost:<port>: a different origin from the sig2rtm service. */
  origin: string;
  /** A page that loads only `scriptUrl` (one `<script src>`). */
  pageFor(scriptUrl: string): string;
  close(): Promise<void>;
}

/**
 * A plain web server standing for the legacy app's own site: its pages load one SDK bundle from
 * the sig2rtm service, so the bundle must find its server from the script's address, not the page's.
 * (It is on loopback too: Chromium does not let a public page reach loopback addresses.)
 */
export async function startAppServer(): Promise<AppServer> {
  const server = http.createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src');
    if (!src) return void res.writeHead(404).end();
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>plain</title><script src="${src.replace(/["<>&]/g, '')}"></script></head><body>plain page</body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageFor: (scriptUrl) => `${origin}/plain?src=${encodeURIComponent(scriptUrl)}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Tab {
  page: Page;
  /** Console messages, as "type: text". */
  console: string[];
  /** Uncaught page errors. */
  errors: string[];
  /** Responses with an HTTP error status (the browser's own /favicon.ico request aside). */
  httpErrors: string[];
}

/** Console lines of type error, apart from the browser's own "Failed to load resource" (see httpErrors). */
export function consoleErrors(tab: Tab): string[] {
  return tab.console.filter((l) => l.startsWith('error:') && !l.includes('Failed to load resource'));
}

/** A new page with its console and uncaught errors recorded, at `url`. */
export async function openTab(browser: Browser, url: string): Promise<Tab> {
  const page = await browser.newPage();
  page.setDefaultTimeout(5000);
  const tab: Tab = { page, console: [], errors: [], httpErrors: [] };
  page.on('console', (m) => void tab.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => void tab.errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') tab.httpErrors.push(`${r.status()} ${r.url()}`);
  });
  const res = await page.goto(url);
  if (!res?.ok()) throw new Error(`${url}: HTTP ${res?.status()}`);
  return tab;
}

/** Saves a full-page screenshot to test-artifacts/browser/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
