// Shared inputs for the auth tests: the reference test vectors (rtm-1x.md §9) and a fixed-clock minting helper.

/** appId / certificate of the §9.1 and §9.2 vectors, case exactly as published. */
export const VECTOR_APP_ID = '970CA35de60c44645bbae8a215061b33';
export const VECTOR_CERT = '5CFd2fd1755d40ecb72977518be15d3b';

/** A project of our own for freshly minted tokens, plus a second one to play "someone else". */
export const APP_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const CERT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
export const OTHER_APP_ID = 'b1b2c3d4e5f60718293a4b5c6d7e8f90';
export const OTHER_CERT = '1f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** An arbitrary "now" for minting, well inside the u32 range. */
export const T0 = 1_700_000_000;

/** Runs a builder that reads the wall clock (`new Date()`) as if it were `nowSec`. */
export function mintAt<T>(nowSec: number, mint: () => T): T {
  jest.useFakeTimers({ now: nowSec * 1000 });
  try {
    return mint();
  } finally {
    jest.useRealTimers();
  }
}

/** Every single-bit flip of `bytes`, with the index of the byte that was touched. */
export function* bitFlips(bytes: Buffer): Generator<{ index: number; flipped: Buffer }> {
  for (let index = 0; index < bytes.length; index++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = Buffer.from(bytes);
      flipped[index] = (flipped[index] ?? 0) ^ (1 << bit);
      yield { index, flipped };
    }
  }
}
