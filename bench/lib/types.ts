/**
 * Shared shapes: targets, workloads, and the figures each run produces (what bench/results/*.json holds).
 */

export const TARGETS = ['raw', 'socketio', 'sig2rtm', 'legacy', 'gateway', 'addons'] as const;
export type TargetName = (typeof TARGETS)[number];

/** `fanout`: one channel of 1,000 members; `fanoutRooms`: 10 channels of 100; `scale`: 100,000 connections. */
export const WORKLOADS = ['p2p', 'fanout', 'fanoutRooms', 'idle', 'joinStorm', 'scale'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** The fan-out workloads (same code, another channel layout). */
export type FanoutWorkload = 'fanout' | 'fanoutRooms';

export interface TargetInfo {
  name: TargetName;
  label: string;
  /** Which server entry runs it (bench/targets/<server>.ts). */
  server: 'raw-relay' | 'socketio' | 'sig2rtm';
  /** Which client the generators drive. */
  client: 'raw' | 'socketio' | 'rtm' | 'legacy' | 'gateway';
  /** The server's WebSocket path (sig2rtm: /rtm, the legacy gateway: /gateway). */
  path?: string;
  /**
   * ws's optional native add-on `bufferutil` in the server (ws honours WS_NO_BUFFER_UTIL). Every
   * other target runs without it, as the package ships (and the generators always without it).
   */
  wsAddons?: boolean;
  /**
   * Messages per second one client may send, when the client SDK itself limits it
   * (agora-rtm-sdk: 180 per 3 s per client). We stay below it with a margin.
   */
  sendCapPerClient?: number;
  /** The workloads this target runs. */
  workloads: readonly WorkloadName[];
}

const ALL_BUT_SCALE = ['p2p', 'fanout', 'fanoutRooms', 'idle', 'joinStorm'] as const;

export const TARGET_INFO: Record<TargetName, TargetInfo> = {
  raw: { name: 'raw', label: 'raw ws relay', server: 'raw-relay', client: 'raw', workloads: WORKLOADS },
  socketio: { name: 'socketio', label: 'socket.io 4', server: 'socketio', client: 'socketio', workloads: ALL_BUT_SCALE },
  sig2rtm: { name: 'sig2rtm', label: 'sig2rtm (RTM client)', server: 'sig2rtm', client: 'rtm', path: '/rtm', sendCapPerClient: 55, workloads: WORKLOADS },
  legacy: { name: 'legacy', label: 'sig2rtm (legacy AgoraAPI)', server: 'sig2rtm', client: 'legacy', path: '/rtm', sendCapPerClient: 55, workloads: ALL_BUT_SCALE },
  gateway: {
    name: 'gateway',
    label: 'sig2rtm (legacy gateway, native-SDK protocol)',
    server: 'sig2rtm',
    client: 'gateway',
    path: '/gateway',
    sendCapPerClient: 55,
    workloads: ['p2p', 'fanout'],
  },
  addons: {
    name: 'addons',
    label: 'sig2rtm (RTM client), server with bufferutil',
    server: 'sig2rtm',
    client: 'rtm',
    path: '/rtm',
    sendCapPerClient: 55,
    wsAddons: true,
    // bufferutil masks and unmasks frames: what matters is the frames the server takes in and sends.
    workloads: ['p2p', 'fanout'],
  },
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
  /** Channel messages per second, over all senders and channels. */
  offered: number;
  /** Clients sending (spread over the channels; none above the per-sender rate). */
  senders: number;
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
  /** Channels, and members in each. */
  channels: number;
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
  /** The idle window over which that CPU was measured, s. */
  idleWindowSec: number;
  /** Mean generator CPU over the same window, % of one core per generator (the clients' own heartbeat cost). */
  idleGeneratorCpuPct: number;
  /** Presence timings seen by a watcher while the clients idled (sig2rtm targets, when probed). */
  presence?: PresenceProbe;
}

/**
 * One watched user whose process is frozen (SIGSTOP: its socket goes silent without closing), and
 * when its watcher saw it UNREACHABLE and OFFLINE, ms after the freeze.
 */
export interface PresenceProbe {
  unreachableAfterMs: number | null;
  offlineAfterMs: number | null;
  /** RTM's timings: UNREACHABLE after 6 s of silence, OFFLINE after 30 s (within a heartbeat period). */
  expectUnreachableMs: number;
  expectOfflineMs: number;
  ok: boolean;
  error?: string;
}

export interface ScaleResult {
  /** Clients this run took: `wanted`, or fewer where the open-file limits did not allow more (`limitedBy`). */
  clients: number;
  wanted: number;
  limitedBy?: string;
  /** RSS and idle CPU projected linearly to `wanted` clients from the per-connection figures, when fewer were run. */
  projected: { clients: number; rssMiB: number; idleServerCpuPct: number };
  loggedIn: number;
  generators: number;
  /** Loopback source addresses the clients were spread over. */
  sourceAddresses: string[];
  /** Open-file limits after the harness raised them (server, generators). */
  nofile: { server: number; generator: number };
  loginSec: number;
  loginsPerSec: number;
  /** CPU during the logins: server and mean generator (% of one core), machine (% of all cores): who bounds the login rate. */
  loginCpu: { server: number; generator: number; machine: number };
  before: MemorySample;
  after: MemorySample;
  rssPerConn: number;
  netPerConn: number;
  idleServerCpuPct: number;
  idleWindowSec: number;
  /** The largest generator's RSS once every client was logged in, MiB (what the clients' side costs). */
  generatorRssMiB: number;
  /** Fan-out to one big channel of the logged-in clients. */
  fanout?: FanoutResult;
  joinSec?: number;
  errors?: string[];
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
  /** Connection counts × this (`--scale`), when not 1. */
  scale?: number;
  durationSec: number;
  machine: Machine;
  source?: SourceInfo;
  config: unknown;
  results: {
    p2p: Partial<Record<TargetName, P2pResult>>;
    fanout: Partial<Record<TargetName, FanoutResult>>;
    fanoutRooms?: Partial<Record<TargetName, FanoutResult>>;
    idle: Partial<Record<TargetName, IdleResult>>;
    joinStorm: Partial<Record<TargetName, JoinStormResult>>;
    scale?: Partial<Record<TargetName, ScaleResult>>;
  };
  /** Per-client rate limits of the sig2rtm server lifted for each workload (none: the server's defaults). */
  liftedRates?: Partial<Record<WorkloadName, string[]>>;
  /** Where the server's CPU went, per workload and target (`--profile` runs). */
  profiles?: Partial<Record<WorkloadName, Partial<Record<TargetName, ProfileSummaryLite>>>>;
  ratios: Record<string, number | null>;
  checks: TargetCheck[];
  errors: string[];
}

/** A profile's summary as stored in a report (bench/lib/profile.ts). */
export interface ProfileSummaryLite {
  totalMs: number;
  idleMs: number;
  functions: { name: string; where: string; selfMs: number; pct: number }[];
  files: { file: string; selfMs: number; pct: number }[];
}
