/**
 * A real `sig2rtm serve` process (bin/sig2rtm.cjs, built by `npm run build`) on a free port, with
 * its output captured, plus raw HTTP on a plain TCP socket (to send request targets that no HTTP
 * client library would).
 */

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { APP_ID } from '../../helpers/harness';
import { killServeProcesses, requireBuild, startServeProcess, type ServeProcess } from '../../helpers/serve-process';


export interface ServerProcess extends ServeProcess {
  dataDir: string;
}

const dirs: string[] = [];

export { requireBuild };

export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-rel-'));
  dirs.push(d);
  return d;
}

/** `node bin/sig2rtm.cjs serve --app APP_ID …args` on port 0, resolved once it listens. */
export async function startServerProcess(args: string[] = [], dataDir = tempDir()): Promise<ServerProcess> {
  const p = await startServeProcess(['--app', APP_ID, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...args], { cwd: dataDir });
  return { ...p, dataDir };
}

/** Kills every server process started here and removes the temporary folders. */
export async function stopServerProcesses(): Promise<void> {
  await killServeProcesses();
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
