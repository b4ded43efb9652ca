/**
 * The legacy gateway's wire protocol (docs/gateway-protocol.md): JSON text frames, one discriminated
 * union per direction, close codes, error codes and limits, and the one place where a client frame
 * is parsed and checked against the native signature table. Nothing here throws on bad input.
 */

import { GATEWAY_METHODS, METHOD_SIGNATURES, type NativeMethodName, type Param } from '../mapping/native-signatures';
import type { CallbackName } from '../legacy-api/native/callback';

export const GATEWAY_PROTOCOL_VERSION = 1;

// ---- client → server ----------------------------------------------------------------------------

export interface HelloFrame {
  t: 'hello';
  v: number;
  /** Free text naming the SDK, for logs (`cpp/0.1.0`). */
  sdk?: string;
  /** Resume a session after a drop: its id and the last callback seq the client has processed. */
  resume?: { session: string; ack: number };
}
export interface CallFrame {
  t: 'call';
  seq: number;
  m: string;
  a: unknown[];
}
export interface AckFrame {
  t: 'ack';
  seq: number;
}
export interface ByeFrame {
  t: 'bye';
}
export type GatewayClientFrame = HelloFrame | CallFrame | AckFrame | ByeFrame;

// ---- server → client ----------------------------------------------------------------------------

export interface GatewayLimits {
  /** Largest frame either side may send, in bytes. */
  maxFrameBytes: number;
  /** Callbacks kept for a client (unacknowledged) before its session is ended (close 4005). */
  maxPendingCallbacks: number;
  /** The same bound in bytes of encoded callback frames. */
  maxPendingBytes: number;
  /** How long a session waits for its client to come back after a drop. */
  resumeMs: number;
}
export interface WelcomeFrame {
  t: 'welcome';
  v: number;
  session: string;
  resumed: boolean;
  /** The last call seq the server has taken: resend calls after it. */
  ack: number;
  /** Legacy login status (getStatus()): 0 not logged in, 1 logging in, 2 logged in, 3 reconnecting. */
  st: number;
  limits: GatewayLimits;
}
export interface CallbackFrame {
  t: 'cb';
  seq: number;
  n: CallbackName;
  a: unknown[];
  /** getStatus() right after the callback. */
  st: number;
}
export interface ErrorFrame {
  t: 'error';
  code: GatewayErrorCode;
  message: string;
  /** The call it answers, when it answers one. */
  seq?: number;
}
export type GatewayServerFrame = WelcomeFrame | CallbackFrame | AckFrame | ErrorFrame;

export const GatewayError = {
  /** Not JSON, not an object, unknown `t`, missing or mistyped fields, a binary frame. */
  BAD_FRAME: 'bad_frame',
  /** A frame other than hello before the handshake, or a second hello. */
  BAD_STATE: 'bad_state',
  UNSUPPORTED_VERSION: 'unsupported_version',
  /** Resume of a session that does not exist (any more). */
  UNKNOWN_SESSION: 'unknown_session',
  /** No room for a new session (`maxSessions`). */
  TOO_MANY_SESSIONS: 'too_many_sessions',
  /** A call seq that is not the next one. */
  BAD_SEQ: 'bad_seq',
  /** A call naming no gateway method (local methods such as getStatus are not calls). */
  UNKNOWN_METHOD: 'unknown_method',
  /** Arguments of the wrong number or type; the app also gets onError(method, 1004). */
  BAD_ARGS: 'bad_args',
} as const;
export type GatewayErrorCode = (typeof GatewayError)[keyof typeof GatewayError];

export const GatewayClose = {
  UNSUPPORTED_VERSION: 4001,
  UNKNOWN_SESSION: 4002,
  HELLO_TIMEOUT: 4003,
  TOO_MANY_ERRORS: 4004,
  /** The client did not acknowledge callbacks fast enough: its session is ended. */
  SLOW_READER: 4005,
  /** The session was resumed on another connection. */
  REPLACED: 4006,
  /** The session ended (bye, destroy, server shutdown). */
  SESSION_ENDED: 4007,
  /** The gateway holds `maxSessions` sessions already: no new one now. */
  TOO_MANY_SESSIONS: 4008,
} as const;

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  maxFrameBytes: 256 * 1024,
  maxPendingCallbacks: 10_000,
  maxPendingBytes: 8 * 1024 * 1024,
  resumeMs: 30_000,
};

// ---- parsing ------------------------------------------------------------------------------------

export type Parsed<T> = { ok: true; frame: T } | { ok: false; code: GatewayErrorCode; message: string };

const bad = (message: string): Parsed<never> => ({ ok: false, code: GatewayError.BAD_FRAME, message });
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A text frame → a typed client frame, or the reason it is not one. */
export function parseClientFrame(text: string): Parsed<GatewayClientFrame> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('a frame is a JSON object');
  const f = value as Record<string, unknown>;
  switch (f.t) {
    case 'hello': {
      if (typeof f.v !== 'number') return bad('hello.v must be a number');
      if (f.sdk !== undefined && typeof f.sdk !== 'string') return bad('hello.sdk must be a string');
      const r = f.resume;
      if (r !== undefined && r !== null) {
        const rr = r as Record<string, unknown>;
        if (typeof r !== 'object' || typeof rr.session !== 'string' || !isSeq(rr.ack)) return bad('hello.resume must be {session: string, ack: integer ≥ 0}');
        return { ok: true, frame: { t: 'hello', v: f.v, sdk: f.sdk, resume: { session: rr.session, ack: rr.ack } } };
      }
      return { ok: true, frame: { t: 'hello', v: f.v, sdk: f.sdk } };
    }
    case 'call':
      if (!isSeq(f.seq) || f.seq === 0) return bad('call.seq must be an integer ≥ 1');
      if (typeof f.m !== 'string') return bad('call.m must be a string');
      if (!Array.isArray(f.a)) return bad('call.a must be an array');
      return { ok: true, frame: { t: 'call', seq: f.seq, m: f.m, a: f.a as unknown[] } };
    case 'ack':
      if (!isSeq(f.seq)) return bad('ack.seq must be an integer ≥ 0');
      return { ok: true, frame: { t: 'ack', seq: f.seq } };
    case 'bye':
      return { ok: true, frame: { t: 'bye' } };
    default:
      return bad(`unknown frame type ${JSON.stringify(f.t)}`);
  }
}

function checkArg(p: Param, v: unknown): { ok: true; value: unknown } | { ok: false } {
  switch (p.type) {
    case 'string':
      // Java apps pass null for "" (deviceID, extra).
      if (v === null) return { ok: true, value: '' };
      return typeof v === 'string' ? { ok: true, value: v } : { ok: false };
    case 'uint32':
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? { ok: true, value: v } : { ok: false };
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff ? { ok: true, value: v } : { ok: false };
    default:
      return { ok: false };
  }
}

export type CheckedCall = { ok: true; method: NativeMethodName; args: unknown[] } | { ok: false; code: GatewayErrorCode; message: string; method?: NativeMethodName };

/** A call's method and arguments checked against the signature table; omitted defaults filled in. */
export function checkCall(m: string, a: unknown[]): CheckedCall {
  if (!GATEWAY_METHODS.has(m)) return { ok: false, code: GatewayError.UNKNOWN_METHOD, message: `no gateway method ${JSON.stringify(m.slice(0, 64))}` };
  const method = m as NativeMethodName;
  const params: readonly Param[] = METHOD_SIGNATURES[method].params;
  const required = params.filter((p) => p.default === undefined).length;
  if (a.length < required || a.length > params.length) {
    return { ok: false, code: GatewayError.BAD_ARGS, method, message: `${m}: expects ${required === params.length ? required : `${required} to ${params.length}`} arguments, got ${a.length}` };
  }
  const args: unknown[] = [];
  for (let k = 0; k < params.length; k++) {
    const p = params[k]!;
    if (k >= a.length) {
      args.push(p.default);
      continue;
    }
    const r = checkArg(p, a[k]);
    if (!r.ok) return { ok: false, code: GatewayError.BAD_ARGS, method, message: `${m}: ${p.name} must be ${p.type === 'string' ? 'a string' : `an integer (${p.type})`}` };
    args.push(r.value);
  }
  return { ok: true, method, args };
}

