/**
 * Legacy Signaling's names and sizes (legacy-signaling.md §10, §12), for protocol extension
 * `legacy/1`: accounts, channel names and attribute names of up to 128 visible characters, any
 * script (`张三`, `频道`), no whitespace. RTM's own IDs (limits.ts) are a subset of these.
 */

import { isValidId } from './limits';

export const LEGACY_LIMITS = {
  /** Accounts, channel names, attribute names: characters (code points), not bytes (legacy-signaling.md §15.10). */
  nameChars: 128,
  /** User and channel attribute values. */
  attributeValueChars: 8096,
  /** Attributes one account may hold (legacy documented none; a bound keeps the store finite). */
  accountAttributes: 256,
};

// Whitespace, control and format characters are not "visible". Built from a string: the browser
// bundles must parse as ES2015, and a Unicode property escape in a literal is ES2018 syntax.
const INVISIBLE = new RegExp('[\\s\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]', 'u');

/** A legacy name: 1–128 visible characters, never the string "null". */
export function isLegacyName(value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || value === 'null' || INVISIBLE.test(value)) return false;
  let chars = 0;
  for (const _ of value) if (++chars > LEGACY_LIMITS.nameChars) return false;
  return true;
}

/** Any ID the server accepts: an RTM ID, or (extension legacy/1) a legacy name. */
export function isWireId(value: unknown): value is string {
  return isValidId(value) || isLegacyName(value);
}

/** Length in code points (what the legacy limits count). */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
