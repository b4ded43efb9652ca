/**
 * One server under test in its own process and two load-generator processes, for one workload of
 * one target. Clients are split over the two generators.
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
}

export class Rig {
  private constructor(
    readonly target: TargetInfo,
    readonly server: Child,
    readonly gens: [Child, Child],
    readonly url: string,
  ) {}

  static async start(target: TargetInfo, options: RigOptions = {}): Promise<Rig> {
    const started = await Promise.allSettled([
      Child.start(`${target.name}-server`, `targets/${target.server}.ts`, { nodeFlags: ['--expose-gc', ...(options.serverFlags ?? [])] }),
      Child.start(`${target.name}-gen0`, 'gen/generator.ts'),
      Child.start(`${target.name}-gen1`, 'gen/generator.ts'),
    ]);
    const ok = started.filter((s) => s.status === 'fulfilled').map((s) => s.value.child);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      for (const c of ok) c.kill();
      throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    }
    const [server, g0, g1] = started.map((s) => (s as PromiseFulfilledResult<{ child: Child; ready: string }>).value);
    const port = server!.ready;
    const url = target.server === 'socketio' ? `http://127.0.0.1:${port}` : target.server === 'sig2rtm' ? `ws://127.0.0.1:${port}/rtm` : `ws://127.0.0.1:${port}`;
    const rig = new Rig(target, server!.child, [g0!.child, g1!.child], url);
    await Promise.all(rig.gens.map((g) => g.call('init', { kind: target.client, url })));
    return rig;
  }

  /** Logs in `uids` on generator `g`. */
  async connect(g: 0 | 1, uids: string[], concurrency: number): Promise<{ ok: number; failed: number; ms: number; errors: string[] }> {
    if (uids.length === 0) return { ok: 0, failed: 0, ms: 0, errors: [] };
    return this.gens[g].call('connect', { uids, concurrency }, 120_000 + uids.length * 20);
  }

  /** Logs in `uids`, alternating between the generators. */
  async connectSplit(uids: string[], concurrency: number): Promise<{ ok: number; failed: number; ms: number; errors: string[] }> {
    const parts = split(uids);
    const t0 = now();
    const r = await Promise.all([this.connect(0, parts[0], concurrency), this.connect(1, parts[1], concurrency)]);
    return { ok: r[0].ok + r[1].ok, failed: r[0].failed + r[1].failed, ms: now() - t0, errors: [...r[0].errors, ...r[1].errors] };
  }

  async cpu(): Promise<CpuSnapshot> {
    const machine = machineCpu();
    const [server, g0, g1] = await Promise.all([
      this.server.call<CpuSample>('cpu', {}, 30_000),
      this.gens[0].call<CpuSample>('cpu', {}, 30_000),
      this.gens[1].call<CpuSample>('cpu', {}, 30_000),
    ]);
    return { server, gens: [g0, g1], machine };
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

/** Alternates items between two halves. */
export function split<T>(items: T[]): [T[], T[]] {
  const a: T[] = [];
  const b: T[] = [];
  items.forEach((x, i) => (i % 2 === 0 ? a : b).push(x));
  return [a, b];
}

/** Mean generator CPU between two samples, % of one core per generator. */
export function genCpuPct(a: { gens: CpuSample[] }, b: { gens: CpuSample[] }): number {
  const x = cpuPct(a.gens[0], b.gens[0]);
  const y = cpuPct(a.gens[1], b.gens[1]);
  return Math.round(((x + y) / 2) * 10) / 10;
}
