/**
 * A real `sig2rtm serve` process (bin/sig2rtm.cjs, built by `npm run build`) on a free port, with
 * its output captured, plus raw HTTP on a plain TCP socket (to send request targets that no HTTP
 * client library would).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { APP_ID, sleep } from '../../helpers/harness';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/sig2rtm.cjs');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  dataDir: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive: () => boolean;
}

const running: ServerProcess[] = [];
const dirs: string[] = [];

export function requireBuild(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist/cjs/cli.js'))) throw new Error('dist/cjs/cli.js is missing: run `npm run build` (npm test builds first)');
}

export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-rel-'));
  dirs.push(d);
  return d;
}

/** `node bin/sig2rtm.cjs serve --app APP_ID …args` on port 0, resolved once it listens. */
export async function startServerProcess(args: string[] = [], dataDir = tempDir()): Promise<ServerProcess> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIG2RTM_')));
  const child = spawn(process.execPath, [BIN, 'serve', '--app', APP_ID, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...args], {
    cwd: dataDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const m = /listening on (ws:\/\/\S+)/.exec(out);
    if (m) {
      const url = m[1]!;
      const proc: ServerProcess = { child, url, port: Number(new URL(url).port), dataDir, output: () => out, exited, alive };
      running.push(proc);
      return proc;
    }
    if (!alive()) throw new Error(`server exited before listening:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${out}`);
    }
    await sleep(10);
  }
}

/** Kills every server process started here and removes the temporary folders. */
export async function stopServerProcesses(): Promise<void> {
  for (const p of running.splice(0)) {
    if (p.alive()) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Sends `request` as is on a fresh TCP connection and resolves with the status code of the answer (0: closed without one). */
export function rawHttp(port: number, request: string | Buffer, ms = 3000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${ms} ms to ${JSON.stringify(String(request).slice(0, 80))}`));
    }, ms);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    const done = () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text });
    };
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

/** A GET with the given request target, connection closed after the answer. */
export const getTarget = (port: number, target: string) => rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
