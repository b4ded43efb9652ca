/**
 * The `sig2rtm` command as users run it (`node bin/sig2rtm.cjs …`, which runs dist/cjs/cli.js):
 * exit codes and messages for bad values, `sig2rtm token`, `--help`, and `serve --dev` from
 * start to SIGTERM.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import AgoraRTM, { type RtmClient } from '../../src/rtm';
import { verifyToken } from '../../src/rtm-core/auth/verify';
import { APP_ID, sleep, until } from '../helpers/harness';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/sig2rtm.cjs');
const CERT = '0123456789ABCDEF0123456789abcdef';

let cwd: string;
beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist/cjs/cli.js'))) throw new Error('dist/cjs/cli.js is missing: run `npm run build` (npm test builds first)');
  // Any ./data the server makes goes here, not into the repository.
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-cli-'));
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

/** The environment without any SIG2RTM_* of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIG2RTM_'))), ...extra };
}

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

function launch(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs the command to completion (it must finish within `ms`). */
async function run(args: string[], env: Record<string, string> = {}, ms = 8000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = launch(args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), ms);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

const clients: RtmClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.removeAllListeners();
    await Promise.race([c.logout().catch(() => undefined), sleep(500)]);
  }
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function get(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: p, headers: { connection: 'close' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

async function waitListening(p: Spawned): Promise<{ url: string; port: number }> {
  await until(() => /listening on wss?:\/\/\S+/.test(p.stderr()) || p.child.exitCode !== null, 8000, `"listening on" (got ${p.stdout()}${p.stderr()})`);
  const m = /listening on (wss?:\/\/[^\s:]+:(\d+)\/rtm)/.exec(p.stderr());
  if (!m) throw new Error(`no listening line:\n${p.stdout()}\n${p.stderr()}`);
  return { url: m[1]!, port: Number(m[2]) };
}

describe('sig2rtm serve: bad values exit 2 naming the option', () => {
  test.each([
    ['--port abc', ['serve', '--dev', '--port', 'abc'], {}, '--port'],
    ['--port 70000', ['serve', '--dev', '--port', '70000'], {}, '--port'],
    ['SIG2RTM_PORT=-1', ['serve', '--dev'], { SIG2RTM_PORT: '-1' }, 'SIG2RTM_PORT'],
    ['--log-level loud', ['serve', '--dev', '--log-level', 'loud'], {}, '--log-level'],
    ['--store redis', ['serve', '--dev', '--store', 'redis'], {}, '--store'],
    ['--rate-send 5', ['serve', '--dev', '--rate-send', '5'], {}, '--rate-send'],
    ['--dev maybe', ['serve', '--dev', 'maybe'], {}, '--dev'],
    ['--app short', ['serve', '--app', 'short'], {}, '--app'],
    ['no app and no --dev', ['serve'], {}, '--app'],
    ['a missing --config file', ['serve', '--config', 'no-such-file.json'], {}, 'config file no-such-file.json'],
    ['--tls-key alone', ['serve', '--dev', '--tls-key', BIN], {}, '--tls-key'],
  ] as const)('%s', async (_what, args, env, names) => {
    const r = await run([...args], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(names);
    expect(r.stderr).toMatch(/^sig2rtm: /);
    expect(r.stdout).not.toContain('listening');
  });

  test('a port already in use: one line naming --port and the port, exit 2', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const r = await run(['serve', '--dev', '--store', 'memory', '--port', String(port)]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`sig2rtm: --port: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('sig2rtm token', () => {
  const uid = 'alice';
  test.each(['007', '006', 'legacy'] as const)('--type %s prints a token verifyToken accepts for that uid only', async (type) => {
    const r = await run(['token', '--type', type, '--app-id', APP_ID, '--certificate', CERT, '--uid', uid, '--expire', '600']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token.split('\n')).toHaveLength(1);
    expect(token.startsWith(type === 'legacy' ? '1:' : type)).toBe(true);
    const nowSec = Math.floor(Date.now() / 1000);
    const ok = verifyToken({ appId: APP_ID, certificate: CERT, uid, token, nowSec });
    expect(ok).toMatchObject({ ok: true, kind: type });
    // The lifetime is --expire seconds from now.
    const expiresAt = (ok as { expiresAt: number }).expiresAt;
    expect(expiresAt).toBeGreaterThanOrEqual(nowSec + 600 - 10);
    expect(expiresAt).toBeLessThanOrEqual(nowSec + 600 + 1);
    expect(verifyToken({ appId: APP_ID, certificate: CERT, uid: 'bob', token, nowSec }).ok).toBe(false);
    expect(verifyToken({ appId: APP_ID, certificate: CERT.toLowerCase(), uid, token, nowSec }).ok).toBe(false);
    expect(verifyToken({ appId: APP_ID, certificate: CERT, uid, token, nowSec: expiresAt }).ok).toBe(false);
  });

  test('the default type is 007 and the default lifetime an hour', async () => {
    const r = await run(['token', '--app-id', APP_ID, '--certificate', CERT, '--uid', uid]);
    expect(r.code).toBe(0);
    const nowSec = Math.floor(Date.now() / 1000);
    const v = verifyToken({ appId: APP_ID, certificate: CERT, uid, token: r.stdout.trim(), nowSec });
    expect(v).toMatchObject({ ok: true, kind: '007' });
    expect((v as { expiresAt: number }).expiresAt).toBeGreaterThanOrEqual(nowSec + 3600 - 10);
    expect((v as { expiresAt: number }).expiresAt).toBeLessThanOrEqual(nowSec + 3600 + 1);
  });

  test.each(['0', '-5', 'abc', '1.5', ''])('--expire %p exits 2 naming --expire', async (expire) => {
    const r = await run(['token', '--app-id', APP_ID, '--certificate', CERT, '--uid', uid, '--expire', expire]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--expire');
    expect(r.stdout).toBe('');
  });

  test('a bad --app-id or --certificate exits 2 naming it; a bad --type or a missing --uid fails', async () => {
    const badApp = await run(['token', '--app-id', 'short', '--certificate', CERT, '--uid', uid]);
    expect([badApp.code, badApp.stderr.includes('--app-id')]).toEqual([2, true]);
    const badCert = await run(['token', '--app-id', APP_ID, '--certificate', 'short', '--uid', uid]);
    expect([badCert.code, badCert.stderr.includes('--certificate')]).toEqual([2, true]);
    const badType = await run(['token', '--type', '008', '--app-id', APP_ID, '--certificate', CERT, '--uid', uid]);
    expect(badType.code).not.toBe(0);
    expect(badType.stderr).toContain('--type');
    expect(badType.stdout).toBe('');
    const noUid = await run(['token', '--app-id', APP_ID, '--certificate', CERT]);
    expect(noUid.code).not.toBe(0);
    expect(noUid.stderr).toContain('--uid');
  });

  test('a server started with that certificate accepts the minted tokens for their uid only', async () => {
    const tokens: Record<string, string> = {};
    for (const type of ['007', '006', 'legacy']) {
      tokens[type] = (await run(['token', '--type', type, '--app-id', APP_ID, '--certificate', CERT, '--uid', `u${type}`])).stdout.trim();
    }
    const srv = launch(['serve', '--app', `${APP_ID}:${CERT}`, '--port', '0', '--store', 'memory', '--log-level', 'warn']);
    const { url } = await waitListening(srv);
    for (const [type, token] of Object.entries(tokens)) {
      const good = AgoraRTM.createInstance(APP_ID, { serverUrl: url });
      clients.push(good);
      await good.login({ uid: `u${type}`, token });
      const thief = AgoraRTM.createInstance(APP_ID, { serverUrl: url });
      clients.push(thief);
      // Someone else's token: INVALID_ARGUMENT (3, uid mismatch) or INVALID_TOKEN (5).
      const err = (await thief.login({ uid: 'mallory', token }).then(() => undefined, (e: unknown) => e)) as { code?: number } | undefined;
      expect([type, [3, 5].includes(err?.code ?? -1)]).toEqual([type, true]);
    }
    srv.child.kill('SIGTERM');
    expect((await srv.exited).code).toBe(0);
  });
});

describe('help', () => {
  test.each([[['--help']], [['serve', '--help']], [['token', '--help']], [['help', 'serve']]])('%j exits 0 with usage', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: sig2rtm/m);
  });

  test('the top-level help lists both commands; --version prints the version', async () => {
    const r = await run(['--help']);
    expect(r.stdout).toMatch(/^\s+serve\b/m);
    expect(r.stdout).toMatch(/^\s+token\b/m);
    const v = await run(['--version']);
    expect([v.code, v.stdout.trim()]).toEqual([0, (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version]);
  });

  test('an unknown command or option fails', async () => {
    expect((await run(['frobnicate'])).code).not.toBe(0);
    const r = await run(['serve', '--dev', '--no-such-option']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--no-such-option');
  });
});

describe('sig2rtm serve --dev --port 0', () => {
  test('starts, says where it listens, answers /healthz, warns about dev mode, and exits 0 on SIGTERM at once', async () => {
    const srv = launch(['serve', '--dev', '--port', '0']);
    const { url, port } = await waitListening(srv);
    expect(url).toBe(`ws://127.0.0.1:${port}/rtm`);
    expect(port).toBeGreaterThan(0);
    const h = await get(port, '/healthz');
    expect([h.status, JSON.parse(h.body)]).toEqual([200, { status: 'ok' }]);
    expect((await get(port, '/readyz')).status).toBe(200);
    expect(srv.stdout()).toContain('DEVELOPMENT MODE');
    // The default store: SQLite in ./data.
    expect(fs.existsSync(path.join(cwd, 'data', 'sig2rtm.db'))).toBe(true);

    // A connected client does not hold the shutdown up: it is told to reconnect.
    const c = AgoraRTM.createInstance(APP_ID, { serverUrl: url, reconnect: { minMs: 20, maxMs: 100 } });
    clients.push(c);
    await c.login({ uid: 'alice' });
    const states: string[] = [];
    c.on('ConnectionStateChanged', (s: string) => states.push(s));

    const t0 = Date.now();
    srv.child.kill('SIGTERM');
    const exit = await srv.exited;
    const took = Date.now() - t0;
    expect(exit).toEqual({ code: 0, signal: null });
    // Well inside the default 10 s bound.
    expect(took).toBeLessThan(3000);
    await until(() => states.includes('RECONNECTING'), 2000, 'client RECONNECTING');
    await expect(get(port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  test('SIGINT stops it too; --shutdown-timeout-ms bounds the stop', async () => {
    const srv = launch(['serve', '--dev', '--port', '0', '--store', 'memory', '--shutdown-timeout-ms', '300', '--log-level', 'warn']);
    const { port } = await waitListening(srv);
    // A client that completes the WebSocket handshake and then never answers, not even the close.
    const deaf = net.connect(port, '127.0.0.1');
    let head = '';
    deaf.on('data', (d: Buffer) => (head += d.toString('latin1')));
    deaf.write(
      `GET /rtm HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    try {
      await until(() => head.includes('\r\n\r\n'), 3000, 'WebSocket handshake');
      expect(head).toMatch(/^HTTP\/1\.1 101 /);
      const t0 = Date.now();
      srv.child.kill('SIGINT');
      expect(await srv.exited).toEqual({ code: 0, signal: null });
      const took = Date.now() - t0;
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(2000);
    } finally {
      deaf.destroy();
    }
  });
});

describe('start-up failures: one line naming the option and the file, exit 2, no hang', () => {
  /** A self-signed key and certificate (PEM) made by openssl, in a fresh folder. */
  function pem(name: string): { key: string; cert: string } {
    const key = path.join(cwd, `${name}.key`);
    const cert = path.join(cwd, `${name}.crt`);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    return { key, cert };
  }

  async function failsWith(args: string[], line: string | RegExp): Promise<void> {
    const r = await run(['serve', '--dev', '--port', '0', '--log-level', 'silent', ...args]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(r.stdout).toBe('');
  }

  test('a --host that is not an address of this machine, or no host at all', async () => {
    await failsWith(['--store', 'memory', '--host', '203.0.113.9'], /^sig2rtm: --host: cannot listen on "203\.0\.113\.9": not an address of this machine$/);
    await failsWith(['--store', 'memory', '--host', 'no-such-host.invalid'], /^sig2rtm: --host: cannot listen on "no-such-host\.invalid": not a known host/);
  });

  test('a --data-dir under /proc (it used to hang), a file, or below a file', async () => {
    await failsWith(['--data-dir', '/proc/sig2rtm-data'], /^sig2rtm: --data-dir: \/proc\/sig2rtm-data is on a kernel pseudo file system/);
    const file = path.join(cwd, 'plain-file');
    fs.writeFileSync(file, 'x');
    await failsWith(['--data-dir', file], new RegExp(`^sig2rtm: --data-dir: ${file} is not a directory$`));
    await failsWith(['--data-dir', path.join(file, 'below')], new RegExp(`^sig2rtm: --data-dir: cannot create ${file}/below \\(ENOTDIR\\)$`));
  });

  test('TLS files that are not PEM, or a certificate of another key', async () => {
    const a = pem('a');
    const b = pem('b');
    const junk = path.join(cwd, 'junk.pem');
    fs.writeFileSync(junk, 'not a pem file\n');
    await failsWith(['--store', 'memory', '--tls-key', junk, '--tls-cert', a.cert], `sig2rtm: --tls-key: ${junk} is not a PEM private key`);
    await failsWith(['--store', 'memory', '--tls-key', a.key, '--tls-cert', junk], `sig2rtm: --tls-cert: ${junk} is not a PEM certificate`);
    await failsWith(['--store', 'memory', '--tls-key', a.key, '--tls-cert', b.cert], `sig2rtm: --tls-cert: ${b.cert} does not match the key in ${a.key}`);
    // The right pair serves wss://.
    const srv = launch(['serve', '--dev', '--port', '0', '--store', 'memory', '--log-level', 'silent', '--tls-key', a.key, '--tls-cert', a.cert]);
    const { url } = await waitListening(srv);
    expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/rtm$/);
    srv.child.kill('SIGTERM');
    expect((await srv.exited).code).toBe(0);
  });
});

describe('the two configuration bugs of issue 18', () => {
  test('an app given as a bare string in the file is an error, not an app without a certificate', async () => {
    const f = path.join(cwd, 'string-app.json');
    fs.writeFileSync(f, JSON.stringify({ apps: { [APP_ID]: CERT } }));
    const r = await run(['serve', '--config', f, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`config file ${f}: apps`);
    expect(r.stderr).toContain(APP_ID);
    // The certificate never reaches stderr.
    expect(r.stderr).not.toContain(CERT);
  });

  test('"dev": "yes" in the file is an error, not development mode', async () => {
    const f = path.join(cwd, 'dev-yes.json');
    fs.writeFileSync(f, JSON.stringify({ dev: 'yes' }));
    const r = await run(['serve', '--config', f, '--port', '0']);
    expect([r.code, r.stderr.trim()]).toEqual([2, `sig2rtm: config file ${f}: dev: must be true or false, got "yes"`]);
  });
});

describe('what serve prints', () => {
  test('stdout is JSON lines only; the WebSocket and demo URLs go to stderr', async () => {
    const srv = launch(['serve', '--dev', '--port', '0', '--store', 'memory']);
    const { port } = await waitListening(srv);
    await until(() => srv.stderr().includes('demo at'), 3000, 'demo line');
    expect(srv.stderr()).toContain(`sig2rtm demo at http://127.0.0.1:${port}/`);
    srv.child.kill('SIGTERM');
    await srv.exited;
    const lines = srv.stdout().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(expect.arrayContaining(['listening', 'stopped']));
  });

  test('--log-format pretty prints lines for people', async () => {
    const srv = launch(['serve', '--dev', '--port', '0', '--store', 'memory', '--log-format', 'pretty']);
    await waitListening(srv);
    await until(() => srv.stdout().includes('listening'), 3000, 'pretty listening line');
    srv.child.kill('SIGTERM');
    await srv.exited;
    expect(srv.stdout()).toMatch(/WARN.*DEVELOPMENT MODE/);
    expect(srv.stdout().trim().startsWith('{')).toBe(false);
  });

  test('serve --help shows the default of every option', async () => {
    const r = await run(['serve', '--help']);
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const [flag, shown] of <[string, string][]>[
      ['--offline-messaging', 'default: true'],
      ['--max-frame-bytes', 'default: 262144'],
      ['--shutdown-timeout-ms', 'default: 10000'],
      ['--data-dir', 'default: ./data'],
      ['--rate-send', 'default: 180/3000'],
      ['--timing-heartbeat-ms', 'default: 2000'],
      ['--limit-message-bytes', 'default: 32768'],
    ]) {
      expect(help).toMatch(new RegExp(`${flag} \\S+ .*?\\(${shown.replace('/', '\\/')}\\)`));
    }
    expect(help.match(/\(default: /g)?.length).toBeGreaterThanOrEqual(60);
  });
});
