/**
 * `npm run bench`: every workload on every target, side by side, in one run.
 *
 *   npm run bench                       full run → bench/results/<date>.json, .svg and BENCHMARKS.md
 *   npm run bench -- --quick            tiny scale, under a minute → bench/results/quick/ (or --out)
 *   npm run bench -- --out <dir>        write the JSON, the SVG and BENCHMARKS.md into <dir>
 *   npm run bench -- --targets raw,sig2rtm --workloads p2p   a subset
 *   npm run bench -- --from <json>      regenerate BENCHMARKS.md and the chart from a run's JSON
 *   npm run bench -- --profile          p2p on sig2rtm (or --targets <one>) with the server under `node --cpu-prof`; prints the top functions
 *   --p2p-ladder 1000,2000 / --fanout-ladder 10,20   other load steps (development)
 *   --server-flags "--trace-gc"        extra node flags for the servers under test (development)
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FULL, QUICK, type BenchConfig } from './lib/config';
import { now } from './lib/clock';
import { machineCpu, machinePct } from './lib/machine-cpu';
import { profileText, summariseProfile } from './lib/profile';
import { chartSvg, computeChecks, computeRatios, markdown } from './lib/report';
import { Rig } from './lib/rig';
import { REPO_ROOT } from './lib/rpc';
import { TARGET_INFO, TARGETS, WORKLOADS, type BenchReport, type Machine, type SourceInfo, type TargetName, type WorkloadName } from './lib/types';
import { fanout, idle, joinStorm, p2p, waitQuiet } from './lib/workloads';

interface Args {
  quick: boolean;
  out: string | undefined;
  targets: TargetName[];
  workloads: WorkloadName[];
  from: string | undefined;
  profile: boolean;
  p2pLadder: number[] | undefined;
  fanoutLadder: number[] | undefined;
  serverFlags: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, out: undefined, targets: [...TARGETS], workloads: [...WORKLOADS], from: undefined, profile: false, p2pLadder: undefined, fanoutLadder: undefined, serverFlags: [] };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    if (k === '--quick') a.quick = true;
    else if (k === '--out') a.out = path.resolve(next());
    else if (k === '--from') a.from = path.resolve(next());
    else if (k === '--profile') a.profile = true;
    else if (k === '--targets') a.targets = next().split(',') as TargetName[];
    else if (k === '--workloads') a.workloads = next().split(',') as WorkloadName[];
    else if (k === '--p2p-ladder') a.p2pLadder = next().split(',').map(Number);
    else if (k === '--fanout-ladder') a.fanoutLadder = next().split(',').map(Number);
    else if (k === '--server-flags') a.serverFlags = next().split(' ').filter((f) => f !== '');
    else throw new Error(`unknown argument ${k}`);
  }
  for (const t of a.targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t} (${TARGETS.join(', ')})`);
  for (const w of a.workloads) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w} (${WORKLOADS.join(', ')})`);
  return a;
}

function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function source(): SourceInfo | undefined {
  try {
    const git = (...a: string[]) => execFileSync('git', a, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', 'HEAD'), srcModified: git('status', '--porcelain', '--', 'src') !== '' };
  } catch {
    return undefined;
  }
}

function log(line: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** Where a run writes: the JSON and the SVG in `dir`, the markdown at `markdownPath`. */
function outputs(args: Args): { dir: string; markdownPath: string } {
  if (args.out) return { dir: args.out, markdownPath: path.join(args.out, 'BENCHMARKS.md') };
  if (args.quick) {
    const dir = path.join(REPO_ROOT, 'bench', 'results', 'quick');
    return { dir, markdownPath: path.join(dir, 'BENCHMARKS.md') };
  }
  return { dir: path.join(REPO_ROOT, 'bench', 'results'), markdownPath: path.join(REPO_ROOT, 'BENCHMARKS.md') };
}

function write(report: BenchReport, dir: string, markdownPath: string): { json: string; svg: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = report.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const json = path.join(dir, `${stamp}.json`);
  const svg = path.join(dir, `${stamp}.svg`);
  fs.writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(svg, chartSvg(report.results.p2p, (report.config as BenchConfig).maxP99Ms));
  const rel = (p: string) => path.relative(path.dirname(markdownPath), p).split(path.sep).join('/');
  fs.writeFileSync(markdownPath, markdown(report, rel(svg), rel(json)) + '\n');
  return { json, svg, md: markdownPath };
}

const live = new Set<Rig>();

async function withRig<T>(target: TargetName, run: (rig: Rig) => Promise<T>, serverFlags: string[] = []): Promise<T> {
  const rig = await Rig.start(TARGET_INFO[target], { serverFlags });
  live.add(rig);
  try {
    return await run(rig);
  } finally {
    await rig.stop().catch(() => rig.kill());
    live.delete(rig);
  }
}

async function runAll(args: Args, cfg: BenchConfig): Promise<BenchReport> {
  const started = now();
  const src = source();
  if (cfg.avoidOtherLoad) await waitQuiet(log);
  const before = machineCpu();
  await new Promise((resolve) => setTimeout(resolve, cfg.avoidOtherLoad ? 1000 : 250));
  const background = machinePct(before, machineCpu()).busy;
  if (background > 15) log(`warning: the machine is already ${background} % busy: figures will be lower and noisier`);
  const report: BenchReport = {
    date: new Date().toISOString(),
    mode: args.quick ? 'quick' : 'full',
    durationSec: 0,
    machine: { ...machine(), backgroundCpuPct: background },
    ...(src ? { source: src } : {}),
    config: cfg,
    results: { p2p: {}, fanout: {}, idle: {}, joinStorm: {} },
    ratios: {},
    checks: [],
    errors: [],
  };
  const runners: Record<WorkloadName, (rig: Rig, cfg: BenchConfig, log: (line: string) => void) => Promise<unknown>> = { p2p, fanout, idle, joinStorm };
  for (const w of args.workloads) {
    for (const t of args.targets) {
      if (!TARGET_INFO[t].workloads.includes(w)) continue;
      log(`— ${w} on ${TARGET_INFO[t].label}`);
      try {
        const result = await withRig<unknown>(t, (rig) => runners[w](rig, cfg, log), args.serverFlags);
        (report.results[w] as Record<string, unknown>)[t] = result;
      } catch (err) {
        const msg = `${w} on ${t}: ${err instanceof Error ? err.message : String(err)}`;
        log(`ERROR ${msg}`);
        report.errors.push(msg);
      }
    }
  }
  report.durationSec = Math.round((now() - started) / 100) / 10;
  report.ratios = computeRatios(report);
  report.checks = computeChecks(report);
  return report;
}

async function profile(args: Args, cfg: BenchConfig): Promise<void> {
  const dir = path.join(args.out ?? path.join(REPO_ROOT, 'bench', 'results'), 'profile');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const target = args.targets.length === TARGETS.length ? 'sig2rtm' : args.targets[0]!;
  log(`p2p on ${target} with the server under --cpu-prof (profiles in ${dir})`);
  const result = await withRig(target, (rig) => p2p(rig, cfg, log), ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  log(`max sustainable ${result.maxSustainable} msg/s`);
  // One profile per thread (tsx runs a loader thread too): the main thread's is the largest.
  const file = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  if (!file) throw new Error('no .cpuprofile written');
  const text = profileText(summariseProfile(file, REPO_ROOT));
  fs.writeFileSync(path.join(dir, 'summary.txt'), text);
  process.stdout.write(text);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const base = args.quick ? QUICK : FULL;
  const cfg: BenchConfig = {
    ...base,
    p2p: { ...base.p2p, ladder: args.p2pLadder ?? base.p2p.ladder },
    fanout: { ...base.fanout, ladder: args.fanoutLadder ?? base.fanout.ladder },
  };
  const deadline = setTimeout(() => {
    log(`deadline of ${cfg.deadlineMs / 1000} s reached: stopping`);
    for (const r of live) r.kill();
    process.exit(2);
  }, cfg.deadlineMs);
  deadline.unref();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const r of live) r.kill();
      process.exit(130);
    });
  }
  if (args.from) {
    const report = JSON.parse(fs.readFileSync(args.from, 'utf8')) as BenchReport;
    report.ratios = computeRatios(report);
    report.checks = computeChecks(report);
    const { dir, markdownPath } = outputs(args);
    const w = write(report, dir, markdownPath);
    log(`wrote ${w.md}, ${w.svg}, ${w.json}`);
    return;
  }
  if (args.profile) {
    await profile(args, cfg);
    return;
  }
  log(`${args.quick ? 'quick' : 'full'} run: workloads ${args.workloads.join(', ')}; targets ${args.targets.join(', ')}`);
  const report = await runAll(args, cfg);
  const { dir, markdownPath } = outputs(args);
  const w = write(report, dir, markdownPath);
  log(`done in ${report.durationSec} s`);
  for (const c of report.checks) log(`${c.met ? 'MET    ' : 'NOT MET'} ${c.name}: ${c.detail}`);
  log(`wrote ${w.json}, ${w.svg}, ${w.md}`);
  if (report.errors.length > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    for (const r of live) r.kill();
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
