/**
 * Flag sources for routing a login to sig2rtm or to the app's original SDK, and their evaluation
 * into a decision with a reason. A flag that throws or does not answer in time gives the
 * documented fallback.
 */

import { sha256 } from './sha256';

export interface FlagContext {
  /** The account logging in: the targeting key (OpenFeature) and the rollout bucket. */
  account: string;
  appId: string;
}

/** Any synchronous or asynchronous function, e.g. an OpenFeature client's getBooleanValue. */
export type FlagFunction = (ctx: FlagContext) => boolean | Promise<boolean>;

export type FlagSource =
  /** Everyone (true) or no one (false). */
  | boolean
  /** An environment variable: 1, true, yes or on means sig2rtm. */
  | { env: string }
  /** A stable percentage rollout: the same account always lands on the same side (for one salt). */
  | { percentage: number; salt: string }
  | FlagFunction;

export type Route = 'sig2rtm' | 'legacy';

export interface FlagDecision {
  route: Route;
  reason: string;
}

/** The account's rollout bucket in [0, 100): SHA-256 of salt and account, so it is stable and spread. */
export function rolloutBucket(salt: string, account: string): number {
  const d = sha256(`${salt}\u0000${account}`);
  return ((((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0) / 2 ** 32) * 100;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);

export async function evaluateFlag(
  flag: FlagSource,
  ctx: FlagContext,
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; fallback: Route },
): Promise<FlagDecision> {
  const side = (on: boolean): Route => (on ? 'sig2rtm' : 'legacy');
  if (typeof flag === 'boolean') return { route: side(flag), reason: `flag is ${flag}` };
  if (typeof flag === 'function') {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const answer = await Promise.race([
        Promise.resolve().then(() => flag(ctx)),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
        }),
      ]);
      if (answer === 'timeout') return { route: options.fallback, reason: `flag timed out after ${options.timeoutMs} ms: fallback` };
      if (typeof answer !== 'boolean') return { route: options.fallback, reason: `flag answered ${JSON.stringify(answer)}, not a boolean: fallback` };
      return { route: side(answer), reason: `flag function answered ${answer}` };
    } catch (err) {
      return { route: options.fallback, reason: `flag failed (${err instanceof Error ? err.message : String(err)}): fallback` };
    } finally {
      clearTimeout(timer);
    }
  }
  if ('env' in flag) {
    const v = options.env[flag.env];
    if (v === undefined) return { route: 'legacy', reason: `${flag.env} is unset` };
    return { route: side(TRUE.has(v.trim().toLowerCase())), reason: `${flag.env}=${v}` };
  }
  if (!(flag.percentage >= 0 && flag.percentage <= 100)) return { route: options.fallback, reason: `percentage ${flag.percentage} out of range: fallback` };
  const bucket = rolloutBucket(flag.salt, ctx.account);
  return { route: side(bucket < flag.percentage), reason: `rollout bucket ${bucket.toFixed(2)} ${bucket < flag.percentage ? '<' : '>='} ${flag.percentage}%` };
}
