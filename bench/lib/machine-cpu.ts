/** Whole-machine CPU time (every process and the kernel), to tell when the box itself is saturated. */

import fs from 'node:fs';
import os from 'node:os';

export interface MachineCpu {
  /** Jiffies (Linux) or ms: busy (everything but idle and iowait), total, and the kernel's network softirq share. */
  busy: number;
  total: number;
  softirq: number;
  steal: number;
}

export function machineCpu(): MachineCpu {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { busy: total - idle - iowait, total, softirq, steal };
  } catch {
    let busy = 0;
    let total = 0;
    for (const c of os.cpus()) {
      const t = c.times;
      busy += t.user + t.nice + t.sys + t.irq;
      total += t.user + t.nice + t.sys + t.irq + t.idle;
    }
    return { busy, total, softirq: 0, steal: 0 };
  }
}

/** Machine CPU between two samples, % of all cores (100 = every core busy). */
export function machinePct(a: MachineCpu, b: MachineCpu): { busy: number; softirq: number; steal: number } {
  const dt = b.total - a.total;
  if (dt <= 0) return { busy: 0, softirq: 0, steal: 0 };
  const pct = (x: number) => Math.round((x / dt) * 1000) / 10;
  return { busy: pct(b.busy - a.busy), softirq: pct(b.softirq - a.softirq), steal: pct(b.steal - a.steal) };
}
