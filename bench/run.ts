/**
 * `npm run bench`: every workload on every target, side by side, in one run.
 *
 *   npm run bench                       full run → bench/results/<date>.json, .svg and BENCHMARKS.md
 *   npm run bench -- --quick            tiny scale, under a minute → bench/results/quick/ (or --out)
 *   npm run bench -- --out <dir>        write the JSON, the SVG and BENCHMARKS.md into <dir>
 *   npm run bench -- --targets raw,sig2rtm --workloads p2p   a subset (--only is the same as --workloads)
 *   npm run bench -- --only scale       just the 100,000-connection workload
 *   npm run bench -- --skip scale       everything but it
 *   npm run bench -- --scale 0.1        every connection count × 0.1 (trying the harness on a busy machine)
 *   npm run bench -- --from <json>      regenerate BENCHMARKS.md and the chart from a run's JSON
 *   npm run bench -- --profile          each workload (but scale) on sig2rtm (or --targets, --workloads) with the server's
 *                                       CPU profiled over the measured part: bench/results/profile-<date>.json, which
 *                                       the next BENCHMARKS.md written into that folder shows as its profile section
 *   --p2p-ladder 1000,2000 / --fanout-ladder 10,20   other load steps (development)
 *   --server-flags "--trace-gc"        extra node flags for the servers under test (development)
 *   --no-quiet                         do not wait for a quiet machine nor re-run disturbed steps (development)
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FULL, LIFTED_RATES, QUICK, scaled, type BenchConfig } from './lib/config';
import { now } from './lib/clock';
import { machineCpu, machinePct } from './lib/machine-cpu';
import { latestProfileRun, profileText, summariseProfile, type ProfileRun } from './lib/profile';
import { chartSvg, computeChecks, computeRatios, markdown } from './lib/report';
import { Rig, type RigOptions } from './lib/rig';
import { REPO_ROOT } from './lib/rpc';
import { TARGET_INFO, TARGETS, WORKLOADS, type BenchReport, type Machine, type SourceInfo, type TargetName, type WorkloadName } from './lib/types';
import { fanoutOf, idle, joinStorm, p2p, scale, sourceAddresses, waitQuiet } from './lib/workloads';

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
  scale: number;
  noQuiet: boolean;
  /** Whether --targets / --workloads were given (--profile has its own defaults). */
  targetsGiven: boolean;
  workloadsGiven: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    quick: false,
    out: undefined,
    targets: [...TARGETS],
    workloads: [...WORKLOADS],
    from: undefined,
    profile: false,
    p2pLadder: undefined,
    fanoutLadder: undefined,
    serverFlags: [],
    scale: 1,
    noQuiet: false,
    targetsGiven: false,
    workloadsGiven: false,
  };
  const skip: string[] = [];
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
    else if (k === '--no-quiet') a.noQuiet = true;
    else if (k === '--targets') {
      a.targets = next().split(',') as TargetName[];
      a.targetsGiven = true;
    } else if (k === '--workloads' || k === '--only') {
      a.workloads = next().split(',') as WorkloadName[];
      a.workloadsGiven = true;
    } else if (k === '--skip') skip.push(...next().split(','));
    else if (k === '--scale') {
      a.scale = Number(next());
      if (!(a.scale > 0)) throw new Error('--scale needs a positive number');
    }
    else if (k === '--p2p-ladder') a.p2pLadder = next().split(',').map(Number);
    else if (k === '--fanout-ladder') a.fanoutLadder = next().split(',').map(Number);
    else if (k === '--server-flags') a.serverFlags = next().split(' ').filter((f) => f !== '');
    else throw new Error(`unknown argument ${k}`);
  }
  for (const t of a.targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t} (${TARGETS.join(', ')})`);
  for (const w of [...a.workloads, ...skip]) if (!WORKLOADS.includes(w as WorkloadName)) throw new Error(`unknown workload ${w} (${WORKLOADS.join(', ')})`);
  a.workloads = a.workloads.filter((w) => !skip.includes(w));
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
  const prof = latestProfileRun(dir);
  const notesFile = path.join(REPO_ROOT, 'bench', 'profile-notes.md');
  const notes = fs.existsSync(notesFile) ? fs.readFileSync(notesFile, 'utf8') : undefined;
  // `npm run bench:cluster` owns its own section of the file (several nodes need Redis): keep it as it was.
  const previous = fs.existsSync(markdownPath) ? fs.readFileSync(markdownPath, 'utf8') : '';
  const cluster = /<!-- cluster:start[\s\S]*?<!-- cluster:end -->/.exec(previous)?.[0];
  const body = markdown(report, rel(svg), rel(json), { ...(prof ? { profile: { ...prof.run, href: rel(prof.file) } } : {}), ...(notes ? { notes } : {}) });
  fs.writeFileSync(markdownPath, (cluster === undefined ? body : `${body.trimEnd()}\n\n${cluster}`) + '\n');
  return { json, svg, md: markdownPath };
}

const live = new Set<Rig>();

async function withRig<T>(target: TargetName, run: (rig: Rig) => Promise<T>, options: RigOptions): Promise<T> {
  const rig = await Rig.start(TARGET_INFO[target], options);
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
    ...(args.scale !== 1 ? { scale: args.scale } : {}),
    durationSec: 0,
    machine: { ...machine(), backgroundCpuPct: background },
    ...(src ? { source: src } : {}),
    config: cfg,
    results: { p2p: {}, fanout: {}, fanoutRooms: {}, idle: {}, joinStorm: {}, scale: {} },
    liftedRates: LIFTED_RATES,
    ratios: {},
    checks: [],
    errors: [],
  };
  const runOne = async (w: WorkloadName, t: TargetName, rig: Rig | undefined) => {
    log(`— ${w} on ${TARGET_INFO[t].label}`);
    try {
      const result = rig ? await RUNNERS[w](rig, cfg, log) : await withRig<unknown>(t, (r) => RUNNERS[w](r, cfg, log), rigOptions(w, cfg, args.serverFlags));
      ((report.results[w] ??= {}) as Record<string, unknown>)[t] = result;
    } catch (err) {
      const msg = `${w} on ${t}: ${err instanceof Error ? err.message : String(err)}`;
      log(`ERROR ${msg}`);
      report.errors.push(msg);
    }
  };
  const wanted = (t: TargetName) => args.workloads.filter((w) => TARGET_INFO[t].workloads.includes(w));
  if (cfg.shareRigs) {
    // One rig per target for everything but scale (which needs a rig of its own kind).
    for (const t of args.targets) {
      const shared = wanted(t).filter((w) => w !== 'scale');
      if (shared.length === 0) continue;
      const liftRates = [...new Set(shared.flatMap((w) => LIFTED_RATES[w]))];
      await withRig(t, async (rig) => {
        for (const w of shared) await runOne(w, t, rig);
      }, { serverFlags: args.serverFlags, liftRates }).catch((err: unknown) => {
        const msg = `${t}: ${err instanceof Error ? err.message : String(err)}`;
        log(`ERROR ${msg}`);
        report.errors.push(msg);
      });
    }
    for (const t of args.targets) if (wanted(t).includes('scale')) await runOne('scale', t, undefined);
  } else {
    for (const w of args.workloads) for (const t of args.targets) if (TARGET_INFO[t].workloads.includes(w)) await runOne(w, t, undefined);
  }
  report.durationSec = Math.round((now() - started) / 100) / 10;
  report.ratios = computeRatios(report);
  report.checks = computeChecks(report);
  return report;
}

type Runner = (rig: Rig, cfg: BenchConfig, log: (line: string) => void) => Promise<unknown>;

const RUNNERS: Record<WorkloadName, Runner> = { p2p, fanout: fanoutOf('fanout'), fanoutRooms: fanoutOf('fanoutRooms'), idle, joinStorm, scale };

/** How the rig of a workload is started: the scale workload gets more generators, source addresses, file descriptors and heap. */
function rigOptions(w: WorkloadName, cfg: BenchConfig, serverFlags: string[]): RigOptions {
  const o: RigOptions = { serverFlags, liftRates: LIFTED_RATES[w] };
  if (w !== 'scale') return o;
  const s = cfg.scale;
  return {
    ...o,
    generators: s.generators,
    nofile: s.clients + 10_000,
    heapMb: s.heapMb,
    sourceAddresses: sourceAddresses(s.clients, s.perSourceAddress),
  };
}

/**
 * `--profile`: each chosen workload on each chosen target with the server's CPU profiled (V8's
 * sampling profiler, from the end of the workload's setup to its end), summarised (self time by
 * function and by file) into bench/results/profile-<date>.json (and .txt; raw .cpuprofile files beside).
 */
async function profile(args: Args, cfg: BenchConfig): Promise<void> {
  const { dir: outDir } = outputs(args);
  const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const raw = path.join(outDir, `profile-${stamp}`);
  const targets: TargetName[] = args.targetsGiven ? args.targets : ['sig2rtm'];
  const workloads = args.workloadsGiven ? args.workloads : args.workloads.filter((w) => w !== 'scale');
  const src = source();
  const run: ProfileRun = { date: new Date().toISOString(), mode: args.quick ? 'quick' : 'full', ...(src ? { source: src } : {}), profiles: {} };
  const texts: string[] = [];
  for (const w of workloads) {
    for (const t of targets) {
      if (!TARGET_INFO[t].workloads.includes(w)) continue;
      fs.mkdirSync(raw, { recursive: true });
      const file = path.join(raw, `${w}-${t}.cpuprofile`);
      log(`— ${w} on ${TARGET_INFO[t].label} with the server's CPU profiled (${file})`);
      try {
        await withRig(t, async (rig) => {
          await RUNNERS[w](rig, cfg, log);
          if (!(await rig.profileTo(file))) throw new Error('the workload never reached its measured part');
        }, { ...rigOptions(w, cfg, args.serverFlags), profile: true });
        const summary = summariseProfile(file, REPO_ROOT, 15);
        ((run.profiles[w] ??= {}) as Record<string, unknown>)[t] = summary;
        texts.push(`== ${w} on ${t}\n${profileText(summary)}`);
        process.stdout.write(texts[texts.length - 1]!);
      } catch (err) {
        log(`ERROR ${w} on ${t}: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(`${raw}.json`, JSON.stringify(run, null, 2) + '\n');
  fs.writeFileSync(`${raw}.txt`, texts.join('\n'));
  log(`wrote ${raw}.json and ${raw}.txt (the raw .cpuprofile files are in ${raw}/)`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const base = scaled(args.quick ? QUICK : FULL, args.scale);
  const cfg: BenchConfig = {
    ...base,
    p2p: { ...base.p2p, ladder: args.p2pLadder ?? base.p2p.ladder },
    fanout: { ...base.fanout, ladder: args.fanoutLadder ?? base.fanout.ladder },
    ...(args.noQuiet ? { avoidOtherLoad: false } : {}),
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
  log(`${args.quick ? 'quick' : 'full'} run${args.scale !== 1 ? ` at scale ${args.scale}` : ''}: workloads ${args.workloads.join(', ')}; targets ${args.targets.join(', ')}`);
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
