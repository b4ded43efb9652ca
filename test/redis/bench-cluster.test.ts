/**
 * `npm run bench:cluster -- --quick` end to end, so that the full run (on a quiet machine) is known
 * to work: one and three real nodes, both workloads, and the "Several nodes" section written in
 * place into a copy of BENCHMARKS.md. Asserts that things were measured and nothing was lost,
 * never how fast.
 */

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

test('a quick run measures p2p and fan-out on 1 and 3 nodes and replaces its BENCHMARKS.md section', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-bench-cluster-'));
  const file = path.join(dir, 'BENCHMARKS.md');
  const original = fs.readFileSync(path.join(ROOT, 'BENCHMARKS.md'), 'utf8');
  fs.writeFileSync(file, original);
  try {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/cluster.ts', '--quick', '--benchmarks', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (c) => resolve({ code: c, output: out }));
    });
    expect({ code, output }).toEqual({ code: 0, output: expect.any(String) as string });
    const written = fs.readFileSync(file, 'utf8');
    const section = /<!-- cluster:start[\s\S]*?<!-- cluster:end -->/.exec(written)?.[0] ?? '';
    // Everything outside the section is as it was.
    // Everything outside the section is as it was (a file without the section gets it appended after a blank line).
    expect(written.replace(section, '').trimEnd()).toBe(original.replace(/<!-- cluster:start[\s\S]*?<!-- cluster:end -->/, '').trimEnd());
    expect(section).toMatch(/Machine load average at the start [\d.]+ on \d+ cores/);
    const rows = section
      .split('\n')
      .filter((l) => /^\| (p2p|fanout) \|/.test(l))
      .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    expect(rows.map(([workload, nodes]) => `${workload}@${nodes}`).sort()).toEqual(['fanout@1', 'fanout@3', 'p2p@1', 'p2p@3']);
    for (const [, , offered, delivered, lost, p50, p99] of rows) {
      expect(Number(offered)).toBeGreaterThan(0);
      expect(Number(delivered)).toBeGreaterThan(0);
      expect(Number(lost)).toBe(0);
      expect(Number(p50)).toBeGreaterThan(0);
      expect(Number(p99)).toBeGreaterThanOrEqual(Number(p50));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
