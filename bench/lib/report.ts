/**
 * From a run's figures: the ratios, the issue's targets (met / not met), BENCHMARKS.md and the SVG
 * chart of p99 latency against offered load (hand-written SVG, no dependency).
 */

import type { BenchConfig } from './config';
import type { BenchReport, P2pResult, TargetCheck, TargetName } from './types';
import { TARGET_INFO, TARGETS } from './types';

function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || b === 0) return null;
  return Math.round((a / b) * 1000) / 1000;
}

/** The highest load every listed target sustained (0 when none), and each target's step there. */
export function commonStep<S extends { offered: number; ok: boolean }>(results: Partial<Record<TargetName, { steps: S[] }>>): { rate: number; at: Partial<Record<TargetName, S>> } {
  const present = TARGETS.filter((t) => results[t]);
  if (present.length === 0) return { rate: 0, at: {} };
  const okRates = present.map((t) => new Set(results[t]!.steps.filter((s) => s.ok).map((s) => s.offered)));
  const candidates = [...okRates[0]!].filter((x) => okRates.every((set) => set.has(x)));
  const rate = candidates.length > 0 ? Math.max(...candidates) : 0;
  const at: Partial<Record<TargetName, S>> = {};
  for (const t of present) {
    const s = results[t]!.steps.find((st) => st.ok && st.offered === rate);
    if (s) at[t] = s;
  }
  return { rate, at };
}

export function computeRatios(r: BenchReport): Record<string, number | null> {
  const p = r.results.p2p;
  const f = r.results.fanout;
  const i = r.results.idle;
  const j = r.results.joinStorm;
  const pc = commonStep(p);
  const fc = commonStep(f);
  return {
    'p2p max sustainable, sig2rtm / raw': ratio(p.sig2rtm?.maxSustainable, p.raw?.maxSustainable),
    'p2p max sustainable, sig2rtm / socket.io': ratio(p.sig2rtm?.maxSustainable, p.socketio?.maxSustainable),
    'p2p max sustainable, legacy / native': ratio(p.legacy?.maxSustainable, p.sig2rtm?.maxSustainable),
    [`p2p server CPU per message at ${pc.rate} msg/s, sig2rtm / raw (lower is better)`]: ratio(pc.at.sig2rtm?.serverUsPerMsg, pc.at.raw?.serverUsPerMsg),
    [`p2p server CPU per message at ${pc.rate} msg/s, sig2rtm / socket.io (lower is better)`]: ratio(pc.at.sig2rtm?.serverUsPerMsg, pc.at.socketio?.serverUsPerMsg),
    'fan-out deliveries/s, sig2rtm / raw': ratio(f.sig2rtm?.sustainableDeliveriesPerSec, f.raw?.sustainableDeliveriesPerSec),
    'fan-out deliveries/s, sig2rtm / socket.io': ratio(f.sig2rtm?.sustainableDeliveriesPerSec, f.socketio?.sustainableDeliveriesPerSec),
    'fan-out deliveries/s, legacy / native': ratio(f.legacy?.sustainableDeliveriesPerSec, f.sig2rtm?.sustainableDeliveriesPerSec),
    [`fan-out server CPU per delivery at ${fc.rate} msg/s, sig2rtm / raw (lower is better)`]: ratio(fc.at.sig2rtm?.serverUsPerMsg, fc.at.raw?.serverUsPerMsg),
    [`fan-out server CPU per delivery at ${fc.rate} msg/s, sig2rtm / socket.io (lower is better)`]: ratio(fc.at.sig2rtm?.serverUsPerMsg, fc.at.socketio?.serverUsPerMsg),
    'memory (RSS net of free V8 heap) per idle connection, sig2rtm / raw': ratio(i.sig2rtm?.netPerConn, i.raw?.netPerConn),
    'memory (RSS net of free V8 heap) per idle connection, sig2rtm / socket.io': ratio(i.sig2rtm?.netPerConn, i.socketio?.netPerConn),
    'RSS per idle connection, sig2rtm / raw': ratio(i.sig2rtm?.rssPerConn, i.raw?.rssPerConn),
    'RSS per idle connection, sig2rtm / socket.io': ratio(i.sig2rtm?.rssPerConn, i.socketio?.rssPerConn),
    'heap per idle connection, sig2rtm / raw': ratio(i.sig2rtm?.heapPerConn, i.raw?.heapPerConn),
    'heap per idle connection, sig2rtm / socket.io': ratio(i.sig2rtm?.heapPerConn, i.socketio?.heapPerConn),
    'join storm time, sig2rtm / raw (lower is better)': ratio(j.sig2rtm?.allJoinedMs, j.raw?.allJoinedMs),
    'join storm time, sig2rtm / socket.io (lower is better)': ratio(j.sig2rtm?.allJoinedMs, j.socketio?.allJoinedMs),
    'join storm server CPU, sig2rtm / raw (lower is better)': ratio(j.sig2rtm?.serverCpuMs, j.raw?.serverCpuMs),
    'join storm server CPU, sig2rtm / socket.io (lower is better)': ratio(j.sig2rtm?.serverCpuMs, j.socketio?.serverCpuMs),
  };
}

const n = (x: number | undefined) => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));
const ms = (x: number | undefined) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
const x2 = (x: number | null) => (x === null ? 'not measured' : `${x.toFixed(3)}×`);
const kib = (b: number | undefined) => (b === undefined ? '–' : (b / 1024).toFixed(2));
const mib = (b: number | undefined) => (b === undefined ? '–' : (b / 1048576).toFixed(1));

export function computeChecks(r: BenchReport): TargetCheck[] {
  const p = r.results.p2p;
  const f = r.results.fanout;
  const i = r.results.idle;
  const capNote = f.sig2rtm?.note ? ` (${f.sig2rtm.note})` : '';
  const atLeast = (name: string, value: number | null, min: number, detail: string): TargetCheck => ({
    name,
    value,
    threshold: `≥ ${min}×`,
    met: value !== null && value >= min,
    detail,
  });
  const checks: TargetCheck[] = [
    atLeast('p2p max sustainable rate ≥ 0.8× raw', ratio(p.sig2rtm?.maxSustainable, p.raw?.maxSustainable), 0.8, `${n(p.sig2rtm?.maxSustainable)} vs ${n(p.raw?.maxSustainable)} msg/s`),
    atLeast('p2p max sustainable rate ≥ 1.5× socket.io', ratio(p.sig2rtm?.maxSustainable, p.socketio?.maxSustainable), 1.5, `${n(p.sig2rtm?.maxSustainable)} vs ${n(p.socketio?.maxSustainable)} msg/s`),
    atLeast('fan-out deliveries/s ≥ 0.9× raw', ratio(f.sig2rtm?.sustainableDeliveriesPerSec, f.raw?.sustainableDeliveriesPerSec), 0.9, `${n(f.sig2rtm?.sustainableDeliveriesPerSec)} vs ${n(f.raw?.sustainableDeliveriesPerSec)} deliveries/s${capNote}`),
    atLeast('fan-out deliveries/s ≥ 1.5× socket.io', ratio(f.sig2rtm?.sustainableDeliveriesPerSec, f.socketio?.sustainableDeliveriesPerSec), 1.5, `${n(f.sig2rtm?.sustainableDeliveriesPerSec)} vs ${n(f.socketio?.sustainableDeliveriesPerSec)} deliveries/s${capNote}`),
    atLeast('legacy path ≥ 0.95× native (p2p)', ratio(p.legacy?.maxSustainable, p.sig2rtm?.maxSustainable), 0.95, `${n(p.legacy?.maxSustainable)} vs ${n(p.sig2rtm?.maxSustainable)} msg/s`),
    atLeast('legacy path ≥ 0.95× native (fan-out)', ratio(f.legacy?.sustainableDeliveriesPerSec, f.sig2rtm?.sustainableDeliveriesPerSec), 0.95, `${n(f.legacy?.sustainableDeliveriesPerSec)} vs ${n(f.sig2rtm?.sustainableDeliveriesPerSec)} deliveries/s`),
  ];
  const mem = ratio(i.sig2rtm?.netPerConn, i.raw?.netPerConn);
  checks.push({
    name: 'memory per idle connection ≤ 1.3× raw',
    value: mem,
    threshold: '≤ 1.3×',
    met: mem !== null && mem <= 1.3,
    detail: `RSS net of V8's free heap ${kib(i.sig2rtm?.netPerConn)} vs ${kib(i.raw?.netPerConn)} KiB per connection (plain RSS ${kib(i.sig2rtm?.rssPerConn)} vs ${kib(i.raw?.rssPerConn)}, heap ${kib(i.sig2rtm?.heapPerConn)} vs ${kib(i.raw?.heapPerConn)})`,
  });
  const half = p.sig2rtm?.halfRate;
  const limit = (r.config as BenchConfig).p2p.halfRateP99Ms;
  checks.push({
    name: `p99 at half the maximum rate ≤ ${limit} ms`,
    value: half?.p99 ?? null,
    threshold: `≤ ${limit} ms`,
    met: half !== undefined && half.p99 <= limit,
    detail: half ? `sig2rtm at ${n(half.offered)} msg/s: p99 ${ms(half.p99)} ms` : 'no sustainable rate measured',
  });
  return checks;
}

// ---- SVG ----------------------------------------------------------------------------------------

const COLOURS: Record<TargetName, string> = { raw: '#555555', socketio: '#d95f02', sig2rtm: '#1b9e77', legacy: '#7570b3' };

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

export function markdown(r: BenchReport, chartHref: string, jsonHref: string): string {
  const cfg = r.config as BenchConfig;
  const L: string[] = [];
  const label = (t: TargetName) => TARGET_INFO[t].label;
  const pc = commonStep(r.results.p2p);
  const fc = commonStep(r.results.fanout);
  L.push('# Benchmarks');
  L.push('');
  L.push(`Generated by \`npm run bench\`${r.mode === 'quick' ? ' -- --quick (tiny scale: these figures mean nothing)' : ''} on ${r.date}; the run took ${(r.durationSec / 60).toFixed(1)} min. ` +
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
  L.push('- Four targets: **raw** — the smallest `ws` relay doing the same frame exchange ([bench/targets/raw-relay.ts](bench/targets/raw-relay.ts)), the limit of our stack; ' +
    '**socket.io** 4 doing the same with rooms and acknowledgements; **sig2rtm** with its RTM client (`AgoraRTM.createInstance`); ' +
    '**legacy**: sig2rtm driven through the legacy native API (`AgoraAPI`).');
  L.push('- The server under test runs in its own process (a fresh one per workload); the clients are split over two load-generator processes; ' +
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
    `The p99 at half the maximum rate comes from a step run at exactly half of it (run once more, like a failing step, when its p99 is over ${cfg.p2p.halfRateP99Ms} ms). ` +
    'Limits found with the machine near full load move from run to run (by 10–20 % in our runs); the server µs per message move much less.');
  if (cfg.avoidOtherLoad) L.push("- The machine may be shared: the run waits until it is quiet before it starts, and a step during which other processes took more than 10 % of the machine " +
    "(machine busy − server − generators, column \"other %\") is run again once the machine is quiet (twice at most; a step still disturbed then is marked).");
  L.push('- The sig2rtm server runs `createServer` with its defaults except the per-client rate limits, which are lifted ' +
    '(each rule `{ limit: 1, windowMs: 0 }`: a rule keeps a ring of `limit` call times, so a "huge" limit would allocate that many slots per session; `1e9` runs the server out of memory). ' +
    'Server CPU is `process.cpuUsage()` of the server process over the recorded window, % of one core.');
  L.push(`- The RTM client itself (as agora-rtm-sdk) lets one client send 180 messages per 3 s (60/s). So p2p uses ${cfg.p2p.basePairs} sender/receiver pairs, ` +
    `raised to load / ${cfg.p2p.perSenderRate} pairs above ${n(cfg.p2p.basePairs * cfg.p2p.perSenderRate)} msg/s so that no sender goes over ${cfg.p2p.perSenderRate} msg/s, the same for every target; ` +
    `with exactly ${cfg.p2p.basePairs} pairs the SDK would cap sig2rtm at ${n(cfg.p2p.basePairs * 60)} msg/s. ` +
    'Fan-out has one sender, so sig2rtm cannot offer more than 55 msg/s there (the SDK\'s 60/s with a margin); higher steps are not offered to it.');
  L.push('');
  L.push('## Targets of the issue');
  L.push('');
  L.push('| target | measured | threshold | met | figures |');
  L.push('| --- | --- | --- | --- | --- |');
  for (const c of r.checks) {
    const v = c.value === null ? 'not measured' : c.threshold.endsWith('ms') ? `${ms(c.value)} ms` : `${c.value.toFixed(3)}×`;
    L.push(`| ${c.name} | ${v} | ${c.threshold} | ${c.met ? '**met**' : '**not met**'} | ${c.detail} |`);
  }
  L.push('');
  L.push('## Ratios');
  L.push('');
  L.push('| ratio | value |');
  L.push('| --- | --- |');
  for (const [k, v] of Object.entries(r.ratios)) L.push(`| ${k} | ${x2(v)} |`);
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
        `${s.serverCpuPct} | ${s.serverUsPerMsg} | ${s.generatorCpuPct} | ${s.machineCpuPct} | ${s.foreignCpuPct}${s.disturbed ? ' (disturbed)' : ''} | ${s.ok ? 'yes' : 'no'}${s.firstAttempt ? ` (2nd run; 1st: p99 ${ms(s.firstAttempt.p99)} ms, lost ${s.firstAttempt.lost})` : ''} |`);
    }
    const errs = p.steps.flatMap((s) => s.errors ?? []);
    if (errs.length > 0) L.push('', `First errors: ${[...new Set(errs)].slice(0, 3).map((e) => `\`${e.replace(/\n.*/s, '').slice(0, 120)}\``).join('; ')}`);
    L.push('', '</details>', '');
  }

  // (2) fan-out
  L.push('## (2) Channel fan-out');
  L.push('');
  L.push(`One channel of ${n(cfg.fanout.members)} members, one of them sending; every message goes to the ${n(cfg.fanout.members - 1)} others (sig2rtm's clients also acknowledge what they receive, for exactly-once delivery; raw and socket.io have no per-delivery acknowledgement).`);
  L.push('');
  L.push(`| target | sustainable rate (msg/s) | deliveries/s there | p50 / p99 there (ms) | server µs per delivery at ${n(fc.rate)} msg/s | at the first failing step: CPU server / generator / machine | note |`);
  L.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const t of TARGETS) {
    const f = r.results.fanout[t];
    if (!f) continue;
    const at = f.steps.find((s) => s.ok && s.offered === f.sustainableOffered);
    const fail = f.steps.find((s) => !s.ok);
    L.push(`| ${label(t)} | ${n(f.sustainableOffered)} | ${n(f.sustainableDeliveriesPerSec)} | ${at ? `${ms(at.p50)} / ${ms(at.p99)}` : '–'} | ${fc.at[t]?.serverUsPerMsg ?? '–'} | ` +
      `${fail ? `${n(fail.offered)} msg/s: ${fail.serverCpuPct} % / ${fail.generatorCpuPct} % / ${fail.machineCpuPct} %` : '–'} | ${f.note ?? ''} |`);
  }
  L.push('');
  for (const t of TARGETS) {
    const f = r.results.fanout[t];
    if (!f) continue;
    L.push(`<details><summary>${label(t)}: every step</summary>`);
    L.push('');
    L.push('| msg/s | sent | deliveries expected | delivered | deliveries/s | lost | p50 ms | p99 ms | max ms | server CPU % | server µs/delivery | generator CPU % | machine CPU % | other % | sustainable |');
    L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const s of f.steps) {
      L.push(`| ${n(s.offered)} | ${n(s.sent)} | ${n(s.expected)} | ${n(s.delivered)} | ${n(s.deliveriesPerSec)} | ${n(s.lost)} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ` +
        `${s.serverCpuPct} | ${s.serverUsPerMsg} | ${s.generatorCpuPct} | ${s.machineCpuPct} | ${s.foreignCpuPct}${s.disturbed ? ' (disturbed)' : ''} | ${s.ok ? 'yes' : 'no'}${s.firstAttempt ? ` (2nd run; 1st: p99 ${ms(s.firstAttempt.p99)} ms, lost ${s.firstAttempt.lost})` : ''} |`);
    }
    L.push('', '</details>', '');
  }

  // (3) idle
  L.push('## (3) Idle connections');
  L.push('');
  L.push(`${n(cfg.idle.clients)} logged-in idle clients. Server memory after a full GC, before and after; per connection = difference / clients. ` +
    "\"Net\" is RSS without V8's unused heap space (rss − heapTotal + heapUsed): plain RSS also holds the young generation's slack, which grows by tens of MB during the burst of logins and moves plain RSS per connection by ±3 KiB from run to run; the issue's memory target is judged on the net figure. " +
    '(sig2rtm clients send their 2 s heartbeat, which is the idle server CPU; socket.io pings every 25 s.)');
  L.push('');
  L.push('| target | logged in | login time (s) | RSS before → after (MiB) | RSS per connection (KiB) | net per connection (KiB) | heap before → after (MiB) | heap per connection (KiB) | idle server CPU % |');
  L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of TARGETS) {
    const i = r.results.idle[t];
    if (!i) continue;
    L.push(`| ${label(t)} | ${n(i.loggedIn)} | ${i.connectSec} | ${mib(i.before.rss)} → ${mib(i.after.rss)} | ${kib(i.rssPerConn)} | ${kib(i.netPerConn)} | ${mib(i.before.heapUsed)} → ${mib(i.after.heapUsed)} | ${kib(i.heapPerConn)} | ${i.idleServerCpuPct} |`);
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
  L.push('## (5) The legacy path');
  L.push('');
  L.push('Workloads (1) and (2) through the legacy native API (`AgoraAPI.createAgoraSDKInstance`, `login2`, `messageInstantSend` → `onMessageSendSuccess` / peer `onMessageInstantReceive`, `channelJoin`, `messageChannelSend`) ' +
    'on the same server: the rows "sig2rtm (legacy AgoraAPI)" above. Legacy default compatibility settings (success when the server has the message; channel messages echoed to the sender, not counted as deliveries).');
  L.push('');
  if (r.errors.length > 0) {
    L.push('## Errors during the run');
    L.push('');
    for (const e of r.errors) L.push(`- ${e.replace(/\n/g, ' ').slice(0, 300)}`);
    L.push('');
  }
  return L.join('\n');
}
