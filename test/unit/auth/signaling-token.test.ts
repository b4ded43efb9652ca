import { createHash } from 'node:crypto';
import SignalingToken from 'agora-token/src/SignalingToken';
import { parseSignalingToken } from '../../../src/rtm-core/auth/signaling-token';
import { verifyToken } from '../../../src/rtm-core/auth/verify';
import { APP_ID, CERT, mintAt, OTHER_APP_ID, OTHER_CERT, T0 } from './fixtures';

// legacy-signaling.md §11.2 (lower-case appId and certificate, unlike the 006/007 vectors).
const V = {
  appId: '970ca35de60c44645bbae8a215061b33',
  cert: '5cfd2fd1755d40ecb72977518be15d3b',
  account: 'TestAccount',
  token: '1:970ca35de60c44645bbae8a215061b33:1446455471:4815d52c4fd440bac35b981c12798774',
};

function mint(account: string, validFor: number, appId = APP_ID, cert = CERT): string {
  return mintAt(T0, () => SignalingToken.get(appId, cert, account, validFor));
}

function check(token: string, uid: string, nowSec: number, certificate = CERT, appId = APP_ID) {
  return verifyToken({ appId, certificate, uid, token, nowSec });
}

describe('legacy Signaling test vector (legacy-signaling.md §11.2)', () => {
  it('decodes every field', () => {
    expect(parseSignalingToken(V.token)).toEqual({
      version: '1',
      appId: V.appId,
      expiredTs: 1446455471,
      expiredTsText: '1446455471',
      digest: Buffer.from('4815d52c4fd440bac35b981c12798774', 'hex'),
    });
  });

  it('verifies for its account before expiredTs', () => {
    expect(check(V.token, V.account, 1446455470, V.cert, V.appId)).toEqual({ ok: true, kind: 'legacy', expiresAt: 1446455471 });
  });

  it('accepts the digest in upper case too (it is compared as bytes)', () => {
    const upper = V.token.replace(/[0-9a-f]{32}$/, (hex) => hex.toUpperCase());
    expect(check(upper, V.account, 1446455470, V.cert, V.appId).ok).toBe(true);
  });
});

describe('legacy tokens minted by agora-token SignalingToken', () => {
  it('accepts a valid token, expiring at its expiredTs', () => {
    expect(check(mint('alice', 3600), 'alice', T0)).toEqual({ ok: true, kind: 'legacy', expiresAt: T0 + 3600 });
  });

  it('is valid at expiredTs - 1 and expired at expiredTs and expiredTs + 1', () => {
    const token = mint('alice', 3600);
    expect(check(token, 'alice', T0 + 3599).ok).toBe(true);
    expect(check(token, 'alice', T0 + 3600)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
    expect(check(token, 'alice', T0 + 3601)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
  });

  it('treats expiredTs 0 as a time in 1970, not "never"', () => {
    const digest = createHash('md5').update(`alice${APP_ID}${CERT}0`).digest('hex');
    expect(check(`1:${APP_ID}:0:${digest}`, 'alice', T0)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
  });

  it('refuses a token signed with another certificate', () => {
    expect(check(mint('alice', 3600, APP_ID, OTHER_CERT), 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });

  it('refuses a token for another user as INVALID_TOKEN (the account is only inside the hash)', () => {
    expect(check(mint('alice', 3600), 'bob', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });

  it('refuses a token minted for another appId', () => {
    expect(check(mint('alice', 3600, OTHER_APP_ID), 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_APP_ID' });
  });
});

describe('legacy damaged tokens', () => {
  const token = mint('alice', 3600);
  const appIdChars = { from: 2, to: 2 + APP_ID.length };

  it('refuses every single-character change outside the appId as INVALID_TOKEN', () => {
    for (let i = 0; i < token.length; i++) {
      if (i >= appIdChars.from && i < appIdChars.to) continue;
      for (const c of ['0', '7', 'f', ':', 'x']) {
        if (token[i] === c) continue;
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        const verdict = check(changed, 'alice', T0);
        expect({ i, c, verdict }).toMatchObject({ i, c, verdict: { ok: false, reason: 'INVALID_TOKEN' } });
      }
    }
  });

  it('refuses every truncation as INVALID_TOKEN', () => {
    for (let length = 0; length < token.length; length++) {
      expect(check(token.slice(0, length), 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
    }
  });

  it.each([
    ['an extra field', `${V.token}:x`],
    ['another version', V.token.replace(/^1:/, '2:')],
    ['a negative expiry', V.token.replace(':1446455471:', ':-1446455471:')],
    ['a fractional expiry', V.token.replace(':1446455471:', ':1446455471.5:')],
    ['an empty appId', V.token.replace(V.appId, '')],
    ['a short digest', V.token.slice(0, -1)],
  ])('does not parse %s', (_label, text) => {
    expect(parseSignalingToken(text)).toBeNull();
  });
});
