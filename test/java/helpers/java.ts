/**
 * The Java SDK under test: builds dist/java/sig2rtm-signaling.jar (npm run build:java) when it is
 * missing or older than its sources, compiles test programs against it with javac --release 8, and
 * runs `Agent` (test/java/fixtures/Agent.java): one legacy API instance in its own JVM, driven call by
 * call over stdin, every callback reported on stdout with the thread it arrived on.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { until } from '../../helpers/harness';

export const ROOT = path.resolve(__dirname, '../../..');
export const JAR = path.join(ROOT, 'dist/java/sig2rtm-signaling.jar');
export const STUB_JAR = path.join(ROOT, 'dist/java/sig2rtm-android-stub.jar');
export const DEPS = ['/usr/share/java/okhttp.jar', '/usr/share/java/okio.jar', '/usr/share/java/com.android.json.jar'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) newest = Math.max(newest, fs.statSync(path.join(dir, f)).mtimeMs);
  return newest;
}

/** Builds the jar unless it is newer than every Java source and the build script. */
export function ensureJar(): void {
  const built = fs.existsSync(JAR) && fs.existsSync(STUB_JAR) ? fs.statSync(JAR).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(ROOT, 'java')), fs.statSync(path.join(ROOT, 'scripts/build-java.mjs')).mtimeMs);
  if (built > sources) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-java.mjs')], { stdio: 'pipe' });
}

/** Compiles test programs against the jar (and the Context stub) at the Java 8 level; returns the class folder. */
export function compile(files: string[]): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-java-'));
  try {
    execFileSync('javac', ['--release', '8', '-encoding', 'UTF-8', '-Xlint:all,-options', '-Werror', '-d', out, '-cp', [JAR, STUB_JAR, ...DEPS].join(path.delimiter), ...files], { stdio: 'pipe' });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`javac failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
  return out;
}

export function classpath(classes: string): string {
  return [classes, JAR, STUB_JAR, ...DEPS].join(path.delimiter);
}

export interface Cb {
  name: string;
  args: unknown[];
  thread: string;
  st: number;
}

/** One JVM running Agent: calls go in as JSON lines, callbacks and return values come out. */
export class JavaAgent {
  readonly cbs: Cb[] = [];
  readonly stderr: string[] = [];
  exited: number | null | undefined;
  private readonly proc: ChildProcess;
  private readonly replies = new Map<number, { ret?: unknown; error?: string }>();
  private nextId = 0;
  private ready = false;

  constructor(classes: string, appId: string, options: { env?: Record<string, string>; props?: Record<string, string> } = {}) {
    const props = Object.entries(options.props ?? {}).map(([k, v]) => `-D${k}=${v}`);
    this.proc = spawn('java', ['-Xshare:auto', '-XX:TieredStopAtLevel=1', ...props, '-cp', classpath(classes), 'Agent', appId], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    readline.createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      const o = JSON.parse(line) as { ready?: boolean; id?: number; ret?: unknown; error?: string; cb?: string; a?: unknown[]; thread?: string; st?: number };
      if (o.ready) this.ready = true;
      else if (o.cb !== undefined) this.cbs.push({ name: o.cb, args: o.a ?? [], thread: o.thread ?? '', st: o.st ?? -1 });
      else if (o.id !== undefined) this.replies.set(o.id, { ret: o.ret, error: o.error });
    });
    readline.createInterface({ input: this.proc.stderr! }).on('line', (line) => this.stderr.push(line));
    this.proc.on('exit', (code) => (this.exited = code));
  }

  async started(): Promise<this> {
    await until(() => this.ready || this.exited !== undefined, 15000, 'the JVM to start');
    if (!this.ready) throw new Error(`Agent exited ${String(this.exited)}: ${this.stderr.join('\n')}`);
    return this;
  }

  /** Calls an IAgoraAPI method in the JVM; resolves with its return value once it has returned. */
  async call(method: string, ...args: unknown[]): Promise<unknown> {
    const id = ++this.nextId;
    this.proc.stdin!.write(`${JSON.stringify({ id, m: method, a: args })}\n`);
    await until(() => this.replies.has(id) || this.exited !== undefined, 10000, `${method} to return`);
    const r = this.replies.get(id);
    if (!r) throw new Error(`Agent exited ${String(this.exited)}: ${this.stderr.join('\n')}`);
    if (r.error) throw new Error(`${method}: ${r.error}`);
    return r.ret;
  }

  /** Callbacks received, as [name, ...args] (onLog left out unless asked for). */
  callbacks(name?: string): unknown[][] {
    return this.cbs.filter((c) => (name === undefined ? c.name !== 'onLog' : c.name === name)).map((c) => [c.name, ...c.args]);
  }

  async waitFor(name: string, pred: (args: unknown[]) => boolean = () => true, ms = 10000): Promise<unknown[]> {
    const find = () => this.cbs.find((c) => c.name === name && pred(c.args));
    await until(() => find() !== undefined || this.exited !== undefined, ms, `${name} (got ${JSON.stringify(this.callbacks())}; stderr ${this.stderr.slice(-5).join(' | ')})`);
    const c = find();
    if (!c) throw new Error(`Agent exited ${String(this.exited)} before ${name}: ${this.stderr.join('\n')}`);
    return c.args;
  }

  /** login2 as the legacy apps did it, waiting for onLoginSuccess; returns the uid. */
  async login(appId: string, account: string): Promise<number> {
    const before = this.cbs.filter((c) => c.name === 'onLoginSuccess').length;
    await this.call('login2', appId, account, '_no_need_token', 0, '', 30, 3);
    await until(() => this.cbs.filter((c) => c.name === 'onLoginSuccess').length > before || this.exited !== undefined, 10000, `onLoginSuccess for ${account} (got ${JSON.stringify(this.callbacks())})`);
    const last = this.cbs.filter((c) => c.name === 'onLoginSuccess').at(-1);
    if (!last || this.cbs.filter((c) => c.name === 'onLoginSuccess').length === before) throw new Error(`Agent exited: ${this.stderr.join('\n')}`);
    return last.args[0] as number;
  }

  /** Ends Agent's input: its main thread returns, and the JVM exits once no SDK thread is left. */
  async endInput(ms = 10000): Promise<number | null> {
    this.proc.stdin!.end();
    await until(() => this.exited !== undefined, ms, 'the JVM to exit by itself');
    return this.exited!;
  }

  async stop(): Promise<void> {
    if (this.exited !== undefined) return;
    this.proc.kill('SIGKILL');
    await until(() => this.exited !== undefined, 5000, 'the JVM to exit');
  }
}
