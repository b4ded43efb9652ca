/**
 * Shared shapes: targets, workloads, and the figures each run produces (what bench/results/*.json holds).
 */

export const TARGETS = ['raw', 'socketio', 'sig2rtm', 'legacy'] as const;
export type TargetName = (typeof TARGETS)[number];

export const WORKLOADS = ['p2p', 'fanout', 'idle', 'joinStorm'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export interface TargetInfo {
  name: TargetName;
  label: string;
  /** Which server entry runs it (bench/targets/<server>.ts). */
  server: 'raw-relay' | 'socketio' | 'sig2rtm';
  /** Which client the generators drive. */
  client: 'raw' | 'socketio' | 'rtm' | 'legacy';
  /**
   * Messages per second one client may send, when the client SDK itself limits it
   * (agora-rtm-sdk: 180 per 3 s per client). We stay below it with a margin.
   */
  sendCapPerClient?: number;
  /** The workloads this target runs. */
  workloads: readonly WorkloadName[];
}

export const TARGET_INFO: Record<TargetName, TargetInfo> = {
  raw: { name: 'raw', label: 'raw ws relay', server: 'raw-relay', client: 'raw', workloads: WORKLOADS },
  socketio: { name: 'socketio', label: 'socket.io 4', server: 'socketio', client: 'socketio', workloads: WORKLOADS },
  sig2rtm: { name: 'sig2rtm', label: 'sig2rtm (RTM client)', server: 'sig2rtm', client: 'rtm', sendCapPerClient: 55, workloads: WORKLOADS },
  legacy: { name: 'legacy', label: 'sig2rtm (legacy AgoraAPI)', server: 'sig2rtm', client: 'legacy', sendCapPerClient: 55, workloads: ['p2p', 'fanout'] },
};

export interface LatencySummary {
  /** Samples (messages or deliveries received). */
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface P2pStep extends LatencySummary {
  /** Offered load, messages per second over all senders. */
  offered: number;
  pairs: number;
  durationSec: number;
  sent: number;
  /** Messages the receivers got. */
  delivered: number;
  deliveredPerSec: number;
  /** sent − delivered. */
  lost: number;
  /** Sends the sender saw fail (error, or not acknowledged by the peer). */
  failed: number;
  /** Senders' send rate as achieved (below `offered` when the load generators could not keep up). */
  sentPerSec: number;
  serverCpuPct: number;
  generatorCpuPct: number;
  /** The whole machine, % of all cores (kernel included), and its network softirq share. */
  machineCpuPct: number;
  softirqPct: number;
  /** Server CPU per message (p2p) or per delivery (fan-out), µs. */
  serverUsPerMsg: number;
  /** Other processes' share of the machine during the step (machine − server − generators), %. */
  foreignCpuPct: number;
  /** Still disturbed by other processes after two more runs. */
  disturbed?: boolean;
  ok: boolean;
  /** When the step failed once and was run again: the first attempt. */
  firstAttempt?: { p99: number; lost: number; failed: number };
  errors?: string[];
}

export interface P2pResult {
  steps: P2pStep[];
  /** Highest offered load with p99 ≤ 50 ms and no loss (0 when none). */
  maxSustainable: number;
  /** The step nearest below half of `maxSustainable`, and its p99. */
  halfRate?: { offered: number; p99: number };
  note?: string;
}

export interface FanoutStep extends LatencySummary {
  /** Channel messages per second from the one sender. */
  offered: number;
  durationSec: number;
  sent: number;
  expected: number;
  delivered: number;
  deliveriesPerSec: number;
  lost: number;
  failed: number;
  serverCpuPct: number;
  generatorCpuPct: number;
  machineCpuPct: number;
  softirqPct: number;
  /** Server CPU per message (p2p) or per delivery (fan-out), µs. */
  serverUsPerMsg: number;
  /** Other processes' share of the machine during the step (machine − server − generators), %. */
  foreignCpuPct: number;
  /** Still disturbed by other processes after two more runs. */
  disturbed?: boolean;
  ok: boolean;
  /** When the step failed once and was run again: the first attempt. */
  firstAttempt?: { p99: number; lost: number; failed: number };
  errors?: string[];
}

export interface FanoutResult {
  members: number;
  steps: FanoutStep[];
  /** Deliveries per second at the highest step with p99 ≤ 50 ms and no loss. */
  sustainableDeliveriesPerSec: number;
  sustainableOffered: number;
  /** Steps above this rate could not be offered (the client SDK's own limit). */
  cappedAbove?: number;
  note?: string;
}

export interface MemorySample {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface IdleResult {
  clients: number;
  loggedIn: number;
  connectSec: number;
  before: MemorySample;
  after: MemorySample;
  rssPerConn: number;
  heapPerConn: number;
  /**
   * RSS net of V8's unused heap space (rss − heapTotal + heapUsed) per connection: RSS without the
   * young generation's slack, which grows by tens of MB during a burst of logins and makes plain RSS
   * differ by ±3 KiB per connection from run to run.
   */
  netPerConn: number;
  /** Server CPU while the clients sat idle (heartbeats included), % of one core. */
  idleServerCpuPct: number;
}

export interface JoinStormResult {
  clients: number;
  joined: number;
  failed: number;
  allJoinedMs: number;
  serverCpuMs: number;
  serverCpuPct: number;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** Whole-machine CPU busy (% of all cores) in the second before the run: other load on the box. */
  backgroundCpuPct?: number;
}

/** What was measured: the repository's commit, and whether src/ differed from it. */
export interface SourceInfo {
  commit: string;
  srcModified: boolean;
}

export interface TargetCheck {
  name: string;
  /** The measured ratio or value. */
  value: number | null;
  threshold: string;
  met: boolean;
  detail: string;
}

export interface BenchReport {
  date: string;
  mode: 'full' | 'quick';
  durationSec: number;
  machine: Machine;
  source?: SourceInfo;
  config: unknown;
  results: {
    p2p: Partial<Record<TargetName, P2pResult>>;
    fanout: Partial<Record<TargetName, FanoutResult>>;
    idle: Partial<Record<TargetName, IdleResult>>;
    joinStorm: Partial<Record<TargetName, JoinStormResult>>;
  };
  ratios: Record<string, number | null>;
  checks: TargetCheck[];
  errors: string[];
}
