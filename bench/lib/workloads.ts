/**
 * The four workloads, each on a fresh Rig (server + two generators) of one target.
 */

import type { BenchConfig } from './config';
import { now, sleep } from './clock';
import { cpuPct, genCpuPct, split, type Rig } from './rig';
import os from 'node:os';
import { machineCpu, machinePct } from './machine-cpu';
import { round, summarise } from './stats';
import type { FanoutResult, FanoutStep, IdleResult, JoinStormResult, MemorySample, P2pResult, P2pStep } from './types';

type Log = (line: string) => void;

let nextStep = 1;

interface P2pReply {
  sent: number;
  settled: number;
  failed: number;
  received: number;
  lat: Float64Array;
  wallMs: number;
  errors: string[];
}

function stepLine(s: P2pStep | FanoutStep): string {
  return `lost ${s.lost}, failed ${s.failed}, p50 ${s.p50} p99 ${s.p99} max ${s.max} ms, CPU server ${s.serverCpuPct}% ` +
    `(${s.serverUsPerMsg} µs/msg) gen ${s.generatorCpuPct}% machine ${s.machineCpuPct}% (softirq ${s.softirqPct}%) ${s.ok ? 'OK' : 'FAIL'}`;
}

/** Server CPU per message (or delivery), µs. */
function usPer(cpuPct: number, perSec: number): number {
  return perSec > 0 ? round((cpuPct / 100) * 1e6 / perSec, 1) : 0;
}

async function p2pStep(rig: Rig, cfg: BenchConfig, pairs: [string, string][], rate: number, warmupMs: number): Promise<P2pStep> {
  const c = cfg.p2p;
  const [mine0, mine1] = split(pairs);
  const step = nextStep++;
  const at = now() + 150;
  const cpu0 = rig.cpuAt(at + warmupMs);
  const cpu1 = rig.cpuAt(at + warmupMs + c.stepMs);
  const replies = await Promise.all(
    ([mine0, mine1] as const).map((mine, g) =>
      rig.gens[g as 0 | 1].call<P2pReply>(
        'p2p',
        { step, pairs: mine, rate: (rate * mine.length) / pairs.length, warmupMs, durationMs: c.stepMs, drainMs: c.drainMs, at },
        warmupMs + c.stepMs + c.drainMs + 30_000,
      ),
    ),
  );
  const [s0, s1] = await Promise.all([cpu0, cpu1]);
  const lat = summarise(replies.map((r) => r.lat));
  const sent = replies[0]!.sent + replies[1]!.sent;
  const delivered = replies[0]!.received + replies[1]!.received;
  const failed = replies[0]!.failed + replies[1]!.failed;
  const wall = Math.max(replies[0]!.wallMs, replies[1]!.wallMs) / 1000;
  const durationSec = c.stepMs / 1000;
  const errors = [...replies[0]!.errors, ...replies[1]!.errors];
  const machine = machinePct(s0.machine, s1.machine);
  const serverCpuPct = cpuPct(s0.server, s1.server);
  const s: P2pStep = {
    offered: rate,
    pairs: pairs.length,
    durationSec,
    sent,
    delivered,
    deliveredPerSec: Math.round(delivered / durationSec),
    lost: sent - delivered,
    failed,
    sentPerSec: Math.round(sent / Math.max(durationSec, wall)),
    ...lat,
    serverCpuPct,
    serverUsPerMsg: usPer(serverCpuPct, delivered / durationSec),
    generatorCpuPct: genCpuPct(s0, s1),
    machineCpuPct: machine.busy,
    softirqPct: machine.softirq,
    foreignCpuPct: foreignPct(machine.busy, serverCpuPct, genCpuPct(s0, s1)),
    ok: false,
    ...(errors.length > 0 ? { errors } : {}),
  };
  s.ok = sent > 0 && s.lost === 0 && s.failed === 0 && s.p99 <= cfg.maxP99Ms;
  return s;
}

interface SearchStep {
  offered: number;
  ok: boolean;
  p99: number;
  lost: number;
  failed: number;
  foreignCpuPct: number;
  disturbed?: boolean;
  firstAttempt?: { p99: number; lost: number; failed: number };
}

/** Other processes' share of the machine during a step: machine busy − ours (server + both generators). */
function foreignPct(machineBusy: number, serverPct: number, genMeanPct: number): number {
  return Math.max(0, round(machineBusy - (serverPct + 2 * genMeanPct) / os.cpus().length, 1));
}

/** Waits (up to `maxMs`) until the machine is quiet while we are idle; resolves with the time waited. */
export async function waitQuiet(log: Log, maxMs = 60_000): Promise<number> {
  const t0 = now();
  let warned = false;
  while (now() - t0 < maxMs) {
    const a = machineCpu();
    await sleep(1000);
    const busy = machinePct(a, machineCpu()).busy;
    if (busy <= QUIET_PCT) return now() - t0;
    if (!warned) log(`the machine is ${busy} % busy with other work: waiting for it to quieten (up to ${maxMs / 1000} s)`);
    warned = true;
  }
  return now() - t0;
}

/** A step during which other processes took more than this share of the machine is run again. */
const FOREIGN_MAX_PCT = 10;
const QUIET_PCT = 15;

/** Runs a step; when other processes disturbed it, waits for quiet and runs it again (twice at most). */
async function undisturbed<S extends SearchStep>(what: string, rate: number, run: (rate: number) => Promise<S>, log: Log, enabled: boolean): Promise<S> {
  for (let i = 0; ; i++) {
    const s = await run(rate);
    if (!enabled || s.foreignCpuPct <= FOREIGN_MAX_PCT) return s;
    if (i >= 2) {
      s.disturbed = true;
      return s;
    }
    log(`${what} ${rate}/s: other processes took ${s.foreignCpuPct} % of the machine during the step; again when it is quiet`);
    await waitQuiet(log);
  }
}

/** A rate with three significant digits (two below 100), so that refined steps read well. */
function niceRate(x: number): number {
  const digits = x >= 100 ? 3 : 2;
  const f = 10 ** Math.max(0, Math.floor(Math.log10(x)) + 1 - digits);
  return Math.max(1, Math.round(x / f) * f);
}

/**
 * Steps up the ladder until a step fails (each failure run once more when `retry`), then refines
 * between the last sustainable rate and the failing one by bisection (geometric), `refine` times.
 * With a `cap`, no rate above it is offered: the cap itself is tried once instead.
 */
async function search<S extends SearchStep>(
  o: { ladder: number[]; retry: boolean; refine: number; cap?: number; what: string; avoidOtherLoad: boolean },
  run: (rate: number) => Promise<S>,
  line: (s: S) => string,
  log: Log,
): Promise<{ steps: S[]; best: S | undefined; capped: boolean }> {
  const steps: S[] = [];
  const attempt = async (rate: number): Promise<S> => {
    let s = await undisturbed(o.what, rate, run, log, o.avoidOtherLoad);
    if (!s.ok && o.retry) {
      // One more try before a step counts as failed (a stall elsewhere on the machine can fail one).
      log(`${o.what} ${rate}/s: ${line(s)}; once more`);
      await sleep(1000);
      const again = await undisturbed(o.what, rate, run, log, o.avoidOtherLoad);
      again.firstAttempt = { p99: s.p99, lost: s.lost, failed: s.failed };
      s = again;
    }
    log(`${o.what} ${rate}/s: ${line(s)}`);
    steps.push(s);
    await sleep(s.ok ? 200 : 1000);
    return s;
  };
  let best: S | undefined;
  let worst: S | undefined;
  let capped = false;
  for (let rate of o.ladder) {
    if (o.cap !== undefined && rate > o.cap) {
      capped = true;
      log(`${o.what} ${rate}/s: not offered (the client SDK lets one client send 180 messages per 3 s)`);
      if (!best || best.offered >= o.cap) break;
      rate = o.cap;
    }
    const s = await attempt(rate);
    if (s.ok) best = s;
    else {
      worst = s;
      break;
    }
    if (capped) break;
  }
  for (let i = 0; i < o.refine && best && worst; i++) {
    const mid = niceRate(Math.sqrt(best.offered * worst.offered));
    if (mid <= best.offered || mid >= worst.offered) break;
    const s = await attempt(mid);
    if (s.ok) best = s;
    else worst = s;
  }
  steps.sort((x, y) => x.offered - y.offered);
  return { steps, best, capped };
}

/** (1) Peer-to-peer with delivery acknowledgement, offered load stepped up until saturation. */
export async function p2p(rig: Rig, cfg: BenchConfig, log: Log): Promise<P2pResult> {
  const c = cfg.p2p;
  const pairs: [string, string][] = [];
  let warm = false;
  const run = async (rate: number): Promise<P2pStep> => {
    const want = Math.max(c.basePairs, Math.ceil(rate / c.perSenderRate));
    if (want > pairs.length) {
      // Pair i lives on generator i % 2 (as split() hands them out).
      const fresh: [string, string][] = [];
      for (let i = pairs.length; i < want; i++) fresh.push([`s${i}`, `r${i}`]);
      const a = fresh.filter((_, k) => (pairs.length + k) % 2 === 0);
      const b = fresh.filter((_, k) => (pairs.length + k) % 2 === 1);
      const r = await Promise.all([rig.connect(0, a.flat(), 100), rig.connect(1, b.flat(), 100)]);
      const failed = r[0].failed + r[1].failed;
      if (failed > 0) throw new Error(`p2p: ${failed} logins failed: ${[...r[0].errors, ...r[1].errors].join('; ')}`);
      pairs.push(...fresh);
    }
    const warmupMs = warm ? c.warmupMs : c.firstWarmupMs;
    warm = true;
    return p2pStep(rig, cfg, pairs.slice(0, want), rate, warmupMs);
  };
  const line = (s: P2pStep) => `${s.pairs} pairs, ${s.deliveredPerSec}/s delivered, ${stepLine(s)}${s.errors ? ` (${s.errors[0]})` : ''}`;
  const { steps, best } = await search({ ladder: c.ladder, retry: c.retry, refine: c.refine, what: `p2p ${rig.target.name}`, avoidOtherLoad: cfg.avoidOtherLoad }, run, line, log);
  const maxSustainable = best?.offered ?? 0;
  const result: P2pResult = { steps, maxSustainable };
  if (best) {
    // p99 at exactly half the maximum sustainable rate.
    const halfRate = niceRate(maxSustainable / 2);
    let half = steps.find((s) => s.offered === halfRate);
    if (!half || (half.p99 > c.halfRateP99Ms && c.retry && !half.firstAttempt)) {
      // Run at exactly half (again, as any failing step, when a step there missed the p99 target).
      const first = half;
      half = await undisturbed(`p2p ${rig.target.name}`, halfRate, run, log, cfg.avoidOtherLoad);
      if (first) {
        half.firstAttempt = { p99: first.p99, lost: first.lost, failed: first.failed };
        steps.splice(steps.indexOf(first), 1);
      }
      log(`p2p ${rig.target.name} ${halfRate}/s (half of ${maxSustainable}${first ? ', once more' : ''}): ${line(half)}`);
      steps.push(half);
      steps.sort((x, y) => x.offered - y.offered);
    }
    if (half.p99 > c.halfRateP99Ms && c.retry && !half.firstAttempt) {
      log(`p2p ${rig.target.name} ${halfRate}/s: p99 ${half.p99} ms > ${c.halfRateP99Ms} ms; once more`);
      await sleep(1000);
      const again = await undisturbed(`p2p ${rig.target.name}`, halfRate, run, log, cfg.avoidOtherLoad);
      again.firstAttempt = { p99: half.p99, lost: half.lost, failed: half.failed };
      steps.splice(steps.indexOf(half), 1, again);
      half = again;
      log(`p2p ${rig.target.name} ${halfRate}/s (half of ${maxSustainable}): ${line(half)}`);
    }
    result.halfRate = { offered: half.offered, p99: half.p99 };
  }
  if (steps.length > 0 && steps.every((s) => s.ok)) result.note = 'never saturated within the ladder';
  return result;
}

async function fanoutStep(rig: Rig, cfg: BenchConfig, o: { ch: string; sender: string; receivers: number[]; rate: number }): Promise<FanoutStep> {
  const c = cfg.fanout;
  const step = nextStep++;
  await Promise.all(rig.gens.map((g) => g.call('fanoutArm', { step })));
  const at = now() + 150;
  const cpu0 = rig.cpuAt(at);
  const cpu1 = rig.cpuAt(at + c.stepMs);
  const sent = await rig.gens[0].call<{ sent: number; failed: number; wallMs: number; errors: string[] }>(
    'fanoutSend',
    { step, from: o.sender, ch: o.ch, rate: o.rate, durationMs: c.stepMs, at },
    c.stepMs + 30_000,
  );
  const got = await Promise.all(
    rig.gens.map((g, i) => g.call<{ received: number; lat: Float64Array }>('fanoutCollect', { expected: sent.sent * o.receivers[i]!, timeoutMs: c.drainMs }, c.drainMs + 30_000)),
  );
  const [s0, s1] = await Promise.all([cpu0, cpu1]);
  const lat = summarise(got.map((g) => g.lat));
  const expected = sent.sent * (c.members - 1);
  const delivered = got[0]!.received + got[1]!.received;
  const durationSec = c.stepMs / 1000;
  const machine = machinePct(s0.machine, s1.machine);
  const serverCpuPct = cpuPct(s0.server, s1.server);
  const s: FanoutStep = {
    offered: o.rate,
    durationSec,
    sent: sent.sent,
    expected,
    delivered,
    // Over the window the messages actually took (rate × duration, rounded to whole messages).
    deliveriesPerSec: sent.sent > 0 ? Math.round((delivered * o.rate) / sent.sent) : 0,
    lost: expected - delivered,
    failed: sent.failed,
    ...lat,
    serverCpuPct,
    serverUsPerMsg: usPer(serverCpuPct, sent.sent > 0 ? (delivered * o.rate) / sent.sent : 0),
    generatorCpuPct: genCpuPct(s0, s1),
    machineCpuPct: machine.busy,
    softirqPct: machine.softirq,
    foreignCpuPct: foreignPct(machine.busy, serverCpuPct, genCpuPct(s0, s1)),
    ok: false,
    ...(sent.errors.length > 0 ? { errors: sent.errors } : {}),
  };
  s.ok = s.sent > 0 && s.lost === 0 && s.failed === 0 && s.p99 <= c.maxP99Ms;
  return s;
}

/** (2) Channel fan-out: one channel, one sender, stepped rate. */
export async function fanout(rig: Rig, cfg: BenchConfig, log: Log): Promise<FanoutResult> {
  const c = cfg.fanout;
  const ch = 'fanout';
  const uids = Array.from({ length: c.members }, (_, i) => `m${i}`);
  const sender = uids[0]!;
  const [u0, u1] = split(uids);
  const r = await rig.connectSplit(uids, 100);
  if (r.failed > 0) throw new Error(`fanout: ${r.failed} logins failed: ${r.errors.join('; ')}`);
  const joins = await Promise.all(
    ([u0, u1] as const).map((mine, g) => rig.gens[g as 0 | 1].call<{ joined: number; failed: number; errors: string[] }>('join', { uids: mine, ch, at: now(), concurrency: 50 }, 180_000)),
  );
  const joinFailed = joins[0]!.failed + joins[1]!.failed;
  if (joinFailed > 0) throw new Error(`fanout: ${joinFailed} joins failed: ${[...joins[0]!.errors, ...joins[1]!.errors].join('; ')}`);
  await sleep(c.settleMs);
  const receivers = [u0.length - 1, u1.length]; // the sender (m0, on generator 0) receives nothing
  const line = (s: FanoutStep) => `${s.deliveriesPerSec} deliveries/s, ${stepLine(s)}${s.errors ? ` (${s.errors[0]})` : ''}`;
  const { steps, best, capped } = await search(
    { ladder: c.ladder, retry: c.retry, refine: c.refine, cap: rig.target.sendCapPerClient, what: `fanout ${rig.target.name} × ${c.members - 1}`, avoidOtherLoad: cfg.avoidOtherLoad },
    (rate) => fanoutStep(rig, cfg, { ch, sender, receivers, rate }),
    line,
    log,
  );
  const result: FanoutResult = {
    members: c.members,
    steps,
    sustainableDeliveriesPerSec: best?.deliveriesPerSec ?? 0,
    sustainableOffered: best?.offered ?? 0,
  };
  if (capped) {
    result.cappedAbove = rig.target.sendCapPerClient;
    if (steps.length > 0 && steps.every((s) => s.ok)) result.note = `not saturated: the client SDK's send limit stops the one sender at ${result.cappedAbove} msg/s`;
  }
  return result;
}

/** (3) Idle connections: server memory per logged-in idle client. */
export async function idle(rig: Rig, cfg: BenchConfig, log: Log): Promise<IdleResult> {
  const c = cfg.idle;
  await sleep(300);
  const before = await rig.mem();
  const uids = Array.from({ length: c.clients }, (_, i) => `i${i}`);
  const r = await rig.connectSplit(uids, c.concurrency);
  if (r.failed > 0) log(`idle ${rig.target.name}: ${r.failed} logins failed (${r.errors[0] ?? ''})`);
  await sleep(c.settleMs);
  const a = await rig.cpu();
  await sleep(c.idleMs);
  const b = await rig.cpu();
  const after = await rig.mem();
  const n = r.ok;
  const result: IdleResult = {
    clients: c.clients,
    loggedIn: n,
    connectSec: round(r.ms / 1000, 2),
    before,
    after,
    rssPerConn: n > 0 ? Math.round((after.rss - before.rss) / n) : 0,
    heapPerConn: n > 0 ? Math.round((after.heapUsed - before.heapUsed) / n) : 0,
    netPerConn: n > 0 ? Math.round((net(after) - net(before)) / n) : 0,
    idleServerCpuPct: cpuPct(a.server, b.server),
  };
  log(
    `idle ${rig.target.name}: ${n} clients in ${result.connectSec} s; RSS ${mib(before.rss)} → ${mib(after.rss)} MiB (${kib(result.rssPerConn)} KiB/conn), ` +
      `heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB (${kib(result.heapPerConn)} KiB/conn), net ${kib(result.netPerConn)} KiB/conn, idle CPU ${result.idleServerCpuPct}%`,
  );
  return result;
}

/** (4) Join storm: every client joins one channel at the same moment. */
export async function joinStorm(rig: Rig, cfg: BenchConfig, log: Log): Promise<JoinStormResult> {
  const c = cfg.joinStorm;
  const uids = Array.from({ length: c.clients }, (_, i) => `j${i}`);
  const parts = split(uids);
  const r = await rig.connectSplit(uids, c.concurrency);
  if (r.failed > 0) throw new Error(`joinStorm: ${r.failed} logins failed: ${r.errors.join('; ')}`);
  await sleep(c.settleMs);
  if (cfg.avoidOtherLoad) await waitQuiet(log);
  const at = now() + 300;
  // Sampled while the server is still idle: once the storm starts, IPC waits behind the sockets.
  const cpu0 = rig.cpuAt(at - 150);
  const done = await Promise.all(
    parts.map((mine, g) => rig.gens[g as 0 | 1].call<{ joined: number; failed: number; lastDone: number; errors: string[] }>('join', { uids: mine, ch: 'storm', at }, 180_000)),
  );
  const cpu1 = await rig.cpu();
  const s0 = await cpu0;
  const lastDone = Math.max(done[0]!.lastDone, done[1]!.lastDone);
  const result: JoinStormResult = {
    clients: c.clients,
    joined: done[0]!.joined + done[1]!.joined,
    failed: done[0]!.failed + done[1]!.failed,
    allJoinedMs: round(lastDone - at, 1),
    serverCpuMs: round((cpu1.server.cpuMicros - s0.server.cpuMicros) / 1000, 1),
    serverCpuPct: 0,
  };
  result.serverCpuPct = round((result.serverCpuMs / Math.max(1, result.allJoinedMs)) * 100, 1);
  log(`joinStorm ${rig.target.name}: ${result.joined}/${c.clients} joined in ${result.allJoinedMs} ms, server CPU ${result.serverCpuMs} ms (${result.serverCpuPct}%)${result.failed ? `, ${result.failed} failed: ${done[0]!.errors[0] ?? done[1]!.errors[0]}` : ''}`);
  return result;
}

/** RSS without V8's unused heap space. */
function net(m: MemorySample): number {
  return m.rss - m.heapTotal + m.heapUsed;
}

function mib(b: number): string {
  return (b / 1048576).toFixed(1);
}

function kib(b: number): string {
  return (b / 1024).toFixed(2);
}
