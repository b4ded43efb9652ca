/**
 * `npm run bench:cluster`: the p2p and fan-out workloads on one `sig2rtm serve --redis` node and on
 * three, side by side (one redis-server, AOF with appendfsync always; real server processes; RTM clients in this
 * process). Writes bench/results/cluster-<date>.json and the "Several nodes" section of
 * BENCHMARKS.md (replaced in place; `npm run bench` regenerates the rest of that file).
 *
 *   npm run bench:cluster                 the default steps
 *   npm run bench:cluster -- --quick      tiny steps (smoke; BENCHMARKS.md untouched)
 *   … --benchmarks FILE                   write the section into FILE instead (a quick run too)
 *
 * p2p: pairs whose sender and receiver sit on different nodes (with three), each sender below the
 * SDK's own 180-per-3 s limit; latency is send → `hasPeerReceived: true`. Fan-out: one channel
 * whose members are spread over the nodes; latency is send → delivery, per delivery.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AgoraRTM, { type RtmChannel, type RtmClient } from '../src/rtm';
import { Node, RedisServer } from '../test/redis/helpers';
import { summarise, Samples } from './lib/stats';
import { APP_ID } from './gen/clients';

const ROOT = path.resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const benchmarksArg = process.argv.indexOf('--benchmarks');
/** Where the "Several nodes" section goes: BENCHMARKS.md for a full run, nowhere for a quick one unless asked. */
const BENCHMARKS = benchmarksArg > 0 ? path.resolve(process.argv[benchmarksArg + 1] ?? '') : quick ? undefined : path.join(ROOT, 'BENCHMARKS.md');
const STEP_SEC = quick ? 2 : 5;
const PER_SENDER = 50; // msg/s, below the SDK's 60/s
const P2P_LOADS = quick ? [200] : [500, 1000, 2000];
const FANOUT = quick ? { members: 30, loads: [5] } : { members: 300, loads: [5, 10, 20] };

interface Row {
  nodes: number;
  workload: 'p2p' | 'fanout';
  offered: number;
  /** Messages (p2p) or deliveries (fan-out) per second that arrived. */
  deliveredPerSec: number;
  lost: number;
  p50: number;
  p99: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function clients(urls: string[], n: number, prefix: string): Promise<RtmClient[]> {
  const out: RtmClient[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, (_, k) => {
      const c = AgoraRTM.createInstance(APP_ID, { serverUrl: urls[(i + k) % urls.length] as string });
      out.push(c);
      return c.login({ uid: `${prefix}${i + k}` });
    });
    await Promise.all(batch);
  }
  return out;
}

/** Sends `count` messages per sender at `rate` msg/s each, calling `send(i, sentAt)`. */
async function pace(senders: number, rate: number, seconds: number, send: (i: number, sentAt: number) => void): Promise<void> {
  const interval = 1000 / rate;
  const t0 = performance.now();
  for (let tick = 0; tick < rate * seconds; tick++) {
    const due = t0 + tick * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    for (let i = 0; i < senders; i++) send(i, performance.now());
  }
}

async function p2p(urls: string[], offered: number, tag: string): Promise<Row> {
  const pairs = Math.ceil(offered / PER_SENDER);
  const rate = offered / pairs;
  // Sender i on node i, its receiver on the next node.
  const senders = await clients(urls, pairs, `${tag}s`);
  const receivers = await clients([...urls.slice(1), ...urls.slice(0, 1)], pairs, `${tag}r`);
  const lat = new Samples();
  let lost = 0;
  const pending: Promise<void>[] = [];
  await pace(pairs, rate, STEP_SEC, (i, at) => {
    pending.push(
      (senders[i] as RtmClient).sendMessageToPeer({ text: 'x' }, `${tag}r${i}`).then(
        (r) => (r.hasPeerReceived ? lat.push(performance.now() - at) : lost++),
        () => lost++,
      ) as Promise<void>,
    );
  });
  await Promise.all(pending);
  const s = summarise([lat.take()]);
  await Promise.all([...senders, ...receivers].map((c) => c.logout().catch(() => undefined)));
  return { nodes: urls.length, workload: 'p2p', offered, deliveredPerSec: Math.round(s.n / STEP_SEC), lost, p50: s.p50, p99: s.p99 };
}

async function fanout(urls: string[], perSec: number, tag: string): Promise<Row> {
  const members = await clients(urls, FANOUT.members, `${tag}m`);
  const lat = new Samples();
  const channels: RtmChannel[] = [];
  for (const c of members) {
    const ch = c.createChannel(`${tag}room`);
    ch.on('ChannelMessage', (m) => lat.push(performance.now() - Number(m.text)));
    await ch.join();
    channels.push(ch);
  }
  const sender = channels[0] as RtmChannel;
  await pace(1, perSec, STEP_SEC, (_i, at) => void sender.sendMessage({ text: String(at) }).catch(() => undefined));
  await sleep(1000);
  const expected = perSec * STEP_SEC * (FANOUT.members - 1);
  const s = summarise([lat.take()]);
  await Promise.all(members.map((c) => c.logout().catch(() => undefined)));
  return { nodes: urls.length, workload: 'fanout', offered: perSec * (FANOUT.members - 1), deliveredPerSec: Math.round(s.n / STEP_SEC), lost: expected - s.n, p50: s.p50, p99: s.p99 };
}

/** Load average (1 min) and cores: figures from a busy machine say so themselves. */
function machine(): string {
  return `${os.loadavg()[0]?.toFixed(1) ?? '?'} on ${os.cpus().length} cores`;
}

function markdown(rows: Row[], when: string, load: { before: string; after: string }): string {
  const line = (r: Row) => `| ${r.workload} | ${r.nodes} | ${r.offered} | ${r.deliveredPerSec} | ${r.lost} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`;
  return [
    '<!-- cluster:start (npm run bench:cluster) -->',
    '## Several nodes (Redis)',
    '',
    `Run ${when} by \`npm run bench:cluster\`: one redis-server (AOF, appendfsync always) and 1 or 3 \`sig2rtm serve --redis\` processes on this machine, all clients in one generator process; ${STEP_SEC} s per step. p2p pairs have sender and receiver on different nodes (3 nodes); fan-out members are spread over the nodes (${FANOUT.members} members, one sender). Latency in ms: p2p send → hasPeerReceived, fan-out send → each delivery. On a machine this small every process competes for the same cores, so the 3-node figures show the cost of the Redis hop, not the scaling a cluster of machines gives. Machine load average at the start ${load.before}, at the end ${load.after}.`,
    '',
    '| workload | nodes | offered /s | delivered /s | lost | p50 ms | p99 ms |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(line),
    '<!-- cluster:end -->',
  ].join('\n');
}

async function main(): Promise<void> {
  const before = machine();
  const redis = await new RedisServer().start();
  const rows: Row[] = [];
  try {
    for (const n of [1, 3]) {
      const nodes = await Promise.all(Array.from({ length: n }, () => Node.start(redis.url, ['--rate-send', '1000/1000', '--rate-join', '1000/1000'])));
      const urls = nodes.map((x) => x.url);
      for (const load of P2P_LOADS) rows.push(await p2p(urls, load, `p${n}x${load}`));
      for (const load of FANOUT.loads) rows.push(await fanout(urls, load, `f${n}x${load}`));
      await Promise.all(nodes.map((x) => x.stop()));
      for (const r of rows.filter((x) => x.nodes === n)) console.log(JSON.stringify(r));
    }
  } finally {
    await redis.stop();
  }
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  // A quick (smoke) run goes with the other quick results, which git ignores.
  const dir = path.join(ROOT, 'bench', 'results', ...(quick ? ['quick'] : []));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `cluster-${when.slice(0, 10)}.json`), JSON.stringify({ when, stepSec: STEP_SEC, rows }, null, 2) + '\n');
  if (BENCHMARKS === undefined) return;
  const file = BENCHMARKS;
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const section = markdown(rows, when, { before, after: machine() });
  const marked = /<!-- cluster:start[\s\S]*?<!-- cluster:end -->/;
  fs.writeFileSync(file, marked.test(old) ? old.replace(marked, section) : `${old.trimEnd()}\n\n${section}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
