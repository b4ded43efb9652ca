// Legacy Signaling token (legacy-signaling.md §11, rtm-1x.md §9.3):
//   "1:" + appId + ":" + expiredTs + ":" + md5hex(account + appId + appCertificate + expiredTs)
// expiredTs is absolute Unix seconds written in decimal. The account appears only inside the MD5.
import { createHash } from 'node:crypto';
import { macEquals } from './constant-time';
import { checkExpiry, refuse, type TokenCheckContext, type TokenVerdict } from './verdict';

/** The decoded fields of a legacy Signaling token. */
export interface SignalingToken {
  version: '1';
  appId: string;
  expiredTs: number;
  /** expiredTs exactly as written: the MD5 covers this text, not the number. */
  expiredTsText: string;
  /** The 16 MD5 bytes. */
  digest: Buffer;
}

// Ten digits covers every u32 second and stays a safe integer.
const EXPIRED_TS = /^\d{1,10}$/;
const MD5_HEX = /^[0-9a-fA-F]{32}$/;

/** Decodes a legacy token, or returns null when it does not have the four-field shape. */
export function parseSignalingToken(token: string): SignalingToken | null {
  const parts = token.split(':');
  if (parts.length !== 4) return null;
  const [version, appId, expiredTsText, digestHex] = parts;
  if (version !== '1' || !appId || !expiredTsText || !digestHex) return null;
  if (!EXPIRED_TS.test(expiredTsText) || !MD5_HEX.test(digestHex)) return null;
  return { version, appId, expiredTs: Number(expiredTsText), expiredTsText, digest: Buffer.from(digestHex, 'hex') };
}

/** Checks a parsed legacy token for a login by `ctx.uid`. */
export function verifySignalingToken(token: SignalingToken, ctx: TokenCheckContext): TokenVerdict {
  // Exact comparison: the appId text is hashed, so another spelling is another project to the MD5.
  if (token.appId !== ctx.appId) return refuse('INVALID_APP_ID', 'legacy token was issued for another appId');

  // The account is only inside the hash, so "wrong user" is indistinguishable from "forged": both are INVALID_TOKEN.
  const expected = createHash('md5').update(`${ctx.uid}${token.appId}${ctx.certificate}${token.expiredTsText}`, 'utf8').digest();
  if (!macEquals(expected, token.digest)) return refuse('INVALID_TOKEN', 'legacy token digest does not verify');

  // expiredTs is an absolute time and neither reference gives 0 a "never expires" meaning, so 0 is simply 1970:
  // expired. Failing closed is the safe reading of an undocumented case.
  return checkExpiry('legacy', token.expiredTs, ctx.nowSec);
}
