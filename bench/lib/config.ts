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
  fanout: {
    members: number;
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
  };
  idle: { clients: number; concurrency: number; settleMs: number; idleMs: number };
  joinStorm: { clients: number; concurrency: number; settleMs: number };
  /** p99 limit of a sustainable p2p step, ms. */
  maxP99Ms: number;
  /** Wait for a quiet machine before the run and re-run steps other processes disturbed. */
  avoidOtherLoad: boolean;
  /** The whole run is abandoned after this long. */
  deadlineMs: number;
}

/** Doubling at first, then steps of about 25 % (halves of the upper steps land on steps). */
const P2P_LADDER = [1000, 2000, 4000, 5000, 6400, 8000, 10_000, 12_500, 16_000, 20_000, 25_000, 32_000, 40_000, 50_000, 64_000];
const FANOUT_LADDER = [10, 20, 25, 32, 40, 50, 64, 80, 100, 125, 160, 200, 250, 320, 400];

export const FULL: BenchConfig = {
  p2p: { basePairs: 100, perSenderRate: 40, ladder: P2P_LADDER, warmupMs: 500, firstWarmupMs: 2000, stepMs: 2500, drainMs: 4000, retry: true, refine: 2, halfRateP99Ms: 10 },
  fanout: { members: 1000, ladder: FANOUT_LADDER, stepMs: 2500, drainMs: 6000, retry: true, refine: 2, settleMs: 2500, maxP99Ms: 100 },
  idle: { clients: 10_000, concurrency: 100, settleMs: 2000, idleMs: 4000 },
  joinStorm: { clients: 2000, concurrency: 100, settleMs: 1000 },
  maxP99Ms: 50,
  avoidOtherLoad: true,
  deadlineMs: 14 * 60_000,
};

export const QUICK: BenchConfig = {
  p2p: { basePairs: 10, perSenderRate: 40, ladder: [200, 400], warmupMs: 100, firstWarmupMs: 200, stepMs: 500, drainMs: 2000, retry: false, refine: 0, halfRateP99Ms: 10 },
  fanout: { members: 30, ladder: [5, 20], stepMs: 500, drainMs: 2000, retry: false, refine: 0, settleMs: 200, maxP99Ms: 100 },
  idle: { clients: 200, concurrency: 50, settleMs: 200, idleMs: 300 },
  joinStorm: { clients: 100, concurrency: 50, settleMs: 200 },
  maxP99Ms: 50,
  avoidOtherLoad: false,
  deadlineMs: 150_000,
};
