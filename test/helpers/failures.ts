/** Small assertions shared by the client tests: state logs and expected failures. */

import type { RtmClient } from '../../src/rtm';

export type StateLog = [string, string][];

/** Every ConnectionStateChanged of `client`, as [state, reason]. */
export function states(client: RtmClient): StateLog {
  const log: StateLog = [];
  client.on('ConnectionStateChanged', (state, reason) => log.push([state, reason]));
  return log;
}

export interface Failure {
  name: string;
  code: number;
  message: string;
}

/** The error `fn` throws or rejects with; fails the test when it succeeds. */
export async function failure(fn: () => unknown): Promise<Failure> {
  let result: unknown;
  try {
    result = await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    const e = err as Error & { code: number };
    return { name: e.name, code: e.code, message: e.message };
  }
  throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
}

export const nameAndCode = (f: Failure) => ({ name: f.name, code: f.code });

/** Asserts that `p` rejects with the given error class name and numeric code. */
export async function rejectsWith(p: Promise<unknown>, name: string, code: number): Promise<void> {
  expect(nameAndCode(await failure(() => p))).toEqual({ name, code });
}
