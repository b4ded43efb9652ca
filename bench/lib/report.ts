/**
 * From a run's figures: the ratios, the issue's targets (met / not met), BENCHMARKS.md and the SVG
 * chart of p99 latency against offered load (hand-written SVG, no dependency).
 */

import { FULL, type BenchConfig, type FanoutConfig } from './config';
import type { ProfileRun } from './profile';
import type { BenchReport, FanoutResult, FanoutWorkload, P2pResult, TargetCheck, TargetName } from './types';
import { TARGET_INFO, TARGETS } from './types';

function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || b === 0) return null;
  return Math.round((a / b) * 1000) / 1000;
}

/** The targets the server-cost ratios compare. */
const COMPARED: TargetName[] = ['raw', 'socketio', 'sig2rtm'];

/** The highest load every listed target sustained (0 when none), and each target's step there. */
export function commonStep<S extends { offered: number; ok: boolean }>(
  results: Partial<Record<TargetName, { steps: S[] }>> | undefined,
  among: TargetName[] = COMPARED,
): { rate: number; at: Partial<Record<TargetName, S>> } {
  const present = among.filter((t) => results?.[t]);
  if (!results || present.length === 0) return { rate: 0, at: {} };
  const okRates = present.map((t) => new Set(results[t]!.steps.filter((s) => s.ok).map((s) => s.offered)));
  const candidates = [...okRates[0]!].filter((x) => okRates.every((set) => set.has(x)));
  const rate = candidates.length > 0 ? Math.max(...candidates) : 0;
  const at: Partial<Record<TargetName, S>> = {};
  for (const t of TARGETS) {
    const s = results[t]?.steps.find((st) => st.ok && st.offered === rate);
    if (s) at[t] = s;
  }
  return { rate, at };
}

/** Fan-out deliveries/s of a workload per target. */
function deliveries(r: BenchReport, w: FanoutWorkload): Partial<Record<TargetName, number>> {
  const f = r.results[w] ?? {};
  return Object.fromEntries(TARGETS.filter((t) => f[t]).map((t) => [t, f[t]!.sustainableDeliveriesPerSec]));
}

/** The two fan-out workloads, named by their layout in this run ("fan-out 1 × 1,000", "fan-out 10 × 100"). */
function fanouts(r: BenchReport): { w: FanoutWorkload; what: string }[] {
  const cfg = r.config as BenchConfig;
  // Runs from before issue 17 had one fan-out layout (1 × members) and no `channels`.
  return (['fanout', 'fanoutRooms'] as const).map((w) => {
    const c = (cfg[w] as FanoutConfig | undefined) ?? FULL[w];
    return { w, what: `fan-out ${c.channels ?? 1} × ${c.members.toLocaleString('en-US')}` };
  });
}

export function computeRatios(r: BenchReport): Record<string, number | null> {
  const p = r.results.p2p;
  const i = r.results.idle;
  const j = r.results.joinStorm;
  const pc = commonStep(p);
  const out: Record<string, number | null> = {
    'p2p max sustainable, sig2rtm / raw': ratio(p.sig2rtm?.maxSustainable, p.raw?.maxSustainable),
    'p2p max sustainable, sig2rtm / socket.io': ratio(p.sig2rtm?.maxSustainable, p.socketio?.maxSustainable),
    'p2p max sustainable, legacy AgoraAPI / native': ratio(p.legacy?.maxSustainable, p.sig2rtm?.maxSustainable),
    'p2p max sustainable, legacy gateway / native': ratio(p.gateway?.maxSustainable, p.sig2rtm?.maxSustainable),
    'p2p max sustainable, with bufferutil / without': ratio(p.addons?.maxSustainable, p.sig2rtm?.maxSustainable),
    [`p2p server CPU per message at ${pc.rate} msg/s, sig2rtm / raw (lower is better)`]: ratio(pc.at.sig2rtm?.serverUsPerMsg, pc.at.raw?.serverUsPerMsg),
    [`p2p server CPU per message at ${pc.rate} msg/s, sig2rtm / socket.io (lower is better)`]: ratio(pc.at.sig2rtm?.serverUsPerMsg, pc.at.socketio?.serverUsPerMsg),
  };
  for (const { w, what } of fanouts(r)) {
    const d = deliveries(r, w);
    const fc = commonStep(r.results[w]);
    out[`${what} deliveries/s, sig2rtm / raw`] = ratio(d.sig2rtm, d.raw);
    out[`${what} deliveries/s, sig2rtm / socket.io`] = ratio(d.sig2rtm, d.socketio);
    out[`${what} deliveries/s, legacy AgoraAPI / native`] = ratio(d.legacy, d.sig2rtm);
    out[`${what} deliveries/s, legacy gateway / native`] = ratio(d.gateway, d.sig2rtm);
    if (w === 'fanout') out[`${what} deliveries/s, with bufferutil / without`] = ratio(d.addons, d.sig2rtm);
    out[`${what} server CPU per delivery at ${fc.rate} msg/s, sig2rtm / raw (lower is better)`] = ratio(fc.at.sig2rtm?.serverUsPerMsg, fc.at.raw?.serverUsPerMsg);
    out[`${what} server CPU per delivery at ${fc.rate} msg/s, sig2rtm / socket.io (lower is better)`] = ratio(fc.at.sig2rtm?.serverUsPerMsg, fc.at.socketio?.serverUsPerMsg);
  }
  Object.assign(out, {
    'idle server CPU, sig2rtm / raw (lower is better)': ratio(i.sig2rtm?.idleServerCpuPct, i.raw?.idleServerCpuPct),
    'idle server CPU, sig2rtm / socket.io (lower is better)': ratio(i.sig2rtm?.idleServerCpuPct, i.socketio?.idleServerCpuPct),
    'idle server CPU, legacy AgoraAPI / native (lower is better)': ratio(i.legacy?.idleServerCpuPct, i.sig2rtm?.idleServerCpuPct),
    'memory (RSS net of free V8 heap) per idle connection, sig2rtm / raw': ratio(i.sig2rtm?.netPerConn, i.raw?.netPerConn),
    'memory (RSS net of free V8 heap) per idle connection, sig2rtm / socket.io': ratio(i.sig2rtm?.netPerConn, i.socketio?.netPerConn),
    'memory (RSS net of free V8 heap) per idle connection, legacy AgoraAPI / native': ratio(i.legacy?.netPerConn, i.sig2rtm?.netPerConn),
    'RSS per idle connection, sig2rtm / raw': ratio(i.sig2rtm?.rssPerConn, i.raw?.rssPerConn),
    'heap per idle connection, sig2rtm / raw': ratio(i.sig2rtm?.heapPerConn, i.raw?.heapPerConn),
    'join storm time, sig2rtm / raw (lower is better)': ratio(j.sig2rtm?.allJoinedMs, j.raw?.allJoinedMs),
    'join storm time, sig2rtm / socket.io (lower is better)': ratio(j.sig2rtm?.allJoinedMs, j.socketio?.allJoinedMs),
    'join storm time, legacy AgoraAPI / native (lower is better)': ratio(j.legacy?.allJoinedMs, j.sig2rtm?.allJoinedMs),
    'join storm server CPU, sig2rtm / raw (lower is better)': ratio(j.sig2rtm?.serverCpuMs, j.raw?.serverCpuMs),
    'scale: RSS net per connection, sig2rtm / raw': ratio(r.results.scale?.sig2rtm?.netPerConn, r.results.scale?.raw?.netPerConn),
    'scale: idle server CPU, sig2rtm / raw (lower is better)': ratio(r.results.scale?.sig2rtm?.idleServerCpuPct, r.results.scale?.raw?.idleServerCpuPct),
  });
  return out;
}

const n = (x: number | undefined) => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));
const ms = (x: number | undefined) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
const x2 = (x: number | null) => (x === null ? 'not measured' : `${x.toFixed(3)}×`);
const kib = (b: number | undefined) => (b === undefined ? '–' : (b / 1024).toFixed(2));
const mib = (b: number | undefined) => (b === undefined ? '–' : (b / 1048576).toFixed(1));
const pct = (x: number | undefined) => (x === undefined ? '–' : `${x} %`);

/** The scale workload's target: connections on one server process. */
export const SCALE_TARGET = 100_000;
/** …and the members of its fan-out channel. */
export const SCALE_FANOUT_TARGET = 10_000;

export function computeChecks(r: BenchReport): TargetCheck[] {
  const p = r.results.p2p;
  const i = r.results.idle;
  const j = r.results.joinStorm;
  const atLeast = (name: string, value: number | null, min: number, detail: string): TargetCheck => ({ name, value, threshold: `≥ ${min}×`, met: value !== null && value >= min, detail });
  const atMost = (name: string, value: number | null, max: number, detail: string): TargetCheck => ({ name, value, threshold: `≤ ${max}×`, met: value !== null && value <= max, detail });
  /** legacy / native for a lower-is-better figure, read as native / legacy ≥ 0.95. */
  const inverse = (legacy: number | undefined, native: number | undefined) => ratio(native, legacy);
  const checks: TargetCheck[] = [];
  const idleRatio = ratio(i.sig2rtm?.idleServerCpuPct, i.raw?.idleServerCpuPct);
  checks.push(atMost(`idle: server CPU for ${n(i.sig2rtm?.clients ?? i.raw?.clients)} idle logged-in clients ≤ 2× raw`, idleRatio, 2,
    `${pct(i.sig2rtm?.idleServerCpuPct)} vs ${pct(i.raw?.idleServerCpuPct)} of a core over ${i.sig2rtm?.idleWindowSec ?? '–'} s (socket.io ${pct(i.socketio?.idleServerCpuPct)})`));
  const pr = i.sig2rtm?.presence;
  checks.push({
    name: 'idle: presence timings hold (a watched silent user UNREACHABLE after 6 s, OFFLINE after 30 s)',
    value: pr?.offlineAfterMs ?? null,
    threshold: '6 s / 30 s (± 3 s)',
    met: pr?.ok === true,
    detail: pr ? (pr.error ? `probe failed: ${pr.error}` : `UNREACHABLE after ${ms(pr.unreachableAfterMs ?? undefined)} ms, OFFLINE after ${ms(pr.offlineAfterMs ?? undefined)} ms`) : 'not probed (quick run, or idle on sig2rtm not run)',
  });
  for (const { w, what } of fanouts(r)) {
    const d = deliveries(r, w);
    checks.push(atLeast(`${what}: deliveries/s ≥ 1.5× socket.io`, ratio(d.sig2rtm, d.socketio), 1.5, `${n(d.sig2rtm)} vs ${n(d.socketio)} deliveries/s`));
    checks.push(atLeast(`${what}: deliveries/s ≥ 0.9× raw`, ratio(d.sig2rtm, d.raw), 0.9, `${n(d.sig2rtm)} vs ${n(d.raw)} deliveries/s`));
  }
  checks.push(atLeast('p2p: max sustainable rate ≥ 0.9× raw', ratio(p.sig2rtm?.maxSustainable, p.raw?.maxSustainable), 0.9, `${n(p.sig2rtm?.maxSustainable)} vs ${n(p.raw?.maxSustainable)} msg/s`));
  checks.push(atLeast('p2p: max sustainable rate ≥ 1.5× socket.io', ratio(p.sig2rtm?.maxSustainable, p.socketio?.maxSustainable), 1.5, `${n(p.sig2rtm?.maxSustainable)} vs ${n(p.socketio?.maxSustainable)} msg/s`));
  checks.push(atMost('memory per idle connection ≤ 1.3× raw (net RSS)', ratio(i.sig2rtm?.netPerConn, i.raw?.netPerConn), 1.3,
    `RSS net of V8's free heap ${kib(i.sig2rtm?.netPerConn)} vs ${kib(i.raw?.netPerConn)} KiB per connection (plain RSS ${kib(i.sig2rtm?.rssPerConn)} vs ${kib(i.raw?.rssPerConn)}, heap ${kib(i.sig2rtm?.heapPerConn)} vs ${kib(i.raw?.heapPerConn)})`));
  checks.push(atLeast('legacy ≥ 0.95× native: p2p', ratio(p.legacy?.maxSustainable, p.sig2rtm?.maxSustainable), 0.95, `${n(p.legacy?.maxSustainable)} vs ${n(p.sig2rtm?.maxSustainable)} msg/s`));
  for (const { w, what } of fanouts(r)) {
    const d = deliveries(r, w);
    checks.push(atLeast(`legacy ≥ 0.95× native: ${what}`, ratio(d.legacy, d.sig2rtm), 0.95, `${n(d.legacy)} vs ${n(d.sig2rtm)} deliveries/s`));
  }
  checks.push(atLeast('legacy ≥ 0.95× native: idle server CPU (native / legacy)', inverse(i.legacy?.idleServerCpuPct, i.sig2rtm?.idleServerCpuPct), 0.95, `${pct(i.legacy?.idleServerCpuPct)} vs ${pct(i.sig2rtm?.idleServerCpuPct)} of a core`));
  checks.push(atLeast('legacy ≥ 0.95× native: memory per idle connection (native / legacy)', inverse(i.legacy?.netPerConn, i.sig2rtm?.netPerConn), 0.95, `${kib(i.legacy?.netPerConn)} vs ${kib(i.sig2rtm?.netPerConn)} KiB net`));
  checks.push(atLeast('legacy ≥ 0.95× native: join storm time (native / legacy)', inverse(j.legacy?.allJoinedMs, j.sig2rtm?.allJoinedMs), 0.95, `${ms(j.legacy?.allJoinedMs)} vs ${ms(j.sig2rtm?.allJoinedMs)} ms`));
  const sc = r.results.scale?.sig2rtm;
  checks.push({
    name: `scale: ${n(SCALE_TARGET)} logged-in connections on one server process`,
    value: sc?.loggedIn ?? null,
    threshold: `${n(SCALE_TARGET)}`,
    met: sc !== undefined && sc.loggedIn >= SCALE_TARGET && sc.loggedIn === sc.clients,
    detail: sc
      ? `${n(sc.loggedIn)} / ${n(sc.clients)} logged in in ${sc.loginSec} s (${n(sc.loginsPerSec)}/s); RSS ${kib(sc.rssPerConn)} KiB per connection (net ${kib(sc.netPerConn)}); idle server CPU ${pct(sc.idleServerCpuPct)} of a core` +
        (sc.limitedBy && sc.projected ? `. Only ${n(sc.clients)} of ${n(sc.wanted)}: ${sc.limitedBy}; projected to ${n(sc.projected.clients)}: RSS ${n(sc.projected.rssMiB)} MiB, idle server CPU ${sc.projected.idleServerCpuPct} % of a core` : '')
      : 'not measured (npm run bench -- --only scale)',
  });
  const sf = sc?.fanout;
  checks.push({
    name: `scale: fan-out to a ${n(SCALE_FANOUT_TARGET)}-member channel`,
    value: sf?.sustainableDeliveriesPerSec ?? null,
    threshold: `${n(SCALE_FANOUT_TARGET)} members, sustained`,
    met: sf !== undefined && sf.members >= SCALE_FANOUT_TARGET && sf.sustainableDeliveriesPerSec > 0,
    detail: sf ? `${n(sf.members)} members: ${n(sf.sustainableDeliveriesPerSec)} deliveries/s sustained (${n(sf.sustainableOffered)} msg/s)` : 'not measured',
  });
  return checks;
}

// ---- SVG ----------------------------------------------------------------------------------------

const COLOURS: Record<TargetName, string> = { raw: '#555555', socketio: '#d95f02', sig2rtm: '#1b9e77', legacy: '#7570b3', gateway: '#e7298a', addons: '#66a61e' };

export function chartSvg(p2p: Partial<Record<TargetName, P2pResult>>, limitMs: number): string {
  const W = 760;
  const H = 440;
  const L = 70;
  const R = 190;
  const T = 40;
  const B = 60;
  const series = TARGETS.filter((t) => (p2p[t]?.steps.length ?? 0) > 0).map((t) => ({ t, steps: p2p[t]!.steps }));
  const xs = series.flatMap((s) => s.steps.map((st) => st.offered));
  const ys = series.flatMap((s) => s.steps.map((st) => Math.max(st.p99, 0.05)));
  const x0 = Math.log10(Math.min(...xs, 1000) * 0.9);
  const x1 = Math.log10(Math.max(...xs, 2000) * 1.1);
  const y0 = Math.log10(Math.min(0.1, ...ys));
  const y1 = Math.log10(Math.max(limitMs * 4, ...ys) * 1.2);
  const px = (v: number) => L + ((Math.log10(v) - x0) / (x1 - x0)) * (W - L - R);
  const py = (v: number) => H - B - ((Math.log10(Math.max(v, 0.05)) - y0) / (y1 - y0)) * (H - T - B);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${L}" y="22" font-size="15" font-weight="bold">p2p: p99 send→receive latency against offered load</text>`);
  // grid + ticks
  for (let e = Math.floor(y0); e <= Math.ceil(y1); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) < y0 || Math.log10(v) > y1) continue;
      const y = py(v).toFixed(1);
      out.push(`<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
      out.push(`<text x="${L - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${v < 1 ? v.toFixed(1) : v.toLocaleString('en-US')}</text>`);
    }
  }
  for (let e = Math.floor(x0); e <= Math.ceil(x1); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) < x0 || Math.log10(v) > x1) continue;
      const x = px(v).toFixed(1);
      out.push(`<line x1="${x}" x2="${x}" y1="${T}" y2="${H - B}" stroke="#e5e5e5"/>`);
      out.push(`<text x="${x}" y="${H - B + 16}" text-anchor="middle">${v >= 1000 ? `${v / 1000}k` : v}</text>`);
    }
  }
  out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#999999"/>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">offered load, messages/s (log)</text>`);
  out.push(`<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">p99 latency, ms (log)</text>`);
  const ly = py(limitMs).toFixed(1);
  out.push(`<line x1="${L}" x2="${W - R}" y1="${ly}" y2="${ly}" stroke="#cc0000" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${L + 6}" y="${Number(ly) - 5}" fill="#cc0000">p99 limit ${limitMs} ms</text>`);
  series.forEach(({ t, steps }, k) => {
    const c = COLOURS[t];
    const pts = steps.map((s) => `${px(s.offered).toFixed(1)},${py(s.p99).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="2"/>`);
    for (const s of steps) {
      const fill = s.ok ? c : '#ffffff';
      out.push(`<circle cx="${px(s.offered).toFixed(1)}" cy="${py(s.p99).toFixed(1)}" r="3.5" fill="${fill}" stroke="${c}" stroke-width="1.5"><title>${TARGET_INFO[t].label}: ${s.offered} msg/s offered, p99 ${s.p99} ms${s.ok ? '' : ' (not sustainable)'}</title></circle>`);
    }
    const yy = T + 10 + k * 22;
    out.push(`<line x1="${W - R + 14}" x2="${W - R + 40}" y1="${yy}" y2="${yy}" stroke="${c}" stroke-width="2"/>`);
    out.push(`<text x="${W - R + 46}" y="${yy}" dominant-baseline="middle">${esc(TARGET_INFO[t].label)}</text>`);
  });
  const ny = T + 10 + series.length * 22 + 8;
  out.push(`<circle cx="${W - R + 27}" cy="${ny}" r="3.5" fill="#ffffff" stroke="#333333" stroke-width="1.5"/>`);
  out.push(`<text x="${W - R + 46}" y="${ny}" dominant-baseline="middle">loss or p99 &gt; ${limitMs} ms</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// ---- markdown -----------------------------------------------------------------------------------

/** What BENCHMARKS.md shows besides the run: the newest profile run and the hand-written profile notes. */
export interface MarkdownExtras {
  profile?: ProfileRun & { href: string };
  notes?: string;
}

const WORKLOAD_TITLE: Record<string, string> = {
  p2p: 'p2p',
  fanout: 'fan-out 1 × 1,000',
  fanoutRooms: 'fan-out 10 × 100',
  idle: 'idle',
  joinStorm: 'join storm',
  scale: 'scale',
};

function stepRow(s: { ok: boolean; disturbed?: boolean; foreignCpuPct: number; firstAttempt?: { p99: number; lost: number } }): string {
  return `${s.foreignCpuPct}${s.disturbed ? ' (disturbed)' : ''} | ${s.ok ? 'yes' : 'no'}${s.firstAttempt ? ` (2nd run; 1st: p99 ${ms(s.firstAttempt.p99)} ms, lost ${s.firstAttempt.lost})` : ''}`;
}

function fanoutTables(L: string[], results: Partial<Record<TargetName, FanoutResult>>, fcRate: number, fcAt: Partial<Record<TargetName, { serverUsPerMsg: number }>>): void {
  const label = (t: TargetName) => TARGET_INFO[t].label;
  L.push(`| target | sustainable rate (msg/s) | senders | deliveries/s there | p50 / p99 there (ms) | server µs per delivery at ${n(fcRate)} msg/s | at the first failing step: CPU server / generator / machine | note |`);
  L.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of TARGETS) {
    const f = results[t];
    if (!f) continue;
    const at = f.steps.find((s) => s.ok && s.offered === f.sustainableOffered);
    const fail = f.steps.find((s) => !s.ok);
    L.push(`| ${label(t)} | ${n(f.sustainableOffered)} | ${at?.senders ?? '–'} | ${n(f.sustainableDeliveriesPerSec)} | ${at ? `${ms(at.p50)} / ${ms(at.p99)}` : '–'} | ${fcAt[t]?.serverUsPerMsg ?? '–'} | ` +
      `${fail ? `${n(fail.offered)} msg/s: ${fail.serverCpuPct} % / ${fail.generatorCpuPct} % / ${fail.machineCpuPct} %` : '–'} | ${f.note ?? ''} |`);
  }
  L.push('');
  for (const t of TARGETS) {
    const f = results[t];
    if (!f) continue;
    L.push(`<details><summary>${label(t)}: every step</summary>`);
    L.push('');
    L.push('| msg/s | senders | sent | deliveries expected | delivered | deliveries/s | lost | p50 ms | p99 ms | max ms | server CPU % | server µs/delivery | generator CPU % | machine CPU % | other % | sustainable |');
    L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const s of f.steps) {
      L.push(`| ${n(s.offered)} | ${s.senders} | ${n(s.sent)} | ${n(s.expected)} | ${n(s.delivered)} | ${n(s.deliveriesPerSec)} | ${n(s.lost)} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ` +
        `${s.serverCpuPct} | ${s.serverUsPerMsg} | ${s.generatorCpuPct} | ${s.machineCpuPct} | ${stepRow(s)} |`);
    }
    const errs = f.steps.flatMap((s) => s.errors ?? []);
    if (errs.length > 0) L.push('', `First errors: ${[...new Set(errs)].slice(0, 3).map((e) => `\`${e.replace(/\n.*/s, '').slice(0, 120)}\``).join('; ')}`);
    L.push('', '</details>', '');
  }
}

export function markdown(r: BenchReport, chartHref: string, jsonHref: string, extras: MarkdownExtras = {}): string {
  const cfg = r.config as BenchConfig;
  const L: string[] = [];
  const label = (t: TargetName) => TARGET_INFO[t].label;
  const pc = commonStep(r.results.p2p);
  const scaleNote = r.scale !== undefined ? ` at --scale ${r.scale} (connection counts × ${r.scale}: not the issue's figures)` : '';
  L.push('# Benchmarks');
  L.push('');
  L.push(`Generated by \`npm run bench\`${r.mode === 'quick' ? ' -- --quick (tiny scale: these figures mean nothing)' : ''}${scaleNote} on ${r.date}; the run took ${(r.durationSec / 60).toFixed(1)} min. ` +
    `${r.source ? `Code measured: commit \`${r.source.commit.slice(0, 12)}\`${r.source.srcModified ? ' with uncommitted changes in src/' : ''}. ` : ''}` +
    `Regenerate, do not edit: every figure comes from [${jsonHref}](${jsonHref}).`);
  L.push('');
  L.push('## Machine');
  L.push('');
  L.push('| CPU | cores | memory | Node.js | OS | machine CPU busy before the run |');
  L.push('| --- | --- | --- | --- | --- | --- |');
  L.push(`| ${r.machine.cpuModel} | ${r.machine.cores} | ${r.machine.memoryGiB} GiB | ${r.machine.node} | ${r.machine.os} | ${r.machine.backgroundCpuPct ?? '–'} % |`);
  L.push('');
  L.push('## How it is measured');
  L.push('');
  L.push('- Targets: **raw** — the smallest `ws` relay doing the same frame exchange ([bench/targets/raw-relay.ts](bench/targets/raw-relay.ts)), the limit of our stack; ' +
    '**socket.io** 4 doing the same with rooms and acknowledgements; **sig2rtm** with its RTM client (`AgoraRTM.createInstance`); ' +
    '**legacy AgoraAPI**: sig2rtm driven through the legacy native API of the JS package (`AgoraAPI`); ' +
    '**legacy gateway**: the native SDKs\' path, a client speaking [docs/gateway-protocol.md](docs/gateway-protocol.md) to `/gateway` as the C++ and Java SDKs do (hello, numbered calls, callbacks acknowledged once per batch), the server running the legacy engine per session; ' +
    '**with bufferutil**: sig2rtm with `ws`\'s optional native add-on in the server (section 7).');
  L.push('- The server under test runs in its own process (a fresh one per workload and target); the clients are split over two load-generator processes (the scale workload: more); ' +
    'the orchestrator collects everything over IPC. Everything runs on this one machine over loopback, so the server, the ' +
    `generators and the kernel's TCP share ${r.machine.cores} cores. The tables give the server's CPU, the generators' (mean per process) and the whole machine's ` +
    '(% of all cores): where the machine is near 100 %, the limit is the machine, and the ratios understate the difference between the servers. ' +
    '"Server µs per message" (server CPU time / messages delivered) is the figure that compares the servers themselves.');
  L.push('- Latency is send → receive, from a timestamp in the message (one machine, one clock). Messages are 64-byte texts; JSON frames for every target.');
  L.push(`- Loads go up (p2p: ${cfg.p2p.ladder.slice(0, 4).map(n).join(', ')}, … msg/s, then steps of about 25 %) until a step fails; ` +
    `${cfg.p2p.refine > 0 ? `then ${cfg.p2p.refine} bisection steps between the last sustainable rate and the failing one narrow the limit down. ` : ''}` +
    `A p2p step is **sustainable** when nothing is lost, no send fails and p99 ≤ ${cfg.maxP99Ms} ms; ` +
    `a fan-out step the same with p99 ≤ ${cfg.fanout.maxP99Ms} ms (one message is a burst of ${n(cfg.fanout.members - 1)} deliveries, which the receiving processes take tens of ms to work through even at low rates; ` +
    'a backlog still shows at once, latency climbing by hundreds of ms per second of overload). ' +
    `${cfg.p2p.retry ? 'A step that fails is run once more before it counts as failed (the second run is the one reported, the first is noted). ' : ''}` +
    `Each p2p step sends ${cfg.p2p.warmupMs} ms unrecorded first (${cfg.p2p.firstWarmupMs / 1000} s before the first step), then ${cfg.p2p.stepMs / 1000} s recorded; fan-out steps record ${cfg.fanout.stepMs / 1000} s. ` +
    'Limits found with the machine near full load move from run to run (by 10–20 % in our runs); the server µs per message move much less.');
  if (cfg.avoidOtherLoad) L.push("- The machine may be shared: the run waits until it is quiet before it starts, and a step during which other processes took more than 10 % of the machine " +
    "(machine busy − server − generators, column \"other %\") is run again once the machine is quiet (twice at most; a step still disturbed then is marked).");
  L.push(`- The RTM client itself (as agora-rtm-sdk) lets one client send 180 messages per 3 s (60/s), and so does the server. No sender goes over ${cfg.p2p.perSenderRate} msg/s, for every target: ` +
    `p2p uses ${cfg.p2p.basePairs} sender/receiver pairs, raised to load / ${cfg.p2p.perSenderRate} pairs above ${n(cfg.p2p.basePairs * cfg.p2p.perSenderRate)} msg/s; ` +
    `fan-out spreads each step over load / ${cfg.fanout.perSenderRate ?? cfg.p2p.perSenderRate} senders (members of the channels, spread evenly over them), so it measures the server, not one client's limit.`);
  const lifted = r.liftedRates ?? {};
  const liftedRows = Object.entries(lifted).map(([w, rates]) => `${WORKLOAD_TITLE[w] ?? w}: ${rates.length > 0 ? rates.map((x) => `\`${x}\``).join(', ') : 'none'}`);
  L.push('- The sig2rtm server runs `createServer` with its defaults (limits, timings, presence, exactly-once delivery with per-delivery acknowledgements) and the legacy gateway mounted (`attachGateway`, defaults). ' +
    `Per-client rate limits lifted, per workload: ${liftedRows.length > 0 ? liftedRows.join('; ') : 'none'} (a lifted rule is \`{ limit: 1, windowMs: 0 }\`). ` +
    'Server CPU is `process.cpuUsage()` of the server process over the recorded window, % of one core.');
  L.push(`- Idle: ${n(cfg.idle.clients)} logged-in clients sit idle for ${cfg.idle.idleMs / 1000} s (several heartbeat periods of every target: sig2rtm's clients' heartbeats, socket.io's 25 s ping); the server CPU over that window is the idle cost. ` +
    `${cfg.idle.presenceProbe ? "Meanwhile, on the sig2rtm target, one more client in a process of its own is watched (an RTM client subscribes to its online status) and its process is frozen (SIGSTOP: its socket stays open and says nothing): the watcher must see it UNREACHABLE after 6 s and OFFLINE after 30 s (± 3 s), RTM's timings, whatever the heartbeat scheme. " : ''}`);
  // Runs from before issue 17 had no scale workload.
  if ((cfg as Partial<BenchConfig>).scale) L.push(`- Scale: ${n(cfg.scale.clients)} logged-in connections on one server process, from ${cfg.scale.generators} generator processes over loopback source addresses 127.0.0.2, 127.0.0.3, … (at most ${n(cfg.scale.perSourceAddress)} clients each: one source address reaches one server port through ~28k ephemeral ports); ` +
    `the harness raises the open-file limit of the server and of each generator with \`prlimit\` (soft and hard; root or CAP_SYS_RESOURCE raises the hard limit, up to /proc/sys/fs/nr_open), and gives each a ${n(cfg.scale.heapMb)} MiB heap. ` +
    `Then ${n(cfg.scale.fanoutMembers)} of those clients join one channel and it fans out (steps ${cfg.scale.fanoutLadder.join(', ')} msg/s, sustainable with p99 ≤ ${n(cfg.scale.fanoutMaxP99Ms)} ms: one message is a burst of ${n(cfg.scale.fanoutMembers - 1)} deliveries). Raw relay and sig2rtm only. ` +
    'It is selectable: `npm run bench -- --only scale` runs just it, `--skip scale` everything else; `--scale 0.1` multiplies every connection count (idle, join storm, scale) to try the harness on a busy machine.');
  L.push('');
  L.push('## Targets of the issue');
  L.push('');
  L.push('| target | measured | threshold | met | figures |');
  L.push('| --- | --- | --- | --- | --- |');
  for (const c of r.checks) {
    const v = c.value === null ? 'not measured' : c.threshold.endsWith('×') ? `${c.value.toFixed(3)}×` : c.threshold.includes('s /') ? `${ms(c.value)} ms` : n(c.value);
    L.push(`| ${c.name} | ${v} | ${c.threshold} | ${c.met ? '**met**' : '**not met**'} | ${c.detail} |`);
  }
  L.push('');
  L.push('## Ratios');
  L.push('');
  L.push('| ratio | value |');
  L.push('| --- | --- |');
  for (const [k, v] of Object.entries(r.ratios)) if (v !== null) L.push(`| ${k} | ${x2(v)} |`);
  L.push('');

  // (1) p2p
  L.push('## (1) Peer-to-peer with delivery acknowledgement');
  L.push('');
  L.push("Each message: sender → server → receiver, the receiver's acknowledgement → server → the sender's result (hasPeerReceived / ack callback).");
  L.push('');
  L.push(`![p99 latency against offered load](${chartHref})`);
  L.push('');
  L.push(`| target | max sustainable (msg/s) | p99 at half of it | server µs per message at ${n(pc.rate)} msg/s | at the first failing step: CPU server / generator / machine |`);
  L.push('| --- | --- | --- | --- | --- |');
  for (const t of TARGETS) {
    const p = r.results.p2p[t];
    if (!p) continue;
    const fail = p.steps.find((s) => !s.ok);
    L.push(`| ${label(t)} | ${n(p.maxSustainable)} | ${p.halfRate ? `${ms(p.halfRate.p99)} ms at ${n(p.halfRate.offered)}` : '–'} | ${pc.at[t]?.serverUsPerMsg ?? '–'} | ` +
      `${fail ? `${n(fail.offered)} msg/s: ${fail.serverCpuPct} % / ${fail.generatorCpuPct} % / ${fail.machineCpuPct} %` : p.note ?? '–'} |`);
  }
  L.push('');
  for (const t of TARGETS) {
    const p = r.results.p2p[t];
    if (!p) continue;
    L.push(`<details><summary>${label(t)}: every step</summary>`);
    L.push('');
    L.push('| offered/s | pairs | sent/s | delivered/s | lost | failed | p50 ms | p99 ms | max ms | server CPU % | server µs/msg | generator CPU % | machine CPU % | other % | sustainable |');
    L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const s of p.steps) {
      L.push(`| ${n(s.offered)} | ${s.pairs} | ${n(s.sentPerSec)} | ${n(s.deliveredPerSec)} | ${n(s.lost)} | ${n(s.failed)} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ` +
        `${s.serverCpuPct} | ${s.serverUsPerMsg} | ${s.generatorCpuPct} | ${s.machineCpuPct} | ${stepRow(s)} |`);
    }
    const errs = p.steps.flatMap((s) => s.errors ?? []);
    if (errs.length > 0) L.push('', `First errors: ${[...new Set(errs)].slice(0, 3).map((e) => `\`${e.replace(/\n.*/s, '').slice(0, 120)}\``).join('; ')}`);
    L.push('', '</details>', '');
  }

  // (2) fan-out
  L.push('## (2) Channel fan-out, many senders');
  L.push('');
  L.push('Every message goes to every other member of its channel. sig2rtm\'s clients also acknowledge what they receive (per-delivery acknowledgements, which make resume exactly-once); raw and socket.io have none. ' +
    `Each step's load is spread over enough senders that none sends more than ${cfg.fanout.perSenderRate} msg/s (the SDK's 180-per-3 s rule), so the server saturates, not a sender.`);
  L.push('');
  for (const { w } of fanouts(r)) {
    const c = cfg[w] as BenchConfig['fanout'] | undefined;
    const res = r.results[w];
    if (!c || !res || Object.keys(res).length === 0) continue;
    const fc = commonStep(res);
    L.push(`### ${c.channels === 1 ? `One channel of ${n(c.members)} members` : `${c.channels} channels of ${n(c.members)} members`}`);
    L.push('');
    fanoutTables(L, res, fc.rate, fc.at);
  }

  // (3) idle
  L.push('## (3) Idle connections');
  L.push('');
  L.push(`${n(cfg.idle.clients)} logged-in idle clients. Server memory after a full GC, before and after; per connection = difference / clients. ` +
    "\"Net\" is RSS without V8's unused heap space (rss − heapTotal + heapUsed): plain RSS also holds the young generation's slack, which grows by tens of MB during the burst of logins and moves plain RSS per connection by ±3 KiB from run to run; the issue's memory target is judged on the net figure. " +
    'Idle server CPU is over the idle window (column), heartbeats and pings included; generator CPU is the clients\' side of the same.');
  L.push('');
  L.push('| target | logged in | login time (s) | RSS before → after (MiB) | RSS per connection (KiB) | net per connection (KiB) | heap per connection (KiB) | idle server CPU % | window (s) | generator CPU % | presence: UNREACHABLE / OFFLINE after (ms) |');
  L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of TARGETS) {
    const i = r.results.idle[t];
    if (!i) continue;
    const pr = i.presence;
    const presence = pr ? (pr.error ? `probe failed: ${pr.error.slice(0, 80)}` : `${ms(pr.unreachableAfterMs ?? undefined)} / ${ms(pr.offlineAfterMs ?? undefined)}${pr.ok ? '' : ' (off RTM\'s timings)'}`) : '–';
    L.push(`| ${label(t)} | ${n(i.loggedIn)} | ${i.connectSec} | ${mib(i.before.rss)} → ${mib(i.after.rss)} | ${kib(i.rssPerConn)} | ${kib(i.netPerConn)} | ${kib(i.heapPerConn)} | ${i.idleServerCpuPct} | ${i.idleWindowSec ?? '–'} | ${i.idleGeneratorCpuPct ?? '–'} | ${presence} |`);
  }
  L.push('');

  // (4) join storm
  L.push('## (4) Join storm');
  L.push('');
  L.push(`${n(cfg.joinStorm.clients)} logged-in clients join one channel at the same moment. Members are told of each join while the channel has ≤ 512 members (RTM's rule; the raw relay and socket.io do the same).`);
  L.push('');
  L.push('| target | joined | all joined after (ms) | server CPU (ms) | server CPU % of one core |');
  L.push('| --- | --- | --- | --- | --- |');
  for (const t of TARGETS) {
    const j = r.results.joinStorm[t];
    if (!j) continue;
    L.push(`| ${label(t)} | ${n(j.joined)} / ${n(j.clients)} | ${ms(j.allJoinedMs)} | ${ms(j.serverCpuMs)} | ${j.serverCpuPct} |`);
  }
  L.push('');

  // (5) scale
  L.push('## (5) Scale: many connections on one process');
  L.push('');
  const sc = r.results.scale ?? {};
  if (Object.keys(sc).length === 0) L.push('Not run in this run (`npm run bench -- --only scale`).');
  else {
    L.push('| target | logged in | generators | source addresses | open-file limit server / generator | login time (s) | logins/s | CPU while logging in: server / generator / machine % | RSS before → after (MiB) | RSS per connection (KiB) | net per connection (KiB) | largest generator RSS (MiB) | idle server CPU % (window s) | big channel: members, joined in (s) | fan-out deliveries/s sustained | p99 there (ms) |');
    L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const t of TARGETS) {
      const x = sc[t];
      if (!x) continue;
      const f = x.fanout;
      const at = f?.steps.find((s) => s.ok && s.offered === f.sustainableOffered);
      L.push(`| ${label(t)} | ${n(x.loggedIn)} / ${n(x.clients)} | ${x.generators} | ${x.sourceAddresses.length} | ${n(x.nofile.server)} / ${n(x.nofile.generator)} | ${x.loginSec} | ${n(x.loginsPerSec)} | ${x.loginCpu ? `${x.loginCpu.server} / ${x.loginCpu.generator} / ${x.loginCpu.machine}` : '–'} | ${mib(x.before.rss)} → ${mib(x.after.rss)} | ${kib(x.rssPerConn)} | ${kib(x.netPerConn)} | ${n(x.generatorRssMiB)} | ` +
        `${x.idleServerCpuPct} (${x.idleWindowSec}) | ${f ? `${n(f.members)}, ${x.joinSec ?? '–'}` : '–'} | ${f ? n(f.sustainableDeliveriesPerSec) : '–'} | ${at ? ms(at.p99) : '–'} |`);
    }
    L.push('');
    for (const t of TARGETS) {
      const x = sc[t];
      if (x?.limitedBy && x.projected) {
        L.push(`- ${label(t)}: ${n(x.clients)} clients instead of ${n(x.wanted)}, for the ${x.limitedBy}. Projected linearly to ${n(x.projected.clients)}: server RSS ${n(x.projected.rssMiB)} MiB, idle server CPU ${x.projected.idleServerCpuPct} % of a core.`);
      }
    }
    L.push('');
    for (const t of TARGETS) {
      const f = sc[t]?.fanout;
      if (!f) continue;
      L.push(`<details><summary>${label(t)}: fan-out to ${n(f.members)} members, every step</summary>`, '');
      L.push('| msg/s | senders | deliveries/s | lost | p50 ms | p99 ms | server CPU % | server µs/delivery | generator CPU % | machine CPU % | sustainable |');
      L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
      for (const s of f.steps) L.push(`| ${n(s.offered)} | ${s.senders} | ${n(s.deliveriesPerSec)} | ${n(s.lost)} | ${ms(s.p50)} | ${ms(s.p99)} | ${s.serverCpuPct} | ${s.serverUsPerMsg} | ${s.generatorCpuPct} | ${s.machineCpuPct} | ${s.ok ? 'yes' : 'no'} |`);
      L.push('', '</details>', '');
    }
  }
  L.push('');

  // (6) legacy
  L.push('## (6) The legacy paths beside native');
  L.push('');
  L.push('The same workloads through the legacy API on the same server: **legacy AgoraAPI** (the JS package\'s `AgoraAPI.createAgoraSDKInstance`, `login2`, `messageInstantSend` → `onMessageSendSuccess` / peer `onMessageInstantReceive`, `channelJoin`, `messageChannelSend`) ' +
    'and **legacy gateway** (the same calls as the C++ / Java SDKs send them to `/gateway`; the server runs the engine). Legacy default compatibility settings (success when the server has the message; channel messages echoed to the sender, not counted as deliveries). Ratio to native (the RTM client); ≥ 1 is better:');
  L.push('');
  L.push('| workload | legacy AgoraAPI / native | legacy gateway / native |');
  L.push('| --- | --- | --- |');
  const pr = r.results.p2p;
  L.push(`| p2p max sustainable | ${x2(ratio(pr.legacy?.maxSustainable, pr.sig2rtm?.maxSustainable))} | ${x2(ratio(pr.gateway?.maxSustainable, pr.sig2rtm?.maxSustainable))} |`);
  for (const { w, what } of fanouts(r)) {
    const d = deliveries(r, w);
    L.push(`| ${what} deliveries/s | ${x2(ratio(d.legacy, d.sig2rtm))} | ${x2(ratio(d.gateway, d.sig2rtm))} |`);
  }
  const id = r.results.idle;
  L.push(`| idle server CPU (native / legacy) | ${x2(ratio(id.sig2rtm?.idleServerCpuPct, id.legacy?.idleServerCpuPct))} | – |`);
  L.push(`| memory per idle connection (native / legacy) | ${x2(ratio(id.sig2rtm?.netPerConn, id.legacy?.netPerConn))} | – |`);
  const js = r.results.joinStorm;
  L.push(`| join storm time (native / legacy) | ${x2(ratio(js.sig2rtm?.allJoinedMs, js.legacy?.allJoinedMs))} | – |`);
  L.push('');

  // (7) ws add-ons
  L.push("## (7) ws's optional native add-ons");
  L.push('');
  L.push('`ws` uses `bufferutil` (masking and unmasking frames) and `utf-8-validate` when they are installed, unless `WS_NO_BUFFER_UTIL=1` / `WS_NO_UTF_8_VALIDATE=1`. ' +
    'On Node.js with `buffer.isUtf8` (≥ 18.14) ws 8 validates UTF-8 with it and never loads `utf-8-validate`, so only `bufferutil` can matter. ' +
    'Every target runs with both off, so that all servers compare on the same footing; the "with bufferutil" target runs the sig2rtm server with `bufferutil` on, as the package installs it (an optional dependency: `ws` falls back to JavaScript without it); the generators always run without.');
  L.push('');
  L.push('| workload | without | with bufferutil | with / without |');
  L.push('| --- | --- | --- | --- |');
  const fo = r.results.fanout ?? {};
  L.push(`| p2p max sustainable (msg/s) | ${n(pr.sig2rtm?.maxSustainable)} | ${n(pr.addons?.maxSustainable)} | ${x2(ratio(pr.addons?.maxSustainable, pr.sig2rtm?.maxSustainable))} |`);
  const pcA = commonStep(pr, ['sig2rtm', 'addons']);
  L.push(`| p2p server µs per message at ${n(pcA.rate)} msg/s (lower is better) | ${pcA.at.sig2rtm?.serverUsPerMsg ?? '–'} | ${pcA.at.addons?.serverUsPerMsg ?? '–'} | ${x2(ratio(pcA.at.addons?.serverUsPerMsg, pcA.at.sig2rtm?.serverUsPerMsg))} |`);
  L.push(`| fan-out 1 × 1,000 deliveries/s | ${n(fo.sig2rtm?.sustainableDeliveriesPerSec)} | ${n(fo.addons?.sustainableDeliveriesPerSec)} | ${x2(ratio(fo.addons?.sustainableDeliveriesPerSec, fo.sig2rtm?.sustainableDeliveriesPerSec))} |`);
  const fcA = commonStep(fo, ['sig2rtm', 'addons']);
  L.push(`| fan-out server µs per delivery at ${n(fcA.rate)} msg/s (lower is better) | ${fcA.at.sig2rtm?.serverUsPerMsg ?? '–'} | ${fcA.at.addons?.serverUsPerMsg ?? '–'} | ${x2(ratio(fcA.at.addons?.serverUsPerMsg, fcA.at.sig2rtm?.serverUsPerMsg))} |`);
  L.push(`| idle server CPU % | ${id.sig2rtm?.idleServerCpuPct ?? '–'} | ${id.addons?.idleServerCpuPct ?? '–'} | ${x2(ratio(id.addons?.idleServerCpuPct, id.sig2rtm?.idleServerCpuPct))} |`);
  L.push(`| memory per idle connection, net (KiB) | ${kib(id.sig2rtm?.netPerConn)} | ${kib(id.addons?.netPerConn)} | ${x2(ratio(id.addons?.netPerConn, id.sig2rtm?.netPerConn))} |`);
  L.push('');

  // (8) profile
  L.push('## (8) Where the server\'s CPU goes');
  L.push('');
  const prof = extras.profile;
  if (!prof) L.push('No profile run in this folder yet: `npm run bench -- --profile` writes one (bench/results/profile-<date>.json), which the next BENCHMARKS.md shows here.');
  else {
    L.push(`From \`npm run bench -- --profile${prof.mode === 'quick' ? ' --quick' : ''}\` on ${prof.date}${prof.source ? ` at commit \`${prof.source.commit.slice(0, 12)}\`${prof.source.srcModified ? ' (with uncommitted changes in src/)' : ''}` : ''} ` +
      `([${prof.href}](${prof.href})): each workload run with the server's CPU profiled by V8's sampling profiler from the end of the workload's setup (logins, joins) to its end (so its own figures are a little lower and are not used above). Self time, % of the server's busy time; top functions and files.`);
    L.push('');
    for (const [w, byTarget] of Object.entries(prof.profiles)) {
      for (const [t, sum] of Object.entries(byTarget ?? {})) {
        if (!sum) continue;
        L.push(`<details><summary>${WORKLOAD_TITLE[w] ?? w} on ${TARGET_INFO[t as TargetName]?.label ?? t}: ${n(sum.totalMs - sum.idleMs)} ms busy of ${n(sum.totalMs)} ms; top: ${sum.functions.slice(0, 3).map((f) => `${f.name} ${f.pct} %`).join(', ')}</summary>`, '');
        L.push('| % | self ms | function | where |', '| --- | --- | --- | --- |');
        for (const f of sum.functions.slice(0, 15)) L.push(`| ${f.pct} | ${n(f.selfMs)} | \`${f.name}\` | ${f.where} |`);
        L.push('', '| % | self ms | file |', '| --- | --- | --- |');
        for (const f of sum.files.slice(0, 10)) L.push(`| ${f.pct} | ${n(f.selfMs)} | ${f.file} |`);
        L.push('', '</details>', '');
      }
    }
  }
  if (extras.notes) {
    L.push('');
    L.push(extras.notes.trim());
  }
  L.push('');
  if (r.errors.length > 0) {
    L.push('## Errors during the run');
    L.push('');
    for (const e of r.errors) L.push(`- ${e.replace(/\n/g, ' ').slice(0, 300)}`);
    L.push('');
  }
  return L.join('\n');
}
