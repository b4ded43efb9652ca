/**
 * Validation of the `legacy/1` extension's requests (frames.ts `LegacyRequest`), kept apart from
 * the RTM rules so that the extension stays one addition to validate.ts.
 */

import { AttributeOperationError, GetChannelMemberCountError } from './codes';
import type { RequestType } from './frames';
import { charLength, isLegacyName, isWireId, LEGACY_LIMITS } from './legacy-limits';

type Fields = Record<string, unknown>;
type Problem = string | { code: number; msg: string } | null;

function names(v: unknown, max: number, valid: (x: unknown) => boolean, what: string): string | null {
  if (!Array.isArray(v) || v.length === 0) return `${what} must be a non-empty array`;
  if (v.length > max) return `at most ${max} ${what}`;
  for (const x of v) if (!valid(x)) return `invalid ${what.replace(/s$/, '')} ${JSON.stringify(x)}`;
  return null;
}

export const LEGACY_RULES: Record<Extract<RequestType, `legacy${string}`>, { code: number; check: (f: Fields, l: { countChannelsPerCall: number; keysPerCall: number }) => Problem }> = {
  legacyCounts: {
    code: GetChannelMemberCountError.INVALID_ARGUMENT,
    check: (f, l) => names(f.chs, l.countChannelsPerCall, isWireId, 'channels'),
  },
  legacyUattr: {
    code: AttributeOperationError.INVALID_ARGUMENT,
    check: (f) => {
      if (!isLegacyName(f.name)) return 'name must be 1–128 visible characters';
      if (typeof f.value !== 'string') return 'value must be a string';
      if (charLength(f.value) > LEGACY_LIMITS.attributeValueChars) {
        return { code: AttributeOperationError.SIZE_OVERFLOW, msg: `value over ${LEGACY_LIMITS.attributeValueChars} characters` };
      }
      return null;
    },
  },
  legacyUattrGet: {
    code: AttributeOperationError.INVALID_ARGUMENT,
    check: (f, l) => {
      if (!isWireId(f.uid)) return 'invalid account';
      return f.keys === undefined ? null : names(f.keys, l.keysPerCall, isLegacyName, 'keys');
    },
  },
};
