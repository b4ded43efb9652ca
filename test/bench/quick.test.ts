/**
 * `npm run bench -- --quick` end to end: every workload on every target runs at tiny scale, and the
 * run writes its JSON, chart and BENCHMARKS.md. This asserts that things were MEASURED (every
 * figure present and above zero), never how fast they were.
 */

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchReport, TargetName, WorkloadName } from '../../bench/lib/types';
import { TARGET_INFO, TARGETS } from '../../bench/lib/types';

const ROOT = path.resolve(__dirname, '..', '..');

function runQuick(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', 'bench/run.ts', '--quick', '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

let out: string;
let report: BenchReport;
let run: { code: number | null; output: string };

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-bench-'));
  run = await runQuick(out);
  const json = fs.readdirSync(out).find((f) => f.endsWith('.json'));
  if (json) report = JSON.parse(fs.readFileSync(path.join(out, json), 'utf8')) as BenchReport;
}, 180_000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const matrix: [WorkloadName, TargetName][] = [];
for (const t of TARGETS) for (const w of TARGET_INFO[t].workloads) matrix.push([w, t]);

test('the quick run exits cleanly and writes the JSON, the chart and BENCHMARKS.md', () => {
  expect({ code: run.code, errors: report?.errors }).toEqual({ code: 0, errors: [] });
  const files = fs.readdirSync(out);
  expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
  expect(files.filter((f) => f.endsWith('.svg'))).toHaveLength(1);
  const md = fs.readFileSync(path.join(out, 'BENCHMARKS.md'), 'utf8');
  const svg = files.find((f) => f.endsWith('.svg'))!;
  expect(md).toContain(`](${svg})`);
  expect(md).toContain('## Targets of the issue');
  for (const t of TARGETS) expect(md).toContain(TARGET_INFO[t].label);
  expect(fs.readFileSync(path.join(out, svg), 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<polyline [\s\S]*<\/svg>\n$/);
  expect(report.mode).toBe('quick');
  expect(report.machine.cores).toBeGreaterThan(0);
  expect(report.machine.node).toBe(process.version);
  // The targets: idle CPU and presence, 2 × 2 fan-out, 2 p2p, memory, legacy on 6 workloads, 2 scale rows.
  expect(report.checks).toHaveLength(17);
  expect(report.liftedRates).toBeDefined();
  for (const section of ['## (5) Scale', '## (6) The legacy paths beside native', "## (7) ws's optional native add-ons", "## (8) Where the server's CPU goes"]) expect(md).toContain(section);
});

test.each(matrix)('%s on %s was measured', (workload, target) => {
  const r = report.results[workload]?.[target];
  expect(r).toBeDefined();
  if (workload === 'p2p' || workload === 'fanout' || workload === 'fanoutRooms') {
    const steps = (r as { steps: { sent: number; delivered: number; p50: number; p99: number; max: number; serverCpuPct: number; machineCpuPct: number }[] }).steps;
    expect(steps.length).toBeGreaterThan(0);
    for (const s of steps) {
      expect(s.sent).toBeGreaterThan(0);
      expect(s.delivered).toBeGreaterThan(0);
      expect(s.p50).toBeGreaterThan(0);
      expect(s.p99).toBeGreaterThanOrEqual(s.p50);
      expect(s.max).toBeGreaterThanOrEqual(s.p99);
      expect(s.serverCpuPct).toBeGreaterThan(0);
      expect(s.machineCpuPct).toBeGreaterThan(0);
    }
  } else if (workload === 'idle') {
    const i = report.results.idle[target]!;
    expect(i.loggedIn).toBe(i.clients);
    expect(i.before.rss).toBeGreaterThan(0);
    expect(i.after.heapUsed).toBeGreaterThan(i.before.heapUsed);
    expect(i.heapPerConn).toBeGreaterThan(0);
    expect(i.idleWindowSec).toBeGreaterThan(0);
  } else if (workload === 'scale') {
    const x = report.results.scale![target]!;
    expect(x.loggedIn).toBe(x.clients);
    // Spread over several generators and loopback source addresses, with the open-file limits raised.
    expect(x.generators).toBeGreaterThan(2);
    expect(x.sourceAddresses.length).toBeGreaterThan(1);
    expect(x.nofile.server).toBeGreaterThan(x.clients);
    expect(x.after.rss).toBeGreaterThan(0);
    expect(x.fanout!.members).toBeGreaterThan(1);
    expect(x.fanout!.steps.every((s) => s.delivered > 0 && s.lost === 0)).toBe(true);
  } else {
    const j = report.results.joinStorm[target]!;
    expect(j.joined).toBe(j.clients);
    expect(j.allJoinedMs).toBeGreaterThan(0);
    expect(j.serverCpuMs).toBeGreaterThan(0);
  }
});
