/**
 * Issue 11, defects 1 and 13, against a real `sig2rtm serve` process: no HTTP request ends the
 * process (malformed request targets get a 4xx, the server keeps serving), and error output never
 * shows a certificate or the admin token.
 */

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { APP_ID, APP_ID_2 } from '../helpers/harness';
import { getTarget, rawHttp, requireBuild, startServerProcess, stopServerProcesses } from './helpers/server-process';

const CERT = '5cfd2fd1755d40ecb72977518be15d3b';
const ADMIN = 'admin-secret-0123456789abcdef';

beforeAll(requireBuild);
afterEach(stopServerProcesses);

describe('malformed HTTP requests', () => {
  // Each of these made `new URL(...)` throw inside a route handler and the process exit.
  const TARGETS = ['//[', 'http://[/', '//x:99999/', '//a:b@[/', '//[/healthz', 'http://[::1/admin/users', '/sdk/%', '/admin/users?appId=%zz'];

  it.each(TARGETS)('%s gets a 4xx and the process keeps serving', async (target) => {
    const proc = await startServerProcess(['--store', 'memory', '--admin-token', ADMIN]);
    const { status } = await getTarget(proc.port, target);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect((await getTarget(proc.port, '/healthz')).status).toBe(200);
    expect(proc.alive()).toBe(true);
  });

  it('garbage, an upgrade to a malformed target and a half-sent request leave the process up', async () => {
    const proc = await startServerProcess(['--store', 'memory']);
    expect((await rawHttp(proc.port, 'NOT HTTP AT ALL\r\n\r\n')).status).toBe(400);
    const upgrade = `GET //[ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    expect((await rawHttp(proc.port, upgrade)).status).toBe(400);
    const bigHeader = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`;
    expect((await rawHttp(proc.port, bigHeader)).status).toBe(431);
    expect((await getTarget(proc.port, '/healthz')).status).toBe(200);
    expect(proc.alive()).toBe(true);
  });
});

describe('secrets in error output', () => {
  const BIN = path.resolve(__dirname, '../../bin/sig2rtm.cjs');
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 10_000 });

  it('a bad second --app does not print the first app’s certificate', () => {
    const r = run(['serve', '--port', '0', '--store', 'memory', '--app', `${APP_ID}:${CERT}`, '--app', `${APP_ID_2}:short`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`certificate of ${APP_ID_2} must be 32 characters`);
    expect(r.stderr).toContain(APP_ID);
    expect(r.stderr).not.toContain(CERT);
    expect(r.stdout).not.toContain(CERT);
  });

  it('a bad app list in the environment does not print certificates either', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--store', 'memory'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', SIG2RTM_APP: `${APP_ID}:${CERT},nonsense:${CERT}` },
      timeout: 10_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('SIG2RTM_APP');
    expect(r.stderr).not.toContain(CERT);
  });
});
