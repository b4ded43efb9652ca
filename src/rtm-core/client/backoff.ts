/**
 * Reconnect delays: exponential with "full jitter" (a uniformly random delay up to the exponential
 * cap), which spreads a crowd of clients that lost the same server instead of having them return in
 * lock step. https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */

export interface BackoffOptions {
  /** Cap of the first attempt, ms. */
  minMs: number;
  /** Largest cap, ms. */
  maxMs: number;
  /** Random number in [0, 1). */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 250, maxMs: 5000 };

/** Delay before reconnect attempt `attempt` (0-based). Never below minMs / 4, never above maxMs. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const random = options.random ?? Math.random;
  const cap = Math.min(options.maxMs, options.minMs * 2 ** Math.min(attempt, 31));
  const floor = Math.min(cap, options.minMs / 4);
  return Math.round(floor + random() * (cap - floor));
}
