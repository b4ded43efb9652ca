/** Scales of the full run and of `--quick`. */

export interface BenchConfig {
  p2p: {
    /** Sender/receiver pairs (the 100)… */
    basePairs: number;
    /** …raised at high loads so that no sender exceeds this many messages per second (see README of the run). */
    perSenderRate: number;
    /** Offered loads, messages per second over all senders. */
    ladder: number[];
    /** Unrecorded sending at the step's rate before each step… */
    warmupMs: number;
    /** …and before the first one (JIT, fresh connections). */
    firstWarmupMs: number;
    stepMs: number;
    drainMs: number;
    /** Run a failed step once more before it counts as failed. */
    retry: boolean;
    /** Bisection steps between the last sustainable rate and the first failing one. */
    refine: number;
    /** The p99 target at half the maximum sustainable rate, ms (a step there above it is run once more). */
    halfRateP99Ms: number;
  };
  fanout: FanoutConfig;
  /** 10 channels of 100: the same workload over several channels. */
  fanoutRooms: FanoutConfig;
  idle: {
    clients: number;
    concurrency: number;
    settleMs: number;
    /** The CPU window: long enough to cover several heartbeat periods of every target. */
    idleMs: number;
    /** Freeze one watched client during the window and time its UNREACHABLE / OFFLINE (the sig2rtm target). */
    presenceProbe: boolean;
  };
  joinStorm: { clients: number; concurrency: number; settleMs: number };
  scale: {
    clients: number;
    /** Load-generator processes (each its own heap and file descriptors). */
    generators: number;
    /** Clients per loopback source address at most (one address reaches one port through ~28k ephemeral ports). */
    perSourceAddress: number;
    concurrency: number;
    settleMs: number;
    idleMs: number;
    /** Members of the big fan-out channel (taken from the logged-in clients), and its steps (msg/s). */
    fanoutMembers: number;
    fanoutLadder: number[];
    fanoutStepMs: number;
    fanoutDrainMs: number;
    /**
     * p99 limit of a sustainable step there, ms: one message is a burst of ~10,000 deliveries, which
     * the generators alone take a few hundred ms to work through; a backlog still shows at once.
     */
    fanoutMaxP99Ms: number;
    /** Joins of the big channel in flight per generator. */
    joinConcurrency: number;
    /** Heap limit of the server and of each generator, MiB. */
    heapMb: number;
  };
  /** p99 limit of a sustainable p2p step, ms. */
  maxP99Ms: number;
  /** Wait for a quiet machine before the run and re-run steps other processes disturbed. */
  avoidOtherLoad: boolean;
  /** The whole run is abandoned after this long. */
  deadlineMs: number;
  /**
   * One rig per target for all its workloads (but scale), instead of a fresh server per workload:
   * `--quick` only, where starting ~30 rigs would take most of its minute.
   */
  shareRigs: boolean;
}

export interface FanoutConfig {
  channels: number;
  /** Members per channel. */
  members: number;
  /** No sender sends more than this many messages per second (the SDK's rule is 180 per 3 s): more senders instead. */
  perSenderRate: number;
  /** Offered loads, channel messages per second over all senders and channels. */
  ladder: number[];
  stepMs: number;
  drainMs: number;
  retry: boolean;
  refine: number;
  settleMs: number;
  /**
   * p99 limit of a sustainable fan-out step, ms. Each message is a burst of members − 1 deliveries
   * that the receiving processes take tens of ms to work through even at low rates, so 50 ms would
   * measure the load generators; a backlog still shows at once (latency climbs by hundreds of ms
   * per second of overload).
   */
  maxP99Ms: number;
}

/**
 * Per-client rate limits of the sig2rtm server lifted for each workload (names of DEFAULT_RATES).
 * None: every sender stays under the 180-per-3 s rule (p2p and fan-out add senders instead of
 * raising one sender's rate), each client logs in once and joins once, and heartbeats are the
 * clients' own; so the server runs with its default limits throughout.
 */
export const LIFTED_RATES: Record<'p2p' | 'fanout' | 'fanoutRooms' | 'idle' | 'joinStorm' | 'scale', string[]> = {
  p2p: [],
  fanout: [],
  fanoutRooms: [],
  idle: [],
  joinStorm: [],
  scale: [],
};

/** Doubling at first, then steps of about 25 % (halves of the upper steps land on steps). */
const P2P_LADDER = [1000, 2000, 4000, 5000, 6400, 8000, 10_000, 12_500, 16_000, 20_000, 25_000, 32_000, 40_000, 50_000, 64_000];
/** Fan-out: steps of about 1.6× (two bisection steps then narrow the limit to ~12 %). */
const FANOUT_LADDER = [20, 40, 64, 100, 160, 250, 400, 640];
const ROOMS_LADDER = FANOUT_LADDER.map((x) => x * 10);

export const FULL: BenchConfig = {
  p2p: { basePairs: 100, perSenderRate: 40, ladder: P2P_LADDER, warmupMs: 500, firstWarmupMs: 2000, stepMs: 2500, drainMs: 4000, retry: true, refine: 1, halfRateP99Ms: 10 },
  fanout: { channels: 1, members: 1000, perSenderRate: 40, ladder: FANOUT_LADDER, stepMs: 2500, drainMs: 6000, retry: true, refine: 2, settleMs: 2500, maxP99Ms: 100 },
  fanoutRooms: { channels: 10, members: 100, perSenderRate: 40, ladder: ROOMS_LADDER, stepMs: 2500, drainMs: 6000, retry: true, refine: 2, settleMs: 2500, maxP99Ms: 100 },
  idle: { clients: 10_000, concurrency: 200, settleMs: 3000, idleMs: 20_000, presenceProbe: true },
  joinStorm: { clients: 2000, concurrency: 100, settleMs: 1000 },
  scale: {
    clients: 100_000,
    generators: 4,
    perSourceAddress: 25_000,
    concurrency: 50,
    settleMs: 3000,
    idleMs: 20_000,
    fanoutMembers: 10_000,
    fanoutLadder: [2, 8, 16, 32, 64],
    fanoutStepMs: 3000,
    fanoutDrainMs: 10_000,
    fanoutMaxP99Ms: 1000,
    joinConcurrency: 20,
    heapMb: 6144,
  },
  maxP99Ms: 50,
  avoidOtherLoad: true,
  deadlineMs: 25 * 60_000,
  shareRigs: false,
};

export const QUICK: BenchConfig = {
  p2p: { basePairs: 10, perSenderRate: 40, ladder: [200, 400], warmupMs: 100, firstWarmupMs: 200, stepMs: 500, drainMs: 2000, retry: false, refine: 0, halfRateP99Ms: 10 },
  fanout: { channels: 1, members: 30, perSenderRate: 40, ladder: [5, 60], stepMs: 500, drainMs: 2000, retry: false, refine: 0, settleMs: 200, maxP99Ms: 100 },
  fanoutRooms: { channels: 3, members: 10, perSenderRate: 40, ladder: [60], stepMs: 500, drainMs: 2000, retry: false, refine: 0, settleMs: 200, maxP99Ms: 100 },
  idle: { clients: 200, concurrency: 50, settleMs: 200, idleMs: 500, presenceProbe: false },
  joinStorm: { clients: 100, concurrency: 50, settleMs: 200 },
  scale: {
    clients: 300,
    generators: 3,
    perSourceAddress: 100,
    concurrency: 50,
    settleMs: 200,
    idleMs: 500,
    fanoutMembers: 100,
    fanoutLadder: [5],
    fanoutStepMs: 500,
    fanoutDrainMs: 2000,
    fanoutMaxP99Ms: 1000,
    joinConcurrency: 20,
    heapMb: 1024,
  },
  maxP99Ms: 50,
  avoidOtherLoad: false,
  deadlineMs: 150_000,
  shareRigs: true,
};

/**
 * The config with every connection count multiplied by `factor` (`--scale 0.1`: a tenth of the
 * clients), for trying the harness on a busy machine. Rates and channel layouts stay.
 */
export function scaled(cfg: BenchConfig, factor: number): BenchConfig {
  if (factor === 1) return cfg;
  const k = (x: number, min: number) => Math.max(min, Math.round(x * factor));
  return {
    ...cfg,
    idle: { ...cfg.idle, clients: k(cfg.idle.clients, 10) },
    joinStorm: { ...cfg.joinStorm, clients: k(cfg.joinStorm.clients, 10) },
    scale: {
      ...cfg.scale,
      clients: k(cfg.scale.clients, 20),
      perSourceAddress: k(cfg.scale.perSourceAddress, 10),
      fanoutMembers: k(cfg.scale.fanoutMembers, 10),
    },
  };
}
