/**
 * A load generator process: holds some of the benchmark's clients (one kind, one server), sends at
 * the rate it is told, and records what its clients receive. Driven over IPC by bench/run.ts.
 *
 * Every message's text starts with its send time on the machine-wide clock and the step it belongs
 * to, so a receiver measures send → receive latency on its own and ignores stragglers of an earlier
 * step.
 */

import { cpuMicros, now, sleep, sleepUntil } from '../lib/clock';
import { serve } from '../lib/rpc';
import { Samples } from '../lib/stats';
import { makeClient, watchPresence, type BenchClient, type ClientKind, type Sink } from './clients';

const PAD = 'x'.repeat(64);
let kind: ClientKind = 'raw';
let url = '';
/** Loopback source addresses dealt out to the clients in turn (none: the kernel's choice). */
let sourceAddresses: string[] = [];
let made = 0;
const clients = new Map<string, BenchClient>();
/** Presence changes the watcher saw: [state, time]. */
const presence: [string, number][] = [];

/** The step being recorded; messages of any other step are ignored. */
let step = -1;
let received = 0;
const latencies = new Samples();

function record(text: string): void {
  const a = text.indexOf('|');
  const b = text.indexOf('|', a + 1);
  if (a < 0 || b < 0 || Number(text.slice(a + 1, b)) !== step) return;
  received++;
  latencies.push(now() - Number(text.slice(0, a)));
}

const sink: Sink = {
  peer: (_self, _from, text) => record(text),
  channel: (_self, _ch, _from, text) => record(text),
};

function text(stepId: number): string {
  const head = `${now().toFixed(3)}|${stepId}|`;
  return head + PAD.slice(0, Math.max(0, 64 - head.length));
}

function remember(errors: string[], err: unknown): void {
  if (errors.length < 5) errors.push(err instanceof Error ? err.message : String(err));
}

/** Runs `fire(k)` for k = 0 … rate·duration − 1, evenly paced from `at`; bounded in count and time. */
async function paced(rate: number, durationMs: number, at: number, fire: (k: number) => void): Promise<{ sent: number; wallMs: number }> {
  const total = Math.round((rate * durationMs) / 1000);
  await sleepUntil(at);
  const start = now();
  let sent = 0;
  while (sent < total && now() - start < durationMs + 5000) {
    const due = Math.min(total, Math.floor(((now() - start) * rate) / 1000) + 1);
    while (sent < due) fire(sent++);
    if (sent < total) await sleep(1);
  }
  return { sent, wallMs: now() - start };
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>, errors: string[]): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (err) {
        failed++;
        remember(errors, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return failed;
}

serve({
  init: (a: { kind: ClientKind; url: string; sourceAddresses?: string[] }) => {
    kind = a.kind;
    url = a.url;
    sourceAddresses = a.sourceAddresses ?? [];
    return null;
  },

  /** Creates and logs in clients. */
  connect: async (a: { uids: string[]; concurrency: number }) => {
    const errors: string[] = [];
    const t0 = now();
    const failed = await pool(a.uids, a.concurrency, async (uid) => {
      const c = makeClient(kind, url, uid, sink, sourceAddresses.length > 0 ? sourceAddresses[made++ % sourceAddresses.length] : undefined);
      clients.set(uid, c);
      await c.login();
    }, errors);
    return { ok: a.uids.length - failed, failed, ms: now() - t0, errors };
  },

  /** Every listed client joins `ch`, all at once at `at`. */
  join: async (a: { uids: string[]; ch: string; at: number; concurrency?: number }) => {
    const errors: string[] = [];
    await sleepUntil(a.at);
    let lastDone = now();
    const failed = await pool(a.uids, a.concurrency ?? a.uids.length, async (uid) => {
      const c = clients.get(uid);
      if (!c) throw new Error(`no client ${uid}`);
      await c.join(a.ch);
      lastDone = now();
    }, errors);
    return { joined: a.uids.length - failed, failed, lastDone, errors };
  },

  /**
   * Peer-to-peer step: each pair's sender sends to its receiver, round robin, at `rate` in all;
   * first `warmupMs` unrecorded (fresh connections, JIT), then `durationMs` recorded.
   */
  p2p: async (a: { step: number; pairs: [string, string][]; rate: number; warmupMs: number; durationMs: number; drainMs: number; at: number }) => {
    step = a.step;
    received = 0;
    latencies.take();
    const errors: string[] = [];
    let settled = 0;
    let notAcked = 0;
    let failed = 0;
    const senders = a.pairs.map(([s, r]) => {
      const c = clients.get(s);
      if (!c) throw new Error(`no client ${s}`);
      return [c, r] as const;
    });
    const send = (stepId: number, k: number) => {
      const [c, to] = senders[k % senders.length] as (typeof senders)[number];
      const p = c.sendPeer(to, text(stepId));
      if (stepId !== a.step) {
        p.catch(() => undefined);
        return;
      }
      p.then(
        (ok) => {
          settled++;
          if (!ok) notAcked++;
        },
        (err: unknown) => {
          settled++;
          failed++;
          remember(errors, err);
        },
      );
    };
    let offset = 0;
    if (a.warmupMs > 0) offset = (await paced(a.rate, a.warmupMs, a.at, (k) => send(-1, k))).sent;
    const { sent, wallMs } = await paced(a.rate, a.durationMs, a.at + a.warmupMs, (k) => send(a.step, offset + k));
    const end = now() + a.drainMs;
    while ((settled < sent || received < sent) && now() < end) await sleep(20);
    if (notAcked > 0) remember(errors, `${notAcked} sends not acknowledged by the peer`);
    return { sent, settled, failed: failed + notAcked, received, lat: latencies.take(), wallMs, errors };
  },

  /** Starts recording channel messages of `step`. */
  fanoutArm: (a: { step: number }) => {
    step = a.step;
    received = 0;
    latencies.take();
    return null;
  },

  /**
   * Channel sends at `rate` in all, dealt out to `senders` ([uid, channel]) in turn; answers how
   * many each sender sent (the orchestrator works out the deliveries expected from it).
   */
  fanoutSend: async (a: { step: number; senders: [string, string][]; rate: number; durationMs: number; at: number }) => {
    const senders = a.senders.map(([uid, ch]) => {
      const c = clients.get(uid);
      if (!c) throw new Error(`no client ${uid}`);
      return [c, ch] as const;
    });
    const sentBy = a.senders.map(() => 0);
    const errors: string[] = [];
    let failed = 0;
    let settled = 0;
    const { sent, wallMs } = await paced(a.rate, a.durationMs, a.at, (k) => {
      const i = k % senders.length;
      const [c, ch] = senders[i]!;
      sentBy[i] = (sentBy[i] ?? 0) + 1;
      c.sendChannel(ch, text(a.step)).then(
        () => settled++,
        (err: unknown) => {
          settled++;
          failed++;
          remember(errors, err);
        },
      );
    });
    const end = now() + 10_000;
    while (settled < sent && now() < end) await sleep(20);
    return { sent, sentBy, failed, wallMs, errors };
  },

  /** Waits until `expected` deliveries arrived here (or `timeoutMs`), then hands over what was recorded. */
  fanoutCollect: async (a: { expected: number; timeoutMs: number }) => {
    const end = now() + a.timeoutMs;
    while (received < a.expected && now() < end) await sleep(20);
    return { received, lat: latencies.take() };
  },

  /** A watcher (an RTM client) subscribes to `peer`'s online status; `presence` hands over what it saw. */
  watch: async (a: { watcher: string; peer: string }) => {
    await watchPresence(url, a.watcher, a.peer, (state, at) => presence.push([state, at]), now);
    return null;
  },

  presence: () => presence,

  cpu: () => ({ cpuMicros: cpuMicros(), at: now() }),

  rss: () => process.memoryUsage.rss(),

  count: () => clients.size,
});
process.stdout.write('READY\n');
