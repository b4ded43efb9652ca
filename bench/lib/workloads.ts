/**
 * The four workloads, each on a fresh Rig (server + two generators) of one target.
 */

import type { BenchConfig, FanoutConfig } from './config';
import { now, sleep } from './clock';
import { cpuPct, genCpuPct, split, wsAddonEnv, type Rig } from './rig';
import { Child } from './rpc';
import os from 'node:os';
import { machineCpu, machinePct } from './machine-cpu';
import { round, summarise } from './stats';
import type { FanoutResult, FanoutStep, FanoutWorkload, IdleResult, JoinStormResult, MemorySample, P2pResult, P2pStep, PresenceProbe, ScaleResult } from './types';

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

function total(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Server CPU per message (or delivery), µs. */
function usPer(cpuPct: number, perSec: number): number {
  return perSec > 0 ? round((cpuPct / 100) * 1e6 / perSec, 1) : 0;
}

async function p2pStep(rig: Rig, cfg: BenchConfig, pairs: [string, string][], rate: number, warmupMs: number): Promise<P2pStep> {
  const c = cfg.p2p;
  const step = nextStep++;
  const at = now() + 150;
  const cpu0 = rig.cpuAt(at + warmupMs);
  const cpu1 = rig.cpuAt(at + warmupMs + c.stepMs);
  const replies = await Promise.all(
    split(pairs, rig.gens.length).map((mine, g) =>
      rig.gens[g]!.call<P2pReply>(
        'p2p',
        { step, pairs: mine, rate: (rate * mine.length) / pairs.length, warmupMs, durationMs: c.stepMs, drainMs: c.drainMs, at },
        warmupMs + c.stepMs + c.drainMs + 30_000,
      ),
    ),
  );
  const [s0, s1] = await Promise.all([cpu0, cpu1]);
  const lat = summarise(replies.map((r) => r.lat));
  const sent = total(replies.map((r) => r.sent));
  const delivered = total(replies.map((r) => r.received));
  const failed = total(replies.map((r) => r.failed));
  const wall = Math.max(...replies.map((r) => r.wallMs)) / 1000;
  const durationSec = c.stepMs / 1000;
  const errors = replies.flatMap((r) => r.errors);
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
    foreignCpuPct: foreignPct(machine.busy, serverCpuPct, genCpuPct(s0, s1), rig.gens.length),
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
function foreignPct(machineBusy: number, serverPct: number, genMeanPct: number, gens: number): number {
  return Math.max(0, round(machineBusy - (serverPct + gens * genMeanPct) / os.cpus().length, 1));
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
 */
async function search<S extends SearchStep>(
  o: { ladder: number[]; retry: boolean; refine: number; what: string; avoidOtherLoad: boolean },
  run: (rate: number) => Promise<S>,
  line: (s: S) => string,
  log: Log,
): Promise<{ steps: S[]; best: S | undefined }> {
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
  for (const rate of o.ladder) {
    const s = await attempt(rate);
    if (s.ok) best = s;
    else {
      worst = s;
      break;
    }
  }
  for (let i = 0; i < o.refine && best && worst; i++) {
    const mid = niceRate(Math.sqrt(best.offered * worst.offered));
    if (mid <= best.offered || mid >= worst.offered) break;
    const s = await attempt(mid);
    if (s.ok) best = s;
    else worst = s;
  }
  steps.sort((x, y) => x.offered - y.offered);
  return { steps, best };
}

/** (1) Peer-to-peer with delivery acknowledgement, offered load stepped up until saturation. */
export async function p2p(rig: Rig, cfg: BenchConfig, log: Log): Promise<P2pResult> {
  const c = cfg.p2p;
  const pairs: [string, string][] = [];
  let warm = false;
  const run = async (rate: number): Promise<P2pStep> => {
    const want = Math.max(c.basePairs, Math.ceil(rate / c.perSenderRate));
    if (want > pairs.length) {
      // Pair i lives on generator i mod n (as split() hands them out).
      const n = rig.gens.length;
      const fresh: [string, string][] = [];
      for (let i = pairs.length; i < want; i++) fresh.push([`s${i}`, `r${i}`]);
      const r = await Promise.all(rig.gens.map((_, g) => rig.connect(g, fresh.filter((__, k) => (pairs.length + k) % n === g).flat(), 100)));
      const failed = total(r.map((x) => x.failed));
      if (failed > 0) throw new Error(`p2p: ${failed} logins failed: ${r.flatMap((x) => x.errors).join('; ')}`);
      pairs.push(...fresh);
    }
    const warmupMs = warm ? c.warmupMs : c.firstWarmupMs;
    warm = true;
    await rig.measuring();
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

/** Channels and where their members live: the layout of a fan-out workload. */
interface FanoutLayout {
  channels: { name: string; members: string[] }[];
  /** Generator of each uid. */
  genOf: Map<string, number>;
}

/** Logs in `channels × members` clients (spread over the generators) and joins each to its channel. */
async function fanoutSetup(rig: Rig, channels: number, members: number, prefix: string, concurrency: number): Promise<FanoutLayout> {
  const layout: FanoutLayout = { channels: [], genOf: new Map() };
  const all: string[] = [];
  for (let c = 0; c < channels; c++) {
    const uids = Array.from({ length: members }, (_, i) => `${prefix}${c}-${i}`);
    layout.channels.push({ name: `${prefix}${c}`, members: uids });
    all.push(...uids);
  }
  // Dealt out in turn, so every channel has members on every generator.
  const parts = split(all, rig.gens.length);
  parts.forEach((p, g) => p.forEach((u) => layout.genOf.set(u, g)));
  const r = await rig.connectSplit(all, concurrency);
  if (r.failed > 0) throw new Error(`fanout: ${r.failed} logins failed: ${r.errors.slice(0, 3).join('; ')}`);
  const chOf = new Map<string, string>();
  for (const ch of layout.channels) for (const u of ch.members) chOf.set(u, ch.name);
  // Each generator joins its clients, one channel at a time (a join storm is workload (4), not this).
  const joins = await Promise.all(
    parts.map(async (mine, g) => {
      let failed = 0;
      const errors: string[] = [];
      for (const ch of layout.channels) {
        const uids = mine.filter((u) => chOf.get(u) === ch.name);
        const j = await rig.gens[g]!.call<{ joined: number; failed: number; errors: string[] }>('join', { uids, ch: ch.name, at: now(), concurrency: 50 }, 60_000 + uids.length * 50);
        failed += j.failed;
        errors.push(...j.errors);
      }
      return { failed, errors };
    }),
  );
  const joinFailed = total(joins.map((j) => j.failed));
  if (joinFailed > 0) throw new Error(`fanout: ${joinFailed} joins failed: ${joins.flatMap((j) => j.errors).slice(0, 3).join('; ')}`);
  return layout;
}

/**
 * The senders of a step: enough that none sends more than `perSenderRate` msg/s, spread evenly over
 * the channels (the first members of each).
 */
function fanoutSenders(layout: FanoutLayout, rate: number, perSenderRate: number): [string, string][] {
  const k = layout.channels.length;
  const perChannel = Math.min(layout.channels[0]!.members.length, Math.max(1, Math.ceil(rate / k / perSenderRate)));
  const out: [string, string][] = [];
  // Interleaved by channel, so that sending in turn spreads the load over the channels.
  for (let i = 0; i < perChannel; i++) for (const ch of layout.channels) out.push([ch.members[i]!, ch.name]);
  return out;
}

async function fanoutStep(rig: Rig, c: FanoutConfig, layout: FanoutLayout, rate: number): Promise<FanoutStep> {
  const step = nextStep++;
  const senders = fanoutSenders(layout, rate, c.perSenderRate);
  const mine = rig.gens.map((_, g) => senders.filter(([u]) => layout.genOf.get(u) === g));
  await Promise.all(rig.gens.map((g) => g.call('fanoutArm', { step })));
  const at = now() + 150;
  const cpu0 = rig.cpuAt(at);
  const cpu1 = rig.cpuAt(at + c.stepMs);
  const sends = await Promise.all(
    rig.gens.map((g, i) =>
      mine[i]!.length === 0
        ? Promise.resolve({ sent: 0, sentBy: [] as number[], failed: 0, wallMs: 0, errors: [] as string[] })
        : g.call<{ sent: number; sentBy: number[]; failed: number; wallMs: number; errors: string[] }>(
            'fanoutSend',
            { step, senders: mine[i], rate: (rate * mine[i]!.length) / senders.length, durationMs: c.stepMs, at },
            c.stepMs + 30_000,
          ),
    ),
  );
  // Deliveries each generator should see: for every message, the members of its channel there but the sender.
  const membersOn = new Map<string, number[]>();
  for (const ch of layout.channels) {
    const counts = rig.gens.map(() => 0);
    for (const u of ch.members) counts[layout.genOf.get(u)!]!++;
    membersOn.set(ch.name, counts);
  }
  const expectedOn = rig.gens.map(() => 0);
  sends.forEach((s, i) =>
    s.sentBy.forEach((count, k) => {
      const [uid, ch] = mine[i]![k]!;
      membersOn.get(ch)!.forEach((m, g) => (expectedOn[g]! += count * (m - (layout.genOf.get(uid) === g ? 1 : 0))));
    }),
  );
  const got = await Promise.all(
    rig.gens.map((g, i) => g.call<{ received: number; lat: Float64Array }>('fanoutCollect', { expected: expectedOn[i], timeoutMs: c.drainMs }, c.drainMs + 30_000)),
  );
  const [s0, s1] = await Promise.all([cpu0, cpu1]);
  const lat = summarise(got.map((g) => g.lat));
  const sent = total(sends.map((s) => s.sent));
  const expected = total(expectedOn);
  const delivered = total(got.map((g) => g.received));
  const durationSec = c.stepMs / 1000;
  const machine = machinePct(s0.machine, s1.machine);
  const serverCpuPct = cpuPct(s0.server, s1.server);
  const errors = sends.flatMap((s) => s.errors);
  // Over the window the messages actually took (rate × duration, rounded to whole messages).
  const perSec = sent > 0 ? (delivered * rate) / sent : 0;
  const s: FanoutStep = {
    offered: rate,
    senders: senders.length,
    durationSec,
    sent,
    expected,
    delivered,
    deliveriesPerSec: Math.round(perSec),
    lost: expected - delivered,
    failed: total(sends.map((x) => x.failed)),
    ...lat,
    serverCpuPct,
    serverUsPerMsg: usPer(serverCpuPct, perSec),
    generatorCpuPct: genCpuPct(s0, s1),
    machineCpuPct: machine.busy,
    softirqPct: machine.softirq,
    foreignCpuPct: foreignPct(machine.busy, serverCpuPct, genCpuPct(s0, s1), rig.gens.length),
    ok: false,
    ...(errors.length > 0 ? { errors } : {}),
  };
  s.ok = s.sent > 0 && s.lost === 0 && s.failed === 0 && s.p99 <= c.maxP99Ms;
  return s;
}

/** Steps the fan-out rate of a laid-out workload up to saturation. */
async function fanoutSearch(rig: Rig, c: FanoutConfig, layout: FanoutLayout, ladder: number[], avoidOtherLoad: boolean, log: Log): Promise<FanoutResult> {
  const members = layout.channels[0]!.members.length;
  const line = (s: FanoutStep) => `${s.senders} senders, ${s.deliveriesPerSec} deliveries/s, ${stepLine(s)}${s.errors ? ` (${s.errors[0]})` : ''}`;
  const { steps, best } = await search(
    { ladder, retry: c.retry, refine: c.refine, what: `fanout ${rig.target.name} ${layout.channels.length} × ${members}`, avoidOtherLoad },
    (rate) => fanoutStep(rig, c, layout, rate),
    line,
    log,
  );
  const result: FanoutResult = {
    channels: layout.channels.length,
    members,
    steps,
    sustainableDeliveriesPerSec: best?.deliveriesPerSec ?? 0,
    sustainableOffered: best?.offered ?? 0,
  };
  if (steps.length > 0 && steps.every((s) => s.ok)) result.note = 'never saturated within the ladder';
  return result;
}

/** (2) Channel fan-out, many senders: one channel of 1,000 members (`fanout`) or 10 of 100 (`fanoutRooms`). */
export function fanoutOf(which: FanoutWorkload) {
  return async (rig: Rig, cfg: BenchConfig, log: Log): Promise<FanoutResult> => {
    const c = cfg[which];
    const layout = await fanoutSetup(rig, c.channels, c.members, which === 'fanout' ? 'f' : 'g', 100);
    await sleep(c.settleMs);
    await rig.measuring();
    return fanoutSearch(rig, c, layout, c.ladder, cfg.avoidOtherLoad, log);
  };
}

/** (3) Idle connections: server memory per logged-in idle client, and server CPU over a long idle window. */
export async function idle(rig: Rig, cfg: BenchConfig, log: Log): Promise<IdleResult> {
  const c = cfg.idle;
  await sleep(300);
  const before = await rig.mem();
  const uids = Array.from({ length: c.clients }, (_, i) => `i${i}`);
  const r = await rig.connectSplit(uids, c.concurrency);
  if (r.failed > 0) log(`idle ${rig.target.name}: ${r.failed} logins failed (${r.errors[0] ?? ''})`);
  await sleep(c.settleMs);
  // The probe takes ≥ 30 s: on the sig2rtm target only (the legacy paths share its server and timings).
  const probe = c.presenceProbe && rig.target.name === 'sig2rtm' ? startPresenceProbe(rig, log) : undefined;
  await rig.measuring();
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
    idleWindowSec: round((b.server.at - a.server.at) / 1000, 1),
    idleGeneratorCpuPct: genCpuPct(a, b),
  };
  if (probe) result.presence = await probe;
  log(
    `idle ${rig.target.name}: ${n} clients in ${result.connectSec} s; RSS ${mib(before.rss)} → ${mib(after.rss)} MiB (${kib(result.rssPerConn)} KiB/conn), ` +
      `heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB (${kib(result.heapPerConn)} KiB/conn), net ${kib(result.netPerConn)} KiB/conn, ` +
      `idle CPU ${result.idleServerCpuPct}% over ${result.idleWindowSec} s (generators ${result.idleGeneratorCpuPct}%)` +
      (result.presence ? `; presence: UNREACHABLE after ${result.presence.unreachableAfterMs} ms, OFFLINE after ${result.presence.offlineAfterMs} ms` : ''),
  );
  return result;
}

/** RTM's presence timings (rtm-1x.md §7) and how late (one heartbeat period, plus scheduling) they may come. */
const EXPECT_UNREACHABLE_MS = 6000;
const EXPECT_OFFLINE_MS = 30_000;
const PRESENCE_SLACK_MS = 3000;

/**
 * Presence probe of the idle workload: one more client, alone in a process of its own, is watched
 * (an RTM client on generator 0 subscribes to its online status); its process is frozen (SIGSTOP, so
 * its socket stays open but says nothing, as a phone that lost the network) and the watcher's
 * UNREACHABLE and OFFLINE are timed from the freeze. Runs beside the idle window; takes ≥ 30 s.
 */
async function startPresenceProbe(rig: Rig, log: Log): Promise<PresenceProbe> {
  const base = { unreachableAfterMs: null, offlineAfterMs: null, expectUnreachableMs: EXPECT_UNREACHABLE_MS, expectOfflineMs: EXPECT_OFFLINE_MS, ok: false };
  let victim: Child | undefined;
  try {
    victim = (await Child.start(`${rig.target.name}-frozen`, 'gen/generator.ts', { env: wsAddonEnv(false) })).child;
    await victim.call('init', { kind: 'rtm', url: rig.url });
    const v = await victim.call<{ failed: number; errors: string[] }>('connect', { uids: ['frozen'], concurrency: 1 });
    if (v.failed > 0) throw new Error(`the watched client did not log in: ${v.errors[0] ?? ''}`);
    await rig.gens[0]!.call('watch', { watcher: 'watcher', peer: 'frozen' });
    await sleep(500);
    const frozenAt = now();
    victim.proc.kill('SIGSTOP');
    const deadline = frozenAt + EXPECT_OFFLINE_MS + PRESENCE_SLACK_MS + 2000;
    let seen: [string, number][] = [];
    while (now() < deadline) {
      await sleep(500);
      seen = (await rig.gens[0]!.call<[string, number][]>('presence')).filter(([, at]) => at >= frozenAt);
      if (seen.some(([st]) => st === 'OFFLINE')) break;
    }
    const first = (state: string) => {
      const e = seen.find(([st]) => st === state);
      return e ? Math.round(e[1] - frozenAt) : null;
    };
    const unreachableAfterMs = first('UNREACHABLE');
    const offlineAfterMs = first('OFFLINE');
    const ok =
      unreachableAfterMs !== null && offlineAfterMs !== null &&
      unreachableAfterMs >= EXPECT_UNREACHABLE_MS - PRESENCE_SLACK_MS && unreachableAfterMs <= EXPECT_UNREACHABLE_MS + PRESENCE_SLACK_MS &&
      offlineAfterMs >= EXPECT_OFFLINE_MS - PRESENCE_SLACK_MS && offlineAfterMs <= EXPECT_OFFLINE_MS + PRESENCE_SLACK_MS;
    return { ...base, unreachableAfterMs, offlineAfterMs, ok };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log(`idle ${rig.target.name}: presence probe failed: ${error}`);
    return { ...base, error };
  } finally {
    victim?.kill();
  }
}

/** (4) Join storm: every client joins one channel at the same moment. */
export async function joinStorm(rig: Rig, cfg: BenchConfig, log: Log): Promise<JoinStormResult> {
  const c = cfg.joinStorm;
  const uids = Array.from({ length: c.clients }, (_, i) => `j${i}`);
  const parts = split(uids, rig.gens.length);
  const r = await rig.connectSplit(uids, c.concurrency);
  if (r.failed > 0) throw new Error(`joinStorm: ${r.failed} logins failed: ${r.errors.join('; ')}`);
  await sleep(c.settleMs);
  if (cfg.avoidOtherLoad) await waitQuiet(log);
  await rig.measuring();
  const at = now() + 300;
  // Sampled while the server is still idle: once the storm starts, IPC waits behind the sockets.
  const cpu0 = rig.cpuAt(at - 150);
  const done = await Promise.all(
    parts.map((mine, g) => rig.gens[g]!.call<{ joined: number; failed: number; lastDone: number; errors: string[] }>('join', { uids: mine, ch: 'storm', at }, 180_000)),
  );
  const cpu1 = await rig.cpu();
  const s0 = await cpu0;
  const lastDone = Math.max(...done.map((d) => d.lastDone));
  const result: JoinStormResult = {
    clients: c.clients,
    joined: total(done.map((d) => d.joined)),
    failed: total(done.map((d) => d.failed)),
    allJoinedMs: round(lastDone - at, 1),
    serverCpuMs: round((cpu1.server.cpuMicros - s0.server.cpuMicros) / 1000, 1),
    serverCpuPct: 0,
  };
  result.serverCpuPct = round((result.serverCpuMs / Math.max(1, result.allJoinedMs)) * 100, 1);
  const firstError = done.find((d) => d.errors.length > 0)?.errors[0];
  log(`joinStorm ${rig.target.name}: ${result.joined}/${c.clients} joined in ${result.allJoinedMs} ms, server CPU ${result.serverCpuMs} ms (${result.serverCpuPct}%)${result.failed ? `, ${result.failed} failed: ${firstError ?? ''}` : ''}`);
  return result;
}

/** Open files a process keeps for itself besides its connections. */
const NOFILE_RESERVE = 1000;

/** Loopback source addresses for `clients` clients, at most `per` on each: 127.0.0.2, 127.0.0.3, … */
export function sourceAddresses(clients: number, per: number): string[] {
  const n = Math.max(1, Math.ceil(clients / per));
  return Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);
}

/**
 * (5) Scale: `scale.clients` logged-in connections on one server process, from several generator
 * processes over several loopback source addresses, with open-file limits raised by the harness
 * (the rig is started by `scaleRig`). Login time, RSS per connection, idle CPU; then a fan-out to
 * one channel of `scale.fanoutMembers` of those clients.
 */
export async function scale(rig: Rig, cfg: BenchConfig, log: Log): Promise<ScaleResult> {
  const c = cfg.scale;
  const [serverNofile, ...genNofile] = await Promise.all([rig.server.call<number>('nofile'), ...rig.gens.map((g) => g.call<number>('nofile'))]);
  // Every connection is a file descriptor in the server and one in a generator (plus a reserve for
  // the process's own files). Where the harness could not raise the limits far enough (the hard
  // limit needs root with CAP_SYS_RESOURCE), the run takes as many clients as they allow, says so,
  // and projects the per-connection figures to the issue's count.
  const fit = Math.min(c.clients, serverNofile - NOFILE_RESERVE, rig.gens.length * (Math.min(...genNofile) - NOFILE_RESERVE));
  if (fit < 10) throw new Error(`scale: open-file limits too low (server ${serverNofile}, generators ${Math.min(...genNofile)})`);
  const limitedBy = fit < c.clients ? `open-file limit: server ${serverNofile}, generators ${Math.min(...genNofile)} (raising the hard limit needs root with CAP_SYS_RESOURCE; ulimit -Hn)` : undefined;
  if (limitedBy) log(`scale ${rig.target.name}: ${c.clients} clients do not fit the ${limitedBy}: ${fit} instead`);
  await sleep(300);
  await rig.measuring();
  const before = await rig.mem();
  const uids = Array.from({ length: fit }, (_, i) => `x${i}`);
  log(`scale ${rig.target.name}: logging in ${fit} clients from ${rig.gens.length} generators over ${rig.sourceAddresses.join(', ')}`);
  const l0 = await rig.cpu();
  const r = await rig.connectSplit(uids, c.concurrency);
  const l1 = await rig.cpu();
  const genMem = await Promise.all(rig.gens.map((g) => g.call<number>('rss')));
  const errors = r.errors.slice(0, 5);
  if (r.failed > 0) log(`scale ${rig.target.name}: ${r.failed} logins failed (${r.errors[0] ?? ''})`);
  const loginCpu = { server: cpuPct(l0.server, l1.server), generator: genCpuPct(l0, l1), machine: machinePct(l0.machine, l1.machine).busy };
  log(`scale ${rig.target.name}: ${r.ok} logged in in ${round(r.ms / 1000, 1)} s (CPU server ${loginCpu.server}%, generators ${loginCpu.generator}% each, machine ${loginCpu.machine}%)`);
  await sleep(c.settleMs);
  const a = await rig.cpu();
  await sleep(c.idleMs);
  const b = await rig.cpu();
  const after = await rig.mem();
  const n = r.ok;
  const result: ScaleResult = {
    clients: fit,
    wanted: c.clients,
    ...(limitedBy ? { limitedBy } : {}),
    loggedIn: n,
    generators: rig.gens.length,
    sourceAddresses: rig.sourceAddresses,
    nofile: { server: serverNofile, generator: Math.min(...genNofile) },
    loginSec: round(r.ms / 1000, 2),
    loginsPerSec: Math.round(n / Math.max(0.001, r.ms / 1000)),
    loginCpu,
    before,
    after,
    rssPerConn: n > 0 ? Math.round((after.rss - before.rss) / n) : 0,
    netPerConn: n > 0 ? Math.round((net(after) - net(before)) / n) : 0,
    idleServerCpuPct: cpuPct(a.server, b.server),
    idleWindowSec: round((b.server.at - a.server.at) / 1000, 1),
    generatorRssMiB: Math.round(Math.max(...genMem) / 1048576),
    projected: {
      clients: c.clients,
      rssMiB: Math.round((after.rss + ((after.rss - before.rss) / Math.max(1, n)) * (c.clients - n)) / 1048576),
      idleServerCpuPct: n > 0 ? round((cpuPct(a.server, b.server) * c.clients) / n, 1) : 0,
    },
    ...(errors.length > 0 ? { errors } : {}),
  };
  log(`scale ${rig.target.name}: RSS ${mib(before.rss)} → ${mib(after.rss)} MiB (${kib(result.rssPerConn)} KiB/conn, net ${kib(result.netPerConn)}), idle CPU ${result.idleServerCpuPct}% over ${result.idleWindowSec} s`);
  // Fan-out to one big channel of already logged-in clients.
  const members = uids.slice(0, Math.min(c.fanoutMembers, n));
  const layout: FanoutLayout = { channels: [{ name: 'big', members }], genOf: new Map() };
  split(uids, rig.gens.length).forEach((p, g) => p.forEach((u) => layout.genOf.set(u, g)));
  const t0 = now();
  const joins = await Promise.all(
    // uid i lives on generator i mod n (connectSplit), and so does members[i].
    split(members, rig.gens.length).map((mine, g) => rig.gens[g]!.call<{ failed: number; errors: string[] }>('join', { uids: mine, ch: 'big', at: now(), concurrency: c.joinConcurrency }, 120_000 + mine.length * 50)),
  );
  result.joinSec = round((now() - t0) / 1000, 2);
  const joinFailed = total(joins.map((j) => j.failed));
  if (joinFailed > 0) throw new Error(`scale: ${joinFailed} joins of the big channel failed: ${joins.flatMap((j) => j.errors).slice(0, 3).join('; ')}`);
  const fc: FanoutConfig = { ...cfg.fanout, channels: 1, members: members.length, ladder: c.fanoutLadder, stepMs: c.fanoutStepMs, drainMs: c.fanoutDrainMs, maxP99Ms: c.fanoutMaxP99Ms, retry: false, refine: 0 };
  await sleep(cfg.fanout.settleMs);
  result.fanout = await fanoutSearch(rig, fc, layout, c.fanoutLadder, false, log);
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
