// AccessToken "006" as used for RTM logins (rtm-1x.md §9.1):
//   "006" + appId (32 chars) + base64( bytes(signature) ‖ u32 crc32(channelName) ‖ u32 crc32(uid) ‖ bytes(m) )
//   m = u32 salt ‖ u32 ts ‖ u16 n ‖ n × (u16 privilege, u32 expireTs), all little-endian.
// An RTM token is an AccessToken whose channelName is the user account and whose uid is "".
import { createHmac } from 'node:crypto';
import { ByteReader, decodeBase64Strict } from './byte-reader';
import { macEquals } from './constant-time';
import { crc32 } from './crc32';
import { checkExpiry, refuse, type TokenCheckContext, type TokenVerdict } from './verdict';

/** Privilege key `kRtmLogin`; its value is an absolute Unix-seconds expiry, 0 meaning "not set". */
export const RTM_LOGIN_PRIVILEGE_006 = 1000;

const PREFIX = '006';
const APP_ID_LENGTH = 32;

/** The decoded fields of a 006 token. */
export interface Token006 {
  appId: string;
  signature: Buffer;
  crcChannelName: number;
  crcUid: number;
  salt: number;
  /** Token-level expiry, absolute Unix seconds (the builders set generation time + 24 h). */
  ts: number;
  /** Privilege key → absolute expiry in Unix seconds. */
  privileges: ReadonlyMap<number, number>;
  /** The raw signed `m` bytes, kept because the HMAC is computed over them exactly as sent. */
  message: Buffer;
}

/** Decodes a 006 token, or returns null when it is not one or is malformed (including trailing bytes). */
export function parseToken006(token: string): Token006 | null {
  if (!token.startsWith(PREFIX) || token.length <= PREFIX.length + APP_ID_LENGTH) return null;
  const content = decodeBase64Strict(token.slice(PREFIX.length + APP_ID_LENGTH));
  if (!content) return null;

  const outer = new ByteReader(content);
  const signature = outer.bytes();
  const crcChannelName = outer.u32();
  const crcUid = outer.u32();
  const message = outer.bytes();
  if (!signature || crcChannelName === undefined || crcUid === undefined || !message || outer.remaining !== 0) return null;

  const inner = new ByteReader(message);
  const salt = inner.u32();
  const ts = inner.u32();
  const privileges = inner.privileges();
  if (salt === undefined || ts === undefined || !privileges || inner.remaining !== 0) return null;

  return { appId: token.slice(PREFIX.length, PREFIX.length + APP_ID_LENGTH), signature, crcChannelName, crcUid, salt, ts, privileges, message };
}

/** HMAC-SHA256 keyed with the certificate's UTF-8 bytes over appId ‖ channelName ‖ uid ‖ m. */
function sign006(certificate: string, appId: string, channelName: string, uid: string, message: Buffer): Buffer {
  return createHmac('sha256', Buffer.from(certificate, 'utf8'))
    .update(Buffer.from(appId, 'utf8'))
    .update(Buffer.from(channelName, 'utf8'))
    .update(Buffer.from(uid, 'utf8'))
    .update(message)
    .digest();
}

/**
 * When a 006 RTM token stops being valid. The 24 h `ts` always bounds it (what pre-1.5 servers enforced, §8.3); a non-zero
 * privilege 1000 expiry bounds it further (1.5+ lets the issuer choose the lifetime, and §10.2 leaves open whether
 * Agora enforces it for 006). Honouring both never lets a token outlive what its issuer asked for. 0 is the builders'
 * "not set" default, so it does not count.
 */
export function token006ExpiresAt(token: Token006): number | undefined {
  const login = token.privileges.get(RTM_LOGIN_PRIVILEGE_006);
  if (login === undefined) return undefined;
  return login === 0 ? token.ts : Math.min(token.ts, login);
}

/** Checks a parsed 006 token for an RTM login by `ctx.uid` (channelName = uid, token uid = ""). */
export function verifyToken006(token: Token006, ctx: TokenCheckContext): TokenVerdict {
  // Exact comparison: the appId is part of the signed bytes, so a token minted with a differently-cased appId is, to
  // the HMAC, a token for another project anyway.
  if (token.appId !== ctx.appId) return refuse('INVALID_APP_ID', '006 token was issued for another appId');

  const expected = sign006(ctx.certificate, token.appId, ctx.uid, '', token.message);
  if (!macEquals(expected, token.signature)) {
    // The account is not in the token, only its CRC (unsigned, in the clear). When the signature does not hold for
    // this uid and the CRC names someone else, the likeliest story is a token for another user; otherwise it is forged.
    if (token.crcChannelName !== crc32(ctx.uid)) return refuse('UID_MISMATCH', '006 token was issued for another user');
    return refuse('INVALID_TOKEN', '006 signature does not verify');
  }
  // The CRCs are outside the HMAC. A genuine RTM token has crc32(uid) and crc32("") there; anything else was altered.
  if (token.crcChannelName !== crc32(ctx.uid) || token.crcUid !== crc32('')) {
    return refuse('INVALID_TOKEN', '006 CRC fields do not match the signed account');
  }

  const expiresAt = token006ExpiresAt(token);
  if (expiresAt === undefined) return refuse('INVALID_TOKEN', '006 token carries no RTM login privilege (1000)');
  return checkExpiry('006', expiresAt, ctx.nowSec);
}
