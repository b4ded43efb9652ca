/** Summarises a V8 .cpuprofile (node --cpu-prof, or the inspector's Profiler): self time per function and per file. */

import fs from 'node:fs';
import path from 'node:path';
import type { ProfileSummaryLite, SourceInfo, TargetName, WorkloadName } from './types';

/** What `npm run bench -- --profile` writes: bench/results/profile-<date>.json. */
export interface ProfileRun {
  date: string;
  mode: 'full' | 'quick';
  source?: SourceInfo;
  profiles: Partial<Record<WorkloadName, Partial<Record<TargetName, ProfileSummaryLite>>>>;
}

/** The newest profile-<date>.json in `dir`, if any. */
export function latestProfileRun(dir: string): { file: string; run: ProfileRun } | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const name = fs
    .readdirSync(dir)
    .filter((f) => /^profile-.*\.json$/.test(f))
    .sort()
    .pop();
  if (!name) return undefined;
  const file = path.join(dir, name);
  return { file, run: JSON.parse(fs.readFileSync(file, 'utf8')) as ProfileRun };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export type ProfileSummary = ProfileSummaryLite;

function shortUrl(url: string, root: string): string {
  const u = url.replace(/^file:\/\//, '');
  if (u === '') return '(native)';
  const rel = path.relative(root, u);
  return rel.startsWith('..') ? u : rel.replace(/^node_modules\//, 'nm/');
}

export function summariseProfile(file: string, root: string, top = 30): ProfileSummary {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  // Self time from samples and their time deltas (more exact than hitCount × mean interval).
  const self = new Map<number, number>();
  const samples = prof.samples ?? [];
  const deltas = prof.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    const dt = deltas[i + 1] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  let total = 0;
  let idle = 0;
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const files = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    total += us;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') idle += us;
    // Line numbers are those of tsx's transpiled output for .ts files, so only the file is kept there.
    const file = shortUrl(n.callFrame.url, root);
    const where = n.callFrame.url && !file.endsWith('.ts') ? `${file}:${n.callFrame.lineNumber + 1}` : file;
    const key = `${name} ${where}`;
    const e = fn.get(key) ?? { name, where, us: 0 };
    e.us += us;
    fn.set(key, e);
    const f = n.callFrame.url ? shortUrl(n.callFrame.url, root) : name;
    files.set(f, (files.get(f) ?? 0) + us);
  }
  const busy = Math.max(1, total - idle);
  return {
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    functions: [...fn.values()]
      .filter((e) => e.name !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, selfMs: Math.round(e.us / 1000), pct: Math.round((e.us / busy) * 1000) / 10 })),
    files: [...files.entries()]
      .filter(([f]) => f !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([file, us]) => ({ file, selfMs: Math.round(us / 1000), pct: Math.round((us / busy) * 1000) / 10 })),
  };
}

export function profileText(s: ProfileSummary): string {
  const lines = [`CPU profile: ${s.totalMs} ms sampled, ${s.idleMs} ms idle; percentages are of the busy time.`, '', 'Top functions by self time:'];
  for (const f of s.functions) lines.push(`${f.pct.toFixed(1).padStart(5)}%  ${String(f.selfMs).padStart(6)} ms  ${f.name}  ${f.where}`);
  lines.push('', 'Self time by file:');
  for (const f of s.files) lines.push(`${f.pct.toFixed(1).padStart(5)}%  ${String(f.selfMs).padStart(6)} ms  ${f.file}`);
  return lines.join('\n') + '\n';
}
