/**
 * Field-level validation of everything a client sends, done once at the edge so that handlers only
 * ever see typed, checked values. A failure names the official error code of the API concerned, so
 * that a bad `peer` frame is answered exactly as the SDK would answer a bad `sendMessageToPeer`.
 */

import {
  AttributeOperationError, ChannelMessageError, GetChannelMemberCountError, GetMembersError, JoinChannelError, LeaveChannelError,
  LoginError, LogoutError, PeerMessageError, PeerSubscriptionStatusError, QueryPeersOnlineStatusError,
  RenewTokenError,
} from './codes';
import type { ClientFrame, RequestType, WireMessage } from './frames';
import { utf8Length, type Limits } from './limits';
// Extension legacy/1: the server takes legacy names (≤128 visible characters, any script) wherever
// an ID goes, so legacy logins work end to end; RTM clients still check RTM's rule themselves.
import { isLegacyName, isWireId as isValidId } from './legacy-limits';
import { LEGACY_RULES } from './legacy-rules';

export type ValidationLimits = Pick<
  Limits,
  'messageBytes' | 'invitationBytes' | 'queryPeersPerCall' | 'countChannelsPerCall' | 'subscriptionsPerClient' | 'userAttributes' | 'channelAttributes' | 'keysPerCall'
>;

export type Validated =
  | { ok: true; frame: ClientFrame }
  /** A request we could identify (it had `t` and `rid`): answer it with `code`. */
  | { ok: false; rid: number; t: RequestType; code: number; msg: string }
  /** Not even a request: answer with a frame-level error. */
  | { ok: false; rid: undefined; msg: string };

type Fields = Record<string, unknown>;
/** A problem: a message (answered with the rule's code) or a code of its own. */
export type Problem = string | { code: number; msg: string } | null;
type Check = (f: Fields, limits: ValidationLimits) => Problem;

/** Per request type: the checks, and the code that a failed check is answered with. */
interface Rule {
  code: number;
  check: Check;
}

const str = (v: unknown): v is string => typeof v === 'string';

const idList = (max: number) => (v: unknown): string | null => {
  if (!Array.isArray(v) || v.length === 0) return 'must be a non-empty array';
  if (v.length > max) return `at most ${max} entries`;
  for (const id of v) if (!isValidId(id)) return `invalid id ${JSON.stringify(id)}`;
  return null;
};

function checkMessage(msg: unknown, maxBytes: number, callBytes = 8192): string | null {
  if (typeof msg !== 'object' || msg === null) return 'msg must be an object';
  const m = msg as Fields;
  if (m.type === 'TEXT') {
    if (!str(m.text)) return 'msg.text must be a string';
    if (m.text.length > maxBytes || utf8Length(m.text) > maxBytes) return `message over ${maxBytes} bytes`;
    return null;
  }
  if (m.type === 'RAW') {
    if (!(m.raw instanceof Uint8Array)) return 'msg.raw must be bytes';
    if (!str(m.desc)) return 'msg.desc must be a string';
    if (m.raw.length + utf8Length(m.desc) > maxBytes) return `message over ${maxBytes} bytes`;
    return null;
  }
  if (m.type === 'CALL') {
    const c = m.call as Fields | null;
    if (typeof c !== 'object' || c === null) return 'msg.call must be an object';
    if (!['invite', 'cancel', 'accept', 'acceptAck', 'reject'].includes(c.kind as string)) return 'msg.call.kind is invalid';
    if (!str(c.callId) || c.callId.length === 0 || c.callId.length > 64) return 'msg.call.callId must be 1–64 characters';
    if (!str(c.channelId) || (c.channelId !== '' && !isValidId(c.channelId))) return 'msg.call.channelId is invalid';
    if (!str(c.extra) || utf8Length(c.extra) > callBytes) return `msg.call.extra must be a string of at most ${callBytes} bytes`;
    return null;
  }
  return 'msg.type must be TEXT, RAW or CALL';
}

/**
 * A checked message reduced to its documented fields. What is relayed is built from these alone:
 * an extra field (of any size or depth) would otherwise ride along past the size limit.
 */
function documentedFields(msg: WireMessage): WireMessage {
  switch (msg.type) {
    case 'TEXT':
      return { type: 'TEXT', text: msg.text };
    case 'RAW':
      return { type: 'RAW', raw: msg.raw, desc: msg.desc };
    case 'CALL': {
      const { kind, callId, channelId, extra } = msg.call;
      return { type: 'CALL', call: { kind, callId, channelId, extra } };
    }
  }
}

/** A channel message (from a member or, with the extension, from outside): text or raw, never a call signal. */
function checkChannelMessage(f: Fields, l: ValidationLimits): string | null {
  if (!isValidId(f.ch)) return 'invalid channel id';
  if ((f.msg as Fields | null)?.type === 'CALL') return 'call signals go to peers, not channels';
  return checkMessage(f.msg, l.messageBytes);
}

type AttributeLimits = Limits['userAttributes'];

/** Keys to read: 1–`max` strings of 1–32 characters. */
export function checkKeys(keys: unknown, max: number, maxChars: number): string | null {
  if (!Array.isArray(keys) || keys.length === 0) return 'keys must be a non-empty array';
  if (keys.length > max) return `at most ${max} keys`;
  for (const k of keys) if (!str(k) || k.length === 0 || k.length > maxChars) return `invalid key ${JSON.stringify(k)}`;
  return null;
}

/** An attribute change: shape problems are INVALID_ARGUMENT, size problems SIZE_OVERFLOW. */
/** `legacyKeys` (extension legacy/1): a key may also be a legacy name, up to 128 visible characters in any script. */
export function checkChange(change: unknown, l: AttributeLimits, maxDeleteKeyChars: number, legacyKeys = false): Problem {
  if (typeof change !== 'object' || change === null) return 'change must be an object';
  const c = change as Fields;
  switch (c.op) {
    case 'clear':
      return null;
    case 'del':
      return checkKeys(c.keys, Number.MAX_SAFE_INTEGER, maxDeleteKeyChars);
    case 'set':
    case 'add': {
      const attrs = c.attrs;
      if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return 'attrs must be an object';
      const entries = Object.entries(attrs as Fields);
      if (entries.length === 0) return 'attrs must not be empty';
      if (entries.length > l.count) return { code: AttributeOperationError.SIZE_OVERFLOW, msg: `at most ${l.count} attributes` };
      let total = 0;
      for (const [k, v] of entries) {
        const kb = utf8Length(k);
        const legacyKey = legacyKeys && isLegacyName(k);
        if (!legacyKey && (kb === 0 || !/^[\x21-\x7e]+$/.test(k))) return `invalid key ${JSON.stringify(k)}`;
        if (!legacyKey && kb > l.keyBytes) return { code: AttributeOperationError.SIZE_OVERFLOW, msg: `key over ${l.keyBytes} bytes` };
        if (!str(v) || v.length === 0) return `value of ${k} must be a non-empty string`;
        const vb = utf8Length(v);
        if (vb > l.valueBytes) return { code: AttributeOperationError.SIZE_OVERFLOW, msg: `value of ${k} over ${l.valueBytes} bytes` };
        total += kb + vb;
      }
      if (total > l.totalBytes) return { code: AttributeOperationError.SIZE_OVERFLOW, msg: `attributes over ${l.totalBytes} bytes` };
      return null;
    }
    default:
      return 'change.op must be set, add, del or clear';
  }
}

const RULES: Record<RequestType, Rule> = {
  login: {
    code: LoginError.INVALID_ARGUMENT,
    check: (f) => {
      // Any visible appId: the app registry decides (development mode takes any).
      if (!isLegacyName(f.appId)) return 'appId must be 1–128 visible characters';
      if (!isValidId(f.uid)) return 'invalid uid';
      if (f.token !== undefined && !str(f.token)) return 'token must be a string';
      if (f.resume !== undefined) {
        const r = f.resume as Fields | null;
        if (typeof r !== 'object' || r === null || !str(r.sid) || !Number.isSafeInteger(r.ack) || (r.ack as number) < 0) {
          return 'resume must be {sid: string, ack: integer >= 0}';
        }
      }
      if (f.beat !== undefined && f.beat !== 'ws' && f.beat !== 'json') return "beat must be 'ws' or 'json'";
      return null;
    },
  },
  logout: { code: LogoutError.REJECTED, check: () => null },
  renew: {
    code: RenewTokenError.INVALID_ARGUMENT,
    check: (f) => (str(f.token) && f.token.length > 0 ? null : 'token must be a non-empty string'),
  },
  peer: {
    code: PeerMessageError.INVALID_MESSAGE,
    check: (f, l) => checkMessage(f.msg, l.messageBytes, l.invitationBytes) ?? (f.offline === undefined || typeof f.offline === 'boolean' ? null : 'offline must be a boolean'),
  },
  join: { code: JoinChannelError.INVALID_ARGUMENT, check: (f) => (isValidId(f.ch) ? null : 'invalid channel id') },
  leave: { code: LeaveChannelError.FAILURE, check: (f) => (isValidId(f.ch) ? null : 'invalid channel id') },
  chmsg: {
    code: ChannelMessageError.INVALID_MESSAGE,
    check: checkChannelMessage,
  },
  members: { code: GetMembersError.FAILURE, check: (f) => (isValidId(f.ch) ? null : 'invalid channel id') },
  counts: {
    code: GetChannelMemberCountError.INVALID_ARGUMENT,
    check: (f, l) => idList(l.countChannelsPerCall)(f.chs),
  },
  query: { code: QueryPeersOnlineStatusError.INVALID_ARGUMENT, check: (f, l) => idList(l.queryPeersPerCall)(f.uids) },
  // The 512 cap counts distinct peers, existing ones included (OVERFLOW 6, rtm-1x.md §3.2): the handler checks it.
  sub: { code: PeerSubscriptionStatusError.INVALID_ARGUMENT, check: (f) => idList(Number.MAX_SAFE_INTEGER)(f.uids) },
  unsub: { code: PeerSubscriptionStatusError.INVALID_ARGUMENT, check: (f, l) => idList(l.subscriptionsPerClient)(f.uids) },
  uattr: { code: AttributeOperationError.INVALID_ARGUMENT, check: (f, l) => checkChange(f.change, l.userAttributes, 32) },
  uattrGet: {
    code: AttributeOperationError.INVALID_ARGUMENT,
    check: (f, l) => (isValidId(f.uid) ? (f.keys === undefined ? null : checkKeys(f.keys, l.keysPerCall, 32)) : 'invalid user id'),
  },
  cattr: {
    code: AttributeOperationError.INVALID_ARGUMENT,
    check: (f, l) => {
      if (!isValidId(f.ch)) return 'invalid channel id';
      if (typeof f.notify !== 'boolean') return 'notify must be a boolean';
      // The Web SDK allows delete keys of up to 512 characters (sic); keep that. Legacy names as keys: legacy/1.
      return checkChange(f.change, l.channelAttributes, 512, true);
    },
  },
  chmsgOut: {
    code: ChannelMessageError.INVALID_MESSAGE,
    check: checkChannelMessage,
  },
  membersOut: { code: GetMembersError.FAILURE, check: (f) => (isValidId(f.ch) ? null : 'invalid channel id') },
  cattrGet: {
    code: AttributeOperationError.INVALID_ARGUMENT,
    check: (f, l) => (isValidId(f.ch) ? (f.keys === undefined ? null : checkKeys(f.keys, l.keysPerCall, 32)) : 'invalid channel id'),
  },
  // Extension legacy/1.
  ...LEGACY_RULES,
};

/** Per-field special cases whose official code differs from the rule's default. */
function specialCode(t: RequestType, f: Fields): { code: number; msg: string } | null {
  if (t === 'peer' && !isValidId(f.to)) return { code: PeerMessageError.INVALID_USERID, msg: 'invalid peer id' };
  return null;
}

/** Validates a decoded frame. Never throws. */
export function validateClientFrame(value: unknown, limits: ValidationLimits): Validated {
  const f = value as Fields;
  const t = f.t;
  if (t === 'ping') return { ok: true, frame: { t: 'ping' } };
  if (t === 'ack') {
    if (!Number.isSafeInteger(f.seq) || (f.seq as number) < 0) return { ok: false, rid: undefined, msg: 'ack.seq must be an integer >= 0' };
    if (f.done === undefined) return { ok: true, frame: { t: 'ack', seq: f.seq as number } };
    if (!Number.isSafeInteger(f.done) || (f.done as number) < 0) return { ok: false, rid: undefined, msg: 'ack.done must be an integer >= 0' };
    return { ok: true, frame: { t: 'ack', seq: f.seq as number, done: f.done as number } };
  }
  if (!str(t) || !Object.prototype.hasOwnProperty.call(RULES, t)) {
    return { ok: false, rid: undefined, msg: `unknown frame type ${JSON.stringify(t)}` };
  }
  const type = t as RequestType;
  if (!Number.isSafeInteger(f.rid) || (f.rid as number) < 0) return { ok: false, rid: undefined, msg: 'rid must be an integer >= 0' };
  const rid = f.rid as number;
  const special = specialCode(type, f);
  if (special) return { ok: false, rid, t: type, ...special };
  const rule = RULES[type];
  const problem = rule.check(f, limits);
  if (typeof problem === 'string') return { ok: false, rid, t: type, code: rule.code, msg: problem };
  if (problem !== null) return { ok: false, rid, t: type, ...problem };
  if (type === 'peer' || type === 'chmsg' || type === 'chmsgOut') f.msg = documentedFields(f.msg as WireMessage);
  return { ok: true, frame: f as unknown as ClientFrame };
}

/** Re-exported for the client, which checks messages before sending them. */
export function messageProblem(msg: WireMessage, maxBytes: number): string | null {
  return checkMessage(msg, maxBytes);
}
