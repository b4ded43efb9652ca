import { randomBytes } from 'node:crypto';
import { RtmTokenBuilder } from 'agora-token';
import { RtmTokenBuilder as RtmTokenBuilder006 } from 'agora-token/src/RtmTokenBuilder';
import SignalingToken from 'agora-token/src/SignalingToken';
import { loginCodeForTokenFailure, verifyToken, type TokenFailure, type TokenVerdict } from '../../../src/rtm-core/auth/verify';
import { APP_ID, CERT, mintAt, OTHER_CERT, T0 } from './fixtures';

const tokens = {
  '006': mintAt(T0, () => RtmTokenBuilder006.buildToken(APP_ID, CERT, 'alice', 1, T0 + 3600)),
  '007': mintAt(T0, () => RtmTokenBuilder.buildToken(APP_ID, CERT, 'alice', 3600)),
  legacy: mintAt(T0, () => SignalingToken.get(APP_ID, CERT, 'alice', 3600)),
};

function check(token: string | undefined, certificate = CERT, uid = 'alice', nowSec = T0): TokenVerdict {
  return verifyToken({ appId: APP_ID, certificate, uid, token, nowSec });
}

describe('verifyToken without an App Certificate', () => {
  it.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['_no_need_token', '_no_need_token'],
    ['garbage', 'not a token'],
    ['a 007 token for someone else', tokens['007']],
  ])('accepts %s, with no expiry', (_label, token) => {
    const input = { appId: APP_ID, uid: 'bob', token, nowSec: T0 };
    expect(verifyToken(input)).toEqual({ ok: true, kind: 'none' });
    expect(verifyToken({ ...input, certificate: '' })).toEqual({ ok: true, kind: 'none' }); // empty = not configured
  });
});

describe('verifyToken with an App Certificate', () => {
  it.each(['006', '007', 'legacy'] as const)('dispatches a %s token to its verifier', (kind) => {
    expect(check(tokens[kind])).toEqual({ ok: true, kind, expiresAt: T0 + 3600 });
    expect(check(tokens[kind], OTHER_CERT)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });

  it.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['_no_need_token', '_no_need_token'],
    ['an unknown prefix', `008${tokens['007'].slice(3)}`],
    ['a bare prefix', '007'],
    ['an over-long token', `007${'A'.repeat(10_000)}`],
  ])('refuses %s as INVALID_TOKEN', (_label, token) => {
    expect(check(token)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });

  it('never throws and never accepts random input behind any prefix', () => {
    for (let i = 0; i < 300; i++) {
      for (const prefix of ['006', `006${APP_ID}`, '007', '1:', `1:${APP_ID}:`]) {
        const body = randomBytes(i % 120);
        for (const text of [body.toString('base64'), body.toString('latin1'), body.toString('hex')]) {
          const verdict = check(prefix + text);
          expect(verdict.ok).toBe(false);
        }
      }
    }
  });
});

describe('loginCodeForTokenFailure', () => {
  // Official LoginError values (rtm-1x.md §5.2), keyed by the failure each scenario below must produce.
  const scenarios: Array<[TokenFailure, () => TokenVerdict, number]> = [
    ['INVALID_TOKEN', () => check(tokens['007'], OTHER_CERT), 5],
    ['TOKEN_EXPIRED', () => check(tokens['007'], CERT, 'alice', T0 + 3600), 6],
    ['INVALID_APP_ID', () => verifyToken({ appId: 'c'.repeat(32), certificate: CERT, uid: 'alice', token: tokens['007'], nowSec: T0 }), 4],
    ['UID_MISMATCH', () => check(tokens['007'], CERT, 'bob'), 3],
  ];

  it.each(scenarios)('maps the %s scenario to the official login error code', (reason, scenario, officialCode) => {
    const verdict = scenario();
    expect(verdict).toMatchObject({ ok: false, reason });
    if (!verdict.ok) expect(loginCodeForTokenFailure[verdict.reason]).toBe(officialCode);
  });

  it('covers every failure with a distinct code', () => {
    const reasons = scenarios.map(([reason]) => reason);
    expect(Object.keys(loginCodeForTokenFailure).sort()).toEqual([...reasons].sort());
    expect(new Set(Object.values(loginCodeForTokenFailure)).size).toBe(reasons.length);
  });
});
