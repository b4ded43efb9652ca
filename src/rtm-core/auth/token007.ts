// AccessToken2 "007" (rtm-1x.md §9.2):
//   "007" + base64( zlib( bytes(signature) ‖ signing_info ) )
//   signing_info = str(appId) ‖ u32 issueTs ‖ u32 expire ‖ u32 salt ‖ u16 serviceCount ‖ services (sorted by type)
//   service      = u16 type ‖ u16 n ‖ n × (u16 privilege, u32 expire) ‖ type-specific fields
// Expiries are seconds relative to issueTs. An RTM login needs service type 2 with a matching userId.
import { createHmac } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { ByteReader, decodeBase64Strict } from './byte-reader';
import { macEquals } from './constant-time';
import { checkExpiry, refuse, type TokenCheckContext, type TokenVerdict } from './verdict';

/** Service type of RTM (1.x) in a 007 token. */
export const RTM_SERVICE_TYPE = 2;
/** `kPrivilegeLogin` inside the RTM service; its value is seconds after issueTs. */
export const RTM_LOGIN_PRIVILEGE_007 = 1;
const RTC_SERVICE_TYPE = 1;

const PREFIX = '007';
// Real tokens inflate to a few hundred bytes; the cap stops a small "zip bomb" token from allocating megabytes.
const MAX_INFLATED_BYTES = 64 * 1024;

/** A decoded service. Only the layouts an RTM login can need (RTC and RTM) are decoded. */
export type Token007Service =
  | { type: typeof RTC_SERVICE_TYPE; privileges: ReadonlyMap<number, number>; channelName: string; uid: string }
  | { type: typeof RTM_SERVICE_TYPE; privileges: ReadonlyMap<number, number>; userId: string };

/** The decoded fields of a 007 token. */
export interface Token007 {
  appId: string;
  signature: Buffer;
  /** The raw signed bytes, kept because the HMAC is computed over them exactly as sent. */
  signingInfo: Buffer;
  issueTs: number;
  /** Token lifetime in seconds after issueTs. */
  expire: number;
  salt: number;
  serviceCount: number;
  services: readonly Token007Service[];
  /**
   * Services left undecoded. Each type has its own trailing fields, so decoding stops at the first type this module
   * does not know. Builders sort services by type, so RTM (2) is always reached before any such type.
   */
  undecodedServices: number;
}

function readService(reader: ByteReader, type: number): Token007Service | undefined {
  const privileges = reader.privileges();
  if (!privileges) return undefined;
  if (type === RTC_SERVICE_TYPE) {
    const channelName = reader.str();
    const uid = reader.str();
    return channelName === undefined || uid === undefined ? undefined : { type, privileges, channelName, uid };
  }
  const userId = reader.str();
  return userId === undefined ? undefined : { type: RTM_SERVICE_TYPE, privileges, userId };
}

/** The inflated content, or undefined unless `compressed` is exactly one zlib stream (nothing appended). */
function inflate(compressed: Buffer): Buffer | undefined {
  try {
    // zlib stops at the end of its stream and ignores what follows: bytes appended to a valid token
    // would pass. `info` tells how much input the stream used; all of it must be the stream.
    const { buffer, engine } = inflateSync(compressed, { maxOutputLength: MAX_INFLATED_BYTES, info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    return engine.bytesWritten === compressed.length ? buffer : undefined;
  } catch {
    return undefined; // corrupt stream, bad checksum, or over the cap
  }
}

/** Decodes a 007 token, or returns null when it is not one or is malformed. */
export function parseToken007(token: string): Token007 | null {
  if (!token.startsWith(PREFIX)) return null;
  const compressed = decodeBase64Strict(token.slice(PREFIX.length));
  const content = compressed && inflate(compressed);
  if (!content) return null;

  const reader = new ByteReader(content);
  const signature = reader.bytes();
  const signingInfo = reader.rest();
  const appId = reader.str();
  const issueTs = reader.u32();
  const expire = reader.u32();
  const salt = reader.u32();
  const serviceCount = reader.u16();
  if (!signature || appId === undefined || issueTs === undefined || expire === undefined || salt === undefined || serviceCount === undefined) {
    return null;
  }

  const services: Token007Service[] = [];
  while (services.length < serviceCount) {
    const type = reader.u16();
    if (type === undefined) return null;
    if (type !== RTC_SERVICE_TYPE && type !== RTM_SERVICE_TYPE) break;
    const service = readService(reader, type);
    if (!service) return null;
    services.push(service);
  }
  const undecodedServices = serviceCount - services.length;
  // Trailing bytes are only detectable when every service was decoded.
  if (undecodedServices === 0 && reader.remaining !== 0) return null;

  return { appId, signature, signingInfo, issueTs, expire, salt, serviceCount, services, undecodedServices };
}

/** signature = HMAC(HMAC(u32le(salt), HMAC(u32le(issueTs), certificate)), signing_info). */
function sign007(certificate: string, issueTs: number, salt: number, signingInfo: Buffer): Buffer {
  const u32le = (n: number): Buffer => {
    const buf = Buffer.alloc(4);
    buf.writeUInt32LE(n);
    return buf;
  };
  const byIssueTs = createHmac('sha256', u32le(issueTs)).update(Buffer.from(certificate, 'utf8')).digest();
  const signingKey = createHmac('sha256', u32le(salt)).update(byIssueTs).digest();
  return createHmac('sha256', signingKey).update(signingInfo).digest();
}

/** Checks a parsed 007 token for an RTM login by `ctx.uid`. */
export function verifyToken007(token: Token007, ctx: TokenCheckContext): TokenVerdict {
  // Exact comparison, as for 006: the appId string is part of the signed bytes.
  if (token.appId !== ctx.appId) return refuse('INVALID_APP_ID', '007 token was issued for another appId');
  if (!macEquals(sign007(ctx.certificate, token.issueTs, token.salt, token.signingInfo), token.signature)) {
    return refuse('INVALID_TOKEN', '007 signature does not verify');
  }

  // The userId is signed, so from here on a mismatch really is "a valid token for someone else".
  const rtm = token.services.filter((s) => s.type === RTM_SERVICE_TYPE);
  if (rtm.length === 0) return refuse('INVALID_TOKEN', '007 token has no RTM service');
  const mine = rtm.find((s) => s.userId === ctx.uid);
  if (!mine) return refuse('UID_MISMATCH', '007 token was issued for another user');

  const login = mine.privileges.get(RTM_LOGIN_PRIVILEGE_007);
  if (login === undefined) return refuse('INVALID_TOKEN', '007 RTM service carries no login privilege');
  // Valid until issueTs + the shorter of the token and privilege lifetimes; 0 therefore means already expired.
  return checkExpiry('007', token.issueTs + Math.min(token.expire, login), ctx.nowSec);
}
