import { timingSafeEqual } from 'node:crypto';

/**
 * Compares a computed MAC with the one a client sent without leaking, through timing, how many leading bytes matched.
 * `timingSafeEqual` throws on different lengths, so the length (which is public: every MAC of a kind has the same size)
 * is checked first.
 */
export function macEquals(expected: Uint8Array, received: Uint8Array): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}
