/**
 * `sig2rtm serve` as the product runs it: `node bin/sig2rtm.cjs serve …` (built by `npm run build`)
 * in its own process, resolved once it prints where it listens (the start line is on stderr, the
 * JSON logs on stdout; both are read). One helper for every suite that needs a real server process.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sleep } from './harness';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/sig2rtm.cjs');

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export interface ServeProcess {
  child: ChildProcess;
  /** The RTM URL it printed (ws:// or wss://). */
  url: string;
  port: number;
  /** Everything it wrote so far, stdout and stderr. */
  output: () => string;
  exited: Promise<Exit>;
  alive: () => boolean;
  /** Sends `signal` (SIGTERM: a graceful stop) and waits for the exit. */
  stop: (signal?: NodeJS.Signals) => Promise<Exit>;
  /** `kill -9`, and waits for the exit. */
  kill: () => Promise<Exit>;
}

export interface ServeOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** Added to the environment (the test runner's `SIG2RTM_*` variables are left out). */
  env?: Record<string, string>;
  /** How long it may take to listen. */
  timeoutMs?: number;
}

const running = new Set<ServeProcess>();

/** Fails clearly when the build the server process runs is missing. */
export function requireBuild(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist/cjs/cli.js'))) throw new Error('dist/cjs/cli.js is missing: run `npm run build` (npm test builds first)');
}

/** `node bin/sig2rtm.cjs serve …args`, resolved once it listens; rejected (with its output) if it exits or times out first. */
export async function startServeProcess(args: readonly string[], options: ServeOptions = {}): Promise<ServeProcess> {
  requireBuild();
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIG2RTM_'))), ...options.env };
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (alive()) child.kill(signal);
    return exited;
  };
  const proc: ServeProcess = { child, url: '', port: 0, output: () => out, exited, alive, stop, kill: () => stop('SIGKILL') };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const m = /listening on (wss?:\/\/\S+)/.exec(out);
    if (m?.[1]) {
      proc.url = m[1];
      proc.port = Number(new URL(m[1]).port);
      return proc;
    }
    if (!alive()) throw new Error(`sig2rtm serve exited before listening:\n${out}`);
    if (Date.now() > deadline) {
      await proc.kill();
      throw new Error(`sig2rtm serve did not listen within ${options.timeoutMs ?? 10_000} ms:\n${out}`);
    }
    await sleep(10);
  }
}

/** Kills (-9) every server process started here that is still running. */
export async function killServeProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill()));
}

/** A port nobody listens on right now (for a process that must come back on the same port). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
