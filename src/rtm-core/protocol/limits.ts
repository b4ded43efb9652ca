/**
 * Identifier rules and size limits shared by client and server (rtm-1x.md §6). The client checks
 * them first (as the official Web SDK does); the server checks them again, because a client of our
 * protocol need not be ours.
 */

/** User, channel and callee IDs: 1–64 characters from the Web SDK's allowed set, never "null". */
const ID_PATTERN = /^[\s\w!#$%&()+,.:;<=>?@[\]^{|}~-]{1,64}$/;
const APP_ID_PATTERN = /^[0-9A-Za-z]{32}$/;

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && value !== 'null' && ID_PATTERN.test(value);
}

export function isValidAppId(value: unknown): value is string {
  return typeof value === 'string' && APP_ID_PATTERN.test(value);
}

/** UTF-8 byte length without allocating (works in browsers and Node alike). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Documented sizes and counts. Every one is overridable through the server's `limits` option. */
export const DEFAULT_LIMITS = {
  /** TEXT bytes, or RAW bytes + description bytes. */
  messageBytes: 32_768,
  /** Invitation content / response. */
  invitationBytes: 8_192,
  channelsPerClient: 20,
  /** `getMembers` returns at most this many. */
  membersReturned: 512,
  /** `MemberJoined` / `MemberLeft` stop above this many members. */
  memberEventsUpTo: 512,
  queryPeersPerCall: 256,
  subscriptionsPerClient: 512,
  countChannelsPerCall: 32,
  offlineMessagesPerUser: 200,
  offlineMessageTtlMs: 7 * 24 * 3600 * 1000,
  userAttributes: { count: 32, keyBytes: 32, valueBytes: 8_192, totalBytes: 16_384 },
  channelAttributes: { count: 32, keyBytes: 32, valueBytes: 8_192, totalBytes: 32_768 },
  keysPerCall: 32,
} as const;

export type Limits = {
  -readonly [K in keyof typeof DEFAULT_LIMITS]: (typeof DEFAULT_LIMITS)[K] extends number
    ? number
    : { -readonly [L in keyof (typeof DEFAULT_LIMITS)[K]]: number };
};
