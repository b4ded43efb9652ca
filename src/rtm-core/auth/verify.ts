// The one place the server asks "may this uid log in with this token?". It picks the format by prefix and maps every
// problem, including ones that would otherwise throw, to a TokenVerdict.
import { parseSignalingToken, verifySignalingToken } from './signaling-token';
import { parseToken006, verifyToken006 } from './token006';
import { parseToken007, verifyToken007 } from './token007';
import { refuse, type TokenCheckContext, type TokenFailure, type TokenVerdict } from './verdict';

export type { TokenFailure, TokenVerdict } from './verdict';

/** Everything needed to judge one login. */
export interface VerifyTokenInput {
  appId: string;
  /** The App Certificate; absent or empty means the project runs without tokens. */
  certificate?: string;
  uid: string;
  token?: string;
  nowSec: number;
}

/** Official login error code (LoginError) for each failure: INVALID_APP_ID→4, UID_MISMATCH→3, INVALID_TOKEN→5, TOKEN_EXPIRED→6. */
export const loginCodeForTokenFailure: Record<TokenFailure, number> = Object.freeze({
  INVALID_APP_ID: 4, // LOGIN_ERR_INVALID_APP_ID
  UID_MISMATCH: 3, // LOGIN_ERR_INVALID_ARGUMENT: Agora's mapping for "user ID does not match the token" (rtm-1x.md §9.4)
  INVALID_TOKEN: 5, // LOGIN_ERR_INVALID_TOKEN
  TOKEN_EXPIRED: 6, // LOGIN_ERR_TOKEN_EXPIRED
});

/** The Signaling debugging token; only meaningful when no certificate is configured, where any token is accepted. */
const NO_NEED_TOKEN = '_no_need_token';
// Real tokens are a few hundred characters; refusing huge ones early bounds the work an unauthenticated client can cause.
const MAX_TOKEN_LENGTH = 8 * 1024;

function verifyWithCertificate(token: string, ctx: TokenCheckContext): TokenVerdict {
  if (token.startsWith('006')) {
    const parsed = parseToken006(token);
    return parsed ? verifyToken006(parsed, ctx) : refuse('INVALID_TOKEN', 'malformed 006 token');
  }
  if (token.startsWith('007')) {
    const parsed = parseToken007(token);
    return parsed ? verifyToken007(parsed, ctx) : refuse('INVALID_TOKEN', 'malformed 007 token');
  }
  if (token.startsWith('1:')) {
    const parsed = parseSignalingToken(token);
    return parsed ? verifySignalingToken(parsed, ctx) : refuse('INVALID_TOKEN', 'malformed legacy Signaling token');
  }
  return refuse('INVALID_TOKEN', 'unknown token format');
}

/**
 * Judges a login token.
 *
 * @example
 * const verdict = verifyToken({ appId, certificate, uid: 'alice', token, nowSec: Math.floor(Date.now() / 1000) });
 * if (!verdict.ok) rejectLogin(loginCodeForTokenFailure[verdict.reason]);
 */
export function verifyToken(input: VerifyTokenInput): TokenVerdict {
  const { appId, certificate, uid, token, nowSec } = input;
  // Without a certificate there is nothing to verify against, and Agora then accepts any token (or none) — including
  // `_no_need_token`. An empty string counts as "not configured" (typically an unset environment variable).
  if (!certificate) return { ok: true, kind: 'none' };

  if (!token) return refuse('INVALID_TOKEN', 'a token is required when an App Certificate is configured');
  if (token === NO_NEED_TOKEN) return refuse('INVALID_TOKEN', '_no_need_token is only accepted without an App Certificate');
  if (token.length > MAX_TOKEN_LENGTH) return refuse('INVALID_TOKEN', 'token is too long');

  try {
    return verifyWithCertificate(token, { appId, certificate, uid, nowSec });
  } catch (err) {
    // The parsers are written not to throw; this is the backstop so that a bug fails closed instead of crashing login.
    return refuse('INVALID_TOKEN', `token verification failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
