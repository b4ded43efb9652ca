/**
 * State shared by the legacy engine's parts: the underlying RtmClient, the legacy login state, the
 * joined channels, the calls, and the helpers every part uses (callback delivery, uids, the
 * "not logged in" check, error mapping).
 */

import { crc32 } from '../../rtm-core/auth/crc32';
import type { Clock } from '../../rtm-core/clock';
import type { RtmChannel } from '../../rtm-core/client/channel';
import type { RtmClient } from '../../rtm-core/client/client';
import type { LocalInvitation, RemoteInvitation } from '../../rtm-core/client/invitation';
import type { AttributeSnapshot } from '../../mapping/emulations/attribute-diff';
import type { CallRecord, Fire } from '../../mapping/bindings';
import type { CompatOptions } from '../../mapping/compat';
import { AgoraECode, type AgoraECodeValue, type LoginStateValue } from '../../mapping/legacy-codes';
import { operationName } from '../../mapping/operations';

export interface JoinedChannel {
  readonly rtm: RtmChannel;
  readonly attributes: AttributeSnapshot;
  unbind(): void;
}

export interface Call extends CallRecord {
  local?: LocalInvitation;
  remote?: RemoteInvitation;
  timeout?: ReturnType<Clock['setTimeout']>;
  unbind?: () => void;
}

export class EngineContext {
  client: RtmClient | undefined;
  appId: string | undefined;
  account: string | undefined;
  status: LoginStateValue = 0;
  /** Reconnect attempts since the last time we were connected (for onReconnecting). */
  reconnects = 0;
  readonly channels = new Map<string, JoinedChannel>();
  readonly calls = new Map<string, Call>();
  /** The user's own attributes, kept for compat `userAttributes: 'instance'`. */
  readonly myAttributes = new Map<string, string>();
  private msgCounter = 0;

  constructor(
    readonly compat: CompatOptions,
    readonly clock: Clock,
    readonly fire: Fire,
  ) {}

  /** The stable uid of an account (compat uids), cached: callbacks ask for it on every message. */
  readonly uidOf = (account: string): number => {
    if (this.compat.uids === 'zero') return 0;
    let uid = this.uids.get(account);
    if (uid === undefined) {
      uid = crc32(account) >>> 0;
      if (this.uids.size >= 10_000) this.uids.clear();
      this.uids.set(account, uid);
    }
    return uid;
  };
  private readonly uids = new Map<string, number>();

  log(line: string): void {
    this.fire('onLog', `[sig2rtm] ${line}`);
  }

  /** The client if logged in (or reconnecting); otherwise `onError(operation, 1003)` and undefined. */
  loggedIn(method: string): RtmClient | undefined {
    if ((this.status === 2 || this.status === 3) && this.client) return this.client;
    this.error(method, AgoraECode.GENERAL_E_NOT_LOGIN, 'not login');
    return undefined;
  }

  /** `onError` names the failing operation as the SDKs did (`query_user_status`), not the method. */
  error(method: string, ecode: AgoraECodeValue, desc: string): void {
    const op = operationName(method);
    this.fire('onError', op, ecode, `${op}: ${desc}`);
  }

  /** A message id as the SDK made one when the app passed "". */
  messageId(msgID: string): string {
    if (msgID !== '') return msgID;
    this.msgCounter = (this.msgCounter + 1) % 1_000_000;
    return `${this.clock.now() % 1_000_000}${String(this.msgCounter).padStart(6, '0')}`;
  }
}

/** Key of a call: legacy Signaling keyed calls by (channel, peer). */
export function callKey(channelId: string, peer: string): string {
  return `${channelId}\u0000${peer}`;
}

/** The numeric code of an RTM error, or undefined for anything else. */
export function rtmCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
