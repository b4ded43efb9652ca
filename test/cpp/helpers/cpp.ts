/**
 * Building and running the C++ test programs: libagorasig is built once per test run by
 * `npm run build:cpp` (CMake keeps its build directory, so a rebuild compiles only what changed) and
 * each program is compiled with g++ against dist/cpp/include and dist/cpp/lib, cached in
 * dist/cpp/test/ until a source, the header or the library changes. `CppAgent` runs
 * test/cpp/agent.cpp: one legacy call per stdin line, one JSON line per callback on stdout.
 */

import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { until } from '../../helpers/harness';

export const ROOT = path.resolve(__dirname, '../../..');

export type Variant = 'release' | 'asan';

const prefixOf = (v: Variant) => path.join(ROOT, 'dist/cpp', v === 'asan' ? 'asan' : '');

const mtime = (f: string) => fs.statSync(f).mtimeMs;
const filesUnder = (dir: string) => fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));

/**
 * Builds libagorasig (incrementally) into dist/cpp or dist/cpp/asan, unless the installed library is
 * newer than every file of cpp/ (then test files running in parallel never run CMake at once).
 */
export function buildLibrary(variant: Variant = 'release'): string {
  const prefix = prefixOf(variant);
  const lib = path.join(prefix, 'lib/libagorasig.so');
  if (fs.existsSync(lib) && filesUnder(path.join(ROOT, 'cpp')).every((f) => mtime(f) <= mtime(lib))) return prefix;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cpp.mjs'), ...(variant === 'asan' ? ['--sanitize'] : [])], { stdio: ['ignore', 'ignore', 'inherit'] });
  return prefix;
}

export interface CompileOptions {
  variant?: Variant;
  /** Link libagorasig.a instead of the shared library. */
  static?: boolean;
  /** C++ standard: the legacy tutorial used c++11. */
  std?: string;
  /** Extra include directories (besides dist/cpp/include). */
  includes?: string[];
}

/** Compiles `sources` into dist/cpp/test/<variant>/<name> unless the cached binary is newer than every input. */
export function compile(name: string, sources: string[], options: CompileOptions = {}): string {
  const variant = options.variant ?? 'release';
  const prefix = prefixOf(variant);
  const outDir = path.join(ROOT, 'dist/cpp/test', variant);
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, name);
  const lib = path.join(prefix, 'lib', options.static ? 'libagorasig.a' : 'libagorasig.so');
  const header = path.join(prefix, 'include/agora_sig.h');
  const includes = options.includes ?? [];
  const inputs = [...sources, lib, header, ...includes.flatMap(filesUnder)];
  if (fs.existsSync(out) && inputs.every((f) => mtime(f) <= mtime(out))) return out;
  const args = [
    `-std=${options.std ?? 'c++11'}`, '-g', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter',
    '-I', path.join(prefix, 'include'), ...includes.flatMap((d) => ['-I', d]),
    ...sources, '-o', `${out}.${process.pid}`,
    ...(variant === 'asan' ? ['-fsanitize=address,undefined', '-fno-omit-frame-pointer'] : []),
    ...(options.static ? [lib, '-lssl', '-lcrypto'] : ['-L', path.join(prefix, 'lib'), '-lagorasig', `-Wl,-rpath,${path.join(prefix, 'lib')}`]),
    '-lpthread',
  ];
  execFileSync('g++', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  // Into place in one step: another test file may be compiling or running the same program.
  fs.renameSync(`${out}.${process.pid}`, out);
  return out;
}

export type Line = Record<string, unknown> & { cb?: string; a?: unknown[]; th?: string };

/** A running test/cpp/agent.cpp. */
export class CppAgent {
  readonly lines: Line[] = [];
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly proc: ChildProcessWithoutNullStreams;

  constructor(binary: string, mode: '--start' | '--no-start', env: Record<string, string>, wrapper: string[] = []) {
    const [cmd, ...args] = [...wrapper, binary, mode];
    this.proc = spawn(cmd, args, { env: { ...process.env, ...env } });
    let buf = '';
    this.proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const text = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(text) as Line);
        } catch {
          this.lines.push({ raw: text });
        }
      }
    });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.proc.on('exit', (code, signal) => (this.exit = { code, signal }));
  }

  /** Sends one call: `send('login2', appId, 'alice', …)`. */
  send(method: string, ...args: unknown[]): void {
    this.proc.stdin.write(`${JSON.stringify([method, ...args])}\n`);
  }

  /** Callbacks so far (onLog left out unless asked for): [name, ...args]. */
  callbacks(name?: string): unknown[][] {
    return this.lines.filter((l) => l.cb !== undefined && (name === undefined ? l.cb !== 'onLog' : l.cb === name)).map((l) => [l.cb, ...(l.a ?? [])]);
  }

  async waitFor(name: string, pred: (args: unknown[]) => boolean = () => true, ms = 8000): Promise<unknown[]> {
    const find = () => this.callbacks(name).find((c) => pred(c.slice(1)));
    await until(() => find() !== undefined || this.exit !== undefined, ms, `${name} from the C++ app (got ${JSON.stringify(this.callbacks())}; stderr ${this.stderr})`);
    const hit = find();
    if (!hit) throw new Error(`C++ app exited (${JSON.stringify(this.exit)}) before ${name}; stderr: ${this.stderr}`);
    return hit.slice(1);
  }

  /** The line where a callback arrived (for its thread). */
  lineOf(name: string): Line | undefined {
    return this.lines.find((l) => l.cb === name);
  }

  /** Sends a local query (getStatus, isOnline, getSdkVersion) and returns its value. */
  async query(method: 'getStatus' | 'isOnline' | 'getSdkVersion'): Promise<unknown> {
    const before = this.lines.filter((l) => l.ret === method).length;
    this.send(method);
    await until(() => this.lines.filter((l) => l.ret === method).length > before, 5000, method);
    return this.lines.filter((l) => l.ret === method)[before]!.v;
  }

  /** login2 and the next onLoginSuccess (not an earlier one). */
  async login(appId: string, account: string): Promise<unknown[]> {
    const before = this.callbacks('onLoginSuccess').length;
    this.send('login2', appId, account, '_no_need_token', 0, '', 30, 3);
    await until(() => this.callbacks('onLoginSuccess').length > before || this.exit !== undefined, 8000, `onLoginSuccess (got ${JSON.stringify(this.callbacks())})`);
    return this.callbacks('onLoginSuccess')[before]!.slice(1);
  }

  /** Asks the app to exit and waits for it. */
  async stop(ms = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exit) {
      this.send('exit');
      this.proc.stdin.end();
    }
    await until(() => this.exit !== undefined, ms, `C++ app exit (stderr ${this.stderr.slice(-2000)})`);
    return this.exit!;
  }

  kill(): void {
    if (!this.exit) this.proc.kill('SIGKILL');
  }
}
