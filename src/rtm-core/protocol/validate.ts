/**
 * Field-level validation of everything a client sends, done once at the edge so that handlers only
 * ever see typed, checked values. A failure names the official error code of the API concerned, so
 * that a bad `peer` frame is answered exactly as the SDK would answer a bad `sendMessageToPeer`.
 */

import {
  ChannelMessageError, GetChannelMemberCountError, GetMembersError, JoinChannelError, LeaveChannelError,
  LoginError, LogoutError, PeerMessageError, PeerSubscriptionStatusError, QueryPeersOnlineStatusError,
  RenewTokenError,
} from './codes';
import type { ClientFrame, RequestType, WireMessage } from './frames';
import { isValidAppId, isValidId, utf8Length } from './limits';

export interface ValidationLimits {
  messageBytes: number;
  queryPeersPerCall: number;
  countChannelsPerCall: number;
  subscriptionsPerClient: number;
}

export type Validated =
  | { ok: true; frame: ClientFrame }
  /** A request we could identify (it had `t` and `rid`): answer it with `code`. */
  | { ok: false; rid: number; t: RequestType; code: number; msg: string }
  /** Not even a request: answer with a frame-level error. */
  | { ok: false; rid: undefined; msg: string };

type Fields = Record<string, unknown>;
type Check = (f: Fields, limits: ValidationLimits) => string | null;

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

function checkMessage(msg: unknown, maxBytes: number): string | null {
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
  return 'msg.type must be TEXT or RAW';
}

const RULES: Record<RequestType, Rule> = {
  login: {
    code: LoginError.INVALID_ARGUMENT,
    check: (f) => {
      if (!isValidAppId(f.appId)) return 'appId must be 32 characters [0-9A-Za-z]';
      if (!isValidId(f.uid)) return 'invalid uid';
      if (f.token !== undefined && !str(f.token)) return 'token must be a string';
      if (f.resume !== undefined) {
        const r = f.resume as Fields | null;
        if (typeof r !== 'object' || r === null || !str(r.sid) || !Number.isSafeInteger(r.ack) || (r.ack as number) < 0) {
          return 'resume must be {sid: string, ack: integer >= 0}';
        }
      }
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
    check: (f, l) => checkMessage(f.msg, l.messageBytes) ?? (f.offline === undefined || typeof f.offline === 'boolean' ? null : 'offline must be a boolean'),
  },
  join: { code: JoinChannelError.INVALID_ARGUMENT, check: (f) => (isValidId(f.ch) ? null : 'invalid channel id') },
  leave: { code: LeaveChannelError.FAILURE, check: (f) => (isValidId(f.ch) ? null : 'invalid channel id') },
  chmsg: {
    code: ChannelMessageError.INVALID_MESSAGE,
    check: (f, l) => (isValidId(f.ch) ? checkMessage(f.msg, l.messageBytes) : 'invalid channel id'),
  },
  members: { code: GetMembersError.FAILURE, check: (f) => (isValidId(f.ch) ? null : 'invalid channel id') },
  counts: {
    code: GetChannelMemberCountError.INVALID_ARGUMENT,
    check: (f, l) => idList(l.countChannelsPerCall)(f.chs),
  },
  query: { code: QueryPeersOnlineStatusError.INVALID_ARGUMENT, check: (f, l) => idList(l.queryPeersPerCall)(f.uids) },
  sub: { code: PeerSubscriptionStatusError.INVALID_ARGUMENT, check: (f, l) => idList(l.subscriptionsPerClient)(f.uids) },
  unsub: { code: PeerSubscriptionStatusError.INVALID_ARGUMENT, check: (f, l) => idList(l.subscriptionsPerClient)(f.uids) },
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
    return { ok: true, frame: { t: 'ack', seq: f.seq as number } };
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
  if (problem !== null) return { ok: false, rid, t: type, code: rule.code, msg: problem };
  return { ok: true, frame: f as unknown as ClientFrame };
}

/** Re-exported for the client, which checks messages before sending them. */
export function messageProblem(msg: WireMessage, maxBytes: number): string | null {
  return checkMessage(msg, maxBytes);
}
