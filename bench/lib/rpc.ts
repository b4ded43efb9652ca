/**
 * Parent/child plumbing: every server under test and every load generator is its own process
 * (child_process.fork, TypeScript through tsx), driven by request/reply messages over IPC.
 * Every call has a deadline and every child a lifetime: nothing here can hang.
 */

import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Request {
  id: number;
  op: string;
  args: unknown;
}

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface StartOptions {
  /** Arguments for the child's argv. */
  args?: string[];
  /** Extra node flags (before tsx's). */
  nodeFlags?: string[];
  /** Wait this long for the child's first line `PORT <n>` (servers) or `READY` (generators). */
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Raise the child's open-file limit (soft and hard) to this many, as far as the machine allows. */
  nofile?: number;
}

/**
 * Raises a process's open-file limit with util-linux `prlimit` (raising the hard limit needs root or
 * CAP_SYS_RESOURCE; without them the soft limit goes up to the hard one). Returns the limit in force.
 */
export function raiseNofile(pid: number, want: number): number {
  if (nofileOf(pid) >= want) return nofileOf(pid);
  const max = Number(readFileOr('/proc/sys/fs/nr_open', String(want)).trim()) || want;
  const n = Math.min(want, max);
  try {
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${n}:${n}`], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('prlimit', ['--pid', String(pid), `--nofile=${n}:`], { stdio: 'ignore' });
    } catch {
      // prlimit missing or refused: the limit stays as it was
    }
  }
  return nofileOf(pid);
}

/** The soft open-file limit of a process (Linux), or Infinity where it cannot be read. */
export function nofileOf(pid: number | 'self'): number {
  const m = /^Max open files\s+(\S+)/m.exec(readFileOr(`/proc/${pid}/limits`, ''));
  return m && m[1] !== 'unlimited' ? Number(m[1]) : Infinity;
}

function readFileOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${this.name}: ${m.error}`));
    });
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code) => {
        this.exitCode = code;
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`${this.name} exited (${String(code)}) during call ${id}`));
        }
        this.pending.clear();
        resolve(code);
      });
    });
  }

  /** Forks `entry` (a .ts file under bench/) and waits for its ready line; resolves with the line's value. */
  static async start(name: string, entry: string, options: StartOptions = {}): Promise<{ child: Child; ready: string }> {
    const proc = fork(path.join(REPO_ROOT, 'bench', entry), options.args ?? [], {
      cwd: REPO_ROOT,
      execArgv: [...(options.nodeFlags ?? []), '--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, ...options.env },
    });
    const child = new Child(name, proc);
    if (options.nofile !== undefined && proc.pid !== undefined) raiseNofile(proc.pid, options.nofile);
    const ready = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${name} not ready within ${options.readyTimeoutMs ?? 30_000} ms`));
      }, options.readyTimeoutMs ?? 30_000);
      const onData = (d: Buffer) => {
        buf += d.toString('utf8');
        const m = /^(?:PORT (\d+)|READY)$/m.exec(buf);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] ?? 'READY');
        }
        // Whatever else the child prints goes to our stderr.
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) if (!/^(PORT \d+|READY)$/.test(l)) process.stderr.write(`[${name}] ${l}\n`);
      };
      proc.stdout?.on('data', onData);
      void child.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${String(code)}) before it was ready`));
      });
    });
    return { child, ready };
  }

  call<T>(op: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    if (this.exitCode !== undefined) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${op} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.send({ id, op, args } satisfies Request);
    });
  }

  /** Asks the child to exit, then kills it if it has not within `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.call('stop', {}, timeoutMs).catch(() => undefined);
    const t = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(t);
  }

  kill(): void {
    if (this.exitCode === undefined) this.proc.kill('SIGKILL');
  }
}

// ---- child side ---------------------------------------------------------------------------------

export type Handlers = Record<string, (args: never) => unknown>;

/**
 * Serves `handlers` over IPC. `stop` exits the process (normally, so that --cpu-prof is written).
 * The child also exits when its parent goes away, and in any case after `lifetimeMs`.
 */
export function serve(handlers: Handlers, lifetimeMs = 20 * 60_000): void {
  const send = (r: Reply) => process.send?.(r);
  handlers = { nofile: () => nofileOf('self'), ...handlers };
  // The parent may be gone (killed at its deadline): a write to the closed pipe must not crash us.
  process.stdout.on('error', () => undefined);
  process.on('message', (m: Request) => {
    if (m.op === 'stop') {
      send({ id: m.id, ok: true, result: null });
      setImmediate(() => process.exit(0));
      return;
    }
    const h = handlers[m.op];
    if (!h) {
      send({ id: m.id, ok: false, error: `unknown op ${m.op}` });
      return;
    }
    Promise.resolve()
      .then(() => h(m.args as never))
      .then(
        (result) => send({ id: m.id, ok: true, result }),
        (err: unknown) => send({ id: m.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => process.exit(3), lifetimeMs).unref();
}
