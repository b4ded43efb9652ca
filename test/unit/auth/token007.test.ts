import { createHmac } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { RtcRole, RtcTokenBuilder, RtmTokenBuilder } from 'agora-token';
import { AccessToken2, ServiceChat, ServiceRtm } from 'agora-token/src/AccessToken2';
import { parseToken007 } from '../../../src/rtm-core/auth/token007';
import { verifyToken } from '../../../src/rtm-core/auth/verify';
import { APP_ID, bitFlips, CERT, mintAt, OTHER_APP_ID, OTHER_CERT, T0, VECTOR_APP_ID, VECTOR_CERT } from './fixtures';

const VECTOR =
  '007eJxTYOCdJftjyTM2zxW6Xhm/5T0j5LdcUt/xYVt48fb5Mp3PX9coMFiaGzg7GpumpJoZJJuYmJmYJiUlplokGhmaGpgZJhkbu38RYIhgYmBgZABhJgZGBkYwn5OhJLW4JL60OLUIAFlWHoA=';

function mint(userId: string, expire: number, appId = APP_ID, cert = CERT): string {
  return mintAt(T0, () => RtmTokenBuilder.buildToken(appId, cert, userId, expire));
}

/** A 007 token issued at T0 from explicit services, for layouts the builders do not produce. */
function custom(expire: number, ...services: Array<ServiceRtm | ServiceChat>): string {
  const token = new AccessToken2(APP_ID, CERT, T0, expire);
  services.forEach((s) => token.add_service(s));
  return token.build();
}

function rtm(userId: string, loginExpire?: number): ServiceRtm {
  const service = new ServiceRtm(userId);
  if (loginExpire !== undefined) service.add_privilege(ServiceRtm.kPrivilegeLogin, loginExpire);
  return service;
}

function check(token: string, uid: string, nowSec: number, certificate = CERT, appId = APP_ID) {
  return verifyToken({ appId, certificate, uid, token, nowSec });
}

function str(s: string): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16LE(Buffer.byteLength(s));
  return Buffer.concat([len, Buffer.from(s)]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

describe('007 test vector (rtm-1x.md §9.2)', () => {
  it('decodes every field', () => {
    const parsed = parseToken007(VECTOR);
    expect(parsed).not.toBeNull();
    expect(parsed!.appId).toBe(VECTOR_APP_ID);
    expect(parsed!.issueTs).toBe(1111111);
    expect(parsed!.expire).toBe(600);
    expect(parsed!.salt).toBe(1);
    expect(parsed!.serviceCount).toBe(1);
    expect(parsed!.undecodedServices).toBe(0);
    expect(parsed!.services).toEqual([{ type: 2, privileges: new Map([[1, 600]]), userId: 'test_user' }]);

    // signing_info rebuilt by hand from the spec layout, and the signature from the spec's HMAC chain.
    const signingInfo = Buffer.concat([
      str(VECTOR_APP_ID), u32(1111111), u32(600), u32(1), u16(1), // header
      u16(2), u16(1), u16(1), u32(600), str('test_user'), // RTM service
    ]);
    expect(parsed!.signingInfo).toEqual(signingInfo);
    const key = createHmac('sha256', u32(1)).update(createHmac('sha256', u32(1111111)).update(VECTOR_CERT).digest()).digest();
    expect(parsed!.signature).toEqual(createHmac('sha256', key).update(signingInfo).digest());
  });

  it('verifies for its user until issueTs + expire', () => {
    expect(check(VECTOR, 'test_user', 1111111 + 599, VECTOR_CERT, VECTOR_APP_ID)).toEqual({ ok: true, kind: '007', expiresAt: 1111711 });
    expect(check(VECTOR, 'test_user', 1111711, VECTOR_CERT, VECTOR_APP_ID)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
  });
});

describe('007 tokens minted by agora-token', () => {
  it('accepts a valid RtmTokenBuilder token, expiring at issueTs + expire', () => {
    expect(check(mint('alice', 3600), 'alice', T0)).toEqual({ ok: true, kind: '007', expiresAt: T0 + 3600 });
  });

  it('is valid at expiresAt - 1 and expired at expiresAt and expiresAt + 1', () => {
    const token = mint('alice', 3600);
    expect(check(token, 'alice', T0 + 3599).ok).toBe(true);
    expect(check(token, 'alice', T0 + 3600)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
    expect(check(token, 'alice', T0 + 3601)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
  });

  it('treats expire 0 as already expired, even at the issue second', () => {
    expect(check(mint('alice', 0), 'alice', T0)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
  });

  it('uses the shorter of the token expire and the RTM login privilege', () => {
    expect(check(custom(3600, rtm('alice', 600)), 'alice', T0)).toEqual({ ok: true, kind: '007', expiresAt: T0 + 600 });
    expect(check(custom(600, rtm('alice', 3600)), 'alice', T0)).toEqual({ ok: true, kind: '007', expiresAt: T0 + 600 });
    expect(check(custom(3600, rtm('alice', 0)), 'alice', T0)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
  });

  it('refuses a token signed with another certificate', () => {
    expect(check(mint('alice', 3600, APP_ID, OTHER_CERT), 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });

  it('refuses a token minted for another user', () => {
    expect(check(mint('alice', 3600), 'bob', T0)).toMatchObject({ ok: false, reason: 'UID_MISMATCH' });
  });

  it('refuses a token minted for another appId', () => {
    expect(check(mint('alice', 3600, OTHER_APP_ID), 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_APP_ID' });
  });

  it('accepts a combined RTC + RTM token and decodes both services', () => {
    const token = mintAt(T0, () => RtcTokenBuilder.buildTokenWithRtm(APP_ID, CERT, 'room', 'alice', RtcRole.PUBLISHER, 3600, 600));
    expect(parseToken007(token)!.services.map((s) => s.type)).toEqual([1, 2]);
    expect(check(token, 'alice', T0)).toEqual({ ok: true, kind: '007', expiresAt: T0 + 3600 });
    expect(check(token, 'bob', T0)).toMatchObject({ ok: false, reason: 'UID_MISMATCH' });
  });

  it('refuses an RTC-only token, which grants no RTM login', () => {
    const token = mintAt(T0, () => RtcTokenBuilder.buildTokenWithUserAccount(APP_ID, CERT, 'room', 'alice', RtcRole.PUBLISHER, 3600, 3600));
    expect(check(token, 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });

  it('still finds RTM before a service type it does not decode', () => {
    const token = custom(3600, new ServiceChat('alice'), rtm('alice', 3600));
    expect(parseToken007(token)!.undecodedServices).toBe(1);
    expect(check(token, 'alice', T0)).toEqual({ ok: true, kind: '007', expiresAt: T0 + 3600 });
  });

  it('picks the RTM service whose userId matches when there are several', () => {
    const token = custom(3600, rtm('alice', 600), rtm('bob', 1200));
    expect(check(token, 'bob', T0)).toEqual({ ok: true, kind: '007', expiresAt: T0 + 1200 });
    expect(check(token, 'carol', T0)).toMatchObject({ ok: false, reason: 'UID_MISMATCH' });
  });

  it('refuses an RTM service without the login privilege', () => {
    expect(check(custom(3600, rtm('alice')), 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });
});

describe('007 damaged tokens', () => {
  const token = mint('alice', 3600);
  const content = inflateSync(Buffer.from(token.slice(3), 'base64'));
  // bytes(signature) is 2 + 32 bytes, then str(appId): a 2-byte length (34, 35) and the 32 appId characters (36..67).
  function expectedReasons(index: number): string[] {
    if (index >= 36 && index < 68) return ['INVALID_APP_ID']; // the clear-text appId now names another project
    // A longer/shorter appId length either no longer parses or yields a different appId.
    if (index === 34 || index === 35) return ['INVALID_TOKEN', 'INVALID_APP_ID'];
    return ['INVALID_TOKEN'];
  }

  it('refuses every single-bit flip of the inflated content (re-compressed), never accepting one', () => {
    for (const { index, flipped } of bitFlips(content)) {
      const verdict = check(`007${deflateSync(flipped).toString('base64')}`, 'alice', T0);
      expect({ index, ok: verdict.ok }).toEqual({ index, ok: false });
      // On failure the report shows the byte index and the unexpected reason.
      const reason = verdict.ok || expectedReasons(index).includes(verdict.reason) ? 'as expected' : verdict.reason;
      expect({ index, reason }).toEqual({ index, reason: 'as expected' });
    }
  });

  it('refuses every truncation as INVALID_TOKEN', () => {
    for (let length = 0; length < token.length; length++) {
      expect(check(token.slice(0, length), 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
    }
  });

  it('refuses a compressed stream that is corrupt or inflates past the size cap', () => {
    const compressed = Buffer.from(token.slice(3), 'base64');
    compressed[compressed.length - 1] = (compressed[compressed.length - 1] ?? 0) ^ 0xff; // breaks the Adler-32 trailer
    expect(parseToken007(`007${compressed.toString('base64')}`)).toBeNull();
    const bomb = `007${deflateSync(Buffer.alloc(1024 * 1024)).toString('base64')}`;
    expect(bomb.length).toBeLessThan(8 * 1024); // small enough to get past the length check and reach inflate
    expect(check(bomb, 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });

  it('does not parse trailing bytes after fully decoded services', () => {
    const padded = Buffer.concat([content, Buffer.from([0])]);
    expect(parseToken007(`007${deflateSync(padded).toString('base64')}`)).toBeNull();
  });
});
