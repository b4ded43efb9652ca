/**
 * A real cluster for the tests: `redis-server` (Debian's package) on a free port with AOF in a temp
 * directory, and sig2rtm server processes (`node bin/sig2rtm.cjs serve --redis …`) on free ports.
 * Everything is started and stopped by the tests; nothing uses a fixed port.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import AgoraRTM, { type RtmClient } from '../../src/rtm';
import { APP_ID, sleep } from '../helpers/harness';
import { freePort } from '../helpers/serve-process';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/sig2rtm.cjs');

// A port nobody listens on right now (`redis-server --port 0` means "no TCP", so we pick one).
export { freePort };

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<void>;
  failed: () => Error | undefined;
}

function launch(cmd: string, args: string[], cwd: string): Proc {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIG2RTM_')));
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let failed: Error | undefined;
  // Not installed (ENOENT): a failure that names the program, never a skipped test.
  child.once('error', (err) => (failed = err));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output: () => (failed ? `${out}\n${cmd}: ${failed.message}` : out), exited, failed: () => failed };
}

async function waitFor(proc: Proc, pattern: RegExp, what: string, ms = 10_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = pattern.exec(proc.output());
    if (m) return m;
    if (proc.failed() || proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${what} exited before it was ready:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${ms} ms:\n${proc.output()}`);
    await sleep(10);
  }
}

export class RedisServer {
  private proc: Proc | undefined;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-redis-'));
  port = 0;

  /** `persist: false`: no AOF, no snapshots — a restart starts empty. */
  constructor(private readonly options: { persist?: boolean } = {}) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts, on the same port and data) with AOF fsynced at every write (unless `persist: false`). */
  async start(): Promise<this> {
    this.port ||= await freePort();
    this.proc = launch(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', this.options.persist === false ? 'no' : 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'],
      this.dir,
    );
    await waitFor(this.proc, /Ready to accept connections/, 'redis-server');
    return this;
  }

  /** Crash: SIGKILL, no chance to write anything more. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.child.exitCode !== null) return;
    p.child.kill('SIGKILL');
    await p.exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Node {
  url = '';
  httpUrl = '';

  private constructor(
    private readonly proc: Proc,
    readonly port: number,
  ) {}

  static async start(redisUrl: string, extra: string[] = []): Promise<Node> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-node-'));
    const args = [BIN, 'serve', '--app', APP_ID, '--port', String(port), '--redis', redisUrl, '--log-level', 'warn', ...extra];
    const node = new Node(launch(process.execPath, args, dir), port);
    const m = await waitFor(node.proc, /listening on (ws:\/\/\S+)/, 'sig2rtm serve');
    node.url = m[1] as string;
    node.httpUrl = `http://127.0.0.1:${port}`;
    return node;
  }

  get output(): string {
    return this.proc.output();
  }

  /** kill -9 */
  async crash(): Promise<void> {
    if (this.proc.child.exitCode !== null || this.proc.child.signalCode !== null) return;
    this.proc.child.kill('SIGKILL');
    await this.proc.exited;
  }

  /** SIGSTOP / SIGCONT: a node that is alive but silent (its lease runs on until it expires). */
  freeze(): void {
    this.proc.child.kill('SIGSTOP');
  }

  thaw(): void {
    this.proc.child.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    if (this.proc.child.exitCode !== null || this.proc.child.signalCode !== null) return;
    this.proc.child.kill('SIGTERM');
    await this.proc.exited;
  }

  async get(pathname: string): Promise<{ status: number; text: string }> {
    const res = await fetch(this.httpUrl + pathname);
    return { status: res.status, text: await res.text() };
  }
}

/**
 * A TCP load balancer in front of the nodes (not sticky): each new connection goes to the next live
 * node in turn; a node that refuses is skipped. A client that reconnects may land anywhere.
 */
export class Balancer {
  private server!: net.Server;
  private next = 0;
  private readonly live = new Set<{ client: net.Socket; upstream: net.Socket; cut: boolean }>();
  port = 0;

  constructor(private readonly ports: () => number[]) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/rtm`;
  }

  async start(): Promise<this> {
    this.server = net.createServer((client) => {
      client.pause();
      this.connect(client, this.ports().length);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  private connect(client: net.Socket, triesLeft: number): void {
    const ports = this.ports();
    if (triesLeft === 0 || ports.length === 0) {
      client.destroy();
      return;
    }
    const port = ports[this.next++ % ports.length] as number;
    const upstream = net.connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('error', () => {
      if (!connected) this.connect(client, triesLeft - 1);
    });
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      const pair = { client, upstream, cut: false };
      this.live.add(pair);
      const drop = () => {
        client.destroy();
        if (pair.cut) return;
        upstream.destroy();
        this.live.delete(pair);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
  }

  /**
   * Cuts every connection through the balancer (the clients see a network drop). `keepUpstream`:
   * the nodes are not told (their side stays open, as after a drop they have not noticed yet).
   */
  cut(options: { keepUpstream?: boolean } = {}): void {
    for (const pair of [...this.live]) {
      if (options.keepUpstream) {
        pair.cut = true;
        pair.upstream.unpipe(pair.client);
        pair.upstream.resume(); // what the node still sends goes nowhere
      } else this.live.delete(pair);
      pair.client.destroy();
    }
  }

  async stop(): Promise<void> {
    for (const pair of this.live) pair.upstream.destroy();
    this.live.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const made: RtmClient[] = [];

/** An RTM client of `url` with quick reconnects. */
export function client(url: string): RtmClient {
  const c = AgoraRTM.createInstance(APP_ID, { serverUrl: url, reconnect: { minMs: 20, maxMs: 200 } });
  made.push(c);
  return c;
}

export async function login(url: string, uid: string): Promise<RtmClient> {
  const c = client(url);
  await c.login({ uid });
  return c;
}

export async function logoutAll(): Promise<void> {
  await Promise.all(
    made.splice(0).map(async (c) => {
      c.removeAllListeners();
      // A client whose node is gone may never get an answer: do not wait for it long.
      await Promise.race([c.logout().catch(() => undefined), sleep(1000)]);
    }),
  );
}

/** A fresh id per test, so tests of one file share a cluster without seeing each other. */
let counter = 0;
export function uniq(prefix: string): string {
  return `${prefix}${++counter}x${process.pid}`;
}
