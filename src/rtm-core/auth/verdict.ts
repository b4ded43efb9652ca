// The result types shared by the per-format verifiers and re-exported by verify.ts. They live apart so that token006 /
// token007 / signaling-token can build verdicts without importing the dispatcher that imports them.

/** Why a login token was refused; each maps to one official LoginError code (see `loginCodeForTokenFailure`). */
export type TokenFailure = 'INVALID_TOKEN' | 'TOKEN_EXPIRED' | 'INVALID_APP_ID' | 'UID_MISMATCH';

/** Outcome of checking a login token. `detail` is for logs only; never send it to the client. */
export type TokenVerdict =
  | { ok: true; kind: '006' | '007' | 'legacy' | 'none'; /** Unix seconds; undefined = never expires */ expiresAt?: number }
  | { ok: false; reason: TokenFailure; detail: string };

/** What every format verifier needs: the project's identity, the login uid and the clock. */
export interface TokenCheckContext {
  appId: string;
  certificate: string;
  uid: string;
  nowSec: number;
}

/** Shorthand for a refusal. */
export function refuse(reason: TokenFailure, detail: string): TokenVerdict {
  return { ok: false, reason, detail };
}

/**
 * The one expiry rule for every format: `expiresAt` is the first second at which the token is no longer valid, so a
 * login at `nowSec === expiresAt` is refused. This is the reading that makes 007's documented "expire 0 means already
 * expired" hold (issueTs + 0 is expired at issueTs); 006 and the legacy token use the same boundary so that the server
 * can schedule TokenExpired at `expiresAt` for any kind.
 */
export function checkExpiry(kind: '006' | '007' | 'legacy', expiresAt: number, nowSec: number): TokenVerdict {
  if (nowSec >= expiresAt) return refuse('TOKEN_EXPIRED', `${kind} token expired at ${expiresAt}, now ${nowSec}`);
  return { ok: true, kind, expiresAt };
}
