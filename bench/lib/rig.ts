/**
 * One server under test in its own process and its load-generator processes (two, or more for the
 * scale workload), for one workload of one target. Clients are split over the generators.
 */

import { Child } from './rpc';
import { now, sleepUntil } from './clock';
import type { MemorySample, TargetInfo } from './types';
import { machineCpu, type MachineCpu } from './machine-cpu';

export interface CpuSample {
  cpuMicros: number;
  at: number;
}

/** CPU used between two samples, % of one core. */
export function cpuPct(a: CpuSample | undefined, b: CpuSample | undefined): number {
  if (!a || !b || b.at <= a.at) return 0;
  return Math.round(((b.cpuMicros - a.cpuMicros) / 1000 / (b.at - a.at)) * 1000) / 10;
}

export interface CpuSnapshot {
  server: CpuSample;
  gens: CpuSample[];
  machine: MachineCpu;
}

export interface RigOptions {
  /** Extra node flags for the server (e.g. --cpu-prof). */
  serverFlags?: string[];
  /** Load-generator processes (default 2). */
  generators?: number;
  /** Open-file limit to give the server and every generator (raised with prlimit). */
  nofile?: number;
  /** Heap limit of the server and of each generator, MiB. */
  heapMb?: number;
  /** Loopback source addresses the generators' clients are spread over (default: the kernel's choice). */
  sourceAddresses?: string[];
  /** Per-client rate limits of the sig2rtm server to lift (names of DEFAULT_RATES); none by default. */
  liftRates?: string[];
  /** Profile the server's CPU from the workload's measured part on (see `measuring`). */
  profile?: boolean;
}

/** ws's optional add-ons off (WS_NO_BUFFER_UTIL, WS_NO_UTF_8_VALIDATE) unless the target wants them. */
export function wsAddonEnv(on: boolean): NodeJS.ProcessEnv {
  return on ? { WS_NO_BUFFER_UTIL: '', WS_NO_UTF_8_VALIDATE: '' } : { WS_NO_BUFFER_UTIL: '1', WS_NO_UTF_8_VALIDATE: '1' };
}

export class Rig {
  private constructor(
    readonly target: TargetInfo,
    readonly server: Child,
    readonly gens: Child[],
    readonly url: string,
    readonly sourceAddresses: string[],
    private readonly profile: boolean,
  ) {}

  private measured = false;

  /**
   * Called by a workload when its setup (logins, joins) is done and its measured part begins: the
   * server's profiler starts here on a profiling run (once per rig).
   */
  async measuring(): Promise<void> {
    if (this.measured || !this.profile) return;
    this.measured = true;
    await this.server.call('profStart', {}, 30_000);
  }

  /** Writes the server's profile of the measured part to `file`; false when none was taken. */
  async profileTo(file: string): Promise<boolean> {
    return this.server.call<boolean>('profStop', { file }, 60_000);
  }

  static async start(target: TargetInfo, options: RigOptions = {}): Promise<Rig> {
    const heap = options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : [];
    const common = { ...(options.nofile ? { nofile: options.nofile } : {}), readyTimeoutMs: 60_000 };
    const started = await Promise.allSettled([
      Child.start(`${target.name}-server`, `targets/${target.server}.ts`, {
        ...common,
        nodeFlags: ['--expose-gc', ...heap, ...(options.serverFlags ?? [])],
        env: { ...wsAddonEnv(target.wsAddons === true), BENCH_LIFT_RATES: (options.liftRates ?? []).join(',') },
      }),
      ...Array.from({ length: options.generators ?? 2 }, (_, g) =>
        Child.start(`${target.name}-gen${g}`, 'gen/generator.ts', { ...common, nodeFlags: heap, env: wsAddonEnv(false) }),
      ),
    ]);
    const ok = started.filter((s) => s.status === 'fulfilled').map((s) => s.value.child);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      for (const c of ok) c.kill();
      throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    }
    const [server, ...gens] = started.map((s) => (s as PromiseFulfilledResult<{ child: Child; ready: string }>).value);
    const port = server!.ready;
    const url = target.server === 'socketio' ? `http://127.0.0.1:${port}` : `ws://127.0.0.1:${port}${target.path ?? ''}`;
    // Every generator deals its clients out to all the addresses in turn, so each carries about as many.
    const sourceAddresses = options.sourceAddresses ?? [];
    const rig = new Rig(target, server!.child, gens.map((g) => g.child), url, sourceAddresses, options.profile === true);
    const addons = await rig.server.call<{ bufferutil: boolean }>('wsAddons');
    if (addons.bufferutil !== (target.wsAddons === true)) {
      rig.kill();
      throw new Error(`${target.name}: the server has bufferutil ${addons.bufferutil ? 'loaded' : 'not loaded'}, the target wants it ${target.wsAddons ? 'on (is it installed?)' : 'off'}`);
    }
    await Promise.all(rig.gens.map((g) => g.call('init', { kind: target.client, url, sourceAddresses })));
    return rig;
  }

  /** Logs in `uids` on generator `g`. */
  async connect(g: number, uids: string[], concurrency: number): Promise<{ ok: number; failed: number; ms: number; errors: string[] }> {
    if (uids.length === 0) return { ok: 0, failed: 0, ms: 0, errors: [] };
    return this.gens[g]!.call('connect', { uids, concurrency }, 120_000 + uids.length * 20);
  }

  /** Logs in `uids`, spread over the generators (uid i on generator i mod n, as `split`). */
  async connectSplit(uids: string[], concurrency: number): Promise<{ ok: number; failed: number; ms: number; errors: string[] }> {
    const parts = split(uids, this.gens.length);
    const t0 = now();
    const r = await Promise.all(parts.map((p, g) => this.connect(g, p, concurrency)));
    return { ok: sum(r.map((x) => x.ok)), failed: sum(r.map((x) => x.failed)), ms: now() - t0, errors: r.flatMap((x) => x.errors) };
  }

  async cpu(): Promise<CpuSnapshot> {
    const machine = machineCpu();
    const [server, ...gens] = await Promise.all([this.server.call<CpuSample>('cpu', {}, 30_000), ...this.gens.map((g) => g.call<CpuSample>('cpu', {}, 30_000))]);
    return { server: server, gens, machine };
  }

  /** CPU samples taken at `at` (machine clock). */
  cpuAt(at: number): Promise<CpuSnapshot> {
    const p = sleepUntil(at).then(() => this.cpu());
    // Marked handled: when the workload fails first, nobody awaits this one.
    p.catch(() => undefined);
    return p;
  }

  mem(): Promise<MemorySample> {
    return this.server.call<MemorySample>('mem', {}, 30_000);
  }

  async stop(): Promise<void> {
    await Promise.all(this.gens.map((g) => g.stop(5000)));
    await this.server.stop(10_000);
  }

  kill(): void {
    for (const c of [this.server, ...this.gens]) c.kill();
  }
}

/** Deals items out to `n` parts in turn (item i to part i mod n). */
export function split<T>(items: T[], n = 2): T[][] {
  const parts: T[][] = Array.from({ length: n }, () => []);
  items.forEach((x, i) => parts[i % n]!.push(x));
  return parts;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Mean generator CPU between two samples, % of one core per generator. */
export function genCpuPct(a: { gens: CpuSample[] }, b: { gens: CpuSample[] }): number {
  const pcts = a.gens.map((g, i) => cpuPct(g, b.gens[i]));
  return pcts.length > 0 ? Math.round((sum(pcts) / pcts.length) * 10) / 10 : 0;
}
