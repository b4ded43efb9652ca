import { createHmac } from 'node:crypto';
import { AccessToken, priviledges } from 'agora-token/src/AccessToken';
import { RtmTokenBuilder } from 'agora-token/src/RtmTokenBuilder';
import { parseToken006, RTM_LOGIN_PRIVILEGE_006 } from '../../../src/rtm-core/auth/token006';
import { verifyToken } from '../../../src/rtm-core/auth/verify';
import { APP_ID, bitFlips, CERT, mintAt, OTHER_APP_ID, OTHER_CERT, T0, VECTOR_APP_ID, VECTOR_CERT } from './fixtures';

const VECTOR =
  '006970CA35de60c44645bbae8a215061b33IAAsR0qgiCxv0vrpRcpkz5BrbfEWCBZ6kvR6t7qG/wJIQob86ogAAAAAEAABAAAAR/QQAAEA6AOvKDdW';
const DAY = 24 * 3600;

/** A 006 RTM token for `account` minted at T0 with the given privilege 1000 expiry (absolute seconds, 0 = unset). */
function mint(account: string, privilegeExpiredTs: number, appId = APP_ID, cert = CERT): string {
  return mintAt(T0, () => RtmTokenBuilder.buildToken(appId, cert, account, 1, privilegeExpiredTs));
}

function check(token: string, uid: string, nowSec: number, certificate = CERT, appId = APP_ID) {
  return verifyToken({ appId, certificate, uid, token, nowSec });
}

describe('006 test vector (rtm-1x.md §9.1)', () => {
  it('decodes every field', () => {
    const parsed = parseToken006(VECTOR);
    expect(parsed).not.toBeNull();
    expect(parsed!.appId).toBe(VECTOR_APP_ID);
    expect(parsed!.crcChannelName).toBe(0x88eafc86);
    expect(parsed!.crcUid).toBe(0);
    expect(parsed!.salt).toBe(1);
    expect(parsed!.ts).toBe(1111111);
    expect(parsed!.privileges).toEqual(new Map([[RTM_LOGIN_PRIVILEGE_006, 1446455471]]));

    // m rebuilt by hand from the spec layout: u32 salt, u32 ts, u16 n, (u16 key, u32 expiry).
    const m = Buffer.alloc(16);
    m.writeUInt32LE(1, 0);
    m.writeUInt32LE(1111111, 4);
    m.writeUInt16LE(1, 8);
    m.writeUInt16LE(1000, 10);
    m.writeUInt32LE(1446455471, 12);
    expect(parsed!.message).toEqual(m);
    const signature = createHmac('sha256', VECTOR_CERT).update(`${VECTOR_APP_ID}test_user`).update(m).digest();
    expect(parsed!.signature).toEqual(signature);
  });

  it('verifies for its account before expiry; expiry is the 24 h ts because it is earlier than privilege 1000', () => {
    const verdict = check(VECTOR, 'test_user', 1111110, VECTOR_CERT, VECTOR_APP_ID);
    expect(verdict).toEqual({ ok: true, kind: '006', expiresAt: 1111111 });
  });

  it('refuses another account by its CRC and an appId of different case', () => {
    expect(check(VECTOR, 'test_user2', 1111110, VECTOR_CERT, VECTOR_APP_ID)).toMatchObject({ ok: false, reason: 'UID_MISMATCH' });
    expect(check(VECTOR, 'test_user', 1111110, VECTOR_CERT, VECTOR_APP_ID.toLowerCase())).toMatchObject({ ok: false, reason: 'INVALID_APP_ID' });
  });
});

describe('006 tokens minted by agora-token RtmTokenBuilder', () => {
  it('accepts a valid token and expires it at privilege 1000 when that comes before the 24 h ts', () => {
    expect(check(mint('alice', T0 + 3600), 'alice', T0)).toEqual({ ok: true, kind: '006', expiresAt: T0 + 3600 });
  });

  it('falls back to the 24 h ts when privilege 1000 is 0 (unset) or later than ts', () => {
    expect(check(mint('alice', 0), 'alice', T0)).toEqual({ ok: true, kind: '006', expiresAt: T0 + DAY });
    expect(check(mint('alice', T0 + 2 * DAY), 'alice', T0)).toEqual({ ok: true, kind: '006', expiresAt: T0 + DAY });
  });

  it('is valid up to expiresAt - 1 and expired from expiresAt on (privilege bound)', () => {
    const token = mint('alice', T0 + 3600);
    expect(check(token, 'alice', T0 + 3599).ok).toBe(true);
    expect(check(token, 'alice', T0 + 3600)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
    expect(check(token, 'alice', T0 + 3601)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
  });

  it('is valid up to ts - 1 and expired from ts on (24 h bound)', () => {
    const token = mint('alice', 0);
    expect(check(token, 'alice', T0 + DAY - 1).ok).toBe(true);
    expect(check(token, 'alice', T0 + DAY)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
    expect(check(token, 'alice', T0 + DAY + 1)).toMatchObject({ ok: false, reason: 'TOKEN_EXPIRED' });
  });

  it('refuses a token signed with another certificate', () => {
    expect(check(mint('alice', 0, APP_ID, OTHER_CERT), 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });

  it('refuses a token minted for another user', () => {
    expect(check(mint('alice', 0), 'bob', T0)).toMatchObject({ ok: false, reason: 'UID_MISMATCH' });
  });

  it('refuses a token minted for another appId', () => {
    expect(check(mint('alice', 0, OTHER_APP_ID), 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_APP_ID' });
  });

  it('refuses an RTC token (non-empty uid) even when its channel name is the account', () => {
    const rtc = mintAt(T0, () => {
      const t = new AccessToken(APP_ID, CERT, 'alice', 42);
      t.addPriviledge(priviledges.kRtmLogin, 0);
      return t.build();
    });
    expect(check(rtc, 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });

  it('refuses a genuine token that grants no RTM login privilege', () => {
    const joinOnly = mintAt(T0, () => {
      const t = new AccessToken(APP_ID, CERT, 'alice', '');
      t.addPriviledge(priviledges.kJoinChannel, 0);
      return t.build();
    });
    expect(check(joinOnly, 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
  });
});

describe('006 damaged tokens', () => {
  const token = mint('alice', T0 + 3600);
  const head = token.slice(0, 35);
  const content = Buffer.from(token.slice(35), 'base64');

  it('refuses every single-bit flip of the binary content as INVALID_TOKEN', () => {
    // This includes the unsigned CRC fields: a flip there leaves the HMAC valid, so the CRC check must catch it.
    for (const { index, flipped } of bitFlips(content)) {
      const verdict = check(head + flipped.toString('base64'), 'alice', T0);
      expect({ index, verdict }).toMatchObject({ index, verdict: { ok: false, reason: 'INVALID_TOKEN' } });
    }
  });

  it('refuses every truncation as INVALID_TOKEN', () => {
    for (let length = 0; length < token.length; length++) {
      expect(check(token.slice(0, length), 'alice', T0)).toMatchObject({ ok: false, reason: 'INVALID_TOKEN' });
    }
  });

  it('does not parse trailing bytes, bad base64 or a missing body', () => {
    expect(parseToken006(head + Buffer.concat([content, Buffer.from([0])]).toString('base64'))).toBeNull();
    expect(parseToken006(`${token}=`)).toBeNull();
    expect(parseToken006(head)).toBeNull();
    expect(parseToken006(`007${token.slice(3)}`)).toBeNull();
  });
});
