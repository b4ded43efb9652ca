/**
 * Token minting for local testing (`sig2rtm token`), with Agora's own builders from the
 * `agora-token` package: AccessToken2 "007", AccessToken "006" and the legacy Signaling token.
 */

import { RtmTokenBuilder as RtmTokenBuilder2 } from 'agora-token';
import { RtmTokenBuilder } from 'agora-token/src/RtmTokenBuilder';
import SignalingToken from 'agora-token/src/SignalingToken';

export type TokenKind = '007' | '006' | 'legacy';

export interface MintInput {
  kind: TokenKind;
  appId: string;
  certificate: string;
  uid: string;
  /** Lifetime in seconds from now. */
  expireSeconds: number;
  /** Unix seconds; for reproducible tokens in tests (007 and 006 still add a random salt). */
  nowSec?: number;
}

export function mintToken(input: MintInput): string {
  const now = input.nowSec ?? Math.floor(Date.now() / 1000);
  switch (input.kind) {
    case '007':
      return RtmTokenBuilder2.buildToken(input.appId, input.certificate, input.uid, input.expireSeconds);
    case '006':
      // role 1 (Rtm_User); the privilege expiry is absolute Unix seconds.
      return RtmTokenBuilder.buildToken(input.appId, input.certificate, input.uid, 1, now + input.expireSeconds);
    case 'legacy':
      return SignalingToken.get(input.appId, input.certificate, input.uid, input.expireSeconds);
  }
}
